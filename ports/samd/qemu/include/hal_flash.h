/*
 * Stand-in for ASF4's hal_flash.h on the samd emulation boards (ASF4 is not
 * part of the MicroPython source tree used here).  It declares only what
 * ports/samd/romfs_port.c and the emulation use, with ASF4's C signatures
 * (adafruit/asf4 84f56af, the commit MicroPython 1.26.1 and master pin); the
 * functions are defined by samd_emu.c over the core's NOR simulator.
 *
 * On hardware hal_flash.h reaches the device header through its own
 * includes; here that is the stand-in sam.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SAMD_EMU_HAL_FLASH_H
#define SAMD_EMU_HAL_FLASH_H

#include <stdint.h>

#include <sam.h>

// ASF4 return codes (err_codes.h) that flash_init returns.
#define ERR_NONE (0)
#define ERR_INVALID_ARG (-13)

// ASF4's descriptor holds the NVMCTRL pointer (and callbacks, unused here).
struct _flash_device {
    void *hw;
};

struct flash_descriptor {
    struct _flash_device dev;
};

int32_t flash_init(struct flash_descriptor *flash, void *const hw);

// The HPL's (hpl_flash.h, which the real hal_flash.h includes).
void _flash_erase(struct _flash_device *const device, uint32_t dst_addr, uint32_t page_nums);
void _flash_append(struct _flash_device *const device, const uint32_t dst_addr, const uint8_t *buffer, uint32_t length);

#endif
