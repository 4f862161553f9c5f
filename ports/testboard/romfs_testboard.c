/*
 * The test boards' ROM segments, on the core's NOR simulator:
 *   segment 0: a whole STM32F767 internal flash (2 MiB: 4x32K, 1x128K,
 *              7x256K sectors, 32-bit words);
 *   segment 1: the first 8 MiB of a W25Q128JV QSPI NOR (4K sectors,
 *              32K/64K blocks, byte programming).
 * Only the segment of each device may change (the simulator's fence).
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/mperrno.h"

// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h).
#include "mp_romfs_sim.h"
#include "romfs_testboard.h"

#if MICROPY_VFS_ROM_IOCTL

#ifndef ROMFS_TESTBOARD_REALTIME
#define ROMFS_TESTBOARD_REALTIME (0)
#endif

typedef struct {
    uint32_t profile;
    uint32_t base;
    uint32_t size;
} testboard_dev_t;

static const testboard_dev_t devs[2] = {
    { MP_ROMFS_SIM_STM32F767, ROMFS_TESTBOARD_F767_BASE, ROMFS_TESTBOARD_F767_SIZE },
    { MP_ROMFS_SIM_W25Q128, ROMFS_TESTBOARD_NOR_BASE, ROMFS_TESTBOARD_NOR_SIZE },
};

static mp_romfs_geometry_t geoms[2];
static mp_romfs_segment_t segs[2];
static struct mp_romfs_state states[2];
static const mp_romfs_table_t table = { segs, states, 2 };

const mp_romfs_table_t *mp_romfs_port_table(void) {
    for (unsigned i = 0; i < 2 && segs[i].mem == NULL; ++i) {
        const testboard_dev_t *d = &devs[i];
        uint8_t *mem = romfs_testboard_memory(i, d->size);
        if (mem == NULL) {
            mp_raise_OSError(MP_EIO);
        }
        mp_romfs_sim_geometry(d->profile, d->base, &geoms[i]);
        mp_romfs_sim_attach(i, d->profile, d->base, mem, d->size, d->base, d->size);
        romfs_testboard_attached(i);
        segs[i] = (mp_romfs_segment_t) { mem, d->base, d->size, &geoms[i], (void *)(uintptr_t)i };
    }
    return &table;
}

// The modelled maximum time of the device's operations so far.
static uint64_t max_ns(unsigned dev) {
    struct mp_romfs_sim_stats s;
    return mp_romfs_sim_stats(dev, &s) == 0 ? s.max_ns : 0;
}

static int sim_result(unsigned dev, uint64_t before, int ret) {
    if (ret == MP_ROMFS_SIM_POWER_LOST) {
        romfs_testboard_power_lost();
    }
    #if ROMFS_TESTBOARD_REALTIME
    romfs_testboard_wait_ns(max_ns(dev) - before);
    #else
    (void)dev;
    (void)before;
    #endif
    return ret;
}

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    unsigned dev = (uintptr_t)seg->port;
    uint64_t before = ROMFS_TESTBOARD_REALTIME ? max_ns(dev) : 0;
    return sim_result(dev, before, mp_romfs_sim_erase(dev, addr, size));
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    unsigned dev = (uintptr_t)seg->port;
    uint64_t before = ROMFS_TESTBOARD_REALTIME ? max_ns(dev) : 0;
    return sim_result(dev, before, mp_romfs_sim_program(dev, addr, src, len));
}

void mp_romfs_port_poll(void) {
    mp_event_handle_nowait();
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    (void)seg;
}

#endif // MICROPY_VFS_ROM_IOCTL
