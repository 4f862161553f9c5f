/*
 * vfs.rom_ioctl on the alif port: the ROMFS partitions described to the
 * core (c_glue/mp_romfs_port.h) and the port's own drivers behind its hooks.
 *
 *   MRAM   no erase; written in 16-byte units with mram_write_128bit while
 *          the MPU lets the CPU write MRAM (mpu_config_mram).
 *   OSPI   NOR flash behind the OSPI XIP window: ospi_flash_erase_sector
 *          (4 KiB), ospi_flash_write (address and length multiples of 4),
 *          and 64 KiB block erases if the port defines the optional
 *          ospi_flash_erase_block_64k (below).
 *
 * Which one a partition is on follows from its address, as in the port's
 * own vfs_rom_ioctl.c.  The core calls the hooks with whole program units
 * only (it pads a short tail itself), so nothing here reads past the
 * caller's buffer.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/mperrno.h"

#include "global_map.h"     // MRAM_BASE, MRAM_SIZE, OSPI0_XIP_SIZE (Alif DFP)
#include "mram.h"           // mram_write_128bit, MRAM_SECTOR_SIZE (Alif DFP)
#include "mpu.h"            // mpu_config_mram (port)
#include "ospi_flash.h"     // ospi_flash_* (port)

#include "mp_romfs.h"

#if MICROPY_VFS_ROM_IOCTL

// Partitions: the board's macros, else the linker script's symbols.
#if MICROPY_HW_ROMFS_ENABLE_PART0 && !defined(MICROPY_HW_ROMFS_PART0_START)
extern uint8_t _micropy_hw_romfs_part0_start, _micropy_hw_romfs_part0_size;
#define MICROPY_HW_ROMFS_PART0_START ((uintptr_t)&_micropy_hw_romfs_part0_start)
#define MICROPY_HW_ROMFS_PART0_SIZE ((uintptr_t)&_micropy_hw_romfs_part0_size)
#endif
#if MICROPY_HW_ROMFS_ENABLE_PART1 && !defined(MICROPY_HW_ROMFS_PART1_START)
extern uint8_t _micropy_hw_romfs_part1_start, _micropy_hw_romfs_part1_size;
#define MICROPY_HW_ROMFS_PART1_START ((uintptr_t)&_micropy_hw_romfs_part1_start)
#define MICROPY_HW_ROMFS_PART1_SIZE ((uintptr_t)&_micropy_hw_romfs_part1_size)
#endif

static const struct {
    uintptr_t start;
    uint32_t size;
} parts[] = {
    #if MICROPY_HW_ROMFS_ENABLE_PART0
    { MICROPY_HW_ROMFS_PART0_START, MICROPY_HW_ROMFS_PART0_SIZE },
    #endif
    #if MICROPY_HW_ROMFS_ENABLE_PART1
    { MICROPY_HW_ROMFS_PART1_START, MICROPY_HW_ROMFS_PART1_SIZE },
    #endif
};
#define NPARTS MP_ARRAY_SIZE(parts)

// MRAM: 16-byte units (MRAM_SECTOR_SIZE), any value over any value.  It
// has no sectors; the 4 KiB runs only set what op 6 offers.
static const mp_romfs_sector_run_t mram_runs[] = { { MRAM_SIZE >> 12, 12 } };
static const mp_romfs_geometry_t mram_geom = {
    mram_runs, 1, MRAM_BASE, 0, 4, 0xff, MP_ROMFS_NO_ERASE
};

#if MICROPY_HW_ENABLE_OSPI
// OSPI NOR: device addresses are offsets into the XIP window, 4 KiB
// sectors, 32-bit words; [1] also has 64 KiB block erases.
static const mp_romfs_sector_run_t ospi_runs[] = { { OSPI0_XIP_SIZE >> 12, 12 } };
static const mp_romfs_geometry_t ospi_geom[2] = {
    { ospi_runs, 1, 0, 0, 2, 0xff, 0 },
    { ospi_runs, 1, 0, 1u << 16, 2, 0xff, 0 },
};

// Optional: erase the 64 KiB block at `addr` (64 KiB aligned, a device
// address as for ospi_flash_erase_sector); 0 or a negative error.  The
// port's OSPI driver has none; a port that adds one gets block erases
// here, else every erase is a 4 KiB sector erase.
int ospi_flash_erase_block_64k(uint32_t addr) __attribute__((weak));
#endif

static mp_romfs_segment_t segs[NPARTS];
static struct mp_romfs_state states[NPARTS];
static const mp_romfs_table_t table = { segs, states, NPARTS };

const mp_romfs_table_t *mp_romfs_port_table(void) {
    // Filled on first use, once the OSPI driver knows its XIP window.  A
    // partition on neither memory keeps no geometry: the core then answers
    // -EIO to everything but ops 1 and 2.
    for (size_t i = 0; i < NPARTS && segs[i].mem == NULL; ++i) {
        uintptr_t start = parts[i].start;
        mp_romfs_segment_t *s = &segs[i];
        s->mem = (const uint8_t *)start;
        s->addr = start;
        s->len = parts[i].size;
        if (start - MRAM_BASE < MRAM_SIZE) {
            s->geom = &mram_geom;
            continue;
        }
        #if MICROPY_HW_ENABLE_OSPI
        uintptr_t off = start - ospi_flash_get_xip_base();
        if (off < OSPI0_XIP_SIZE) {
            s->addr = off;
            s->geom = &ospi_geom[ospi_flash_erase_block_64k != NULL];
        }
        #endif
    }
    return &table;
}

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    #if MICROPY_HW_ENABLE_OSPI
    if (seg->geom != &mram_geom) {
        if (size == 4096) {
            return ospi_flash_erase_sector(addr);
        }
        if (size == 65536 && ospi_flash_erase_block_64k != NULL) {
            return ospi_flash_erase_block_64k(addr);
        }
    }
    #endif
    return -MP_EINVAL; // MRAM has no erase; the core never asks for one
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    if (seg->geom == &mram_geom) {
        // `addr` is the CPU address, `len` whole 16-byte units.
        mpu_config_mram(false);
        for (uint32_t i = 0; i < len; i += MRAM_SECTOR_SIZE) {
            mram_write_128bit((uint8_t *)(uintptr_t)(addr + i), src + i);
        }
        mpu_config_mram(true);
        return 0;
    }
    #if MICROPY_HW_ENABLE_OSPI
    return ospi_flash_write(addr, len, src);
    #else
    return -MP_EINVAL;
    #endif
}

void mp_romfs_port_poll(void) {
    mp_event_handle_nowait();
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    // Nothing to do: the MPU maps MRAM write-through (the D-cache holds what
    // was written) and the OSPI XIP windows non-cacheable, and the OSPI
    // driver restores XIP mode after each erase and write.
    (void)seg;
}

#endif // MICROPY_VFS_ROM_IOCTL
