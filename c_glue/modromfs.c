/*
 * vfs.rom_ioctl for MicroPython, backed by the Rust core (rust/core, exports
 * in mp_romfs.h).
 *
 * The shim converts arguments (integers with mp_obj_get_int, which raises
 * TypeError/OverflowError before anything happens, as upstream; the buffer
 * of op 4 with mp_get_buffer_raise) and returns the core's answer.  Around
 * the core it also:
 * - runs the port's poll hook for the core (mp_romfs_poll) with any
 *   exception it raises caught (KeyboardInterrupt from the port's event
 *   servicing), and raises that exception once the core has returned, so
 *   that no non-local exit ever crosses a Rust frame;
 * - forgets the core's state of every segment at the first call after a
 *   soft reset, so that nothing left from before (a held header) is ever
 *   committed;
 * - holds op 2's objects: static memoryviews, or the block view;
 * - with MP_ROMFS_BLOCKDEV, defines the block view's type and the romfs
 *   module (romfs.segment(id)).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/objarray.h"
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

// A KeyboardInterrupt raised from a signal handler (unix's standard
// variant) could jump over the core's frames at any instruction; the flash
// ports schedule it, and the port's poll raises it between operations.
#if MICROPY_ASYNC_KBD_INTR
#error "vfs.rom_ioctl from this module needs MICROPY_ASYNC_KBD_INTR (0)"
#endif

#if MICROPY_ROMFS_OP2_BLOCKDEV
static mp_obj_t romfs_segment_obj(mp_int_t id);
#endif

// The exception the port's poll raised, kept (and seen by the GC) until the
// core has returned and the shim raises it.
MP_REGISTER_ROOT_POINTER(mp_obj_t romfs_exception);

int mp_romfs_poll(void) {
    if (MP_STATE_VM(romfs_exception) == MP_OBJ_NULL) {
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mp_romfs_port_poll();
            nlr_pop();
            return 0;
        }
        MP_STATE_VM(romfs_exception) = MP_OBJ_FROM_PTR(nlr.ret_val);
    }
    return 1;
}

// Raises the exception the poll raised during the core call that returned.
static void romfs_raise_pending(void) {
    mp_obj_t exc = MP_STATE_VM(romfs_exception);
    if (exc != MP_OBJ_NULL) {
        MP_STATE_VM(romfs_exception) = MP_OBJ_NULL;
        nlr_raise(exc);
    }
}

// A soft reset frees every heap object and runs finalisers (gc_sweep_all()
// in every port's soft-reset path).  The guard, an object with a finaliser
// kept alive by a root pointer, clears that pointer there; the next call
// finds it clear and zeroes the segments' states (which live in the port's
// .bss and survive the reset).
MP_REGISTER_ROOT_POINTER(mp_obj_t romfs_guard);

// The finaliser: the GC looks up __del__ through the type's attr slot.  No
// Python code can reach the guard, so that lookup is the only one it ever
// gets: a slot function that does not test the name, instead of a __del__
// method in a locals dict, saves 36 B on thumbv6m (the name test 8 of them).
static void romfs_guard_attr(mp_obj_t self, qstr attr, mp_obj_t *dest) {
    (void)self;
    (void)attr;
    (void)dest;
    MP_STATE_VM(romfs_guard) = MP_OBJ_NULL;
}

static MP_DEFINE_CONST_OBJ_TYPE(
    romfs_guard_type, MP_QSTRnull, MP_TYPE_FLAG_NONE,
    attr, romfs_guard_attr
    );

// The port's table, with the states forgotten if a soft reset came before.
static const mp_romfs_table_t *romfs_table(void) {
    const mp_romfs_table_t *table = mp_romfs_port_table();
    if (MP_STATE_VM(romfs_guard) == MP_OBJ_NULL) {
        memset(table->states, 0, table->count * sizeof(struct mp_romfs_state));
        MP_STATE_VM(romfs_guard) = MP_OBJ_FROM_PTR(mp_obj_malloc_with_finaliser(mp_obj_base_t, &romfs_guard_type));
    }
    return table;
}

#if !MICROPY_ROMFS_OP2_BLOCKDEV
// Op 2's objects, as upstream's ports have them: static memoryviews (set up
// at each call, which for one segment always gives the same values).
#ifndef MICROPY_ROMFS_STATIC_VIEWS
#define MICROPY_ROMFS_STATIC_VIEWS (2)
#endif
static mp_obj_array_t romfs_views[MICROPY_ROMFS_STATIC_VIEWS];
#endif

mp_obj_t mp_vfs_rom_ioctl(size_t n_args, const mp_obj_t *args) {
    // MicroPython passes 1 to 4 arguments (extmod/modvfs.c); the core reads
    // exactly the first n_args integers, and op 4's buffer through buf.
    MP_STATIC_ASSERT(sizeof(mp_int_t) == sizeof(ptrdiff_t));
    mp_int_t arg[4];
    mp_buffer_info_t buf = {NULL, 0, 0};
    for (size_t i = 0; i < n_args; ++i) {
        if (i == 3 && arg[0] == MP_VFS_ROM_IOCTL_WRITE) {
            mp_get_buffer_raise(args[3], &buf, MP_BUFFER_READ);
            arg[3] = 0;
        } else {
            arg[i] = mp_obj_get_int(args[i]);
        }
    }
    const mp_romfs_table_t *table = romfs_table();
    mp_int_t ret = mp_romfs_ioctl(table, (const ptrdiff_t *)arg, n_args, buf.buf, buf.len);
    romfs_raise_pending();
    if (arg[0] == MP_VFS_ROM_IOCTL_GET_SEGMENT && ret >= 0) {
        #if MICROPY_ROMFS_OP2_BLOCKDEV
        return romfs_segment_obj(ret);
        #else
        const mp_romfs_segment_t *seg = &table->segs[ret];
        if (ret >= MICROPY_ROMFS_STATIC_VIEWS) {
            return mp_obj_new_memoryview('B', seg->len, (void *)seg->mem);
        }
        mp_obj_memoryview_init(&romfs_views[ret], 'B', 0, seg->len, (void *)seg->mem);
        return MP_OBJ_FROM_PTR(&romfs_views[ret]);
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

static mp_obj_t romfs_segment_obj(mp_int_t id) {
    romfs_segment_obj_t *self = mp_obj_malloc(romfs_segment_obj_t, &romfs_segment_type);
    self->id = id;
    return MP_OBJ_FROM_PTR(self);
}

// readblocks/writeblocks: (self, block, buf[, offset]).
static mp_obj_t romfs_segment_rw(size_t n_args, const mp_obj_t *args, uint32_t method, mp_uint_t access) {
    romfs_segment_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_int_t block = mp_obj_get_int(args[1]);
    mp_buffer_info_t buf;
    mp_get_buffer_raise(args[2], &buf, access);
    mp_int_t off = n_args > 3 ? mp_obj_get_int(args[3]) : 0;
    mp_int_t ret = mp_romfs_block(romfs_table(), self->id, method | (n_args > 3 ? MP_ROMFS_AT : 0),
        block, off, buf.buf, buf.len);
    romfs_raise_pending();
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
    mp_int_t ret = mp_romfs_block(romfs_table(), self->id, MP_ROMFS_IOCTL,
        mp_obj_get_int(op), mp_obj_get_int(arg), NULL, 0);
    romfs_raise_pending();
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
    mp_int_t ret = mp_romfs_ioctl(romfs_table(), arg, 2, NULL, 0);
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
