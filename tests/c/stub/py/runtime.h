/*
 * A stand-in for the parts of MicroPython's py/ that the C shim
 * (c_glue/modromfs.c) uses, so that tests/c/ffi_harness.c can compile the
 * real shim and call it exactly as MicroPython does: objects are small
 * ints (tagged as in MicroPython) and the harness's buffer objects; nlr is
 * setjmp/longjmp; the "GC" keeps finaliser objects in a list that a
 * simulated soft reset sweeps, as gc_sweep_all() does.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef STUB_PY_RUNTIME_H
#define STUB_PY_RUNTIME_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#define MICROPY_VFS_ROM_IOCTL (1)

typedef intptr_t mp_int_t;
typedef uintptr_t mp_uint_t;
typedef uint8_t byte;
typedef void *mp_obj_t;
typedef struct _mp_obj_type_t mp_obj_type_t;
typedef struct _mp_obj_base_t {
    const mp_obj_type_t *type;
} mp_obj_base_t;

#define MP_OBJ_NULL ((mp_obj_t)0)
#define MP_OBJ_FROM_PTR(p) ((mp_obj_t)(p))
#define MP_OBJ_TO_PTR(o) ((void *)(o))
#define MP_OBJ_NEW_SMALL_INT(x) ((mp_obj_t)(((uintptr_t)(x) << 1) | 1))
#define MP_OBJ_SMALL_INT_VALUE(o) ((mp_int_t)(intptr_t)(o) >> 1)
extern mp_obj_base_t stub_none_obj;
#define mp_const_none ((mp_obj_t)&stub_none_obj)
#define MP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MP_STATIC_ASSERT(cond) ((void)sizeof(char[1 - 2 * !(cond)]))

// Integers and buffers (the harness defines them; both "raise" TypeError).
mp_int_t mp_obj_get_int(mp_obj_t o);
typedef struct _mp_buffer_info_t {
    void *buf;
    size_t len;
    int typecode;
} mp_buffer_info_t;
#define MP_BUFFER_READ (1)
#define MP_BUFFER_WRITE (2)
void mp_get_buffer_raise(mp_obj_t o, mp_buffer_info_t *bufinfo, mp_uint_t flags);

// nlr: a stack of jump buffers.
typedef struct _nlr_buf_t {
    struct _nlr_buf_t *prev;
    void *ret_val;
    jmp_buf jmpbuf;
} nlr_buf_t;
void stub_nlr_push(nlr_buf_t *buf);
#define nlr_push(buf) (stub_nlr_push(buf), setjmp((buf)->jmpbuf))
void nlr_pop(void);
__attribute__((noreturn)) void nlr_raise(mp_obj_t exc);
__attribute__((noreturn)) void nlr_jump_fail(void *val);

// Root pointers of the shim.
typedef struct _stub_vm_t {
    mp_obj_t romfs_exception;
    mp_obj_t romfs_guard;
} stub_vm_t;
extern stub_vm_t stub_vm;
#define MP_STATE_VM(x) (stub_vm.x)
#define MP_REGISTER_ROOT_POINTER(decl)

// qstrs and types: as much as the shim's guard type needs.
typedef mp_uint_t qstr;
#define MP_QSTRnull (0)
#define MP_QSTR___del__ (1)
struct _mp_obj_type_t {
    void (*attr)(mp_obj_t self, qstr attr, mp_obj_t *dest);
};
#define MP_TYPE_FLAG_NONE (0)
#define MP_DEFINE_CONST_OBJ_TYPE(name, q, flags, slot, value) const mp_obj_type_t name = { .slot = (value) }
void *stub_malloc_with_finaliser(size_t size, const mp_obj_type_t *type);
#define mp_obj_malloc_with_finaliser(struct_type, obj_type) ((struct_type *)stub_malloc_with_finaliser(sizeof(struct_type), obj_type))

#endif
