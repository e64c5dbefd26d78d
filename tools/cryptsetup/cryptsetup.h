/* `ulvm cryptsetup`: the shared pieces of its actions.
 *
 * Each action is `int fn(struct cs_ctx *)` returning the exit status and
 * is listed in tools/cryptsetup/commands.def. Options are global, as in
 * the real cryptsetup. Exit codes follow cryptsetup: 0 ok, 1 wrong
 * parameters, 2 no permission (bad passphrase), 3 out of memory, 4 wrong
 * device, 5 device busy or already exists.
 */
#ifndef ULVM_TOOLS_CRYPTSETUP_H
#define ULVM_TOOLS_CRYPTSETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "luks/luks.h"

enum { CS_OK = 0, CS_EINVAL = 1, CS_EPERM = 2, CS_ENOMEM = 3, CS_ENODEV = 4, CS_EEXIST = 5 };

struct cs_opts {
	const char *type;      /* --type: plain, luks, luks1, luks2 */
	const char *key_file;  /* --key-file, "-" = stdin */
	uint64_t keyfile_size; /* --keyfile-size, 0 = all */
	const char *cipher;
	const char *hash;
	const char *pbkdf;
	const char *uuid;
	const char *label;
	uint32_t key_size; /* bits */
	uint32_t sector_size;
	uint32_t iter_time; /* ms */
	uint32_t pbkdf_iterations;
	uint32_t pbkdf_memory;
	uint32_t pbkdf_parallel;
	uint64_t offset, skip, size; /* plain: sectors */
	int key_slot;		     /* -1 = any */
	bool readonly, allow_discards, batch, dump_volume_key, test_passphrase, verbose;
	bool help, version;
};

struct cs_ctx {
	struct cs_opts *o;
	int argc; /* operands after the action name */
	char **argv;
};

typedef int (*cs_fn)(struct cs_ctx *ctx);

struct cs_action {
	const char *name;
	cs_fn fn;
	int min_args, max_args;
	const char *usage;
};

#define CS_ACTION(name, fn, min, max, usage) int fn(struct cs_ctx *ctx);
#include "commands.def"
#undef CS_ACTION

int cs_parse_options(int argc, char **argv, struct cs_opts *o, int *first);

/* "cryptsetup: <message>" on stderr; returns `status`. */
int cs_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The current err_msg() the same way, with the status for its errno. */
int cs_fail(int err);
/* Asks "Are you sure? (Type 'yes' in capital letters): " unless --batch-mode. */
bool cs_confirm(const struct cs_opts *o, const char *question);

/* A passphrase: from --key-file (binary, whole file or keyfile_size), or
 * from stdin up to a newline, or prompted on the terminal. Secure memory;
 * release with cs_pass_free. `prompt` is shown only on a terminal.
 * `use_key_file` false skips --key-file (the new passphrase of luksAddKey). */
struct cs_pass {
	char *buf;
	size_t len, cap;
};
int cs_read_pass(const struct cs_opts *o, const char *file, const char *prompt, bool verify,
		 struct cs_pass *out);
void cs_pass_free(struct cs_pass *p);

/* Opens `path` (O_RDWR unless read_only) and its size in bytes. */
int cs_open_device(const char *path, bool read_only, int *fd, uint64_t *size);
/* Loads a LUKS header, printing the warning of a damaged primary. */
int cs_load(int fd, const char *path, struct luks_hdr *hdr);
/* PBKDF parameters for a new key slot from the options. */
void cs_pbkdf(const struct cs_opts *o, struct luks_pbkdf *p);

#endif
