/* Stand-in for MicroPython's py/objarray.h (see py/runtime.h here). */
#ifndef STUB_PY_OBJARRAY_H
#define STUB_PY_OBJARRAY_H

#include "py/runtime.h"

extern const mp_obj_type_t mp_type_memoryview;

typedef struct _mp_obj_array_t {
    mp_obj_base_t base;
    size_t typecode : 8;
    size_t free : 24;
    size_t len;
    void *items;
} mp_obj_array_t;

static inline void mp_obj_memoryview_init(mp_obj_array_t *self, size_t typecode, size_t offset, size_t len, void *items) {
    self->base.type = &mp_type_memoryview;
    self->typecode = typecode;
    self->free = offset;
    self->len = len;
    self->items = items;
}

mp_obj_t mp_obj_new_memoryview(byte typecode, size_t nitems, void *items);

#endif
