/*
 * Stand-in for the STM32 HAL/CMSIS device headers (STM32_HAL_H) for
 * glue-size.sh: the values that ports/stm32/romfs_port.c and upstream's
 * vfs_rom_ioctl.c read, per part, as the vendor headers give them (CMSIS
 * device header: the family, the H7 flash word), then the real CMSIS core
 * header from MicroPython's lib/cmsis/inc, so the cache maintenance
 * compiles to what it is on the chip.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef STM32_HAL_SIZE_H
#define STM32_HAL_SIZE_H

#include <stdint.h>

// Core exceptions: what the CMSIS core headers need of a device's IRQn_Type.
typedef enum {
    NonMaskableInt_IRQn = -14, HardFault_IRQn = -13, MemoryManagement_IRQn = -12,
    BusFault_IRQn = -11, UsageFault_IRQn = -10, SVCall_IRQn = -5,
    DebugMonitor_IRQn = -4, PendSV_IRQn = -2, SysTick_IRQn = -1,
} IRQn_Type;

#define __MPU_PRESENT 1
#define __NVIC_PRIO_BITS 4
#define __Vendor_SysTickConfig 0
#define __FPU_PRESENT 1

#if defined(STM32F429xx)
#define STM32F4
#define __CM4_REV 0x0001U
#include "core_cm4.h"

#elif defined(STM32F722xx) || defined(STM32F767xx)
#define STM32F7
#define __CM7_REV 0x0100U
#define __ICACHE_PRESENT 1
#define __DCACHE_PRESENT 1
#define __DTCM_PRESENT 1
#include "core_cm7.h"

#elif defined(STM32H743xx) || defined(STM32H723xx) || defined(STM32H7A3xx)
#define STM32H7
#if defined(STM32H7A3xx)
#define FLASH_NB_32BITWORD_IN_FLASHWORD 4U
#else
#define FLASH_NB_32BITWORD_IN_FLASHWORD 8U
#endif
#define __CM7_REV 0x0100U
#define __ICACHE_PRESENT 1U
#define __DCACHE_PRESENT 1U
#define __DTCM_PRESENT 1U
#include "core_cm7.h"

#elif defined(STM32G474xx) || defined(STM32L476xx)
#if defined(STM32G474xx)
#define STM32G4
#else
#define STM32L4
#endif
#define __CM4_REV 0x0001U
#include "core_cm4.h"

#elif defined(STM32F091xC) || defined(STM32L072xx)
#if defined(STM32F091xC)
#define STM32F0
#define __CM0_REV 0x0000U
#include "core_cm0.h"
#else
#define STM32L0
#define __CM0PLUS_REV 0x0000U
#define __VTOR_PRESENT 1U
#include "core_cm0plus.h"
#endif

#elif defined(STM32H563xx)
#define STM32H5
#define __CM33_REV 0x0000U
#define __SAUREGION_PRESENT 1U
#define __DSP_PRESENT 1U
#include "core_cm33.h"

#elif defined(STM32N657xx)
#define STM32N6
#define __CM55_REV 0x0001U
#define __SAUREGION_PRESENT 1U
#define __FPU_DP 1U
#define __DSP_PRESENT 1U
#define __ICACHE_PRESENT 1U
#define __DCACHE_PRESENT 1U
#define __PMU_PRESENT 1U
#define __PMU_NUM_EVENTCNT 8U
#define __MVE_PRESENT 1U
#define __MVE_FP 1U
#include "core_cm55.h"

#else
#error "stm32_hal_size.h: no part selected"
#endif

#endif
