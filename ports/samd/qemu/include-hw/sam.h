/*
 * Device-header stand-in with the real parts' values, for
 * ports/samd/qemu/glue-size.sh only: the flash at 0, NVMCTRL at 0x41004000
 * and the CMCC at 0x41006000 with its CTRL (+0x08, write-only), SR (+0x0C)
 * and MAINT0 (+0x20) registers, as in the SAMD21/SAMD51 datasheets, so that
 * the glue compiles to the code it has on hardware.  (The emulation boards
 * use ../include/sam.h, whose flash is in the MPS2 board's PSRAM.)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SAMD_HW_SAM_H
#define SAMD_HW_SAM_H

#include <stdint.h>

#define FLASH_ADDR (0x00000000UL)

#if defined(MCU_SAMD21)
// SAMD21x18
#define FLASH_SIZE (0x00040000UL)
#define NVMCTRL_PAGE_SIZE (64)
#define NVMCTRL_ROW_PAGES (4)
#elif defined(MCU_SAMD51)
// SAMD51x19 (x20: 1 MiB; the code is the same)
#define FLASH_SIZE (0x00080000UL)
#define NVMCTRL_PAGE_SIZE (512)
#define NVMCTRL_BLOCK_SIZE (8192)
#else
#error "define MCU_SAMD21 or MCU_SAMD51"
#endif

#if defined(MCU_SAMD21)
// The SAMD21's NVMCTRL registers the glue uses (component/nvmctrl.h): CTRLA
// (+0x00, 16 bits), INTFLAG (+0x14, 8), STATUS (+0x18, 16), ADDR (+0x1C, 32).
typedef struct {
    volatile uint16_t CTRLA;
    uint16_t reserved0[9];
    volatile uint8_t INTFLAG;
    uint8_t reserved1[3];
    volatile uint16_t STATUS;
    uint16_t reserved2;
    volatile uint32_t ADDR;
} Nvmctrl;
#define _SAMD21_NVMCTRL_COMPONENT_
#define NVMCTRL_CTRLA_CMD_ER (0x02u)
#define NVMCTRL_CTRLA_CMD_WP (0x04u)
#define NVMCTRL_CTRLA_CMD_PBC (0x44u)
#define NVMCTRL_CTRLA_CMDEX_KEY (0xa5u << 8)
#define NVMCTRL_INTFLAG_READY (1u)
#else
typedef struct {
    uint32_t reserved;
} Nvmctrl;
#endif
#define NVMCTRL ((Nvmctrl *)0x41004000UL)

#if defined(MCU_SAMD51)
typedef union {
    uint32_t reg;
} CMCC_CTRL_Type, CMCC_SR_Type, CMCC_MAINT0_Type;
typedef struct {
    uint32_t TYPE, CFG;
    volatile CMCC_CTRL_Type CTRL;
    volatile const CMCC_SR_Type SR;
    uint32_t LCKWAY, reserved[3];
    volatile CMCC_MAINT0_Type MAINT0;
} Cmcc;
#define CMCC_CTRL_CEN (1u)
#define CMCC_SR_CSTS (1u)
#define CMCC_MAINT0_INVALL (1u)
#define CMCC ((Cmcc *)0x41006000UL)
#endif

#endif
