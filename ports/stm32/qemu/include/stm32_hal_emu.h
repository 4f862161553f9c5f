/*
 * Stand-in for the STM32 HAL/CMSIS headers (what STM32_HAL_H names on the
 * stm32 port) in the qemu emulation boards: only the macros and functions
 * that ports/stm32/romfs_port.c takes from them (the family, the H7 flash
 * word, the caches), with the values of the emulated part.  The sector
 * layout is not here: the glue asks the emulated flash.c for it.  Two
 * differences from a real part, both because the emulation runs on QEMU's
 * mps2-an385 (a Cortex-M3 without caches):
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
// CMSIS stm32f767xx.h / stm32f7xx.h; Cortex-M7 caches (core_cm7.h).
#define STM32F7
#define __ICACHE_PRESENT (1U)
#define __DCACHE_PRESENT (1U)
#elif defined(STM32H743xx)
// CMSIS stm32h743xx.h / stm32h7xx.h; Cortex-M7 caches.
#define STM32H7
#define FLASH_NB_32BITWORD_IN_FLASHWORD (8U)
#define __ICACHE_PRESENT (1U)
#define __DCACHE_PRESENT (1U)
#elif defined(STM32F429xx)
// CMSIS stm32f429xx.h / stm32f4xx.h; a Cortex-M4: no caches.
#define STM32F4
#define __ICACHE_PRESENT (0U)
#define __DCACHE_PRESENT (0U)
#else
#error "stm32_hal_emu.h: no emulated part selected"
#endif

#define FLASH_BASE (STM32EMU_FLASH_VIEW)

// CMSIS cache functions (cachel1_armv7.h), where the part has the caches.
#if __DCACHE_PRESENT
void SCB_InvalidateDCache_by_Addr(volatile void *addr, int32_t dsize);
#endif
#if __ICACHE_PRESENT
void SCB_InvalidateICache(void);
#endif

#endif
