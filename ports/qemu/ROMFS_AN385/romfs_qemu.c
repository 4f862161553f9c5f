/*
 * Flash of the qemu test firmware: the mps2-an385's 16 MB PSRAM at
 * 0x21000000, which QEMU maps as RAM.  It holds zeros at power-on, so each
 * device is erased (0xff) when first used; it keeps its bytes across soft
 * resets, not across QEMU runs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/mphal.h"
#include "romfs_testboard.h"

#if MICROPY_VFS_ROM_IOCTL

uint8_t *romfs_testboard_memory(unsigned dev, uint32_t size) {
    uint8_t *mem = (uint8_t *)(dev == 0 ? ROMFS_TESTBOARD_F767_BASE : ROMFS_TESTBOARD_NOR_BASE);
    memset(mem, 0xff, size);
    return mem;
}

void romfs_testboard_attached(unsigned dev) {
    (void)dev;
}

void romfs_testboard_power_lost(void) {
    mp_hal_stdout_tx_str("ROMFS: power lost\r\n");
    for (;;) {
    }
}

#endif
