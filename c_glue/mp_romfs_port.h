/*
 * The contract between the ROMFS core (Rust) and a port.
 *
 * A port describes its ROM segments as data (where each one is mapped, which
 * device addresses it covers, and the sector layout of the device) and
 * implements the hooks below: erase and program perform exactly one flash
 * operation each, poll lets the port service events, sync does cache
 * maintenance, and the table function returns the segments.  All planning,
 * validation and state live in the core.
 *
 * This header is the single source of truth for these types: the Rust side is
 * generated from it by bindgen (rust/core/src/bindings.rs), and a test fails when
 * the committed bindings differ from a fresh generation.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MP_ROMFS_PORT_H
#define MP_ROMFS_PORT_H

#include <stdint.h>

/* A run of `count` equal erase sectors of (1 << size_log2) bytes each. */
typedef struct mp_romfs_sector_run {
    uint32_t count;
    uint32_t size_log2;
} mp_romfs_sector_run_t;

/* The unit can be programmed only once after an erase, even with compatible
 * bits (ECC flash words, e.g. STM32H7 32-byte flash words). */
#define MP_ROMFS_WRITE_ONCE (1)
/* The memory needs no erase and any value can overwrite any value (MRAM).
 * Prepare never erases; the sector runs only set the op-6 granularity. */
#define MP_ROMFS_NO_ERASE (2)

/* The layout of one flash device (or of one region of uniform rules). */
typedef struct mp_romfs_geometry {
    /* Sector runs, in address order, the first starting at `base`. */
    const mp_romfs_sector_run_t *runs;
    uint32_t n_runs;
    /* Device address of the first sector of runs[0]. */
    uint32_t base;
    /* Bit k set: the device can also erase an aligned block of (1 << k) bytes
     * in one operation (e.g. 32 KiB and 64 KiB block erase on SPI NOR). */
    uint32_t block_erase_log2_mask;
    /* Program unit: 1 << program_log2 bytes (0..5, i.e. 1..32 bytes). */
    uint8_t program_log2;
    /* Value of an erased byte, 0xff for NOR flash. */
    uint8_t erased;
    /* MP_ROMFS_WRITE_ONCE, MP_ROMFS_NO_ERASE. */
    uint8_t flags;
} mp_romfs_geometry_t;

/* One ROM segment: the bytes vfs.rom_ioctl(2, id) exposes. */
typedef struct mp_romfs_segment {
    /* Where the CPU reads the segment (memory-mapped). */
    const uint8_t *mem;
    /* Device address of the segment's first byte, as the driver takes it. */
    uint32_t addr;
    /* Length in bytes: a multiple of the program unit. */
    uint32_t len;
    const mp_romfs_geometry_t *geom;
    /* For the port's hooks (e.g. which driver object to use). */
    void *port;
} mp_romfs_segment_t;

/* The core's RAM state of one segment, defined in mp_romfs.h.  A port owns
 * one zero-initialised instance per segment. */
struct mp_romfs_state;

typedef struct mp_romfs_table {
    const mp_romfs_segment_t *segs;
    struct mp_romfs_state *states;
    uint32_t count;
} mp_romfs_table_t;

/*
 * Hooks implemented by the port.
 *
 * Erase and program perform one operation on one segment and return 0 on
 * success or a negative value on failure.  Addresses are device addresses.
 * Erase, program and sync run with the core's (Rust) frames on the stack and
 * must not raise a MicroPython exception (each is one driver call; a port
 * whose driver might raise catches it with nlr_push and returns an error).
 * Poll may raise: the core calls it through the shim's mp_romfs_poll(),
 * which catches the exception and raises it again once the core has
 * returned.  The core never calls them with a range outside the segment,
 * and only with erase sizes and alignments that the geometry declares.  After
 * a hook returns, the memory map (`mem`) must show the new contents (ports
 * with caches or memory-mapped modes restore/invalidate them inside the
 * hook).
 */

/* Erase `size` bytes at `addr`: one sector, or one block from the mask. */
int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size);

/* Program `len` bytes (a multiple of the program unit) at `addr` (aligned to
 * it).  The target bytes are erased or compatible (the core checked). */
int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len);

/* Called between flash operations (through mp_romfs_poll()): let the port
 * service events (USB), e.g. with mp_event_handle_nowait(), which raises
 * KeyboardInterrupt on Ctrl-C. */
void mp_romfs_port_poll(void);

/* Called by op 5 (write complete): cache maintenance for the segment. */
void mp_romfs_port_sync(const mp_romfs_segment_t *seg);

/* The port's segment table; may do lazy set-up on first call. */
const mp_romfs_table_t *mp_romfs_port_table(void);

/*
 * Provided by the C shim (c_glue/modromfs.c) for the core.
 */

/* Runs mp_romfs_port_poll() with any exception it raises caught.  Returns
 * 0, or 1 if it raised: the exception is kept for the shim to raise when the
 * core returns, and until then mp_romfs_poll() returns 1 at once. */
int mp_romfs_poll(void);

/* Called if the core hits an internal error it cannot return (it is built so
 * that this never happens).  Must not return. */
__attribute__((noreturn)) void mp_romfs_fatal(void);

#endif // MP_ROMFS_PORT_H
