/*
 * vfs.rom_ioctl on the stm32 port: the glue between the ROMFS core and the
 * port's flash drivers (the contract is c_glue/mp_romfs_port.h).
 *
 * Segments are the board's ROMFS partitions, configured as for upstream's
 * ports/stm32/vfs_rom_ioctl.c: MICROPY_HW_ROMFS_ENABLE_PART0/1, placed by
 * MICROPY_HW_ROMFS_PARTn_START/_SIZE or else by the linker symbols
 * _micropy_hw_romfs_partn_start/_size.  A partition's address selects the
 * driver, in this order:
 *
 *   internal flash   MICROPY_HW_ROMFS_ENABLE_INTERNAL_FLASH, flash.h:
 *                    flash_erase() erases one sector, flash_write() programs
 *                    the family's program unit (words, doublewords,
 *                    quad-words, STM32H7 flash words)
 *   QSPI NOR         MICROPY_HW_ROMFS_ENABLE_EXTERNAL_QSPI, spiflash.h on
 *                    MICROPY_HW_ROMFS_QSPI_SPIFLASH_OBJ: 4 KiB erase, write
 *   OSPI NOR         MICROPY_HW_ROMFS_ENABLE_EXTERNAL_OSPI, the same on
 *                    MICROPY_HW_ROMFS_OSPI_SPIFLASH_OBJ
 *   XSPI NOR (N6)    MICROPY_HW_ROMFS_ENABLE_EXTERNAL_XSPI, storage.h's raw
 *                    spi_bdev functions on MICROPY_HW_ROMFS_XSPI_SPIBDEV_OBJ
 *
 * The sector layouts are data: internal flash's are derived from the port's
 * flash_get_sector_info() at first use, SPI NOR's are a constant table; the
 * core plans every erase and program, and the erase and program hooks here
 * each make one driver operation.
 *
 * SPI NOR block erase: the spiflash driver only erases 4 KiB sectors.  A
 * board whose QSPI/OSPI chip also erases 32 KiB and/or 64 KiB blocks (most
 * do: commands 0x52/0xd8, 4-byte address forms 0x5c/0xdc) declares them:
 *
 *   #define MICROPY_HW_ROMFS_QSPI_BLOCK_ERASE (32768 | 65536)
 *   #define MICROPY_HW_ROMFS_OSPI_BLOCK_ERASE (65536)
 *
 * (the OR of the block sizes in bytes; default 0: 4 KiB sectors only).  The
 * core then erases whole prepared blocks with one command, 3-5x faster than
 * 16 sector erases; the command is issued here through the bus's
 * mp_qspi_proto_t.  XSPI keeps 4 KiB erases.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "drivers/memory/spiflash.h"
// The HAL and CMSIS (family macros, FLASH_BASE, cache functions); the port's
// mpconfigboard_common.h includes it already, this names the dependency.
#include STM32_HAL_H
#include "flash.h"
#include "qspi.h"
#include "octospi.h"
#include "storage.h"
#include "xspi.h"

#include "mp_romfs.h"

#if MICROPY_VFS_ROM_IOCTL

// The flash paths enabled, as 0/1 (the board macros may be undefined: the
// port has no default for the OSPI one, and these are also used in C).
#if MICROPY_HW_ROMFS_ENABLE_INTERNAL_FLASH
#define ROMFS_INTERNAL (1)
#else
#define ROMFS_INTERNAL (0)
#endif
#if MICROPY_HW_ROMFS_ENABLE_EXTERNAL_QSPI
#define ROMFS_QSPI (1)
#else
#define ROMFS_QSPI (0)
#endif
#if MICROPY_HW_ROMFS_ENABLE_EXTERNAL_OSPI
#define ROMFS_OSPI (1)
#else
#define ROMFS_OSPI (0)
#endif
#if MICROPY_HW_ROMFS_ENABLE_EXTERNAL_XSPI
#define ROMFS_XSPI (1)
#else
#define ROMFS_XSPI (0)
#endif
#define ROMFS_SPIFLASH (ROMFS_QSPI || ROMFS_OSPI)

#ifndef MICROPY_HW_ROMFS_QSPI_BLOCK_ERASE
#define MICROPY_HW_ROMFS_QSPI_BLOCK_ERASE (0)
#endif
#ifndef MICROPY_HW_ROMFS_OSPI_BLOCK_ERASE
#define MICROPY_HW_ROMFS_OSPI_BLOCK_ERASE (0)
#endif
#define ROMFS_BLOCK_ERASE ((ROMFS_QSPI && MICROPY_HW_ROMFS_QSPI_BLOCK_ERASE) || (ROMFS_OSPI && MICROPY_HW_ROMFS_OSPI_BLOCK_ERASE))

#if ROMFS_OSPI && !defined(OCTOSPI_MAP_ADDR)
// MicroPython 1.26's OCTOSPI driver has no memory-mapped mode, so a ROMFS
// partition there could not be read; later versions define this.
#error "ROMFS on OSPI needs an octospi.h with a memory-mapped window (OCTOSPI_MAP_ADDR)"
#endif

/******************************************************************************/
// Sector layouts.

#if ROMFS_INTERNAL

// Internal flash: the program unit and rules of each family, as the port's
// flash_write() programs it (32-bit words; doublewords, quad-words or flash
// words where the flash has ECC, each programmable once per erase).
#if defined(STM32H7)
// Flash words of 256 bits (128 on H7A3/B0).
#define ROMFS_FLASH_UNIT_LOG2 (__builtin_ctz(FLASH_NB_32BITWORD_IN_FLASHWORD * 4))
#define ROMFS_FLASH_FLAGS (MP_ROMFS_WRITE_ONCE)
#elif defined(STM32H5) || defined(STM32U5)
// Quad-words.
#define ROMFS_FLASH_UNIT_LOG2 (4)
#define ROMFS_FLASH_FLAGS (MP_ROMFS_WRITE_ONCE)
#elif defined(STM32G0) || defined(STM32G4) || defined(STM32L4) || defined(STM32WB) || defined(STM32WL)
// Doublewords.
#define ROMFS_FLASH_UNIT_LOG2 (3)
#define ROMFS_FLASH_FLAGS (MP_ROMFS_WRITE_ONCE)
#elif defined(STM32F0) || defined(STM32L0) || defined(STM32L1)
// Words, each programmed only over an erased one (F0: half-words that
// are not 0xffff refuse a program; L0/L1: NOTZEROERR).
#define ROMFS_FLASH_UNIT_LOG2 (2)
#define ROMFS_FLASH_FLAGS (MP_ROMFS_WRITE_ONCE)
#elif defined(STM32F4) || defined(STM32F7)
// Words, reprogrammable with compatible bits.
#define ROMFS_FLASH_UNIT_LOG2 (2)
#define ROMFS_FLASH_FLAGS (0)
#else
#error "ROMFS on internal flash: no program unit for this MCU family"
#endif
#if defined(STM32L0) || defined(STM32L1)
#define ROMFS_FLASH_ERASED (0x00) // their NVM erases to zeros
#else
#define ROMFS_FLASH_ERASED (0xff)
#endif

// The sectors come from the port's flash.c, which knows each family's layout
// (flash_get_sector_info: index, start and size of the sector holding an
// address, -1 outside the flash; flash_erase() erases that sector).  At
// first use, each partition's sectors are walked from the one holding its
// first byte to the one holding its last (a sector straddling either edge
// included, so that the core sees where the edges fall) and run-length
// encoded.  The most runs a partition can need is that of the family's
// whole flash in flash.c; a board may set another maximum.  A partition
// whose walk needs more runs gets no geometry (ops 3-6 fail with -EIO).
#ifndef MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS
#if defined(STM32F4)
// 4x16K, 1x64K, then 128K; again from 1 MiB on 2 MiB F42x/F43x/F469/F479.
#define MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS (6)
#elif defined(STM32F7)
// 4x32K, 1x128K, then 256K (F72x/F73x: 4x16K, 1x64K, 3x128K).
#define MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS (3)
#else
// Sectors or pages of one size.
#define MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS (1)
#endif
#endif

typedef struct {
    mp_romfs_geometry_t geom;
    mp_romfs_sector_run_t runs[MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS];
} romfs_flash_layout_t;

// The layout of `len` bytes at `start` (in internal flash), in `l`; NULL if
// flash.c has no sector at an address of the walk, or the runs do not fit.
// flash.c is trusted as a table here would be: its sectors follow each
// other (so after the first one only sizes are asked for) and their sizes
// are powers of two.
static const mp_romfs_geometry_t *romfs_flash_layout(romfs_flash_layout_t *l, uint32_t start, uint32_t len) {
    uint32_t addr, size;
    if (flash_get_sector_info(start, &addr, &size) < 0) {
        return NULL;
    }
    l->geom.base = addr;
    mp_romfs_sector_run_t *run = l->runs;
    run->count = 0;
    for (;;) {
        uint32_t log2 = 0; // (a loop: Cortex-M0 has no instruction for it)
        while (size >> log2 > 1) {
            ++log2;
        }
        if (run->count != 0 && run->size_log2 != log2) {
            if (++run == l->runs + MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS) {
                return NULL;
            }
            run->count = 0;
        }
        run->size_log2 = log2;
        run->count += 1;
        addr += size;
        if (addr - start >= len) {
            break; // this sector holds the last byte
        }
        if (flash_get_sector_info(addr, NULL, &size) < 0) {
            return NULL;
        }
    }
    l->geom.runs = l->runs;
    l->geom.n_runs = run - l->runs + 1;
    l->geom.program_log2 = ROMFS_FLASH_UNIT_LOG2;
    l->geom.erased = ROMFS_FLASH_ERASED;
    l->geom.flags = ROMFS_FLASH_FLAGS;
    return &l->geom;
}

#endif // ROMFS_INTERNAL

#if ROMFS_SPIFLASH || ROMFS_XSPI

// SPI NOR: 4 KiB sectors over the whole 256 MiB memory-mapped window, from
// device address 0; byte-programmable (the driver splits pages).
static const mp_romfs_sector_run_t romfs_nor_runs[] = {{65536, 12}};

#define ROMFS_NOR_GEOM(name, blocks) \
    static const mp_romfs_geometry_t name = { \
        .runs = romfs_nor_runs, .n_runs = 1, .base = 0, .block_erase_log2_mask = (blocks), \
        .program_log2 = 0, .erased = 0xff, .flags = 0, \
    }

#if ROMFS_QSPI
ROMFS_NOR_GEOM(romfs_qspi_geom, MICROPY_HW_ROMFS_QSPI_BLOCK_ERASE);
#endif
#if ROMFS_OSPI
ROMFS_NOR_GEOM(romfs_ospi_geom, MICROPY_HW_ROMFS_OSPI_BLOCK_ERASE);
#endif
#if ROMFS_XSPI
ROMFS_NOR_GEOM(romfs_xspi_geom, 0);
#endif

#endif

/******************************************************************************/
// The segment table: the enabled partitions, in order.

#if MICROPY_HW_ROMFS_ENABLE_PART0 && !defined(MICROPY_HW_ROMFS_PART0_START)
extern uint8_t _micropy_hw_romfs_part0_start, _micropy_hw_romfs_part0_size;
#define MICROPY_HW_ROMFS_PART0_START ((uintptr_t)&_micropy_hw_romfs_part0_start)
#define MICROPY_HW_ROMFS_PART0_SIZE ((uintptr_t)&_micropy_hw_romfs_part0_size)
#endif
#if MICROPY_HW_ROMFS_ENABLE_PART1 && !defined(MICROPY_HW_ROMFS_PART1_START)
extern uint8_t _micropy_hw_romfs_part1_start, _micropy_hw_romfs_part1_size;
#define MICROPY_HW_ROMFS_PART1_START ((uintptr_t)&_micropy_hw_romfs_part1_start)
#define MICROPY_HW_ROMFS_PART1_SIZE ((uintptr_t)&_micropy_hw_romfs_part1_size)
#endif

// (In #if, an undefined macro counts as 0; in C it would not compile.)
#if MICROPY_HW_ROMFS_ENABLE_PART0 && MICROPY_HW_ROMFS_ENABLE_PART1
#define ROMFS_NSEG (2)
#elif MICROPY_HW_ROMFS_ENABLE_PART0 || MICROPY_HW_ROMFS_ENABLE_PART1
#define ROMFS_NSEG (1)
#else
#define ROMFS_NSEG (0)
#endif
#define ROMFS_NSLOT (ROMFS_NSEG ? ROMFS_NSEG : 1)

static mp_romfs_segment_t romfs_segs[ROMFS_NSLOT];
static struct mp_romfs_state romfs_states[ROMFS_NSLOT];
static const mp_romfs_table_t romfs_table = { romfs_segs, romfs_states, ROMFS_NSEG };
#if ROMFS_INTERNAL
static romfs_flash_layout_t romfs_flash_layouts[ROMFS_NSLOT];
#endif

// Called once per partition: with two, one out-of-line copy is smaller.
#if ROMFS_NSEG > 1
#define ROMFS_DESCRIBE_ATTR MP_NOINLINE
#else
#define ROMFS_DESCRIBE_ATTR
#endif

// Describes partition slot `i` at CPU address `start`: which device holds
// it and at which device address.  A partition on no enabled path keeps a
// NULL geometry: op 2 still returns it, ops 3-6 fail with -EIO.  Internal
// flash segments have no driver object (port NULL); their layout is
// derived at the first call, and again only if the partition moved.
static ROMFS_DESCRIBE_ATTR void romfs_describe(unsigned i, uintptr_t start, uint32_t len) {
    mp_romfs_segment_t *s = &romfs_segs[i];
    bool moved = s->mem != (const uint8_t *)start || s->len != len;
    s->mem = (const uint8_t *)start;
    s->len = len;
    s->addr = start;
    s->port = NULL;
    #if ROMFS_INTERNAL
    if (flash_is_valid_addr(start)) {
        if (moved) {
            s->geom = romfs_flash_layout(&romfs_flash_layouts[i], start, len);
        }
        return;
    }
    #else
    (void)moved;
    #endif
    s->geom = NULL;
    #if ROMFS_QSPI
    if (qspi_is_valid_addr(start)) {
        s->addr = start - QSPI_MAP_ADDR;
        s->geom = &romfs_qspi_geom;
        s->port = MICROPY_HW_ROMFS_QSPI_SPIFLASH_OBJ;
        return;
    }
    #endif
    #if ROMFS_OSPI
    if (octospi_is_valid_addr(start)) {
        s->addr = start - OCTOSPI_MAP_ADDR;
        s->geom = &romfs_ospi_geom;
        s->port = MICROPY_HW_ROMFS_OSPI_SPIFLASH_OBJ;
        return;
    }
    #endif
    #if ROMFS_XSPI
    if (xspi_is_valid_addr(&xspi_flash2, start)) {
        s->addr = start - xspi_get_xip_base(&xspi_flash2);
        s->geom = &romfs_xspi_geom;
        s->port = MICROPY_HW_ROMFS_XSPI_SPIBDEV_OBJ;
        return;
    }
    #endif
}

// Filled on every call: partition macros may be run-time expressions (e.g.
// a size from the detected SPI flash chip).
const mp_romfs_table_t *mp_romfs_port_table(void) {
    #if MICROPY_HW_ROMFS_ENABLE_PART0
    romfs_describe(0, MICROPY_HW_ROMFS_PART0_START, MICROPY_HW_ROMFS_PART0_SIZE);
    #endif
    #if MICROPY_HW_ROMFS_ENABLE_PART1
    romfs_describe(ROMFS_NSEG - 1, MICROPY_HW_ROMFS_PART1_START, MICROPY_HW_ROMFS_PART1_SIZE);
    #endif
    return &romfs_table;
}

/******************************************************************************/
// Helpers.

#if ROMFS_INTERNAL

// The core reads flash back through the memory map right after each hook:
// drop cached lines of the range (F7/H7 cache the flash).  By address only,
// since a whole-cache invalidate would also drop dirty lines of RAM.
static void romfs_flash_changed(uint32_t addr, uint32_t len) {
    #if defined(__DCACHE_PRESENT) && __DCACHE_PRESENT
    SCB_InvalidateDCache_by_Addr((void *)addr, len);
    #else
    (void)addr;
    (void)len;
    #endif
}

// flash_write() reads 32-bit words from an aligned buffer; the core's data
// may sit at any address, so it goes through a stack buffer.  32 bytes are
// a multiple of every program unit (4, or an H7 flash word of 16 or 32), so
// each flash_write() gets whole units at a unit-aligned address.
static int romfs_flash_program(uint32_t addr, const uint8_t *src, uint32_t len) {
    uint32_t buf[8];
    int ret = 0;
    for (uint32_t done = 0; done < len && ret == 0; done += sizeof(buf)) {
        uint32_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
        memcpy(buf, src + done, n);
        ret = flash_write(addr + done, buf, n / 4);
    }
    romfs_flash_changed(addr, len);
    return ret;
}

#endif // ROMFS_INTERNAL

#if ROMFS_BLOCK_ERASE

// SPI NOR commands and status bits (JEDEC, common to Winbond, Macronix, ISSI...).
#define NOR_CMD_WREN (0x06)
#define NOR_CMD_RDSR (0x05)
#define NOR_SR_WIP (0x01)
#define NOR_SR_WEL (0x02)
// Longest block erase the wait allows (W25Q128JV 64K: 2 s max).
#define NOR_ERASE_TIMEOUT_MS (4000)

static int romfs_nor_wait(const mp_qspi_proto_t *bus, void *bus_data, uint32_t mask, uint32_t want) {
    mp_uint_t t0 = mp_hal_ticks_ms();
    for (;;) {
        uint32_t sr = 0;
        int ret = bus->read_cmd(bus_data, NOR_CMD_RDSR, 1, &sr);
        if (ret != 0 || (sr & mask) == want) {
            return ret;
        }
        if (mp_hal_ticks_ms() - t0 > NOR_ERASE_TIMEOUT_MS) {
            return -MP_ETIMEDOUT;
        }
    }
}

// One 32K or 64K block erase, with the sequence the spiflash driver uses for
// its sector erase: take the bus (leaves memory-mapped mode), write enable,
// erase, wait until done, have the bus driver drop cached lines of the
// block, give the bus back.  Addresses from 16 MiB up take the 4-byte-address
// commands, decided as the spiflash driver decides.
static int romfs_nor_block_erase(mp_spiflash_t *flash, uint32_t addr, uint32_t size) {
    const mp_spiflash_config_t *c = flash->config;
    if (c->bus_kind != MP_SPIFLASH_BUS_QSPI) {
        return -MP_EINVAL; // memory-mapped ROMFS flash is always on a QSPI bus
    }
    const mp_qspi_proto_t *bus = c->bus.u_qspi.proto;
    void *bus_data = c->bus.u_qspi.data;
    uint8_t cmd;
    if (MICROPY_HW_SPI_ADDR_IS_32BIT(addr)) {
        cmd = size == 32768 ? 0x5c : 0xdc;
    } else {
        cmd = size == 32768 ? 0x52 : 0xd8;
    }
    bus->ioctl(bus_data, MP_QSPI_IOCTL_BUS_ACQUIRE, 0);
    int ret = bus->write_cmd_data(bus_data, NOR_CMD_WREN, 0, 0);
    if (ret == 0) {
        ret = romfs_nor_wait(bus, bus_data, NOR_SR_WEL, NOR_SR_WEL);
    }
    if (ret == 0) {
        ret = bus->write_cmd_addr_data(bus_data, cmd, addr, 0, NULL);
    }
    if (ret == 0) {
        ret = romfs_nor_wait(bus, bus_data, NOR_SR_WIP, 0);
    }
    uintptr_t range[2] = { addr, size };
    bus->ioctl(bus_data, MP_QSPI_IOCTL_MEMORY_MODIFIED, (uintptr_t)range);
    bus->ioctl(bus_data, MP_QSPI_IOCTL_BUS_RELEASE, 0);
    return ret;
}

#endif // ROMFS_BLOCK_ERASE

/******************************************************************************/
// Erase and program: one driver operation each (internal flash: one
// flash_write() per 32 bytes), 0 or a negative errno.  The core only
// asks for sectors and blocks of the geometry, inside the segment, and only
// of segments that have a geometry; so the path tested last needs no test
// (these conditions are constant when no other path is enabled).

#define ROMFS_ON_FLASH(seg) (!(ROMFS_XSPI || ROMFS_SPIFLASH) || (seg)->port == NULL)
#define ROMFS_ON_XSPI(seg) (!ROMFS_SPIFLASH || (seg)->geom == &romfs_xspi_geom)

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    #if ROMFS_INTERNAL
    if (ROMFS_ON_FLASH(seg)) {
        int ret = flash_erase(addr); // the sector at addr, which is `size` long
        romfs_flash_changed(addr, size);
        return ret;
    }
    #endif
    #if ROMFS_XSPI
    if (ROMFS_ON_XSPI(seg)) {
        return spi_bdev_eraseblocks_raw(seg->port, addr / MP_SPIFLASH_ERASE_BLOCK_SIZE, size);
    }
    #endif
    #if ROMFS_SPIFLASH
    #if ROMFS_BLOCK_ERASE
    if (size != MP_SPIFLASH_ERASE_BLOCK_SIZE) {
        return romfs_nor_block_erase(seg->port, addr, size);
    }
    #endif
    return mp_spiflash_erase_block(seg->port, addr);
    #endif
    (void)seg;
    (void)addr;
    (void)size;
    return -MP_EINVAL; // no flash path enabled: never called
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    #if ROMFS_INTERNAL
    if (ROMFS_ON_FLASH(seg)) {
        return romfs_flash_program(addr, src, len);
    }
    #endif
    #if ROMFS_XSPI
    if (ROMFS_ON_XSPI(seg)) {
        return spi_bdev_writeblocks_raw(seg->port, src, 0, addr, len);
    }
    #endif
    #if ROMFS_SPIFLASH
    return mp_spiflash_write(seg->port, addr, len, src);
    #endif
    (void)seg;
    (void)addr;
    (void)src;
    (void)len;
    return -MP_EINVAL; // no flash path enabled: never called
}

void mp_romfs_port_poll(void) {
    mp_event_handle_nowait();
}

// Op 5: the image may hold native code that runs in place; instruction
// fetches must see the new bytes.  (Data caches were handled per operation.)
void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    (void)seg;
    #if defined(__ICACHE_PRESENT) && __ICACHE_PRESENT
    SCB_InvalidateICache();
    #endif
}

#endif // MICROPY_VFS_ROM_IOCTL
