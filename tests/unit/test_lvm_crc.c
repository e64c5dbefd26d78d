/* Unit tests for lib/format_text/crc.c: the vectors of formats.md §2.5. */
#include "format_text/crc.c"

#include <assert.h>
#include <string.h>

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
	return 0;
}
