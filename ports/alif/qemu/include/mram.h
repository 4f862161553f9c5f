/*
 * Stand-in for the Alif DFP's drivers/include/mram.h on the emulation
 * board: only what ports/alif/romfs_port.c uses, with the DFP's names and
 * signature.  The function is emulated in ../ENSEMBLE_AN385/alif_emu.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef ROMFS_ALIF_EMU_MRAM_H
#define ROMFS_ALIF_EMU_MRAM_H

#include <stdint.h>

// Bytes of one MRAM write (128 bits).
#define MRAM_SECTOR_SIZE (0x10)

// Writes 16 bytes from `p_src` (any alignment) to MRAM at `p_dst`
// (16-byte aligned, with the MPU letting the CPU write MRAM).
void mram_write_128bit(uint8_t *p_dst, const uint8_t *p_src);

#endif
