/*
 * Stand-in for the SAMD21/SAMD51 device header on the samd emulation boards:
 * the NVM's place and sizes, and the register blocks romfs_port.c touches.
 * The emulated flash is the MPS2 board's PSRAM at 0x21000000 (QEMU maps it
 * as RAM) instead of address 0; its size is the real part's.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SAMD_EMU_SAM_H
#define SAMD_EMU_SAM_H

#include <stdint.h>

#define SAMD_EMU_FLASH_BASE 0x21000000
#define FLASH_ADDR (0x21000000UL)

#if defined(MCU_SAMD21)
// SAMD21x18: 256 KiB, 64-byte pages, rows of 4 pages, 16 lock regions.
#define FLASH_SIZE (0x00040000UL)
#define NVMCTRL_PAGE_SIZE (64)
#define NVMCTRL_ROW_PAGES (4)
#elif defined(MCU_SAMD51)
// SAMD51x20: 1 MiB, 512-byte pages, 8 KiB blocks, 32 lock regions.
#define FLASH_SIZE (0x00100000UL)
#define NVMCTRL_PAGE_SIZE (512)
#define NVMCTRL_BLOCK_SIZE (8192)
#else
#error "define MCU_SAMD21 or MCU_SAMD51"
#endif

// The NVM controller: only its address is used (flash_init's `hw`, and the
// `hw` of the SAMD21's hri accessors, which samd_emu.c implements).
typedef struct {
    uint32_t reserved;
} Nvmctrl;
#if defined(MCU_SAMD21)
// The SAMD21's NVMCTRL fields the glue and the emulation use (component/nvmctrl.h).
#define _SAMD21_NVMCTRL_COMPONENT_
#define NVMCTRL_CTRLA_CMD_Msk (0x7fu)
#define NVMCTRL_CTRLA_CMD_ER (0x02u)
#define NVMCTRL_CTRLA_CMD_WP (0x04u)
#define NVMCTRL_CTRLA_CMD_PBC (0x44u)
#define NVMCTRL_CTRLA_CMDEX_Pos (8)
#define NVMCTRL_CTRLA_CMDEX_KEY (0xa5u << NVMCTRL_CTRLA_CMDEX_Pos)
#define NVMCTRL_STATUS_PROGE (1u << 2)
#define NVMCTRL_STATUS_LOCKE (1u << 3)
#define NVMCTRL_STATUS_NVME (1u << 4)
#define NVMCTRL_STATUS_MASK (0x011fu)
#endif
extern Nvmctrl samd_emu_nvmctrl;
#define NVMCTRL (&samd_emu_nvmctrl)

#if defined(MCU_SAMD51)
// The Cortex-M cache controller.  CTRL is write-only and SR.CSTS reports
// the state CTRL.CEN set; the emulation models that by overlaying the two.
typedef union {
    uint32_t reg;
} CMCC_CTRL_Type, CMCC_SR_Type, CMCC_MAINT0_Type;
typedef struct {
    union {
        volatile CMCC_CTRL_Type CTRL;
        volatile CMCC_SR_Type SR;
    };
    volatile CMCC_MAINT0_Type MAINT0;
} Cmcc;
#define CMCC_CTRL_CEN (1u)
#define CMCC_SR_CSTS (1u)
#define CMCC_MAINT0_INVALL (1u)
extern Cmcc samd_emu_cmcc;
#define CMCC (&samd_emu_cmcc)
#endif

#endif
