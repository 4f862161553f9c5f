/*
 * Stand-in for ASF4's hri_nvmctrl_d21.h with the real accesses, for
 * ports/samd/qemu/glue-size.sh only: static inline register reads and
 * writes, as ASF4's, so that the glue compiles to the code it has on
 * hardware.  (The emulation boards use ../include/hri_nvmctrl_d21.h.)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SAMD_HW_HRI_NVMCTRL_D21_H
#define SAMD_HW_HRI_NVMCTRL_D21_H

#include <stdbool.h>
#include <stdint.h>

#include <sam.h>

typedef uint16_t hri_nvmctrl_ctrla_reg_t;
typedef uint32_t hri_nvmctrl_addr_reg_t;

static inline bool hri_nvmctrl_get_interrupt_READY_bit(const void *const hw) {
    return ((Nvmctrl *)hw)->INTFLAG & NVMCTRL_INTFLAG_READY;
}

static inline void hri_nvmctrl_write_CTRLA_reg(const void *const hw, hri_nvmctrl_ctrla_reg_t data) {
    ((Nvmctrl *)hw)->CTRLA = data;
}

static inline void hri_nvmctrl_write_ADDR_reg(const void *const hw, hri_nvmctrl_addr_reg_t data) {
    ((Nvmctrl *)hw)->ADDR = data;
}

#endif
