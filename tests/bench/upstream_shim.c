/*
 * A model of upstream MicroPython's C vfs.rom_ioctl (the stm32 QSPI path),
 * written for the timing comparison of tools/bench_realtime.py: ops 3 and 4
 * as upstream does them, over the test board's hooks.  Prepare erases every
 * 4 KiB sector from the start of the range to its end at once, whatever is
 * there; write programs the whole buffer; no checks beyond the upper bound.
 * Not part of the module.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "py/mperrno.h"
#include "extmod/vfs.h"

#include "mp_romfs.h"

#if MICROPY_VFS_ROM_IOCTL

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
    if (cmd == MP_VFS_ROM_IOCTL_WRITE_PREPARE && n_args >= 3) {
        uint32_t dest = seg->addr + (n_args == 4 ? mp_obj_get_int(args[2]) : 0);
        uint32_t end = dest + mp_obj_get_int(args[n_args - 1]);
        if (end > seg->addr + seg->len) {
            return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
        }
        for (; dest < end; dest += 4096) {
            mp_romfs_port_erase(seg, dest & ~4095u, 4096);
        }
        return MP_OBJ_NEW_SMALL_INT(4);
    }
    if (cmd == MP_VFS_ROM_IOCTL_WRITE && n_args == 4) {
        mp_buffer_info_t buf;
        mp_get_buffer_raise(args[3], &buf, MP_BUFFER_READ);
        uint32_t dest = seg->addr + mp_obj_get_int(args[2]);
        if (dest + buf.len > seg->addr + seg->len) {
            return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
        }
        return MP_OBJ_NEW_SMALL_INT(mp_romfs_port_program(seg, dest, buf.buf, buf.len));
    }
    return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
}

void mp_romfs_fatal(void) {
    nlr_jump_fail(NULL);
}

#endif
