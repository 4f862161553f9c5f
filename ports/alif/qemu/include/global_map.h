/*
 * Stand-in for the Alif DFP's Device/common/include/global_map.h on the
 * emulation board (mps2-an385 under QEMU): the macros
 * ports/alif/romfs_port.c uses, with the same names, giving where the
 * emulated memories sit in the board's 16 MiB PSRAM (0x21000000).
 *
 *   MRAM        5.5 MiB, as on the Ensemble E7 (real: 0x80000000)
 *   OSPI0 XIP   the first 8 MiB of an emulated 32 MiB IS25WX256
 *               (real: 0xa0000000, a 512 MiB window)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef ROMFS_ALIF_EMU_GLOBAL_MAP_H
#define ROMFS_ALIF_EMU_GLOBAL_MAP_H

#define MRAM_BASE       0x21000000
#define MRAM_SIZE       0x00580000

#define OSPI0_XIP_BASE  0x21600000
#define OSPI0_XIP_SIZE  0x00800000

#endif
