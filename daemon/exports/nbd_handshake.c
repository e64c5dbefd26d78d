/* Fixed newstyle option haggling.
 *
 * Export names are mapped-device names. The empty name ("default export")
 * is always refused with NBD_REP_ERR_UNKNOWN: picking "the only device"
 * would make a client silently switch devices, or start failing, the
 * moment a second device appears; naming the device is always possible.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exports/nbd_int.h"
#include "util/strbuf.h"

/* Options larger than this are not read into memory: we skip their data
 * and answer NBD_REP_ERR_TOO_BIG; beyond NBD_OPTION_SKIP_MAX we hang up. */
#define NBD_OPTION_SKIP_MAX (1u << 20)

void nbd_send_greeting(struct nbd_conn *c)
{
	uint8_t hello[NBD_HELLO_LEN];

	nbd_encode_hello(hello);
	nbd_conn_queue_copy(c, hello, sizeof(hello), NULL, 0);
}

static void opt_reply(struct nbd_conn *c, uint32_t option, uint32_t type, const void *data,
		      uint32_t len)
{
	uint8_t hdr[NBD_OPT_REPLY_HDR_LEN];

	nbd_encode_opt_reply(hdr, option, type, len);
	nbd_conn_queue_copy(c, hdr, sizeof(hdr), data, len);
}

static void opt_error(struct nbd_conn *c, uint32_t option, uint32_t type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void opt_error(struct nbd_conn *c, uint32_t option, uint32_t type, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	opt_reply(c, option, type, msg, (uint32_t)n);
}

/* Looks `name` up and fills c->exp; with `open` also holds the device
 * open for the connection. Returns 0 or an NBD_REP_ERR_* with a reply
 * already queued. */
static uint32_t export_find(struct nbd_conn *c, uint32_t option, const char *name, bool open)
{
	struct mapped_device *md;

	if (!*name) {
		opt_error(c, option, NBD_REP_ERR_UNKNOWN,
			  "no default export: name a mapped device");
		return NBD_REP_ERR_UNKNOWN;
	}
	md = md_lookup(name);
	if (!md) {
		opt_error(c, option, NBD_REP_ERR_UNKNOWN, "export '%s' not found", name);
		return NBD_REP_ERR_UNKNOWN;
	}
	if (open && md_open(md, &c->opener) < 0) {
		md_put(md);
		opt_error(c, option, NBD_REP_ERR_UNKNOWN, "export '%s' is being removed", name);
		return NBD_REP_ERR_UNKNOWN;
	}
	c->exp.size = md_size(md) << SECTOR_SHIFT;
	c->exp.read_only = md_read_only(md);
	c->exp.block_size = md_block_size(md);
	if (open) {
		c->md = md;
		c->opened = true;
	} else {
		md_put(md);
	}
	return 0;
}

/* NBD_OPT_INFO and NBD_OPT_GO: the export's size and flags, our block
 * sizes (sent even unasked, which the protocol allows), its name if asked. */
static void handle_go(struct nbd_conn *c, uint32_t option, const uint8_t *data, uint32_t len)
{
	struct nbd_go_option go;
	char name[NBD_STRING_MAX + 1];
	uint8_t info[16 + NBD_STRING_MAX];
	size_t n;

	if (nbd_go_option_parse(data, len, &go)) {
		opt_error(c, option, NBD_REP_ERR_INVALID, "malformed option data");
		return;
	}
	memcpy(name, go.name, go.name_len);
	name[go.name_len] = '\0';
	if (export_find(c, option, name, option == NBD_OPT_GO))
		return;
	n = nbd_encode_info_export(info, c->exp.size, nbd_transmission_flags(c->exp.read_only));
	opt_reply(c, option, NBD_REP_INFO, info, (uint32_t)n);
	n = nbd_encode_info_block_size(info, c->exp.block_size);
	opt_reply(c, option, NBD_REP_INFO, info, (uint32_t)n);
	if (nbd_go_option_wants(&go, NBD_INFO_NAME)) {
		nbd_put16(info, NBD_INFO_NAME);
		memcpy(info + 2, name, go.name_len);
		opt_reply(c, option, NBD_REP_INFO, info, 2 + go.name_len);
	}
	opt_reply(c, option, NBD_REP_ACK, NULL, 0);
	if (option == NBD_OPT_GO)
		c->phase = PHASE_TRANSMISSION;
}

/* The old way in: no error possible, so failures hang up. */
static void handle_export_name(struct nbd_conn *c, const uint8_t *data, uint32_t len)
{
	char name[NBD_STRING_MAX + 1];
	uint8_t reply[8 + 2 + 124] = {0};

	memcpy(name, data, len);
	name[len] = '\0';
	if (memchr(name, '\0', len) || export_find(c, NBD_OPT_EXPORT_NAME, name, true)) {
		nbd_conn_abort(c, "unknown export");
		return;
	}
	nbd_put64(reply, c->exp.size);
	nbd_put16(reply + 8, nbd_transmission_flags(c->exp.read_only));
	nbd_conn_queue_copy(c, reply, 0, reply, c->no_zeroes ? 10 : sizeof(reply));
	c->phase = PHASE_TRANSMISSION;
}

static void list_one(struct mapped_device *md, void *data)
{
	struct strbuf *sb = data;
	const char *name = md_name(md);

	sb_add(sb, name, strlen(name) + 1);
}

static void handle_list(struct nbd_conn *c)
{
	struct strbuf names = STRBUF_INIT;
	uint8_t entry[4 + NBD_STRING_MAX];

	md_foreach(list_one, &names);
	for (size_t off = 0; off < names.len;) {
		const char *name = names.buf + off;
		size_t len = strlen(name);

		if (len <= NBD_STRING_MAX) {
			nbd_put32(entry, (uint32_t)len);
			memcpy(entry + 4, name, len);
			opt_reply(c, NBD_OPT_LIST, NBD_REP_SERVER, entry, 4 + (uint32_t)len);
		}
		off += len + 1;
	}
	sb_release(&names);
	opt_reply(c, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
}

static void handle_option(struct nbd_conn *c, uint32_t option, const uint8_t *data, uint32_t len)
{
	switch (option) {
	case NBD_OPT_EXPORT_NAME:
		handle_export_name(c, data, len);
		return;
	case NBD_OPT_INFO:
	case NBD_OPT_GO:
		handle_go(c, option, data, len);
		return;
	case NBD_OPT_ABORT:
		opt_reply(c, option, NBD_REP_ACK, NULL, 0);
		nbd_conn_close(c);
		return;
	case NBD_OPT_LIST:
	case NBD_OPT_STRUCTURED_REPLY:
		if (len) {
			opt_error(c, option, NBD_REP_ERR_INVALID, "option takes no data");
		} else if (option == NBD_OPT_LIST) {
			handle_list(c);
		} else {
			c->structured = true;
			opt_reply(c, option, NBD_REP_ACK, NULL, 0);
		}
		return;
	default:
		/* STARTTLS included: we run without TLS (unix socket, or TCP
		 * on a trusted network). */
		opt_error(c, option, NBD_REP_ERR_UNSUP, "option %u not supported", option);
		return;
	}
}

/* One option header plus its data. Returns bytes used, 0 for "need more". */
static long options_input(struct nbd_conn *c, const uint8_t *p, uint32_t avail)
{
	uint32_t option, len;

	if (avail < NBD_OPTION_HDR_LEN)
		return 0;
	if (nbd_get64(p) != NBD_OPTS_MAGIC) {
		nbd_conn_abort(c, "bad option magic");
		return -1;
	}
	option = nbd_get32(p + 8);
	len = nbd_get32(p + 12);
	if (len > NBD_OPTION_MAX || (option == NBD_OPT_EXPORT_NAME && len > NBD_STRING_MAX)) {
		/* EXPORT_NAME cannot be answered with an error. */
		if (option == NBD_OPT_EXPORT_NAME || len > NBD_OPTION_SKIP_MAX) {
			nbd_conn_abort(c, "option too large");
			return -1;
		}
		opt_error(c, option, NBD_REP_ERR_TOO_BIG, "option data too large (%u bytes)", len);
		c->skip = len;
		return NBD_OPTION_HDR_LEN;
	}
	if (avail - NBD_OPTION_HDR_LEN < len)
		return 0;
	handle_option(c, option, p + NBD_OPTION_HDR_LEN, len);
	if (c->dead)
		return -1;
	return NBD_OPTION_HDR_LEN + len;
}

long nbd_handshake_input(struct nbd_conn *c, const uint8_t *p, uint32_t avail)
{
	uint32_t flags;

	if (c->phase == PHASE_OPTIONS)
		return options_input(c, p, avail);
	if (avail < 4)
		return 0;
	flags = nbd_get32(p);
	if (!nbd_client_flags_valid(flags)) {
		nbd_conn_abort(c, "unknown client flags");
		return -1;
	}
	c->no_zeroes = flags & NBD_FLAG_C_NO_ZEROES;
	c->phase = PHASE_OPTIONS;
	return 4;
}
