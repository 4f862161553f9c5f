/*
 * The smallest real port glue: one 1 MiB segment of 4 KiB "sectors" in the
 * mps2-an385's PSRAM, erased with memset and programmed by clearing bits,
 * as NOR flash does.  For measuring the module's cost in a firmware link
 * (tools/firmware_size.sh), not for tests.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "mp_romfs.h"

#if MICROPY_VFS_ROM_IOCTL

#define SEG_BASE (0x21000000)
#define SEG_SIZE (1024 * 1024)

static const mp_romfs_sector_run_t runs[] = { { SEG_SIZE / 4096, 12 } };
static const mp_romfs_geometry_t geom = { runs, 1, SEG_BASE, 1 << 16, 2, 0xff, 0 };
static const mp_romfs_segment_t segs[] = { { (const uint8_t *)SEG_BASE, SEG_BASE, SEG_SIZE, &geom, NULL } };
static struct mp_romfs_state states[1];
static const mp_romfs_table_t table = { segs, states, 1 };

const mp_romfs_table_t *mp_romfs_port_table(void) {
    return &table;
}

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    (void)seg;
    memset((void *)addr, 0xff, size);
    return 0;
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    (void)seg;
    uint8_t *dst = (uint8_t *)addr;
    while (len--) {
        *dst++ &= *src++;
    }
    return 0;
}

void mp_romfs_port_poll(void) {
    mp_event_handle_nowait();
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    (void)seg;
}

#endif
