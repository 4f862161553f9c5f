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

// SysTick, counting down from 2^24 - 1 at the MPS2-AN385's 25 MHz clock
// (QEMU ticks it in host time): 40 ns a tick.
#define SYST_CSR (*(volatile uint32_t *)0xe000e010)
#define SYST_RVR (*(volatile uint32_t *)0xe000e014)
#define SYST_CVR (*(volatile uint32_t *)0xe000e018)

void romfs_testboard_wait_ns(uint64_t ns) {
    // 32-bit arithmetic (a 64-bit division would pull in a libgcc helper
    // whose unwind table mps2.ld does not place); no wait here exceeds 4 s.
    uint32_t ticks = (ns > 0xffffffffu ? 0xffffffffu : (uint32_t)ns) / 40;
    SYST_RVR = 0xffffff;
    SYST_CVR = 0;
    SYST_CSR = 5; // enabled, processor clock, no interrupt
    uint32_t last = SYST_CVR;
    while (ticks) {
        uint32_t now = SYST_CVR;
        uint32_t passed = (last - now) & 0xffffff;
        ticks -= passed < ticks ? passed : ticks;
        last = now;
    }
}

void romfs_testboard_power_lost(void) {
    mp_hal_stdout_tx_str("ROMFS: power lost\r\n");
    for (;;) {
    }
}

#endif
