/*
 * The core's C ABI driven from C, for memory checkers (ffi-check/).
 *
 * A port: two segments on simulated devices (an STM32F767 flash with 4-byte
 * words, a W25Q128 NOR with byte programming), each device's memory a heap
 * block of exactly its size, the hooks calling the simulator's C ABI.
 * A caller: mp_romfs_ioctl called as c_glue/modromfs.c calls it, every
 * write buffer a heap block of exactly its length, so that a read past a
 * caller's buffer or past a device is an error for AddressSanitizer and
 * valgrind.  Checks results and contents; returns the number of failures.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h).
#include "mp_romfs_sim.h"

#define KIB (1024u)
#define F767_BASE (0x08000000u)
#define F767_SIZE (512u * KIB)
#define NOR_BASE (0x90000000u)
#define NOR_SIZE (256u * KIB)

static mp_romfs_geometry_t geoms[2];
static mp_romfs_segment_t segs[2];
static struct mp_romfs_state states[2];
static const mp_romfs_table_t table = { segs, states, 2 };
static unsigned polls, syncs, failures;

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    return mp_romfs_sim_erase((uint32_t)(uintptr_t)seg->port, addr, size);
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    return mp_romfs_sim_program((uint32_t)(uintptr_t)seg->port, addr, src, len);
}

void mp_romfs_port_poll(void) {
    ++polls;
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    (void)seg;
    ++syncs;
}

const mp_romfs_table_t *mp_romfs_port_table(void) {
    return &table;
}

static void check(int ok, const char *what) {
    if (!ok) {
        printf("ffi_harness: FAIL %s\n", what);
        ++failures;
    }
}

static ptrdiff_t call(size_t n, ptrdiff_t a0, ptrdiff_t a1, ptrdiff_t a2, ptrdiff_t a3, const uint8_t *buf, size_t len) {
    ptrdiff_t args[4] = { a0, a1, a2, a3 };
    return mp_romfs_ioctl(&table, args, n, buf, len);
}

// A heap copy of exactly `len` bytes (NULL for 0), as a caller's buffer.
static uint8_t *exact(const uint8_t *src, size_t len) {
    uint8_t *p = len ? malloc(len) : NULL;
    if (p != NULL) {
        memcpy(p, src, len);
    }
    return p;
}

static ptrdiff_t write_exact(ptrdiff_t seg, ptrdiff_t off, const uint8_t *src, size_t len) {
    uint8_t *buf = exact(src, len);
    ptrdiff_t r = call(4, 4, seg, off, 0, buf, len);
    free(buf);
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

// mpremote 1.26.1's sequence, with unpadded odd-sized chunks.
static void deploy(unsigned seg, const uint8_t *img, size_t len, size_t chunk) {
    ptrdiff_t unit = call(3, 3, seg, (ptrdiff_t)len, 0, NULL, 0);
    check(unit > 0, "prepare returns the program unit");
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        check(write_exact(seg, (ptrdiff_t)off, img + off, n) == 0, "deploy write");
    }
    check(call(2, 5, seg, 0, 0, NULL, 0) == 0, "complete");
    check(memcmp(segs[seg].mem, img, len) == 0, "deployed bytes");
}

int ffi_harness_run(void) {
    setup();
    check(call(1, 1, 0, 0, 0, NULL, 0) == 2, "op 1");
    check(call(2, 2, 1, 0, 0, NULL, 0) == 1, "op 2");
    check(call(2, 6, 0, 0, 0, NULL, 0) == 256 * KIB, "op 6 on the F767");
    check(call(2, 6, 1, 0, 0, NULL, 0) == 4 * KIB, "op 6 on the NOR");

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
    check(call(3, 3, 0, 256 * KIB, 256 * KIB, NULL, 0) == 4, "4-arg prepare");
    for (size_t n = 1; n <= 9; ++n) {
        uint8_t src[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        ptrdiff_t off = (ptrdiff_t)(256 * KIB + n * 16);
        check(write_exact(0, off, src, n) == 0, "tail write");
        check(memcmp(segs[0].mem + off, src, n) == 0, "tail bytes");
    }

    // Refusals with odd arguments: nothing read, nothing changed.
    uint8_t *before = exact(segs[1].mem, NOR_SIZE);
    uint8_t one = 0;
    check(call(0, 0, 0, 0, 0, NULL, 0) == -22, "no arguments");
    check(call(4, 4, 1, 0, 0, NULL, 0) == 0, "empty write");
    check(call(4, 4, 1, NOR_SIZE, 0, &one, 1) == -22, "write past the end");
    check(call(4, 4, 1, NOR_SIZE - 1, 0, segs[0].mem, 2) == -22, "write straddling the end");
    check(call(4, 4, 1, -1, 0, &one, 1) == -22, "negative offset");
    check(call(4, 4, 1, (ptrdiff_t)1 << 40, 0, &one, 1) == -22, "offset beyond 32 bits");
    check(call(4, 3, 1, PTRDIFF_MAX, PTRDIFF_MAX, NULL, 0) == -22, "huge prepare");
    check(call(3, 3, 1, -4096, 0, NULL, 0) == -22, "negative prepare");
    check(call(2, 2, 2, 0, 0, NULL, 0) == -22, "bad id");
    check(call(2, 9, 0, 0, 0, NULL, 0) == -22, "bad op");
    check(memcmp(before, segs[1].mem, NOR_SIZE) == 0, "refusals changed nothing");
    free(before);

    check(polls > 0 && syncs == 8, "hooks called");
    for (unsigned i = 0; i < 2; ++i) {
        struct mp_romfs_sim_stats s;
        mp_romfs_sim_stats(i, &s);
        check(s.violations == 0, "no illegal flash operation");
        free((void *)segs[i].mem);
    }
    printf("ffi_harness: %u failures\n", failures);
    return (int)failures;
}
