/*
 * Stand-in for the STM32 HAL/CMSIS headers (what STM32_HAL_H names on the
 * stm32 port) in the qemu emulation boards: only the macros and functions
 * that ports/stm32/romfs_port.c takes from them, with the values of the
 * emulated part.  Two differences from a real part, both because the
 * emulation runs on QEMU's mps2-an385 (a Cortex-M3 without caches):
 *   - FLASH_BASE is where the board maps the emulated flash (in PSRAM);
 *   - the cache functions are implemented by ports/stm32/qemu/stm32emu.c,
 *     which models a data cache that hides every flash change until the
 *     range is invalidated.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef STM32_HAL_EMU_H
#define STM32_HAL_EMU_H

#include <stdint.h>

#if defined(STM32F767xx)
// CMSIS stm32f767xx.h / stm32f7xx.h
#define STM32F7
#define FLASH_SECTOR_TOTAL (24)
#elif defined(STM32H743xx)
// CMSIS stm32h743xx.h / stm32h7xx.h
#define STM32H7
#define FLASH_SECTOR_TOTAL (8U)
#define FLASH_SECTOR_SIZE (0x00020000UL)
#define FLASH_NB_32BITWORD_IN_FLASHWORD (8U)
#define DUAL_BANK
#else
#error "stm32_hal_emu.h: no emulated part selected"
#endif

#define FLASH_BASE (STM32EMU_FLASH_VIEW)

// Cortex-M7 caches (CMSIS core_cm7.h / cachel1_armv7.h).
#define __ICACHE_PRESENT (1U)
#define __DCACHE_PRESENT (1U)
void SCB_InvalidateDCache_by_Addr(volatile void *addr, int32_t dsize);
void SCB_InvalidateICache(void);

#endif
