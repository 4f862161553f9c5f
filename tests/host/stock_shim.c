/*
 * A model of stock upstream MicroPython's C vfs.rom_ioctl, for mp-romfs's
 * tests (ports/qemu/ROMFS_STOCK, ROMFS_STOCK_OP6): over the test board's
 * simulated flash, ops as upstream has them.  Op 1 ignores extra
 * arguments; op 3 erases, at once, every sector the range touches (the
 * 4-argument form only with STOCK_OP6); op 4 programs the buffer; op 5 is
 * not implemented (-EINVAL); op 6 exists only with STOCK_OP6 (master:
 * 4096 on the NOR segment as stm32's QSPI path reports, the largest
 * sector, 256 KiB, on the STM32F767 internal flash); MicroPython 1.26.1
 * has no op 6 at all.
 *
 * One test hook, in no real firmware: rom_ioctl(7, id, off) makes the next
 * op 4 at offset `off` of segment `id` fail with -EIO (a refused write).
 * Not part of the module.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/mperrno.h"
#include "extmod/vfs.h"

#include "mp_romfs.h"

#if MICROPY_VFS_ROM_IOCTL

#ifndef STOCK_OP6
#define STOCK_OP6 (0)
#endif

// The offset of the write to refuse, plus 1 (0: none; zero-initialised,
// as .bss is, so that no initialised data is needed).
static mp_int_t refuse_at_plus_1[2];

// Erases every sector of the segment's device that [addr, end) touches.
static int erase_range(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t end) {
    const mp_romfs_geometry_t *g = seg->geom;
    uint32_t s = g->base;
    for (uint32_t r = 0; r < g->n_runs; ++r) {
        uint32_t size = 1u << g->runs[r].size_log2;
        for (uint32_t i = 0; i < g->runs[r].count; ++i, s += size) {
            if (s < end && s + size > addr) {
                int ret = mp_romfs_port_erase(seg, s, size);
                if (ret < 0) {
                    return ret;
                }
            }
        }
    }
    return 0;
}

mp_obj_t mp_vfs_rom_ioctl(size_t n_args, const mp_obj_t *args) {
    const mp_romfs_table_t *t = mp_romfs_port_table();
    mp_int_t cmd = mp_obj_get_int(args[0]);
    if (cmd == MP_VFS_ROM_IOCTL_GET_NUMBER_OF_SEGMENTS) {
        return MP_OBJ_NEW_SMALL_INT(t->count);
    }
    mp_uint_t id = n_args > 1 ? mp_obj_get_int(args[1]) : t->count;
    if (id >= t->count) {
        return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
    }
    const mp_romfs_segment_t *seg = &t->segs[id];
    if (cmd == MP_VFS_ROM_IOCTL_GET_SEGMENT) {
        return mp_obj_new_memoryview('B', seg->len, (void *)seg->mem);
    }
    #if STOCK_OP6
    if (cmd == 6) {
        return MP_OBJ_NEW_SMALL_INT(id == 0 ? 262144 : 4096);
    }
    #endif
    if (cmd == MP_VFS_ROM_IOCTL_WRITE_PREPARE && (n_args == 3 || (STOCK_OP6 && n_args == 4))) {
        uint32_t off = n_args == 4 ? mp_obj_get_int(args[2]) : 0;
        uint32_t len = mp_obj_get_int(args[n_args - 1]);
        if (off + len > seg->len) {
            return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
        }
        int ret = erase_range(seg, seg->addr + off, seg->addr + off + len);
        return MP_OBJ_NEW_SMALL_INT(ret < 0 ? ret : 1 << seg->geom->program_log2);
    }
    if (cmd == MP_VFS_ROM_IOCTL_WRITE && n_args == 4) {
        mp_buffer_info_t buf;
        mp_get_buffer_raise(args[3], &buf, MP_BUFFER_READ);
        mp_int_t off = mp_obj_get_int(args[2]);
        if (off + buf.len > seg->len) {
            return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
        }
        if (off + 1 == refuse_at_plus_1[id]) {
            refuse_at_plus_1[id] = 0;
            return MP_OBJ_NEW_SMALL_INT(-MP_EIO);
        }
        return MP_OBJ_NEW_SMALL_INT(mp_romfs_port_program(seg, seg->addr + off, buf.buf, buf.len));
    }
    if (cmd == 7 && n_args == 3) {
        refuse_at_plus_1[id] = mp_obj_get_int(args[2]) + 1;
        return MP_OBJ_NEW_SMALL_INT(0);
    }
    return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
}

void mp_romfs_fatal(void) {
    nlr_jump_fail(NULL);
}

#endif
