/* LVM2's CRC-32 variant (formats.md §2.5): the reflected 0xEDB88320 table
 * of zlib, seeded with 0xF597A6CF, no initial or final inversion. It
 * protects the label sector, the mda header and the metadata text. */
#ifndef ULVM_FORMAT_TEXT_CRC_H
#define ULVM_FORMAT_TEXT_CRC_H

#include <stddef.h>
#include <stdint.h>

#define LVM_INITIAL_CRC 0xF597A6CFu

/* Continues `crc` over `len` bytes; start with LVM_INITIAL_CRC. Feeding a
 * buffer in pieces gives the same result as feeding it whole, which is how
 * a wrapped metadata copy is checked. */
uint32_t lvm_crc(uint32_t crc, const void *buf, size_t len);

#endif
