/*
 * vfs.rom_ioctl on the samd port: one segment, the ROMFS partition that the
 * port's linker scripts place in internal flash right after the firmware
 * (_micropy_hw_romfs_part0_start/_size, from MICROPY_HW_ROMFS_BYTES).
 *
 * The core (rust/core) plans every operation; this file only describes the
 * NVM and performs one call of ASF4's NVM driver (its HPL layer, below the
 * HAL's flash_erase/flash_append) per erase and program hook:
 *   erase    _flash_erase() of exactly one erase unit: a row of 4 x 64-byte
 *            pages (SAMD21) or a block of 16 x 512-byte pages (SAMD51),
 *            always unit-aligned, so ASF4 takes its direct erase path (never
 *            its read-modify-write path for partial units, and never its
 *            multi-block SAMD51 loop, which advances by a page, not a block);
 *   program  _flash_append(): page-buffer writes and Write Page commands
 *            only, no erase (flash_write() would read, erase and rewrite
 *            whole rows/blocks behind the core's back).
 * The HAL's wrappers only add checks that the core's calls always pass
 * (page alignment, the range inside the flash) and, for flash_append, that
 * the first page is not in a locked region.  Where nothing else uses them
 * (boards whose filesystem is not in internal flash), calling the HPL
 * spares the firmware their code: 186 B on the ItsyBitsy M0 (with
 * _flash_is_locked and two page-size helpers).  Neither HPL function
 * reports errors: the NVM ignores commands on a locked region (it sets
 * LOCKE, which ASF4 does not read), and the core catches that as it always
 * did for an erase: a unit left unerased is not programmable (-EIO), and a
 * page left unprogrammed fails the read-back (-EIO).
 *
 * The NVM is driven through a descriptor of our own, which every call sets
 * up with flash_init(): samd_flash.c keeps its descriptor static.  Two
 * descriptors, and initialising ours again, are safe because ASF4 keeps no
 * state in them besides the NVMCTRL pointer and callbacks: every call is a
 * synchronous busy-wait on the one NVMCTRL, flash_init() rewrites the same
 * configuration bits from the same ASF4 config (keeping wait states and
 * MANW), and the only global it sets, the device the NVMCTRL interrupt
 * handler dispatches to, matters only for callbacks, which nobody registers
 * (INTEN stays 0).
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
static struct flash_descriptor romfs_nvm;

const mp_romfs_table_t *mp_romfs_port_table(void) {
    // Every call sets the descriptor up again (see the top of this file):
    // ASF4's flash_init() always succeeds with NVMCTRL.
    flash_init(&romfs_nvm, NVMCTRL);
    return &romfs_table;
}

#if defined(MCU_SAMD51)
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
#else
// The SAMD21 has no CMCC; its NVMCTRL read cache is not maintained here
// (see README.md: the core's read-back would report a stale line as -EIO).
#define ROMFS_AFTER_NVM_OP()
#endif

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

void mp_romfs_port_poll(void) {
    mp_event_handle_nowait();
}

void mp_romfs_port_sync(const mp_romfs_segment_t *seg) {
    // Nothing left to do: the hooks already made the memory map current.
    (void)seg;
}

#endif // MICROPY_VFS_ROM_IOCTL
