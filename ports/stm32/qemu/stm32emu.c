/*
 * The emulated stm32 hardware of the qemu boards in ports/stm32/qemu/, under
 * an unchanged ports/stm32/romfs_port.c:
 *
 *   flash.h      flash_get_sector_info, flash_is_valid_addr, flash_erase,
 *                flash_write as the port's flash.c behaves, over the chip
 *                profile's sectors: the sector holding an address (index,
 *                start, size; -1 outside), an erase takes the whole sector
 *                holding the address, writes take 32-bit words from an
 *                aligned buffer (STM32H7: at flash-word-aligned addresses,
 *                whole flash words, a partial last one padded with 0xff);
 *   qspi_proto   a QSPI bus (the mp_qspi_proto_t of the port's qspi.c) at
 *                command level, with a W25Q128JV behind it: WREN/WEL, RDSR
 *                with WIP busy for a few polls after each program or erase,
 *                page program (0x02/0x12, within one 256-byte page), 4K
 *                sector (0x20/0x21), 32K (0x52/0x5c) and 64K (0xd8/0xdc)
 *                block erase, which erase the block holding the address;
 *                MicroPython's own drivers/memory/spiflash.c runs on it;
 *   caches       SCB_InvalidateDCache_by_Addr / SCB_InvalidateICache (parts
 *                with caches, F7/H7): the memory map the CPU reads (the
 *                "view") shows flash changes only once their range is
 *                invalidated, as a data cache that held every line would;
 *                the QSPI bus's MEMORY_MODIFIED does that for its window, as
 *                the port's qspi.c does.  On a part without a data cache
 *                (F4) the board puts the view on the chip's array itself.
 *
 * Each chip's array is a simulated device of the core's NOR simulator
 * (mp_romfs_sim_*), one simulator device per partition with the partition
 * as its fence, so any erase or program outside the partitions, misaligned,
 * or over bits that are not erased is refused and counted.  A driver
 * precondition the glue breaks (unaligned buffer, command without WREN or
 * while busy, bus not acquired, a page program crossing a page) is counted
 * too, as a violation of that device, so the tests' violation checks see it.
 *
 * Memory: QEMU's 16 MB PSRAM (0x21000000), laid out by the board's
 * romfs_board.h; a marker word makes the first boot erase everything (0xff)
 * and later soft and hard resets keep the contents, as flash does.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/objtuple.h"
#include "drivers/memory/spiflash.h"
#include STM32_HAL_H
#include "flash.h"
#include "qspi.h"
#include "storage.h"

// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h).
#include "mp_romfs_sim.h"

#if MICROPY_VFS_ROM_IOCTL

// Counters for the tests (stm32emu.counters()).
enum {
    EMU_DCACHE_INVALIDATE,  // SCB_InvalidateDCache_by_Addr calls
    EMU_ICACHE_INVALIDATE,  // SCB_InvalidateICache calls
    EMU_QSPI_MODIFIED,      // MP_QSPI_IOCTL_MEMORY_MODIFIED
    EMU_QSPI_ERASE_4K,      // sector erase commands
    EMU_QSPI_ERASE_32K,     // 32K block erase commands
    EMU_QSPI_ERASE_64K,     // 64K block erase commands
    EMU_QSPI_PROGRAM,       // page program commands
    EMU_MISUSE,             // broken driver preconditions
    EMU_NCOUNTERS,
};
static uint32_t emu_count[EMU_NCOUNTERS];

/******************************************************************************/
// Chips, partitions and their simulated devices.

typedef struct {
    uint32_t profile;   // MP_ROMFS_SIM_*
    uint32_t base;      // device address of the first byte held
    uint32_t size;      // bytes held
    uintptr_t view;     // where the CPU reads them
    uint8_t *array;     // the chip's bytes (the simulator's memory)
} emu_chip_t;

enum { CHIP_FLASH, CHIP_QSPI };

static const emu_chip_t emu_chips[] = {
    // Internal flash: device addresses are CPU addresses, as for flash.c.
    [CHIP_FLASH] = { STM32EMU_FLASH_PROFILE, FLASH_BASE, STM32EMU_FLASH_SIZE, FLASH_BASE, (uint8_t *)STM32EMU_FLASH_ARRAY },
    #ifdef STM32EMU_QSPI_VIEW
    // QSPI NOR: device addresses from 0, mapped at QSPI_MAP_ADDR.
    [CHIP_QSPI] = { MP_ROMFS_SIM_W25Q128, 0, STM32EMU_QSPI_SIZE, QSPI_MAP_ADDR, (uint8_t *)STM32EMU_QSPI_ARRAY },
    #endif
};

typedef struct {
    uint32_t start;     // CPU address
    uint32_t size;
} emu_part_t;

static const emu_part_t emu_parts[] = {
    { STM32EMU_PART0_START, STM32EMU_PART0_SIZE },
    #ifdef STM32EMU_PART1_START
    { STM32EMU_PART1_START, STM32EMU_PART1_SIZE },
    #endif
};

// The partitions again, for a board whose PARTn_START/_SIZE macros read
// them at run time, as a real board's may (e.g. a size detected at start-up):
// set at each start-up, changed by stm32emu.move_partition().  The
// simulated devices keep the fences of emu_parts.  (In bss: in these builds
// the qemu port's start-up copies .data forward from _sidata, 4 bytes below
// _sdata, over itself, so initialised variables do not keep their values.)
uint32_t stm32emu_part_start[MP_ARRAY_SIZE(emu_parts)];
uint32_t stm32emu_part_size[MP_ARRAY_SIZE(emu_parts)];

// The board's linker symbols, for a board that places its partitions the
// way most stm32 boards do (in the linker script).
#if STM32EMU_LINKER_SYMBOLS
#define EMU_STR(x) #x
#define EMU_SYMBOL(name, value) __asm__ (".global " #name "\n.set " #name ", " EMU_STR(value))
EMU_SYMBOL(_micropy_hw_romfs_part0_start, STM32EMU_PART0_START);
EMU_SYMBOL(_micropy_hw_romfs_part0_size, STM32EMU_PART0_SIZE);
#ifdef STM32EMU_PART1_START
EMU_SYMBOL(_micropy_hw_romfs_part1_start, STM32EMU_PART1_START);
EMU_SYMBOL(_micropy_hw_romfs_part1_size, STM32EMU_PART1_SIZE);
#endif
#endif

static unsigned emu_chip_of(const emu_part_t *p) {
    for (unsigned c = 0; c < MP_ARRAY_SIZE(emu_chips); ++c) {
        if (p->start - emu_chips[c].view < emu_chips[c].size) {
            return c;
        }
    }
    return CHIP_FLASH;
}

// The simulated device (= partition index) that gets an operation at device
// address `addr` of chip `chip`: the partition holding it, else the chip's
// first partition, whose fence then refuses (and counts) the operation.
static unsigned emu_dev(unsigned chip, uint32_t addr) {
    unsigned dev = MP_ARRAY_SIZE(emu_parts);
    for (unsigned i = 0; i < MP_ARRAY_SIZE(emu_parts); ++i) {
        const emu_part_t *p = &emu_parts[i];
        if (emu_chip_of(p) == chip) {
            uint32_t a = p->start - emu_chips[chip].view + emu_chips[chip].base;
            if (addr - a < p->size) {
                return i;
            }
            if (dev == MP_ARRAY_SIZE(emu_parts)) {
                dev = i;
            }
        }
    }
    return dev;
}

static int emu_result(int ret) {
    if (ret == MP_ROMFS_SIM_POWER_LOST) {
        mp_hal_stdout_tx_str("ROMFS: power lost\r\n");
        for (;;) {
        }
    }
    return ret == 0 ? 0 : -MP_EIO;
}

// A broken precondition: counted here and as a violation of the device (an
// erase of size 0 is refused and counted by the simulator).
static int emu_misuse(unsigned dev) {
    ++emu_count[EMU_MISUSE];
    mp_romfs_sim_erase(dev, 0, 0);
    return -MP_EIO;
}

/******************************************************************************/
// Caches: the view of a range catches up with the chip when invalidated.

#if __DCACHE_PRESENT || defined(STM32EMU_QSPI_VIEW)
static void emu_refresh(uintptr_t addr, uint32_t len) {
    uintptr_t lo = addr & ~(uintptr_t)31;
    uintptr_t hi = (addr + len + 31) & ~(uintptr_t)31;
    for (unsigned c = 0; c < MP_ARRAY_SIZE(emu_chips); ++c) {
        const emu_chip_t *chip = &emu_chips[c];
        if (chip->view == (uintptr_t)chip->array) {
            continue; // no cache: the CPU reads the chip itself
        }
        uintptr_t a = lo > chip->view ? lo : chip->view;
        uintptr_t b = hi < chip->view + chip->size ? hi : chip->view + chip->size;
        if (a < b) {
            memcpy((uint8_t *)a, chip->array + (a - chip->view), b - a);
        }
    }
}
#endif

#if __DCACHE_PRESENT
void SCB_InvalidateDCache_by_Addr(volatile void *addr, int32_t dsize) {
    ++emu_count[EMU_DCACHE_INVALIDATE];
    if (dsize > 0) {
        emu_refresh((uintptr_t)addr, dsize);
    }
}
#endif

#if __ICACHE_PRESENT
void SCB_InvalidateICache(void) {
    ++emu_count[EMU_ICACHE_INVALIDATE];
}
#endif

/******************************************************************************/
// Internal flash (the port's flash.h).

// The sector holding `addr`, as the port's flash.c answers: its index (from
// the first sector of the flash, counting both banks), start and size, or
// -1 outside the flash.  The layout is the simulator's chip profile.
int32_t flash_get_sector_info(uint32_t addr, uint32_t *start_addr, uint32_t *size) {
    mp_romfs_geometry_t g;
    mp_romfs_sim_geometry(STM32EMU_FLASH_PROFILE, FLASH_BASE, &g);
    uint32_t start = FLASH_BASE;
    int32_t index = 0;
    if (addr < FLASH_BASE) {
        return -1;
    }
    for (uint32_t r = 0; r < g.n_runs; ++r) {
        uint32_t log2 = g.runs[r].size_log2;
        uint32_t span = g.runs[r].count << log2;
        if (addr - start < span) {
            if (start_addr != NULL) {
                *start_addr = start + ((addr - start) >> log2 << log2);
            }
            if (size != NULL) {
                *size = 1u << log2;
            }
            return index + ((addr - start) >> log2);
        }
        start += span;
        index += g.runs[r].count;
    }
    return -1;
}

bool flash_is_valid_addr(uint32_t addr) {
    return flash_get_sector_info(addr, NULL, NULL) >= 0;
}

// As flash.c: the sector holding `dest` (F4/F7 by its index from
// flash_get_sector_info, the other families by page number).
int flash_erase(uint32_t dest) {
    uint32_t start, size;
    if (flash_get_sector_info(dest, &start, &size) < 0) {
        return -MP_EIO; // no such sector: the HAL refuses
    }
    return emu_result(mp_romfs_sim_erase(emu_dev(CHIP_FLASH, dest), start, size));
}

int flash_write(uint32_t dest, const uint32_t *src, uint32_t num_word32) {
    unsigned dev = emu_dev(CHIP_FLASH, dest);
    const uint32_t unit = STM32EMU_FLASH_UNIT;
    // A uint32_t pointer must be aligned (the real code loads words from
    // it), and the HAL programs unit-aligned addresses only.
    if (((uintptr_t)src & 3) != 0 || (dest & (unit - 1)) != 0) {
        return emu_misuse(dev);
    }
    uint32_t len = num_word32 * 4;
    uint32_t whole = len & ~(unit - 1);
    int ret = whole ? mp_romfs_sim_program(dev, dest, (const uint8_t *)src, whole) : 0;
    if (ret == 0 && whole < len) {
        // H7: the last partial flash word is padded with 0xff, as flash.c does.
        uint8_t last[32];
        memset(last, 0xff, sizeof(last));
        memcpy(last, (const uint8_t *)src + whole, len - whole);
        ret = mp_romfs_sim_program(dev, dest + whole, last, unit);
    }
    return emu_result(ret);
}

/******************************************************************************/
// QSPI bus with a W25Q128JV (the port's qspi_proto).

#ifdef STM32EMU_QSPI_VIEW

static struct {
    bool acquired;      // BUS_ACQUIRE'd (out of memory-mapped mode)
    bool wel;           // write enable latch
    uint8_t busy;       // RDSR polls that still report WIP
    uint8_t sr2;        // status register 2 (QE)
} emu_nor;

// Commands need the bus, and the chip ignores all but RDSR while busy.
static bool emu_nor_ready(void) {
    return emu_nor.acquired && emu_nor.busy == 0;
}

static int emu_qspi_ioctl(void *self, uint32_t cmd, uintptr_t arg) {
    (void)self;
    unsigned dev = emu_dev(CHIP_QSPI, 0);
    switch (cmd) {
        case MP_QSPI_IOCTL_BUS_ACQUIRE:
            if (emu_nor.acquired) {
                emu_misuse(dev);
            }
            emu_nor.acquired = true;
            break;
        case MP_QSPI_IOCTL_BUS_RELEASE:
            // Memory-mapped reads of a busy chip would return garbage.
            if (!emu_nor_ready()) {
                emu_misuse(dev);
            }
            emu_nor.acquired = false;
            break;
        case MP_QSPI_IOCTL_MEMORY_MODIFIED: {
            const uintptr_t *addr_len = (const uintptr_t *)arg;
            ++emu_count[EMU_QSPI_MODIFIED];
            emu_refresh(QSPI_MAP_ADDR + addr_len[0], addr_len[1]);
            break;
        }
    }
    return 0;
}

static int emu_qspi_write_cmd_data(void *self, uint8_t cmd, size_t len, uint32_t data) {
    (void)self;
    (void)len;
    if (!emu_nor_ready()) {
        return emu_misuse(emu_dev(CHIP_QSPI, 0));
    }
    switch (cmd) {
        case 0x06: // WREN
            emu_nor.wel = true;
            break;
        case 0x04: // WRDI
            emu_nor.wel = false;
            break;
        case 0x01: // WRSR: status registers 1 and 2
            if (!emu_nor.wel) {
                return emu_misuse(emu_dev(CHIP_QSPI, 0));
            }
            emu_nor.sr2 = data >> 8 & 0x02;
            emu_nor.wel = false;
            emu_nor.busy = 2;
            break;
    }
    return 0;
}

static int emu_qspi_write_cmd_addr_data(void *self, uint8_t cmd, uint32_t addr, size_t len, const uint8_t *src) {
    (void)self;
    unsigned dev = emu_dev(CHIP_QSPI, addr);
    if (!emu_nor_ready() || !emu_nor.wel) {
        return emu_misuse(dev);
    }
    int ret = 0;
    uint32_t size = 0;
    switch (cmd) {
        case 0x02: // page program, 3- and 4-byte address
        case 0x12:
            if ((addr & 0xff) + len > 256) {
                return emu_misuse(dev); // a real chip wraps within the page
            }
            ++emu_count[EMU_QSPI_PROGRAM];
            ret = mp_romfs_sim_program(dev, addr, src, len);
            break;
        case 0x20: // sector erase
        case 0x21:
            ++emu_count[EMU_QSPI_ERASE_4K];
            size = 4096;
            break;
        case 0x52: // 32K block erase
        case 0x5c:
            ++emu_count[EMU_QSPI_ERASE_32K];
            size = 32768;
            break;
        case 0xd8: // 64K block erase
        case 0xdc:
            ++emu_count[EMU_QSPI_ERASE_64K];
            size = 65536;
            break;
        default:
            return emu_misuse(dev);
    }
    if (size) {
        // The chip erases the sector or block that holds the address.
        ret = mp_romfs_sim_erase(dev, addr & ~(size - 1), size);
    }
    emu_nor.wel = false;
    emu_nor.busy = 2;
    return emu_result(ret);
}

static int emu_qspi_read_cmd(void *self, uint8_t cmd, size_t len, uint32_t *dest) {
    (void)self;
    (void)len;
    if (!emu_nor.acquired) {
        return emu_misuse(emu_dev(CHIP_QSPI, 0));
    }
    uint32_t value = 0;
    switch (cmd) {
        case 0x05: // RDSR: WIP, WEL
            value = (emu_nor.busy ? 0x01 : 0) | (emu_nor.wel ? 0x02 : 0);
            if (emu_nor.busy) {
                --emu_nor.busy;
            }
            break;
        case 0x35: // RDSR2
            value = emu_nor.sr2;
            break;
        case 0x9f: // JEDEC id, in byte order
            value = 0x1840ef;
            break;
    }
    *dest = value;
    return 0;
}

static int emu_qspi_read_cmd_qaddr_qdata(void *self, uint8_t cmd, uint32_t addr, uint8_t num_dummy, size_t len, uint8_t *dest) {
    (void)self;
    (void)cmd;
    (void)num_dummy;
    const emu_chip_t *chip = &emu_chips[CHIP_QSPI];
    if (!emu_nor_ready() || addr > chip->size || len > chip->size - addr) {
        return emu_misuse(emu_dev(CHIP_QSPI, addr));
    }
    memcpy(dest, chip->array + addr, len);
    return 0;
}

const mp_qspi_proto_t qspi_proto = {
    .ioctl = emu_qspi_ioctl,
    .write_cmd_data = emu_qspi_write_cmd_data,
    .write_cmd_addr_data = emu_qspi_write_cmd_addr_data,
    .read_cmd = emu_qspi_read_cmd,
    .read_cmd_qaddr_qdata = emu_qspi_read_cmd_qaddr_qdata,
    .direct_read = NULL,
};

// The board's SPI flash object on that bus, as a real board's bdev.c has it.
static const mp_spiflash_config_t spiflash2_config = {
    .bus_kind = MP_SPIFLASH_BUS_QSPI,
    .bus.u_qspi.data = NULL,
    .bus.u_qspi.proto = &qspi_proto,
};
spi_bdev_t spi_bdev2;

#endif // STM32EMU_QSPI_VIEW

// A millisecond tick for the drivers: the emulation has no clock, so time
// advances by 1 ms per reading (enough for timeouts to end).
mp_uint_t mp_hal_ticks_ms(void) {
    static mp_uint_t ticks;
    return ++ticks;
}

/******************************************************************************/
// Start-up (MICROPY_PORT_INIT_FUNC: in mp_init, before /rom is mounted).

#define EMU_MARKER_VALUE (0x524f4d31)

void stm32emu_init(void) {
    static bool attached;
    volatile uint32_t *marker = (volatile uint32_t *)STM32EMU_MARKER;
    if (*marker != EMU_MARKER_VALUE) {
        // First power-on: blank chips (QEMU starts PSRAM with zeros).
        for (unsigned c = 0; c < MP_ARRAY_SIZE(emu_chips); ++c) {
            memset(emu_chips[c].array, 0xff, emu_chips[c].size);
            memset((uint8_t *)emu_chips[c].view, 0xff, emu_chips[c].size);
        }
        *marker = EMU_MARKER_VALUE;
    }
    for (unsigned i = 0; i < MP_ARRAY_SIZE(emu_parts); ++i) {
        stm32emu_part_start[i] = emu_parts[i].start;
        stm32emu_part_size[i] = emu_parts[i].size;
    }
    if (attached) {
        return; // a soft reset: the devices and their counters live on
    }
    attached = true;
    for (unsigned i = 0; i < MP_ARRAY_SIZE(emu_parts); ++i) {
        const emu_part_t *p = &emu_parts[i];
        const emu_chip_t *chip = &emu_chips[emu_chip_of(p)];
        mp_romfs_sim_attach(i, chip->profile, chip->base, chip->array, chip->size,
            p->start - chip->view + chip->base, p->size);
    }
    #ifdef STM32EMU_QSPI_VIEW
    spi_bdev2.spiflash.config = &spiflash2_config;
    mp_spiflash_init(&spi_bdev2.spiflash);
    #endif
}

/******************************************************************************/
// The module: stm32emu.counters(), the counters above as a tuple;
// stm32emu.sector_info(addr), what flash_get_sector_info() answers, as
// (index, start, size) or None; stm32emu.move_partition(i, start, size);
// stm32emu.FLASH_BASE.

static mp_obj_t stm32emu_counters(void) {
    mp_obj_t items[EMU_NCOUNTERS];
    for (unsigned i = 0; i < EMU_NCOUNTERS; ++i) {
        items[i] = mp_obj_new_int_from_uint(emu_count[i]);
    }
    return mp_obj_new_tuple(EMU_NCOUNTERS, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(stm32emu_counters_obj, stm32emu_counters);

static mp_obj_t stm32emu_sector_info(mp_obj_t addr_in) {
    uint32_t start, size;
    int32_t index = flash_get_sector_info(mp_obj_get_int_truncated(addr_in), &start, &size);
    if (index < 0) {
        return mp_const_none;
    }
    mp_obj_t items[3] = {
        MP_OBJ_NEW_SMALL_INT(index), mp_obj_new_int_from_uint(start), mp_obj_new_int_from_uint(size),
    };
    return mp_obj_new_tuple(3, items);
}
static MP_DEFINE_CONST_FUN_OBJ_1(stm32emu_sector_info_obj, stm32emu_sector_info);

static mp_obj_t stm32emu_move_partition(mp_obj_t i_in, mp_obj_t start_in, mp_obj_t size_in) {
    mp_uint_t i = mp_obj_get_int(i_in);
    if (i >= MP_ARRAY_SIZE(stm32emu_part_start)) {
        mp_raise_ValueError(MP_ERROR_TEXT("no such partition"));
    }
    stm32emu_part_start[i] = mp_obj_get_int_truncated(start_in);
    stm32emu_part_size[i] = mp_obj_get_int_truncated(size_in);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(stm32emu_move_partition_obj, stm32emu_move_partition);

static const mp_rom_map_elem_t stm32emu_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_stm32emu) },
    { MP_ROM_QSTR(MP_QSTR_counters), MP_ROM_PTR(&stm32emu_counters_obj) },
    { MP_ROM_QSTR(MP_QSTR_sector_info), MP_ROM_PTR(&stm32emu_sector_info_obj) },
    { MP_ROM_QSTR(MP_QSTR_move_partition), MP_ROM_PTR(&stm32emu_move_partition_obj) },
    { MP_ROM_QSTR(MP_QSTR_FLASH_BASE), MP_ROM_INT(FLASH_BASE) },
};
static MP_DEFINE_CONST_DICT(stm32emu_globals, stm32emu_globals_table);

const mp_obj_module_t stm32emu_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&stm32emu_globals,
};
MP_REGISTER_MODULE(MP_QSTR_stm32emu, stm32emu_module);

#endif // MICROPY_VFS_ROM_IOCTL
