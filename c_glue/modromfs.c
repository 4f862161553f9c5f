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

// The block view (romfs.segment(id)) is built when micropython.mk sets
// MP_ROMFS_BLOCKDEV (ROMFS_BLOCKDEV=1, with the core's blockdev feature).
// A board that sets MICROPY_ROMFS_OP2_BLOCKDEV to 1 also gets it from
// vfs.rom_ioctl(2, id) instead of the memoryview.
#ifndef MP_ROMFS_BLOCKDEV
#define MP_ROMFS_BLOCKDEV (0)
#endif
#ifndef MICROPY_ROMFS_OP2_BLOCKDEV
#define MICROPY_ROMFS_OP2_BLOCKDEV (0)
#endif
#if MICROPY_ROMFS_OP2_BLOCKDEV && !MP_ROMFS_BLOCKDEV
#error "MICROPY_ROMFS_OP2_BLOCKDEV needs the block view: build with ROMFS_BLOCKDEV=1"
#endif

#if MICROPY_ROMFS_OP2_BLOCKDEV
static mp_obj_t romfs_segment_obj(ptrdiff_t id);
#endif

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
        #if MICROPY_ROMFS_OP2_BLOCKDEV
        return romfs_segment_obj(ret);
        #else
        const mp_romfs_segment_t *seg = &table->segs[ret];
        return mp_obj_new_memoryview('B', seg->len, (void *)seg->mem);
        #endif
    }
    return MP_OBJ_NEW_SMALL_INT(ret);
}

#if MP_ROMFS_BLOCKDEV

// One ROM segment as a block device (vfs.AbstractBlockDev, simple and
// extended forms) and as a read-only buffer (the mapped segment, so that
// vfs.VfsRom mounts it).  The core validates and acts; errors raise OSError.
typedef struct {
    mp_obj_base_t base;
    size_t id;
} romfs_segment_obj_t;

static const mp_obj_type_t romfs_segment_type;

static mp_obj_t romfs_segment_obj(ptrdiff_t id) {
    romfs_segment_obj_t *self = mp_obj_malloc(romfs_segment_obj_t, &romfs_segment_type);
    self->id = id;
    return MP_OBJ_FROM_PTR(self);
}

// readblocks/writeblocks: (self, block, buf[, offset]).
static mp_obj_t romfs_segment_rw(size_t n_args, const mp_obj_t *args, uint32_t method, mp_uint_t access) {
    romfs_segment_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    ptrdiff_t block = mp_obj_get_int(args[1]);
    mp_buffer_info_t buf;
    mp_get_buffer_raise(args[2], &buf, access);
    ptrdiff_t off = n_args > 3 ? mp_obj_get_int(args[3]) : 0;
    ptrdiff_t ret = mp_romfs_block(mp_romfs_port_table(), self->id, method | (n_args > 3 ? MP_ROMFS_AT : 0),
        block, off, buf.buf, buf.len);
    if (ret < 0) {
        mp_raise_OSError(-ret);
    }
    return mp_const_none;
}

static mp_obj_t romfs_segment_readblocks(size_t n_args, const mp_obj_t *args) {
    return romfs_segment_rw(n_args, args, MP_ROMFS_READ, MP_BUFFER_WRITE);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(romfs_segment_readblocks_obj, 3, 4, romfs_segment_readblocks);

static mp_obj_t romfs_segment_writeblocks(size_t n_args, const mp_obj_t *args) {
    return romfs_segment_rw(n_args, args, MP_ROMFS_WRITE, MP_BUFFER_READ);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(romfs_segment_writeblocks_obj, 3, 4, romfs_segment_writeblocks);

static mp_obj_t romfs_segment_ioctl(mp_obj_t self_in, mp_obj_t op, mp_obj_t arg) {
    romfs_segment_obj_t *self = MP_OBJ_TO_PTR(self_in);
    ptrdiff_t ret = mp_romfs_block(mp_romfs_port_table(), self->id, MP_ROMFS_IOCTL,
        mp_obj_get_int(op), mp_obj_get_int(arg), NULL, 0);
    return ret == MP_ROMFS_NONE ? mp_const_none : mp_obj_new_int(ret);
}
static MP_DEFINE_CONST_FUN_OBJ_3(romfs_segment_ioctl_obj, romfs_segment_ioctl);

static mp_int_t romfs_segment_get_buffer(mp_obj_t self_in, mp_buffer_info_t *bufinfo, mp_uint_t flags) {
    if (flags & MP_BUFFER_WRITE) {
        return 1;
    }
    romfs_segment_obj_t *self = MP_OBJ_TO_PTR(self_in);
    const mp_romfs_segment_t *seg = &mp_romfs_port_table()->segs[self->id];
    bufinfo->buf = (void *)seg->mem;
    bufinfo->len = seg->len;
    bufinfo->typecode = 'B';
    return 0;
}

static const mp_rom_map_elem_t romfs_segment_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_readblocks), MP_ROM_PTR(&romfs_segment_readblocks_obj) },
    { MP_ROM_QSTR(MP_QSTR_writeblocks), MP_ROM_PTR(&romfs_segment_writeblocks_obj) },
    { MP_ROM_QSTR(MP_QSTR_ioctl), MP_ROM_PTR(&romfs_segment_ioctl_obj) },
};
static MP_DEFINE_CONST_DICT(romfs_segment_locals, romfs_segment_locals_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    romfs_segment_type, MP_QSTR_Segment, MP_TYPE_FLAG_NONE,
    buffer, romfs_segment_get_buffer,
    locals_dict, &romfs_segment_locals
    );

// romfs.segment(id): the block view of segment id (OSError EINVAL if none).
static mp_obj_t romfs_segment(mp_obj_t id_in) {
    ptrdiff_t arg[2] = { MP_VFS_ROM_IOCTL_GET_SEGMENT, mp_obj_get_int(id_in) };
    ptrdiff_t ret = mp_romfs_ioctl(mp_romfs_port_table(), arg, 2, NULL, 0);
    if (ret < 0) {
        mp_raise_OSError(-ret);
    }
    return romfs_segment_obj(ret);
}
static MP_DEFINE_CONST_FUN_OBJ_1(romfs_segment_fun_obj, romfs_segment);

static const mp_rom_map_elem_t romfs_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_romfs) },
    { MP_ROM_QSTR(MP_QSTR_segment), MP_ROM_PTR(&romfs_segment_fun_obj) },
    { MP_ROM_QSTR(MP_QSTR_Segment), MP_ROM_PTR(&romfs_segment_type) },
};
static MP_DEFINE_CONST_DICT(romfs_module_globals, romfs_module_globals_table);

const mp_obj_module_t romfs_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&romfs_module_globals,
};
MP_REGISTER_MODULE(MP_QSTR_romfs, romfs_module);

#endif // MP_ROMFS_BLOCKDEV

// The Rust core is built without panicking paths; should one be reached,
// stop the way the port stops on any other fatal error.
void mp_romfs_fatal(void) {
    nlr_jump_fail(NULL);
}

#endif // MICROPY_VFS_ROM_IOCTL
