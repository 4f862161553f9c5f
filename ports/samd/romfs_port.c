/*
 * vfs.rom_ioctl on the samd port: one segment, the ROMFS partition that the
 * port's linker scripts place in internal flash right after the firmware
 * (_micropy_hw_romfs_part0_start/_size, from MICROPY_HW_ROMFS_BYTES).
 *
 * The core (rust/core) plans every operation; this file only describes the
 * NVM and performs its erase and program hooks.
 *
 * SAMD21: the glue gives the NVMCTRL's commands itself, through ASF4's hri
 * register accessors (hri_nvmctrl_d21.h, static inline):
 *   erase    one Erase Row (ER) of the row (4 x 64-byte pages) at `addr`;
 *   program  per page: Page Buffer Clear (PBC), 32-bit writes of the words
 *            into the page buffer at their flash addresses, Write Page (WP);
 *            no erase.  The port sets MANW (manual write: a page is written
 *            only by WP) in clock_config.c, and its own flash_init() at boot
 *            keeps it; the glue relies on it and changes no configuration.
 * Where nothing else writes the NVM (boards whose filesystem is not in
 * internal flash, e.g. the ItsyBitsy M0), none of ASF4's NVM write code is
 * linked then: measured, 528 B less flash on the ItsyBitsy M0 than calling
 * ASF4's _flash_erase/_flash_append (184 -> 712 B free).
 *
 * SAMD51: one call of ASF4's NVM driver (its HPL layer, below the HAL's
 * flash_erase/flash_append) per hook:
 *   erase    _flash_erase() of exactly one block of 16 x 512-byte pages,
 *            always block-aligned, so ASF4 takes its direct erase path (never
 *            its read-modify-write path for partial units, and never its
 *            multi-block loop, which advances by a page, not a block);
 *   program  _flash_append(): page-buffer writes and Write Page commands
 *            only, no erase (flash_write() would read, erase and rewrite
 *            whole blocks behind the core's back).
 * The HAL's wrappers only add checks that the core's calls always pass
 * (page alignment, the range inside the flash) and, for flash_append, that
 * the first page is not in a locked region.
 *
 * Errors: neither path reads the NVM's error flags (ASF4 never did): the
 * NVM ignores commands on a locked region (it sets LOCKE), and the core
 * catches that: a unit left unerased is not programmable (-EIO), and a page
 * left unprogrammed fails the read-back (-EIO).
 *
 * On the SAMD51 the NVM is driven through a descriptor of our own, which
 * every call sets up with flash_init(): samd_flash.c keeps its descriptor
 * static.  Two descriptors, and initialising ours again, are safe because
 * ASF4 keeps no state in them besides the NVMCTRL pointer and callbacks:
 * every call is a synchronous busy-wait on the one NVMCTRL, flash_init()
 * rewrites the same configuration bits from the same ASF4 config (keeping
 * the other CTRLA fields), and the only global it sets, the device the
 * NVMCTRL interrupt handler dispatches to, matters only for callbacks, which
 * nobody registers (INTEN stays 0).
 *
 * SPDX-License-Identifier: MIT
 */
#include "py/runtime.h"
#include "mp_romfs.h"
// ASF4's NVM driver (HAL, and through it the HPL's hpl_flash.h); through
// its includes, the device header (NVMCTRL, FLASH_ADDR, FLASH_SIZE,
// NVMCTRL_PAGE_SIZE, CMCC).
#include "hal_flash.h"

#if MICROPY_VFS_ROM_IOCTL

#if defined(MCU_SAMD21)
// Erase unit: a row (4 pages of 64 bytes).  Program unit: a 32-bit word (the
// page buffer takes 16/32-bit writes; 4 is what op 3 has always returned).
#define ROMFS_ERASE_LOG2 (8)
#define ROMFS_PROGRAM_LOG2 (2)
#elif defined(MCU_SAMD51)
// Erase unit: a block (16 pages of 512 bytes).  Program unit: a quad-word
// (128 bits, the width the NVM stores and reads, with ECC check bits).
#define ROMFS_ERASE_LOG2 (13)
#define ROMFS_PROGRAM_LOG2 (4)
#else
#error "romfs_port.c needs MCU_SAMD21 or MCU_SAMD51"
#endif

#define ROMFS_ERASE_PAGES ((1u << ROMFS_ERASE_LOG2) / NVMCTRL_PAGE_SIZE)
// The unit is whole pages of the device header's page size (compile-time check).
// *FORMAT-OFF* (uncrustify takes the product for a pointer declarator)
typedef char romfs_erase_unit_is_whole_pages[ROMFS_ERASE_PAGES * NVMCTRL_PAGE_SIZE == (1u << ROMFS_ERASE_LOG2) ? 1 : -1];
// *FORMAT-ON*

// On the SAMD51 the ECC makes a programmed quad-word unfit for a second
// program, so the unit is declared write-once to the core (micropython.mk
// builds the core with its write-once feature there).  A board may turn it
// off with -DMP_ROMFS_SAMD51_WRITE_ONCE=0.  See README.md.
#if defined(MCU_SAMD51) && (!defined(MP_ROMFS_SAMD51_WRITE_ONCE) || MP_ROMFS_SAMD51_WRITE_ONCE)
#define ROMFS_FLAGS (MP_ROMFS_WRITE_ONCE)
#else
#define ROMFS_FLAGS (0)
#endif

extern uint8_t _micropy_hw_romfs_part0_start[], _micropy_hw_romfs_part0_size[];

// The whole NVM main array as equal erase units, from the flash's base.
static const mp_romfs_sector_run_t romfs_units = { FLASH_SIZE >> ROMFS_ERASE_LOG2, ROMFS_ERASE_LOG2 };
static const mp_romfs_geometry_t romfs_nvm_geom = {
    &romfs_units, 1, FLASH_ADDR, 0, ROMFS_PROGRAM_LOG2, 0xff, ROMFS_FLAGS,
};
static const mp_romfs_segment_t romfs_seg = {
    _micropy_hw_romfs_part0_start, (uint32_t)_micropy_hw_romfs_part0_start,
    (uint32_t)_micropy_hw_romfs_part0_size, &romfs_nvm_geom, NULL,
};
static struct mp_romfs_state romfs_state;
static const mp_romfs_table_t romfs_table = { &romfs_seg, &romfs_state, 1 };

#if defined(MCU_SAMD21)
// SAMD21: own NVMCTRL commands (see the top of this file): -528 B of flash on
// the ItsyBitsy M0, measured (the glue +70 B; ASF4's NVM write code, -538 B,
// is no longer linked).  No descriptor and no flash_init() call.
#include "hri_nvmctrl_d21.h"

const mp_romfs_table_t *mp_romfs_port_table(void) {
    return &romfs_table;
}

// One command on the row (ER) or page (PBC, WP) holding `addr`: wait until
// READY (ASF4 does not wait after its own commands), ADDR = the 16-bit word
// address, the command with its key, wait until READY.  The error flags are
// not read, as ASF4 never read them (reading them costs 16 B): a locked
// region ignores the command (LOCKE), and the core catches that as before: a
// row left unerased is not programmable and a page left unprogrammed fails
// the read-back (-EIO).
static void romfs_nvm_cmd(uint32_t cmd, uint32_t addr) {
    while (!hri_nvmctrl_get_interrupt_READY_bit(NVMCTRL)) {
    }
    hri_nvmctrl_write_ADDR_reg(NVMCTRL, addr / 2);
    hri_nvmctrl_write_CTRLA_reg(NVMCTRL, cmd | NVMCTRL_CTRLA_CMDEX_KEY);
    while (!hri_nvmctrl_get_interrupt_READY_bit(NVMCTRL)) {
    }
}

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    // `size` is one row: the geometry declares no larger erase.
    (void)seg;
    (void)size;
    romfs_nvm_cmd(NVMCTRL_CTRLA_CMD_ER, addr);
    return 0;
}

// Per page: Page Buffer Clear (every byte of the buffer 0xff), 32-bit writes
// of the new words into the buffer at their flash addresses, Write Page.  The
// words not written stay 0xff, which programs nothing: the rest of the page is
// left as it is.  `addr` and `len` are whole 32-bit words (op 3's unit, never
// 0); `src` may be unaligned (a memoryview slice), so words are put together
// bytewise.
int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    (void)seg;
    const uint8_t *end = src + len;
    do {
        romfs_nvm_cmd(NVMCTRL_CTRLA_CMD_PBC, addr);
        do {
            *(volatile uint32_t *)addr = src[0] | src[1] << 8 | src[2] << 16 | (uint32_t)src[3] << 24;
            addr += 4;
            src += 4;
        } while (src != end && addr % NVMCTRL_PAGE_SIZE != 0);
        romfs_nvm_cmd(NVMCTRL_CTRLA_CMD_WP, addr - 4);
    } while (src != end);
    return 0;
}
#else
static struct flash_descriptor romfs_nvm;

const mp_romfs_table_t *mp_romfs_port_table(void) {
    // Every call sets the descriptor up again (see the top of this file):
    // ASF4's flash_init() always succeeds with NVMCTRL.
    flash_init(&romfs_nvm, NVMCTRL);
    return &romfs_table;
}

// The CMCC (off at reset; samd_qspiflash.c turns it on after every QSPI
// command) caches reads of the internal flash and does not see NVM writes:
// after each erase or program, drop its lines so that the core's read-back
// and the memory map show the new bytes.  CTRL is write-only; SR tells
// whether the cache is on.
static void romfs_cmcc_invalidate(void) {
    if (CMCC->SR.reg & CMCC_SR_CSTS) {
        CMCC->CTRL.reg = 0;
        while (CMCC->SR.reg & CMCC_SR_CSTS) {
        }
        CMCC->MAINT0.reg = CMCC_MAINT0_INVALL;
        CMCC->CTRL.reg = CMCC_CTRL_CEN;
    }
}
#define ROMFS_AFTER_NVM_OP() romfs_cmcc_invalidate()

int mp_romfs_port_erase(const mp_romfs_segment_t *seg, uint32_t addr, uint32_t size) {
    // `size` is one unit: the geometry declares no larger erase.
    (void)seg;
    (void)size;
    _flash_erase(&romfs_nvm.dev, addr, ROMFS_ERASE_PAGES);
    ROMFS_AFTER_NVM_OP();
    return 0;
}

int mp_romfs_port_program(const mp_romfs_segment_t *seg, uint32_t addr, const uint8_t *src, uint32_t len) {
    (void)seg;
    _flash_append(&romfs_nvm.dev, addr, src, len);
    ROMFS_AFTER_NVM_OP();
    return 0;
}
#endif

void mp_romfs_port_poll(void) {
    mp_event_handle_nowait();
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    // Nothing left to do: the hooks already made the memory map current.
    (void)seg;
}

#endif // MICROPY_VFS_ROM_IOCTL
