/*
 * The test boards' ROM segments, on the core's NOR simulator:
 *   segment 0: a whole STM32F767 internal flash (2 MiB: 4x32K, 1x128K,
 *              7x256K sectors, 32-bit words);
 *   segment 1: the first 8 MiB of a W25Q128JV QSPI NOR (4K sectors,
 *              32K/64K blocks, byte programming).
 * Only the segment of each device may change (the simulator's fence).
 *
 * Also a `romfs_test` module for firmware tests: simulator counters, and a
 * power cut with reboot.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/objtuple.h"
#include "py/mperrno.h"

// The simulator part of the core's interface (built with its sim-ffi feature).
#define MP_ROMFS_SIM (1)
#include "mp_romfs.h"
#include "romfs_testboard.h"

#if MICROPY_VFS_ROM_IOCTL

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

static int sim_result(int ret) {
    if (ret == MP_ROMFS_SIM_POWER_LOST) {
        romfs_testboard_power_lost();
    }
    return ret;
}

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    return sim_result(mp_romfs_sim_erase((uintptr_t)seg->port, addr, size));
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    return sim_result(mp_romfs_sim_program((uintptr_t)seg->port, addr, src, len));
}

static unsigned polls, syncs;

void mp_romfs_port_poll(void) {
    ++polls;
    mp_event_handle_nowait();
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    (void)seg;
    ++syncs;
}

// romfs_test.stats(dev): (erases, programs, programmed_bytes, typ_ns,
// max_ns, violations, polls, syncs) of simulated device `dev`.
static mp_obj_t romfs_test_stats(mp_obj_t dev_in) {
    mp_romfs_port_table();
    struct mp_romfs_sim_stats s;
    if (mp_romfs_sim_stats(mp_obj_get_int(dev_in), &s) != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("no such device"));
    }
    mp_obj_t items[8] = {
        mp_obj_new_int_from_ull(s.erases), mp_obj_new_int_from_ull(s.programs),
        mp_obj_new_int_from_ull(s.programmed_bytes), mp_obj_new_int_from_ull(s.typ_ns),
        mp_obj_new_int_from_ull(s.max_ns), mp_obj_new_int_from_ull(s.violations),
        mp_obj_new_int_from_uint(polls), mp_obj_new_int_from_uint(syncs),
    };
    return mp_obj_new_tuple(8, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(romfs_test_stats_obj, romfs_test_stats);

// romfs_test.cut(dev, ops, tear): cut the power at the operation after
// `ops` more (tear 0: not done, 1/2: half done).
static mp_obj_t romfs_test_cut(mp_obj_t dev, mp_obj_t ops, mp_obj_t tear) {
    mp_romfs_port_table();
    mp_romfs_sim_cut_after(mp_obj_get_int(dev), mp_obj_get_int(ops), mp_obj_get_int(tear));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(romfs_test_cut_obj, romfs_test_cut);

// romfs_test.reboot(): what a reset does to the core: its RAM state is
// gone and the power is back; flash keeps its bytes.
static mp_obj_t romfs_test_reboot(void) {
    memset(states, 0, sizeof(states));
    for (unsigned i = 0; i < 2; ++i) {
        mp_romfs_sim_power_on(i);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(romfs_test_reboot_obj, romfs_test_reboot);

static const mp_rom_map_elem_t romfs_test_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_romfs_test) },
    { MP_ROM_QSTR(MP_QSTR_stats), MP_ROM_PTR(&romfs_test_stats_obj) },
    { MP_ROM_QSTR(MP_QSTR_cut), MP_ROM_PTR(&romfs_test_cut_obj) },
    { MP_ROM_QSTR(MP_QSTR_reboot), MP_ROM_PTR(&romfs_test_reboot_obj) },
};
static MP_DEFINE_CONST_DICT(romfs_test_globals, romfs_test_globals_table);

const mp_obj_module_t romfs_test_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&romfs_test_globals,
};
MP_REGISTER_MODULE(MP_QSTR_romfs_test, romfs_test_module);

#endif // MICROPY_VFS_ROM_IOCTL
