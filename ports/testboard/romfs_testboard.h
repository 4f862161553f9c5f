/*
 * The test boards' flash: two simulated devices, each holding one ROM
 * segment.  The board provides the memory (and what a power cut does).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef ROMFS_TESTBOARD_H
#define ROMFS_TESTBOARD_H

#include <stdint.h>

/* Bytes of device `dev` (0: STM32F767 internal flash, 1: W25Q128 NOR),
 * `size` long, erased (0xff) when first created; NULL on failure. */
uint8_t *romfs_testboard_memory(unsigned dev, uint32_t size);

/* Called once device `dev`'s simulator is attached (a board may arm a
 * power cut here). */
void romfs_testboard_attached(unsigned dev);

/* Called when the simulated power is cut during a flash operation: the
 * board stops as a device losing power would. */
void romfs_testboard_power_lost(void);

/* With ROMFS_TESTBOARD_REALTIME, each flash operation also takes its
 * maximum datasheet time in real time: the board waits `ns` nanoseconds. */
void romfs_testboard_wait_ns(uint64_t ns);

/* Device addresses: where each device's first sector is, as a driver
 * would address it. */
#ifndef ROMFS_TESTBOARD_F767_BASE
#define ROMFS_TESTBOARD_F767_BASE (0x08000000)
#endif
#ifndef ROMFS_TESTBOARD_NOR_BASE
#define ROMFS_TESTBOARD_NOR_BASE (0x90000000)
#endif
/* Bytes of each device the board holds (a W25Q128 is 16 MiB; the boards
 * hold its first 8 MiB, which is the segment). */
#define ROMFS_TESTBOARD_F767_SIZE (2 * 1024 * 1024)
#define ROMFS_TESTBOARD_NOR_SIZE (8 * 1024 * 1024)

#endif
