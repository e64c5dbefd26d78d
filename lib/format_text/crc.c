#include "crc.h"

#include <pthread.h>

#include "util/le.h"

/* Slicing by 8: table[k][b] is the CRC of byte b followed by k zero bytes,
 * so eight bytes are folded with eight independent lookups instead of a
 * chain of eight. Every command checks each metadata copy it reads and
 * writes (100s of KiB in a VG of 500 LVs), where the byte-wise loop cost
 * about a millisecond. */
static uint32_t table[8][256];

static void table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (uint32_t i = 0; i < 256; i++)
			table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xff];
}

uint32_t lvm_crc(uint32_t crc, const void *buf, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const unsigned char *p = buf;

	pthread_once(&once, table_init);
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ get_le32(p), hi = get_le32(p + 4);
		crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^
		      table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^ table[3][hi & 0xff] ^
		      table[2][(hi >> 8) & 0xff] ^ table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
	}
	while (len--)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}
