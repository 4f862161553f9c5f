/*
 * The real C shim (c_glue/modromfs.c) and the core's C ABI, driven from C
 * as MicroPython drives them, for memory checkers (ffi-check/).
 *
 * The shim is compiled against the stand-in py/ of tests/c/stub, so every
 * call goes in through mp_vfs_rom_ioctl() with MicroPython-style objects
 * (tagged small ints, buffer objects), and exceptions are nlr jumps, as in
 * firmware.  A port: two segments on simulated devices (an STM32F767 flash
 * with 4-byte words, a W25Q128 NOR with byte programming), each device's
 * memory a heap block of exactly its size, hooks on the simulator's C ABI
 * that can be told to raise (as mp_event_handle_nowait() raises
 * KeyboardInterrupt).  Every write buffer is a heap block of exactly its
 * length, so that a read past a caller's buffer or past a device is an
 * error for AddressSanitizer and valgrind.  Checks results and contents;
 * returns the number of failures.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py/runtime.h"
#include "py/objarray.h"
#include "extmod/vfs.h"
#include "mp_romfs_sim.h"

#define KIB (1024u)
#define F767_BASE (0x08000000u)
#define F767_SIZE (512u * KIB)
#define NOR_BASE (0x90000000u)
#define NOR_SIZE (256u * KIB)

static unsigned failures;

static void check(int ok, const char *what) {
    if (!ok) {
        printf("ffi_harness: FAIL %s\n", what);
        ++failures;
    }
}

// --- The stand-in py/ surface ----------------------------------------------

stub_vm_t stub_vm;
mp_obj_base_t stub_none_obj;
static const mp_obj_type_t type_error_type, keyboard_interrupt_type, buffer_type;
const mp_obj_type_t mp_type_memoryview;
static mp_obj_base_t type_error = { &type_error_type };
static mp_obj_base_t keyboard_interrupt = { &keyboard_interrupt_type };
static nlr_buf_t *nlr_top;

void stub_nlr_push(nlr_buf_t *buf) {
    buf->prev = nlr_top;
    nlr_top = buf;
}

void nlr_pop(void) {
    nlr_top = nlr_top->prev;
}

void nlr_raise(mp_obj_t exc) {
    nlr_buf_t *top = nlr_top;
    if (top == NULL) {
        nlr_jump_fail(exc);
    }
    nlr_top = top->prev;
    top->ret_val = exc;
    longjmp(top->jmpbuf, 1);
}

void nlr_jump_fail(void *val) {
    (void)val;
    printf("ffi_harness: an exception escaped\n");
    abort();
}

mp_int_t mp_obj_get_int(mp_obj_t o) {
    if (!((uintptr_t)o & 1)) {
        nlr_raise(&type_error);
    }
    return MP_OBJ_SMALL_INT_VALUE(o);
}

// A buffer object: what bytes(...) is to the shim.
typedef struct {
    mp_obj_base_t base;
    void *buf;
    size_t len;
} buffer_t;

void mp_get_buffer_raise(mp_obj_t o, mp_buffer_info_t *bufinfo, mp_uint_t flags) {
    (void)flags;
    if ((uintptr_t)o & 1 || ((mp_obj_base_t *)o)->type != &buffer_type) {
        nlr_raise(&type_error);
    }
    buffer_t *b = o;
    bufinfo->buf = b->buf;
    bufinfo->len = b->len;
    bufinfo->typecode = 'B';
}

mp_obj_t mp_obj_new_memoryview(byte typecode, size_t nitems, void *items) {
    (void)typecode;
    (void)nitems;
    (void)items;
    check(0, "op 2 needs no heap memoryview for these segments");
    return mp_const_none;
}

// The "heap" of finaliser objects, swept by a soft reset.
static struct {
    mp_obj_base_t *obj;
} finalisers[8];

void *stub_malloc_with_finaliser(size_t size, const mp_obj_type_t *type) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(finalisers); ++i) {
        if (finalisers[i].obj == NULL) {
            finalisers[i].obj = calloc(1, size);
            finalisers[i].obj->type = type;
            return finalisers[i].obj;
        }
    }
    abort();
}

// What gc_sweep_all() does at a soft reset: every object's __del__ is
// looked up (through the type's attr slot, as mp_load_method_maybe() does)
// and run, then the memory is gone.
static void soft_reset(void) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(finalisers); ++i) {
        mp_obj_base_t *obj = finalisers[i].obj;
        if (obj == NULL) {
            continue;
        }
        mp_obj_t dest[2] = { MP_OBJ_NULL, MP_OBJ_NULL };
        if (obj->type->attr != NULL) {
            obj->type->attr(obj, MP_QSTR___del__, dest);
        }
        if (dest[0] != MP_OBJ_NULL) {
            abort(); // the stub's objects have no __del__ method to call
        }
        free(obj);
        finalisers[i].obj = NULL;
    }
}

// --- The port ----------------------------------------------------------------

static mp_romfs_geometry_t geoms[2];
static mp_romfs_segment_t segs[2];
static struct mp_romfs_state states[2];
static const mp_romfs_table_t table = { segs, states, 2 };
static unsigned polls, syncs, erases;
// The poll (counting polls from 1) that raises, 0 for none.
static unsigned raise_at_poll;

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    ++erases;
    return mp_romfs_sim_erase((uint32_t)(uintptr_t)seg->port, addr, size);
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    return mp_romfs_sim_program((uint32_t)(uintptr_t)seg->port, addr, src, len);
}

void mp_romfs_port_poll(void) {
    if (++polls == raise_at_poll) {
        nlr_raise(&keyboard_interrupt);
    }
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    (void)seg;
    ++syncs;
}

// The simulator's Ctrl-C hook (the harness never arms it).
void mp_romfs_sim_interrupt(void) {
    check(0, "no interrupt armed");
}

const mp_romfs_table_t *mp_romfs_port_table(void) {
    return &table;
}

// --- Calls as MicroPython makes them -----------------------------------------

// vfs.rom_ioctl(*args): its result, or the exception it raised in *exc.
static mp_obj_t rom_ioctl(size_t n, const mp_obj_t *args, mp_obj_t *exc) {
    nlr_buf_t nlr;
    *exc = MP_OBJ_NULL;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t ret = mp_vfs_rom_ioctl(n, args);
        nlr_pop();
        return ret;
    }
    *exc = nlr.ret_val;
    return MP_OBJ_NULL;
}

#define I(x) MP_OBJ_NEW_SMALL_INT(x)

// rom_ioctl with integer arguments; its int result (none must raise).
static mp_int_t call(size_t n, mp_int_t a0, mp_int_t a1, mp_int_t a2, mp_int_t a3) {
    mp_obj_t args[4] = { I(a0), I(a1), I(a2), I(a3) }, exc;
    mp_obj_t ret = rom_ioctl(n, args, &exc);
    check(exc == MP_OBJ_NULL && ((uintptr_t)ret & 1), "an int result, no exception");
    return MP_OBJ_SMALL_INT_VALUE(ret);
}

// rom_ioctl(4, seg, off, buf) with a buffer object whose bytes are a heap
// copy of exactly `len` bytes; the exception it raised in *exc.
static mp_int_t write_exact(mp_int_t seg, mp_int_t off, const uint8_t *src, size_t len, mp_obj_t *exc) {
    buffer_t buf = { { &buffer_type }, len ? malloc(len) : NULL, len };
    if (len) {
        memcpy(buf.buf, src, len);
    }
    mp_obj_t args[4] = { I(4), I(seg), I(off), &buf };
    mp_obj_t ret = rom_ioctl(4, args, exc);
    free(buf.buf);
    return *exc == MP_OBJ_NULL ? MP_OBJ_SMALL_INT_VALUE(ret) : 0;
}

static mp_int_t write_ok(mp_int_t seg, mp_int_t off, const uint8_t *src, size_t len) {
    mp_obj_t exc;
    mp_int_t r = write_exact(seg, off, src, len, &exc);
    check(exc == MP_OBJ_NULL, "a write raises nothing");
    return r;
}

static void setup(void) {
    static const uint32_t profile[2] = { MP_ROMFS_SIM_STM32F767, MP_ROMFS_SIM_W25Q128 };
    static const uint32_t base[2] = { F767_BASE, NOR_BASE };
    static const uint32_t size[2] = { F767_SIZE, NOR_SIZE };
    for (unsigned i = 0; i < 2; ++i) {
        uint8_t *mem = malloc(size[i]);
        memset(mem, 0xff, size[i]);
        mp_romfs_sim_geometry(profile[i], base[i], &geoms[i]);
        mp_romfs_sim_attach(i, profile[i], base[i], mem, size[i], base[i], size[i]);
        segs[i] = (mp_romfs_segment_t) { mem, base[i], size[i], &geoms[i], (void *)(uintptr_t)i };
    }
}

// A ROMFS-shaped image of `len` bytes.
static void make_image(uint8_t *img, size_t len, unsigned seed) {
    uint32_t payload = (uint32_t)len - 7;
    uint8_t head[7] = { 0xd2, 0xcd, 0x31, (uint8_t)(0x80 | ((payload >> 21) & 0x7f)), (uint8_t)(0x80 | ((payload >> 14) & 0x7f)),
                        (uint8_t)(0x80 | ((payload >> 7) & 0x7f)), (uint8_t)(payload & 0x7f) };
    memcpy(img, head, 7);
    for (size_t i = 7; i < len; ++i) {
        img[i] = (uint8_t)(i * 13 + seed);
    }
}

// mpremote 1.26.1's sequence, with unpadded odd-sized chunks; op 5 is left
// to the caller.
static void deploy_writes(unsigned seg, const uint8_t *img, size_t len, size_t chunk) {
    check(call(3, 3, seg, (mp_int_t)len, 0) > 0, "prepare returns the program unit");
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        check(write_ok(seg, (mp_int_t)off, img + off, n) == 0, "deploy write");
    }
}

static void deploy(unsigned seg, const uint8_t *img, size_t len, size_t chunk) {
    deploy_writes(seg, img, len, chunk);
    check(call(2, 5, seg, 0, 0) == 0, "complete");
    check(memcmp(segs[seg].mem, img, len) == 0, "deployed bytes");
}

static const uint8_t MAGIC[3] = { 0xd2, 0xcd, 0x31 };

int ffi_harness_run(void) {
    setup();
    check(call(1, 1, 0, 0, 0) == 2, "op 1");
    check(call(2, 6, 0, 0, 0) == 256 * KIB, "op 6 on the F767");
    check(call(2, 6, 1, 0, 0) == 4 * KIB, "op 6 on the NOR");
    mp_obj_t exc, args2[2] = { I(2), I(1) };
    mp_obj_array_t *view = rom_ioctl(2, args2, &exc);
    check(exc == MP_OBJ_NULL && view->base.type == &mp_type_memoryview && view->items == segs[1].mem && view->len == NOR_SIZE,
        "op 2: a memoryview of the segment");
    check(rom_ioctl(2, args2, &exc) == view, "op 2: the same static object again");

    // Deploys with chunk lengths that end in tails shorter than a word.
    static uint8_t img[70001];
    for (unsigned seg = 0; seg < 2; ++seg) {
        static const size_t chunks[] = { 4096, 4097, 1023, 4095 };
        for (unsigned k = 0; k < 4; ++k) {
            size_t len = 60000 + k * 1001 + seg;
            make_image(img, len, k + seg);
            deploy(seg, img, len, chunks[k] & ~(size_t)(seg ? 0 : 3));
        }
    }

    // Writes of 1..9 bytes: every tail padded, never read past the buffer.
    check(call(4, 3, 0, 256 * KIB, 256 * KIB) == 4, "4-arg prepare");
    for (size_t n = 1; n <= 9; ++n) {
        uint8_t src[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        mp_int_t off = (mp_int_t)(256 * KIB + n * 16);
        check(write_ok(0, off, src, n) == 0, "tail write");
        check(memcmp(segs[0].mem + off, src, n) == 0, "tail bytes");
    }

    // Refusals with odd arguments: nothing read, nothing changed.
    uint8_t *before = malloc(NOR_SIZE);
    memcpy(before, segs[1].mem, NOR_SIZE);
    uint8_t one = 0;
    check(write_ok(1, 0, &one, 0) == 0, "empty write");
    check(write_ok(1, NOR_SIZE, &one, 1) == -22, "write past the end");
    check(write_ok(1, NOR_SIZE - 1, segs[0].mem, 2) == -22, "write straddling the end");
    check(write_ok(1, -1, &one, 1) == -22, "negative offset");
    check(write_ok(1, (mp_int_t)1 << 40, &one, 1) == -22, "offset beyond 32 bits");
    buffer_t inside = { { &buffer_type }, (void *)(segs[1].mem + 4096), 4 };
    mp_obj_t own[4] = { I(4), I(1), I(0), &inside };
    check(rom_ioctl(4, own, &exc) == I(-22) && exc == MP_OBJ_NULL, "a buffer inside the segment: refused");
    check(call(4, 3, 1, INTPTR_MAX >> 2, INTPTR_MAX >> 2) == -22, "huge prepare");
    check(call(3, 3, 1, -4096, 0) == -22, "negative prepare");
    check(call(2, 2, 2, 0, 0) == -22, "bad id");
    check(call(2, 9, 0, 0, 0) == -22, "bad op");
    mp_obj_t bad[4] = { I(4), I(1), &stub_none_obj, I(0) };
    rom_ioctl(4, bad, &exc);
    check(exc == &type_error, "a non-int offset raises TypeError");
    mp_obj_t nobuf[4] = { I(4), I(1), I(0), I(7) };
    rom_ioctl(4, nobuf, &exc);
    check(exc == &type_error, "an int as the buffer raises TypeError");
    check(memcmp(before, segs[1].mem, NOR_SIZE) == 0, "refusals changed nothing");
    free(before);

    // A poll that raises KeyboardInterrupt mid-deploy, at its first and at
    // a later poll: the exception reaches the caller (the shim caught it and
    // raised it again once the core had returned), later calls work (no
    // -EBUSY), the deploy commits nothing, and a new deploy lands.
    for (unsigned which = 0; which < 2; ++which) {
        make_image(img, 20000, 7 + which);
        check(call(3, 3, 1, 20000, 0) == 1, "prepare");
        raise_at_poll = polls + 1 + which * 3;
        mp_int_t r = 0;
        for (size_t off = 0; off < 20000 && r == 0; off += 4096) {
            r = write_exact(1, (mp_int_t)off, img + off, off + 4096 > 20000 ? 20000 - off : 4096, &exc);
            if (exc != MP_OBJ_NULL) {
                break;
            }
        }
        check(exc == &keyboard_interrupt, "a poll's KeyboardInterrupt is raised");
        check(polls == raise_at_poll, "no poll after the one that raised");
        raise_at_poll = 0;
        check(stub_vm.romfs_exception == MP_OBJ_NULL, "nothing left pending");
        check(call(1, 1, 0, 0, 0) == 2, "op 1 answers after the interrupt");
        check(call(2, 5, 1, 0, 0) == -5, "op 5 refuses the interrupted deploy");
        check(memcmp(segs[1].mem, MAGIC, 3) != 0, "no image mounts");
        deploy(1, img, 20000, 4096);
    }

    // A soft reset between the last write and op 5: the state is forgotten
    // (the guard's finaliser ran), so a lone op 5 commits nothing.
    make_image(img, 30000, 11);
    deploy_writes(1, img, 30000, 4096);
    soft_reset();
    check(stub_vm.romfs_guard == MP_OBJ_NULL, "the guard's finaliser cleared it");
    check(call(2, 5, 1, 0, 0) == 0, "op 5 after a soft reset: nothing to commit");
    check(memcmp(segs[1].mem, MAGIC, 3) != 0, "the header held before the reset is not committed");
    check(memcmp(segs[1].mem + 8, img + 8, 30000 - 8) == 0, "the rest was written");
    deploy(1, img, 30000, 4096);

    check(polls > 0 && syncs > 8, "hooks called");
    for (unsigned i = 0; i < 2; ++i) {
        struct mp_romfs_sim_stats s;
        mp_romfs_sim_stats(i, &s);
        check(s.violations == 0, "no illegal flash operation");
        free((void *)segs[i].mem);
    }
    soft_reset();
    printf("ffi_harness: %u failures\n", failures);
    return (int)failures;
}
