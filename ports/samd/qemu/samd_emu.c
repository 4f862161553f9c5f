/*
 * The samd emulation boards' NVM: ASF4's flash_init and its HPL's
 * _flash_erase and _flash_append with their C signatures and the behaviour
 * of ASF4 84f56af (what MicroPython's samd port links), driving the core's
 * NOR simulator (SAMD21 or SAMD51 chip profile) over the MPS2 board's
 * PSRAM, so that ports/samd/romfs_port.c runs here unchanged.  On the SAMD21
 * the glue gives the NVMCTRL commands itself: the hri accessors it uses are
 * defined here over a model of the registers and the page buffer (see "the
 * SAMD21's NVMCTRL" below), which drives the simulator through the same
 * paths, lock checks and counters as the ASF4 functions.
 *
 * What the real functions do is reproduced, misuse included, and counted:
 *   _flash_erase(addr, pages)  pages before the first unit boundary and
 *        after the last whole unit are "erased" by ASF4's read-modify-write
 *        of the whole row/block (counted as rmw_pages), whole units by one
 *        erase command each; on the SAMD51 ASF4's multi-block loop advances
 *        by a page, not a block, as the real code does.  A locked region
 *        ignores the command (the NVM sets LOCKE, which ASF4 does not read).
 *   _flash_append(addr, buf, n) page by page one page-buffer load and Write
 *        Page, which programs only (the simulator refuses and counts
 *        programming a bit that is not erased); pages in locked regions are
 *        left unchanged.  Half-words (SAMD21) or words (SAMD51) are written
 *        from the source, so an odd address or length is counted as misuse.
 *   Neither checks its arguments (the HAL's flash_erase/flash_append do):
 *   an address that is not page-aligned, a range outside the flash or no
 *   pages or bytes are counted as misuse and do nothing.
 * The simulator's fence is the ROMFS partition: an erase or program that
 * touches any other byte is refused and counted (romfs_test.stats(0)).
 *
 * The device starts (once per QEMU run, from MICROPY_PORT_INIT_FUNC, before
 * mp_init mounts /rom) with the partition erased and every other byte
 * holding a pattern that stands for the firmware and the user filesystem.
 *
 * The `samd_emu` module lets tests see and steer it: layout(), peek(),
 * lock(), stats(), log(), reset() and, on the SAMD51, cmcc().
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"

// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h).
#include "mp_romfs_sim.h"
#include "hal_flash.h"
#if defined(MCU_SAMD21)
#include "hri_nvmctrl_d21.h"
#endif

#if MICROPY_VFS_ROM_IOCTL

#define EMU_MEM ((uint8_t *)FLASH_ADDR)
#define EMU_PAGE (NVMCTRL_PAGE_SIZE)
#define EMU_PAGES (FLASH_SIZE / NVMCTRL_PAGE_SIZE)
#if defined(MCU_SAMD21)
#define EMU_PROFILE MP_ROMFS_SIM_SAMD21
#define EMU_UNIT (NVMCTRL_PAGE_SIZE * NVMCTRL_ROW_PAGES)
// ASF4's whole-row loop advances by a row.
#define EMU_UNIT_STEP (EMU_UNIT)
#define EMU_REGIONS (16)
// The page buffer is filled with 16-bit writes.
#define EMU_WORD (2)
#else
#define EMU_PROFILE MP_ROMFS_SIM_SAMD51
#define EMU_UNIT (NVMCTRL_BLOCK_SIZE)
// ASF4's whole-block loop advances by a page (its bug, reproduced).
#define EMU_UNIT_STEP (NVMCTRL_PAGE_SIZE)
#define EMU_REGIONS (32)
// The page buffer is filled with 32-bit writes.
#define EMU_WORD (4)
#endif
#define EMU_UNIT_PAGES (EMU_UNIT / EMU_PAGE)
#define EMU_REGION_SIZE (FLASH_SIZE / EMU_REGIONS)

// The partition, as the samd port's Makefile (--defsym) and linker scripts
// define it: right after the bootloader and the firmware.
#define EMU_STR2(x) #x
#define EMU_STR(x) EMU_STR2(x)
__asm__ (
    ".global _micropy_hw_romfs_part0_start\n"
    ".set _micropy_hw_romfs_part0_start, " EMU_STR(SAMD_EMU_FLASH_BASE) " + " EMU_STR(SAMD_EMU_PART_OFFSET) "\n"
    ".global _micropy_hw_romfs_part0_size\n"
    ".set _micropy_hw_romfs_part0_size, " EMU_STR(SAMD_EMU_PART_SIZE) "\n"
    );
#define EMU_PART_START (FLASH_ADDR + SAMD_EMU_PART_OFFSET)
#define EMU_PART_END (EMU_PART_START + SAMD_EMU_PART_SIZE)

Nvmctrl samd_emu_nvmctrl;
#if defined(MCU_SAMD51)
Cmcc samd_emu_cmcc;
#endif

// Counters, in the order stats() reports them.
#define EMU_COUNTERS(X) \
    X(inits) X(erase_calls) X(erase_pages) X(units_erased) X(rmw_pages) \
    X(append_calls) X(append_bytes) X(pages_programmed) X(locked_skips) \
    X(errors) X(misuse) X(cmcc_invalidations) X(cmcc_stale)
#define EMU_FIELD(name) uint32_t name;
static struct {
    EMU_COUNTERS(EMU_FIELD)
} emu;

static bool emu_ready;
static uint32_t emu_locked; // region lock bits

// The erase and append calls since log() last ran: (kind, addr, n).  (The
// glue calls flash_init() at every call: stats() counts those.)
#define EMU_LOG_LEN (256)
static struct {
    char kind;
    uint32_t addr;
    uint32_t n;
} emu_log_buf[EMU_LOG_LEN];
static uint32_t emu_log_count;

static void emu_log(char kind, uint32_t addr, uint32_t n) {
    if (emu_log_count < EMU_LOG_LEN) {
        emu_log_buf[emu_log_count].kind = kind;
        emu_log_buf[emu_log_count].addr = addr;
        emu_log_buf[emu_log_count].n = n;
    }
    emu_log_count++;
}

#if defined(MCU_SAMD21)
// The flash's true contents, kept beside it in PSRAM: the NVMCTRL model finds
// the page-buffer writes (plain stores to flash addresses, which land in the
// emulated flash's RAM) as the words that differ from it.
#define EMU_SHADOW ((uint8_t *)(FLASH_ADDR + FLASH_SIZE))
static void emu_synced(uint32_t addr, uint32_t n) {
    memcpy(EMU_SHADOW + (addr - FLASH_ADDR), EMU_MEM + (addr - FLASH_ADDR), n);
}
#else
static void emu_synced(uint32_t addr, uint32_t n) {
    (void)addr;
    (void)n;
}
#endif

static uint8_t emu_pattern(uint32_t off) {
    return 0xa5 ^ (uint8_t)(off >> 2) ^ (uint8_t)(off >> 10);
}

void samd_emu_init(void) {
    if (emu_ready) {
        return; // a soft reset: the flash keeps its bytes
    }
    for (uint32_t off = 0; off < FLASH_SIZE; ++off) {
        uint32_t a = FLASH_ADDR + off;
        EMU_MEM[off] = a >= EMU_PART_START && a < EMU_PART_END ? 0xff : emu_pattern(off);
    }
    mp_romfs_sim_attach(0, EMU_PROFILE, FLASH_ADDR, EMU_MEM, FLASH_SIZE, EMU_PART_START, SAMD_EMU_PART_SIZE);
    emu_synced(FLASH_ADDR, FLASH_SIZE);
    emu_ready = true;
}

#if defined(MCU_SAMD51)
// Whether a flash operation ran while the CMCC was on; the next operation
// (or stats()) checks that MAINT0.INVALL was written since, and the cache
// turned back on.
static bool emu_cmcc_dirty;

static void emu_cmcc_check(void) {
    if (emu_cmcc_dirty) {
        bool invalidated = samd_emu_cmcc.MAINT0.reg & CMCC_MAINT0_INVALL;
        bool on = samd_emu_cmcc.SR.reg & CMCC_SR_CSTS;
        if (invalidated && on) {
            emu.cmcc_invalidations++;
        } else {
            emu.cmcc_stale++;
        }
    }
    samd_emu_cmcc.MAINT0.reg = 0;
    emu_cmcc_dirty = false;
}

// A flash operation starts: check the previous one, note this one.
static void emu_cmcc_op(void) {
    emu_cmcc_check();
    emu_cmcc_dirty = samd_emu_cmcc.SR.reg & CMCC_SR_CSTS;
}
#else
static void emu_cmcc_check(void) {
}
static void emu_cmcc_op(void) {
}
#endif

// Whether a call may go on: a descriptor set up by flash_init (real ASF4
// would use a NULL register base).
static bool emu_enter(struct _flash_device *device) {
    emu_cmcc_op();
    if (!emu_ready || device == NULL || device->hw != NVMCTRL) {
        emu.misuse++;
        return false;
    }
    return true;
}

static int32_t emu_error(int32_t rc) {
    emu.errors++;
    return rc;
}

static bool emu_is_locked(uint32_t addr) {
    return (emu_locked >> ((addr - FLASH_ADDR) / EMU_REGION_SIZE)) & 1;
}

static void emu_sim_result(int32_t rc) {
    if (rc == MP_ROMFS_SIM_POWER_LOST) {
        mp_hal_stdout_tx_str("ROMFS: power lost\r\n");
        for (;;) {
        }
    }
    // Other faults are counted by the simulator (violations).
}

// One Erase Row / Erase Block command for the unit holding `addr`.
// Returns false if a locked region ignored it.
static bool emu_erase_unit(uint32_t addr) {
    uint32_t unit = addr & ~(uint32_t)(EMU_UNIT - 1);
    if (emu_is_locked(unit)) {
        emu.locked_skips++;
        return false;
    }
    emu.units_erased++;
    emu_sim_result(mp_romfs_sim_erase(0, unit, EMU_UNIT));
    emu_synced(unit, EMU_UNIT);
    return true;
}

// One page-buffer load of `size` bytes at `addr` (within one page) and
// Write Page.
// Returns false if a locked region ignored it.
static bool emu_program_page(uint32_t addr, const uint8_t *src, uint32_t size) {
    if (addr % EMU_WORD || size % EMU_WORD) {
        // ASF4 asserts (SAMD21) or stores a misaligned word (SAMD51); an odd
        // length reads past the source.
        emu.misuse++;
    }
    if (emu_is_locked(addr)) {
        emu.locked_skips++;
        return false;
    }
    emu.pages_programmed++;
    if (size != 0) {
        emu_sim_result(mp_romfs_sim_program(0, addr, src, size));
        emu_synced(addr, size);
    }
    return true;
}

// ASF4 "erases" a page outside a whole unit by rewriting the unit: read it,
// set the page to 0xff, erase the unit, program every page back.
static void emu_rmw_erase_page(uint32_t addr) {
    static uint8_t unit_buf[EMU_UNIT];
    uint32_t unit = addr & ~(uint32_t)(EMU_UNIT - 1);
    emu.rmw_pages++;
    memcpy(unit_buf, EMU_MEM + (unit - FLASH_ADDR), EMU_UNIT);
    memset(unit_buf + (addr - unit), 0xff, EMU_PAGE);
    emu_erase_unit(unit);
    for (uint32_t p = 0; p < EMU_UNIT; p += EMU_PAGE) {
        emu_program_page(unit + p, unit_buf + p, EMU_PAGE);
    }
}

int32_t flash_init(struct flash_descriptor *flash, void *const hw) {
    emu.inits++;
    if (flash == NULL || hw != NVMCTRL) {
        emu.misuse++;
        return emu_error(ERR_INVALID_ARG);
    }
    flash->dev.hw = hw;
    return ERR_NONE;
}

void _flash_erase(struct _flash_device *const device, uint32_t dst_addr, uint32_t page_nums) {
    emu_log('E', dst_addr, page_nums);
    if (!emu_enter(device)) {
        return;
    }
    emu.erase_calls++;
    emu.erase_pages += page_nums;
    uint32_t off = dst_addr - FLASH_ADDR;
    if (off % EMU_PAGE || page_nums == 0 || page_nums > EMU_PAGES || off / EMU_PAGE + page_nums > EMU_PAGES) {
        // What flash_erase refuses: ASF4's loops would run off the pages.
        emu.misuse++;
        return;
    }
    uint32_t n = page_nums;
    uint32_t addr = dst_addr;
    uint32_t unit = dst_addr & ~(uint32_t)(EMU_UNIT - 1);
    if (addr != unit) {
        // Pages before the next unit boundary: read-modify-write each.
        unit += EMU_UNIT;
        for (uint32_t i = 0; i < EMU_UNIT_PAGES - 1; ++i) {
            emu_rmw_erase_page(addr);
            if (--n == 0) {
                return;
            }
            addr += EMU_PAGE;
            if (addr == unit) {
                break;
            }
        }
    }
    for (; n >= EMU_UNIT_PAGES; n -= EMU_UNIT_PAGES) {
        emu_erase_unit(unit);
        unit += EMU_UNIT_STEP;
    }
    for (; n > 0; --n) {
        emu_rmw_erase_page(unit);
        unit += EMU_PAGE;
    }
}

void _flash_append(struct _flash_device *const device, const uint32_t dst_addr, const uint8_t *buffer, uint32_t length) {
    emu_log('A', dst_addr, length);
    if (!emu_enter(device)) {
        return;
    }
    emu.append_calls++;
    emu.append_bytes += length;
    uint32_t off = dst_addr - FLASH_ADDR;
    if (buffer == NULL || length == 0 || off > FLASH_SIZE || off + length > FLASH_SIZE) {
        // What flash_append refuses (or asserts): it would write past the
        // flash or read no source.
        emu.misuse++;
        return;
    }
    for (uint32_t done = 0; done < length;) {
        uint32_t a = dst_addr + done;
        uint32_t n = EMU_PAGE - (a - FLASH_ADDR) % EMU_PAGE;
        if (n > length - done) {
            n = length - done;
        }
        emu_program_page(a, buffer + done, n);
        done += n;
    }
}

#if defined(MCU_SAMD21)
// --- the SAMD21's NVMCTRL, as the glue drives it ----------------------------
//
// The registers romfs_port.c uses through ASF4's hri accessors (datasheet,
// NVMCTRL chapter): CTRLA (a command runs when written with the key 0xA5 in
// CMDEX; another key, or an unknown command, sets PROGE and does nothing),
// ADDR (the 16-bit word address the command applies to), INTFLAG.READY (0
// while a command runs: here it reads 0 once after each command, and a
// command written then is refused: PROGE, counted as misuse), STATUS (the
// error flags, cleared by writing ones).  The page buffer: Page Buffer
// Clear sets it to 0xff; 16/32-bit stores to flash addresses load it; Write
// Page programs it into the page ADDR holds, so words not loaded (0xff)
// leave the flash as it is.  The stores land in the emulated flash's RAM:
// each command first takes the words that differ from the true contents
// (EMU_SHADOW) back out of it as the page buffer's loaded words.  Loads
// outside the page a Write Page programs, loads before a Page Buffer Clear
// that nothing programs, and a Write Page without a Page Buffer Clear since
// the last one are counted as misuse.  Erase Row and Write Page go through
// the same paths as the ASF4 functions above (lock regions ignore them,
// setting LOCKE; the simulator refuses what the chip's rules forbid, counts,
// and cuts the power), and are logged as 'E' (the row's pages) and 'A' (the
// loaded words' span; a Write Page that continues the last 'A' extends it).
static uint32_t emu_nvm_addr;
static uint16_t emu_nvm_status;
static bool emu_nvm_busy;
static bool emu_pb_cleared;

// Takes the page-buffer loads back out of the flash's RAM: the loaded span
// of the page at `page` (bytes `*lo` .. `*hi` of it) goes to `buf`; loads
// elsewhere are counted as misuse and dropped (page 0: all are dropped).
// Write Page looks at its page, Erase Row at its row (loads there are lost),
// stats() at the whole flash (loads no command took).
static void emu_pb_scan(uint32_t page, uint8_t *buf, uint32_t *lo, uint32_t *hi, uint32_t from, uint32_t to) {
    uint32_t *mem = (uint32_t *)EMU_MEM;
    const uint32_t *shadow = (const uint32_t *)EMU_SHADOW;
    uint32_t o = from - FLASH_ADDR;
    if (memcmp(EMU_MEM + o, EMU_SHADOW + o, to - from) == 0) {
        return;
    }
    for (uint32_t w = o / 4; w < (to - FLASH_ADDR) / 4; ++w) {
        if (mem[w] == shadow[w]) {
            continue;
        }
        uint32_t a = FLASH_ADDR + 4 * w;
        if (page != 0 && a - page < EMU_PAGE) {
            uint32_t p = a - page;
            memcpy(buf + p, &mem[w], 4);
            *lo = p < *lo ? p : *lo;
            *hi = p + 4 > *hi ? p + 4 : *hi;
        } else {
            emu.misuse++;
        }
        mem[w] = shadow[w];
    }
}

static void emu_log_append(uint32_t addr, uint32_t n) {
    uint32_t last = emu_log_count - 1;
    if (emu_log_count > 0 && emu_log_count <= EMU_LOG_LEN && emu_log_buf[last].kind == 'A'
        && emu_log_buf[last].addr + emu_log_buf[last].n == addr) {
        emu_log_buf[last].n += n;
        return;
    }
    emu.append_calls++;
    emu_log('A', addr, n);
}

static void emu_nvm_command(uint16_t ctrla) {
    static uint8_t buf[EMU_PAGE];
    uint32_t cmd = ctrla & NVMCTRL_CTRLA_CMD_Msk;
    uint32_t addr = 2 * emu_nvm_addr;
    uint32_t page = addr & ~(uint32_t)(EMU_PAGE - 1);
    uint32_t lo, hi;
    emu_cmcc_op();
    if (!emu_ready || emu_nvm_busy || ctrla >> NVMCTRL_CTRLA_CMDEX_Pos != NVMCTRL_CTRLA_CMDEX_KEY >> NVMCTRL_CTRLA_CMDEX_Pos
        || (cmd != NVMCTRL_CTRLA_CMD_PBC && (addr < FLASH_ADDR || addr - FLASH_ADDR >= FLASH_SIZE))) {
        // Not ready, a wrong key, or an address outside the flash.
        emu.misuse++;
        emu.errors++;
        emu_nvm_status |= NVMCTRL_STATUS_PROGE;
        return;
    }
    emu_nvm_busy = true;
    switch (cmd) {
        case NVMCTRL_CTRLA_CMD_PBC:
            emu_pb_cleared = true;
            break;
        case NVMCTRL_CTRLA_CMD_ER:
            emu_pb_scan(0, buf, &lo, &hi, addr & ~(uint32_t)(EMU_UNIT - 1), (addr & ~(uint32_t)(EMU_UNIT - 1)) + EMU_UNIT);
            emu_log('E', addr & ~(uint32_t)(EMU_UNIT - 1), EMU_UNIT_PAGES);
            emu.erase_calls++;
            emu.erase_pages += EMU_UNIT_PAGES;
            if (!emu_erase_unit(addr)) {
                emu_nvm_status |= NVMCTRL_STATUS_LOCKE;
            }
            break;
        case NVMCTRL_CTRLA_CMD_WP:
            memset(buf, 0xff, sizeof(buf));
            lo = EMU_PAGE;
            hi = 0;
            emu_pb_scan(page, buf, &lo, &hi, page, page + EMU_PAGE);
            if (!emu_pb_cleared) {
                emu.misuse++;
            }
            emu_pb_cleared = false;
            if (hi > lo) {
                emu_log_append(page + lo, hi - lo);
                emu.append_bytes += hi - lo;
            }
            if (hi <= lo) {
                lo = hi = 0; // nothing loaded: the page is left as it is
            }
            if (!emu_program_page(page + lo, buf + lo, hi - lo)) {
                emu_nvm_status |= NVMCTRL_STATUS_LOCKE;
            }
            break;
        default:
            emu.misuse++;
            emu.errors++;
            emu_nvm_status |= NVMCTRL_STATUS_PROGE;
            break;
    }
}

bool hri_nvmctrl_get_interrupt_READY_bit(const void *const hw) {
    if (hw != NVMCTRL) {
        emu.misuse++;
    }
    bool ready = !emu_nvm_busy;
    emu_nvm_busy = false;
    return ready;
}

void hri_nvmctrl_write_CTRLA_reg(const void *const hw, hri_nvmctrl_ctrla_reg_t data) {
    if (hw != NVMCTRL) {
        emu.misuse++;
        return;
    }
    emu_nvm_command(data);
}

void hri_nvmctrl_write_ADDR_reg(const void *const hw, hri_nvmctrl_addr_reg_t data) {
    if (hw != NVMCTRL) {
        emu.misuse++;
        return;
    }
    emu_nvm_addr = data;
}

hri_nvmctrl_status_reg_t hri_nvmctrl_read_STATUS_reg(const void *const hw) {
    if (hw != NVMCTRL) {
        emu.misuse++;
    }
    return emu_nvm_status;
}

void hri_nvmctrl_clear_STATUS_reg(const void *const hw, hri_nvmctrl_status_reg_t mask) {
    if (hw != NVMCTRL) {
        emu.misuse++;
        return;
    }
    emu_nvm_status &= ~mask;
}
#endif

// --- the samd_emu module --------------------------------------------------

// (flash_addr, flash_size, part_start, part_size, page, erase_unit, region)
static mp_obj_t samd_emu_layout(void) {
    mp_obj_t items[7] = {
        mp_obj_new_int_from_uint(FLASH_ADDR), mp_obj_new_int_from_uint(FLASH_SIZE),
        mp_obj_new_int_from_uint(EMU_PART_START), mp_obj_new_int_from_uint(SAMD_EMU_PART_SIZE),
        MP_OBJ_NEW_SMALL_INT(EMU_PAGE), MP_OBJ_NEW_SMALL_INT(EMU_UNIT), MP_OBJ_NEW_SMALL_INT(EMU_REGION_SIZE),
    };
    return mp_obj_new_tuple(7, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(samd_emu_layout_obj, samd_emu_layout);

// peek(addr, n): n bytes of the emulated flash at address addr.
static mp_obj_t samd_emu_peek(mp_obj_t addr_in, mp_obj_t n_in) {
    mp_uint_t addr = mp_obj_get_int_truncated(addr_in);
    mp_uint_t n = mp_obj_get_int(n_in);
    if (addr < FLASH_ADDR || addr - FLASH_ADDR > FLASH_SIZE || n > FLASH_ADDR + FLASH_SIZE - addr) {
        mp_raise_ValueError(MP_ERROR_TEXT("outside the flash"));
    }
    return mp_obj_new_bytes(EMU_MEM + (addr - FLASH_ADDR), n);
}
static MP_DEFINE_CONST_FUN_OBJ_2(samd_emu_peek_obj, samd_emu_peek);

// lock(addr, on): lock or unlock the NVM region holding addr.
static mp_obj_t samd_emu_lock(mp_obj_t addr_in, mp_obj_t on_in) {
    mp_uint_t addr = mp_obj_get_int_truncated(addr_in);
    if (addr < FLASH_ADDR || addr - FLASH_ADDR >= FLASH_SIZE) {
        mp_raise_ValueError(MP_ERROR_TEXT("outside the flash"));
    }
    uint32_t bit = 1u << ((addr - FLASH_ADDR) / EMU_REGION_SIZE);
    emu_locked = mp_obj_is_true(on_in) ? emu_locked | bit : emu_locked & ~bit;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(samd_emu_lock_obj, samd_emu_lock);

// stats(): the counters, as a dict.
static mp_obj_t samd_emu_stats(void) {
    emu_cmcc_check();
    #if defined(MCU_SAMD21)
    // Page-buffer loads that no command took (anywhere in the flash).
    uint32_t lo, hi;
    emu_pb_scan(0, NULL, &lo, &hi, FLASH_ADDR, FLASH_ADDR + FLASH_SIZE);
    #endif
    mp_obj_t d = mp_obj_new_dict(16);
    #define EMU_STORE(name) mp_obj_dict_store(d, MP_OBJ_NEW_QSTR(MP_QSTR_##name), mp_obj_new_int_from_uint(emu.name));
    EMU_COUNTERS(EMU_STORE)
    return d;
}
static MP_DEFINE_CONST_FUN_OBJ_0(samd_emu_stats_obj, samd_emu_stats);

// log(): [(kind, addr, n), ...] of the flash operations since the last
// log(), kind 'E' (flash_erase: pages), 'A' (flash_append: bytes);
// ('+', dropped, 0) last if more were made than it holds.
static mp_obj_t samd_emu_log(void) {
    uint32_t kept = emu_log_count < EMU_LOG_LEN ? emu_log_count : EMU_LOG_LEN;
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (uint32_t i = 0; i < kept; ++i) {
        mp_obj_t t[3] = {
            mp_obj_new_str(&emu_log_buf[i].kind, 1), mp_obj_new_int_from_uint(emu_log_buf[i].addr),
            mp_obj_new_int_from_uint(emu_log_buf[i].n),
        };
        mp_obj_list_append(list, mp_obj_new_tuple(3, t));
    }
    if (emu_log_count > kept) {
        mp_obj_t t[3] = { mp_obj_new_str("+", 1), mp_obj_new_int_from_uint(emu_log_count - kept), MP_OBJ_NEW_SMALL_INT(0) };
        mp_obj_list_append(list, mp_obj_new_tuple(3, t));
    }
    emu_log_count = 0;
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_0(samd_emu_log_obj, samd_emu_log);

// reset(): a fresh chip, as at power-on of a new QEMU run: the partition
// erased, the pattern elsewhere, no locks, CMCC off, counters and the
// simulator's counters at zero.  (The core's RAM state is romfs_test.reboot's.)
static mp_obj_t samd_emu_reset(void) {
    memset(&emu, 0, sizeof(emu));
    emu_locked = 0;
    emu_log_count = 0;
    #if defined(MCU_SAMD51)
    samd_emu_cmcc.CTRL.reg = 0;
    samd_emu_cmcc.MAINT0.reg = 0;
    emu_cmcc_dirty = false;
    #endif
    #if defined(MCU_SAMD21)
    emu_nvm_addr = 0;
    emu_nvm_status = 0;
    emu_nvm_busy = false;
    emu_pb_cleared = false;
    #endif
    emu_ready = false;
    samd_emu_init();
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(samd_emu_reset_obj, samd_emu_reset);

#if defined(MCU_SAMD51)
// cmcc(on): turn the emulated CMCC on or off (as samd_qspiflash.c does).
static mp_obj_t samd_emu_set_cmcc(mp_obj_t on_in) {
    emu_cmcc_check();
    samd_emu_cmcc.CTRL.reg = mp_obj_is_true(on_in) ? CMCC_CTRL_CEN : 0;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(samd_emu_cmcc_obj, samd_emu_set_cmcc);
#endif

static const mp_rom_map_elem_t samd_emu_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_samd_emu) },
    { MP_ROM_QSTR(MP_QSTR_layout), MP_ROM_PTR(&samd_emu_layout_obj) },
    { MP_ROM_QSTR(MP_QSTR_peek), MP_ROM_PTR(&samd_emu_peek_obj) },
    { MP_ROM_QSTR(MP_QSTR_lock), MP_ROM_PTR(&samd_emu_lock_obj) },
    { MP_ROM_QSTR(MP_QSTR_stats), MP_ROM_PTR(&samd_emu_stats_obj) },
    { MP_ROM_QSTR(MP_QSTR_log), MP_ROM_PTR(&samd_emu_log_obj) },
    { MP_ROM_QSTR(MP_QSTR_reset), MP_ROM_PTR(&samd_emu_reset_obj) },
    #if defined(MCU_SAMD51)
    { MP_ROM_QSTR(MP_QSTR_cmcc), MP_ROM_PTR(&samd_emu_cmcc_obj) },
    #endif
};
static MP_DEFINE_CONST_DICT(samd_emu_globals, samd_emu_globals_table);

const mp_obj_module_t samd_emu_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&samd_emu_globals,
};
MP_REGISTER_MODULE(MP_QSTR_samd_emu, samd_emu_module);

#endif // MICROPY_VFS_ROM_IOCTL
