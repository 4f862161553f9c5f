/*
 * The alif drivers that ports/alif/romfs_port.c calls, emulated on the
 * mps2-an385 with the C signatures of the real ones (the same headers
 * declare them), over the core's NOR simulator:
 *
 *   device 0: MRAM (profile ALIF_MRAM) at MRAM_BASE, MRAM_SIZE bytes;
 *   device 1: OSPI NOR (profile IS25WX256), the first 8 MiB of the chip
 *             behind the XIP window at OSPI0_XIP_BASE.
 *
 * Each driver enforces what the real one needs: mram_write_128bit a
 * 16-byte aligned MRAM destination and the MPU opened by
 * mpu_config_mram(false) (else the CPU faults); ospi_flash_write an address
 * and length that are multiples of 4 (else the real driver's word loop runs
 * away); erases whole 4 KiB sectors (or 64 KiB blocks).  The simulator
 * refuses and counts anything outside the ROMFS partition, misaligned, or
 * (on NOR) programming bits that are not erased.  A breach of a driver's
 * own precondition is printed and also counted by the simulator, so that
 * every test's violation check sees it.
 *
 * Also here: the partitions' linker symbols (as an alif board.ld.S defines
 * them), the memories' set-up, and the `alif_emu` module for tests.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/objtuple.h"

#include "global_map.h"
#include "mram.h"
#include "mpu.h"
#include "ospi_flash.h"

// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h).
#include "mp_romfs_sim.h"

#if MICROPY_VFS_ROM_IOCTL

#define DEV_MRAM (0)
#define DEV_OSPI (1)
#define OSPI_PAGE (256)

// The ROMFS partitions: 6 MiB of OSPI from 1 MiB into the chip, and 1 MiB
// of MRAM where the Ensemble's linker script has MRAM_FS (the 8 KiB after
// it hold the boot ToC there).
#define PART0_START (OSPI0_XIP_BASE + 0x100000)
#define PART0_SIZE (0x600000)
#define PART1_START (MRAM_BASE + 0x47e000)
#define PART1_SIZE (0x100000)

__asm__ (
    ".global _micropy_hw_romfs_part0_start, _micropy_hw_romfs_part0_size\n"
    ".global _micropy_hw_romfs_part1_start, _micropy_hw_romfs_part1_size\n"
    ".set _micropy_hw_romfs_part0_start, " MP_STRINGIFY(PART0_START) "\n"
    ".set _micropy_hw_romfs_part0_size, " MP_STRINGIFY(PART0_SIZE) "\n"
    ".set _micropy_hw_romfs_part1_start, " MP_STRINGIFY(PART1_START) "\n"
    ".set _micropy_hw_romfs_part1_size, " MP_STRINGIFY(PART1_SIZE) "\n"
    );

// Bytes outside the partitions hold this, so that a stray write shows.
#define OUTSIDE (0xa5)

// Kept across soft resets, as the memories are.
static struct {
    bool ready;
    bool mram_writable;
    uint32_t mpu_calls;
    uint32_t mram_writes;
    uint32_t sector_erases;
    uint32_t block_erases;
    uint32_t page_writes;
    uint32_t faults;
} emu;

static void fill_around(uint8_t *mem, uint32_t len, uint32_t part_off, uint32_t part_len) {
    memset(mem, OUTSIDE, part_off);
    memset(mem + part_off, 0xff, part_len);
    memset(mem + part_off + part_len, OUTSIDE, len - part_off - part_len);
}

// MICROPY_PORT_INIT_FUNC: runs in mp_init, before /rom is mounted.  QEMU's
// PSRAM holds zeros at power-on; it keeps its bytes across soft resets.
void alif_emu_init(void) {
    if (emu.ready) {
        return;
    }
    emu.ready = true;
    fill_around((uint8_t *)MRAM_BASE, MRAM_SIZE, PART1_START - MRAM_BASE, PART1_SIZE);
    fill_around((uint8_t *)OSPI0_XIP_BASE, OSPI0_XIP_SIZE, PART0_START - OSPI0_XIP_BASE, PART0_SIZE);
    mp_romfs_sim_attach(DEV_MRAM, MP_ROMFS_SIM_ALIF_MRAM, MRAM_BASE, (uint8_t *)MRAM_BASE, MRAM_SIZE,
        PART1_START, PART1_SIZE);
    mp_romfs_sim_attach(DEV_OSPI, MP_ROMFS_SIM_IS25WX256, 0, (uint8_t *)OSPI0_XIP_BASE, OSPI0_XIP_SIZE,
        PART0_START - OSPI0_XIP_BASE, PART0_SIZE);
}

static void fault(unsigned dev, const char *what) {
    ++emu.faults;
    mp_hal_stdout_tx_str("alif_emu: FAULT: ");
    mp_hal_stdout_tx_str(what);
    mp_hal_stdout_tx_str("\r\n");
    // An erase of 1 byte, which the simulator refuses and counts.
    mp_romfs_sim_erase(dev, 0, 1);
}

static int sim_result(int ret) {
    if (ret == MP_ROMFS_SIM_POWER_LOST) {
        mp_hal_stdout_tx_str("ROMFS: power lost\r\n");
        for (;;) {
        }
    }
    return ret < 0 ? -MP_EIO : 0;
}

/******************************************************************************/
// mpu.h (port) and mram.h (DFP)

void mpu_config_mram(bool read_only) {
    ++emu.mpu_calls;
    emu.mram_writable = !read_only;
}

void mram_write_128bit(uint8_t *p_dst, const uint8_t *p_src) {
    uintptr_t a = (uintptr_t)p_dst;
    if (a - MRAM_BASE >= MRAM_SIZE) {
        fault(DEV_MRAM, "MRAM write outside MRAM");
    } else if (!emu.mram_writable) {
        fault(DEV_MRAM, "MRAM write while the MPU maps MRAM read-only");
    } else if (a & (MRAM_SECTOR_SIZE - 1)) {
        fault(DEV_MRAM, "MRAM write not 16-byte aligned");
    } else {
        // Reads 16 bytes at p_src, as the real one does.
        ++emu.mram_writes;
        sim_result(mp_romfs_sim_program(DEV_MRAM, a, p_src, MRAM_SECTOR_SIZE));
    }
}

/******************************************************************************/
// ospi_flash.h (port)

uintptr_t ospi_flash_get_xip_base(void) {
    return OSPI0_XIP_BASE;
}

int ospi_flash_erase_sector(uint32_t addr) {
    // The simulator refuses an address that does not start a sector.
    ++emu.sector_erases;
    return sim_result(mp_romfs_sim_erase(DEV_OSPI, addr, 4096));
}

#ifndef ALIF_EMU_BLOCK_ERASE
#define ALIF_EMU_BLOCK_ERASE (1)
#endif

#if ALIF_EMU_BLOCK_ERASE
// The optional 64 KiB block erase romfs_port.c looks for (the chip's 0xdc).
// Without it (board ENSEMBLE_AN385_4K), the driver is as in MicroPython.
int ospi_flash_erase_block_64k(uint32_t addr) {
    ++emu.block_erases;
    return sim_result(mp_romfs_sim_erase(DEV_OSPI, addr, 65536));
}
#endif

int ospi_flash_write(uint32_t addr, uint32_t len, const uint8_t *src) {
    if ((addr | len) & 3) {
        fault(DEV_OSPI, "ospi_flash_write: address or length not a multiple of 4");
        return -MP_EINVAL;
    }
    // One program operation per 256-byte page, as the driver sends them.
    while (len) {
        uint32_t n = MIN(len, OSPI_PAGE - (addr & (OSPI_PAGE - 1)));
        ++emu.page_writes;
        int ret = sim_result(mp_romfs_sim_program(DEV_OSPI, addr, src, n));
        if (ret != 0) {
            return ret;
        }
        addr += n;
        src += n;
        len -= n;
    }
    return 0;
}

/******************************************************************************/
// alif_emu: what the board's tests read.
//
//   state()       (mram_writable, mpu_calls, mram_writes, sector_erases,
//                  block_erases, page_writes, faults)
//   mem(addr, n)  n bytes of emulated memory at CPU address addr (inside
//                  the MRAM or the OSPI window), as a read-only memoryview
//   MRAM_BASE, OSPI_XIP_BASE

static mp_obj_t alif_emu_state(void) {
    mp_obj_t items[7] = {
        mp_obj_new_bool(emu.mram_writable), mp_obj_new_int_from_uint(emu.mpu_calls),
        mp_obj_new_int_from_uint(emu.mram_writes), mp_obj_new_int_from_uint(emu.sector_erases),
        mp_obj_new_int_from_uint(emu.block_erases), mp_obj_new_int_from_uint(emu.page_writes),
        mp_obj_new_int_from_uint(emu.faults),
    };
    return mp_obj_new_tuple(7, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(alif_emu_state_obj, alif_emu_state);

static mp_obj_t alif_emu_mem(mp_obj_t addr_in, mp_obj_t len_in) {
    uintptr_t a = mp_obj_get_int_truncated(addr_in);
    size_t n = mp_obj_get_int(len_in);
    bool in_mram = a - MRAM_BASE <= MRAM_SIZE && n <= MRAM_BASE + MRAM_SIZE - a;
    bool in_ospi = a - OSPI0_XIP_BASE <= OSPI0_XIP_SIZE && n <= OSPI0_XIP_BASE + OSPI0_XIP_SIZE - a;
    if (!in_mram && !in_ospi) {
        mp_raise_ValueError(MP_ERROR_TEXT("not emulated memory"));
    }
    return mp_obj_new_memoryview('B', n, (void *)a);
}
static MP_DEFINE_CONST_FUN_OBJ_2(alif_emu_mem_obj, alif_emu_mem);

static const mp_rom_map_elem_t alif_emu_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_alif_emu) },
    { MP_ROM_QSTR(MP_QSTR_state), MP_ROM_PTR(&alif_emu_state_obj) },
    { MP_ROM_QSTR(MP_QSTR_mem), MP_ROM_PTR(&alif_emu_mem_obj) },
    { MP_ROM_QSTR(MP_QSTR_MRAM_BASE), MP_ROM_INT(MRAM_BASE) },
    { MP_ROM_QSTR(MP_QSTR_OSPI_XIP_BASE), MP_ROM_INT(OSPI0_XIP_BASE) },
};
static MP_DEFINE_CONST_DICT(alif_emu_globals, alif_emu_globals_table);

const mp_obj_module_t alif_emu_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&alif_emu_globals,
};
MP_REGISTER_MODULE(MP_QSTR_alif_emu, alif_emu_module);

#endif // MICROPY_VFS_ROM_IOCTL
