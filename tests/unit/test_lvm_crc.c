/* Unit tests for lib/format_text/crc.c: the vectors of formats.md §2.5. */
#include "format_text/crc.c"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The plain byte-at-a-time loop the sliced one must agree with. */
static uint32_t crc_bytewise(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len--)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* Every length 0..40 at every alignment 0..7, and a long buffer. */
static void test_sliced_equals_bytewise(void)
{
	unsigned char buf[4096 + 8];

	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)rand();
	lvm_crc(0, "", 0); /* builds the tables */
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 40; len++)
			assert(lvm_crc(LVM_INITIAL_CRC, buf + off, len) ==
			       crc_bytewise(LVM_INITIAL_CRC, buf + off, len));
	assert(lvm_crc(LVM_INITIAL_CRC, buf + 3, 4096) ==
	       crc_bytewise(LVM_INITIAL_CRC, buf + 3, 4096));
}

int main(void)
{
	unsigned char zeros[492] = {0};
	const char *digits = "123456789";

	assert(lvm_crc(LVM_INITIAL_CRC, "", 0) == 0xF597A6CFu);
	assert(lvm_crc(LVM_INITIAL_CRC, digits, 9) == 0x4991CF02u);
	assert(lvm_crc(LVM_INITIAL_CRC, zeros, sizeof(zeros)) == 0x02C81F10u);
	/* Feeding in pieces equals feeding whole (wrapped metadata copies). */
	uint32_t c = lvm_crc(LVM_INITIAL_CRC, digits, 4);
	assert(lvm_crc(c, digits + 4, 5) == 0x4991CF02u);
	test_sliced_equals_bytewise();
	return 0;
}
