/*
 * `romfs_test`: what firmware tests on the test boards need besides
 * vfs.rom_ioctl.  Works with any port glue: it reads the segment table
 * through the port contract (mp_romfs_port.h) and the simulated devices
 * through the simulator's C ABI.
 *
 *   stats(dev)      (erases, programs, programmed_bytes, typ_ns, max_ns,
 *                    violations) of simulated device `dev`
 *   cut(dev, ops, tear)
 *                   cut the power at the operation after `ops` more
 *   interrupt(ops)  Ctrl-C during the flash operation after `ops` more (of
 *                   any device; 0: none): the port's next event poll raises
 *                   KeyboardInterrupt, as on a real board
 *   reboot()        what a reset does to the core: its RAM state is gone,
 *                   the power is back; flash keeps its bytes
 *   geometry(seg)   (addr, len, base, runs, block_mask, program_unit,
 *                    erased, flags) of segment `seg`, runs as
 *                    ((count, size), ...): what the port's glue declares
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/objtuple.h"

// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h).
#include "mp_romfs_sim.h"

#if MICROPY_VFS_ROM_IOCTL

#define ROMFS_TEST_DEVICES (4)

static mp_obj_t romfs_test_stats(mp_obj_t dev_in) {
    mp_romfs_port_table();
    struct mp_romfs_sim_stats s;
    if (mp_romfs_sim_stats(mp_obj_get_int(dev_in), &s) != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("no such device"));
    }
    mp_obj_t items[6] = {
        mp_obj_new_int_from_ull(s.erases), mp_obj_new_int_from_ull(s.programs),
        mp_obj_new_int_from_ull(s.programmed_bytes), mp_obj_new_int_from_ull(s.typ_ns),
        mp_obj_new_int_from_ull(s.max_ns), mp_obj_new_int_from_ull(s.violations),
    };
    return mp_obj_new_tuple(6, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(romfs_test_stats_obj, romfs_test_stats);

static mp_obj_t romfs_test_cut(mp_obj_t dev, mp_obj_t ops, mp_obj_t tear) {
    mp_romfs_port_table();
    mp_romfs_sim_cut_after(mp_obj_get_int(dev), mp_obj_get_int(ops), mp_obj_get_int(tear));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(romfs_test_cut_obj, romfs_test_cut);

// Called by the simulator when the armed countdown runs out.
void mp_romfs_sim_interrupt(void) {
    mp_sched_keyboard_interrupt();
}

static mp_obj_t romfs_test_interrupt(mp_obj_t ops) {
    mp_romfs_sim_interrupt_after(mp_obj_get_int(ops));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(romfs_test_interrupt_obj, romfs_test_interrupt);

static mp_obj_t romfs_test_reboot(void) {
    const mp_romfs_table_t *t = mp_romfs_port_table();
    memset(t->states, 0, t->count * sizeof(struct mp_romfs_state));
    for (unsigned i = 0; i < ROMFS_TEST_DEVICES; ++i) {
        mp_romfs_sim_power_on(i);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(romfs_test_reboot_obj, romfs_test_reboot);

static mp_obj_t romfs_test_geometry(mp_obj_t seg_in) {
    const mp_romfs_table_t *t = mp_romfs_port_table();
    mp_uint_t i = mp_obj_get_int(seg_in);
    if (i >= t->count) {
        mp_raise_ValueError(MP_ERROR_TEXT("no such segment"));
    }
    const mp_romfs_segment_t *s = &t->segs[i];
    const mp_romfs_geometry_t *g = s->geom;
    mp_obj_t runs = mp_obj_new_tuple(g->n_runs, NULL);
    for (size_t r = 0; r < g->n_runs; ++r) {
        mp_obj_t run[2] = { mp_obj_new_int_from_uint(g->runs[r].count), mp_obj_new_int_from_uint(1u << g->runs[r].size_log2) };
        ((mp_obj_tuple_t *)MP_OBJ_TO_PTR(runs))->items[r] = mp_obj_new_tuple(2, run);
    }
    mp_obj_t items[8] = {
        mp_obj_new_int_from_uint(s->addr), mp_obj_new_int_from_uint(s->len), mp_obj_new_int_from_uint(g->base),
        runs, mp_obj_new_int_from_uint(g->block_erase_log2_mask), MP_OBJ_NEW_SMALL_INT(1 << g->program_log2),
        MP_OBJ_NEW_SMALL_INT(g->erased), MP_OBJ_NEW_SMALL_INT(g->flags),
    };
    return mp_obj_new_tuple(8, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(romfs_test_geometry_obj, romfs_test_geometry);

static const mp_rom_map_elem_t romfs_test_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_romfs_test) },
    { MP_ROM_QSTR(MP_QSTR_stats), MP_ROM_PTR(&romfs_test_stats_obj) },
    { MP_ROM_QSTR(MP_QSTR_cut), MP_ROM_PTR(&romfs_test_cut_obj) },
    { MP_ROM_QSTR(MP_QSTR_interrupt), MP_ROM_PTR(&romfs_test_interrupt_obj) },
    { MP_ROM_QSTR(MP_QSTR_reboot), MP_ROM_PTR(&romfs_test_reboot_obj) },
    { MP_ROM_QSTR(MP_QSTR_geometry), MP_ROM_PTR(&romfs_test_geometry_obj) },
};
static MP_DEFINE_CONST_DICT(romfs_test_globals, romfs_test_globals_table);

const mp_obj_module_t romfs_test_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&romfs_test_globals,
};
MP_REGISTER_MODULE(MP_QSTR_romfs_test, romfs_test_module);

#endif // MICROPY_VFS_ROM_IOCTL
