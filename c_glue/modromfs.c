/*
 * vfs.rom_ioctl for MicroPython, backed by the Rust core (rust/, exports in
 * mp_romfs.h).
 *
 * This shim only converts arguments: integers with mp_obj_get_int (which
 * raises TypeError/OverflowError before anything happens, as upstream), the
 * buffer of op 4 with mp_get_buffer_raise.  The core validates, plans and
 * drives the port's flash hooks, and returns an int; nothing raises while
 * Rust frames are on the stack.
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "extmod/vfs.h"

#include "mp_romfs.h"

#if MICROPY_VFS_ROM_IOCTL

mp_obj_t mp_vfs_rom_ioctl(size_t n_args, const mp_obj_t *args) {
    // Only the first n_args are read, and MicroPython passes at least one
    // (rom_ioctl takes 1..4 arguments): no initialisation needed.
    ptrdiff_t arg[4];
    mp_buffer_info_t buf = {NULL, 0, 0};
    for (size_t i = 0; i < n_args; ++i) {
        if (i == 3 && arg[0] == MP_VFS_ROM_IOCTL_WRITE) {
            mp_get_buffer_raise(args[3], &buf, MP_BUFFER_READ);
        } else {
            arg[i] = mp_obj_get_int(args[i]);
        }
    }
    const mp_romfs_table_t *table = mp_romfs_port_table();
    ptrdiff_t ret = mp_romfs_ioctl(table, arg, n_args, buf.buf, buf.len);
    if (arg[0] == MP_VFS_ROM_IOCTL_GET_SEGMENT && ret >= 0) {
        const mp_romfs_segment_t *seg = &table->segs[ret];
        return mp_obj_new_memoryview('B', seg->len, (void *)seg->mem);
    }
    return MP_OBJ_NEW_SMALL_INT(ret);
}

// The Rust core is built without panicking paths; should one be reached,
// stop the way the port stops on any other fatal error.
void mp_romfs_fatal(void) {
    nlr_jump_fail(NULL);
}

#endif // MICROPY_VFS_ROM_IOCTL
