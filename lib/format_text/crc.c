#include "crc.h"

#include <pthread.h>

#include "util/le.h"

/* Slicing by 16: table[k][b] is the CRC of byte b followed by k zero
 * bytes, so sixteen bytes are folded with independent lookups instead of
 * a chain of sixteen. Every command checks each metadata copy it reads and
 * writes (100s of KiB in a VG of 500 LVs), where the byte-wise loop cost
 * about a millisecond. */
static uint32_t table[16][256];

static void table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[0][i] = c;
	}
	for (int k = 1; k < 16; k++)
		for (uint32_t i = 0; i < 256; i++)
			table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xff];
}

uint32_t lvm_crc(uint32_t crc, const void *buf, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const unsigned char *p = buf;

	pthread_once(&once, table_init);
	for (; len >= 16; len -= 16, p += 16) {
		uint32_t a = crc ^ get_le32(p), b = get_le32(p + 4), c = get_le32(p + 8),
			 d = get_le32(p + 12);
		crc = table[15][a & 0xff] ^ table[14][(a >> 8) & 0xff] ^
		      table[13][(a >> 16) & 0xff] ^ table[12][a >> 24] ^ table[11][b & 0xff] ^
		      table[10][(b >> 8) & 0xff] ^ table[9][(b >> 16) & 0xff] ^ table[8][b >> 24] ^
		      table[7][c & 0xff] ^ table[6][(c >> 8) & 0xff] ^ table[5][(c >> 16) & 0xff] ^
		      table[4][c >> 24] ^ table[3][d & 0xff] ^ table[2][(d >> 8) & 0xff] ^
		      table[1][(d >> 16) & 0xff] ^ table[0][d >> 24];
	}
	while (len--)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}
