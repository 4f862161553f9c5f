/*
 * Stand-in for ASF4's hri_nvmctrl_d21.h on the SAMD21 emulation board: the
 * register accessors ports/samd/romfs_port.c uses, with ASF4's names and
 * types (adafruit/asf4 84f56af).  ASF4's are static inline functions that
 * read and write the NVMCTRL registers; these are defined by samd_emu.c,
 * whose NVMCTRL model applies the commands to the core's NOR simulator.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SAMD_EMU_HRI_NVMCTRL_D21_H
#define SAMD_EMU_HRI_NVMCTRL_D21_H

#include <stdbool.h>
#include <stdint.h>

#include <sam.h>

typedef uint16_t hri_nvmctrl_ctrla_reg_t;
typedef uint16_t hri_nvmctrl_status_reg_t;
typedef uint32_t hri_nvmctrl_addr_reg_t;

bool hri_nvmctrl_get_interrupt_READY_bit(const void *const hw);
void hri_nvmctrl_write_CTRLA_reg(const void *const hw, hri_nvmctrl_ctrla_reg_t data);
void hri_nvmctrl_write_ADDR_reg(const void *const hw, hri_nvmctrl_addr_reg_t data);
hri_nvmctrl_status_reg_t hri_nvmctrl_read_STATUS_reg(const void *const hw);
void hri_nvmctrl_clear_STATUS_reg(const void *const hw, hri_nvmctrl_status_reg_t mask);

#endif
