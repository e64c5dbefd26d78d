/* zero: a device of zeros. Reads return zeros, writes, discards and
 * write-zeroes are accepted and dropped, as the kernel's dm-zero does. */
#include <errno.h>
#include <string.h>

#include "ulvm/target.h"
#include "util/strbuf.h"

/* Construct: (no arguments) */
static int zero_ctr(struct target *ti, int argc, char **argv)
{
	if (argc != 0)
		return target_fail(ti, 1, "no arguments required");
	/* Discards are silently dropped rather than refused. */
	ti->num_discard_ios = 1;
	return 0;
}

static void zero_dtr(struct target *ti)
{
}

/* Completes every io at once: nothing is stored, so nothing can fail. */
static int zero_map(struct target *ti, struct io *io)
{
	if (io->op == IO_READ)
		memset(io->data, 0, io_bytes(io));
	io_complete(io, 0);
	return MAP_SUBMITTED;
}

/* Both forms are empty: the target has no arguments and no state. */
static void zero_status(struct target *ti, enum status_type type, unsigned flags,
			struct strbuf *out)
{
}

const struct target_type zero_target = {
    .name = "zero",
    .version = {1, 2, 0},
    .ctr = zero_ctr,
    .dtr = zero_dtr,
    .map = zero_map,
    .status = zero_status,
};
