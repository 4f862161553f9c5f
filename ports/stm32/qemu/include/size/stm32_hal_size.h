/*
 * Stand-in for the STM32 HAL/CMSIS device headers (STM32_HAL_H) for
 * glue-size.sh: the values that ports/stm32/romfs_port.c reads, per part,
 * as the vendor headers give them (CMSIS device header, or HAL flash_ex for
 * FLASH_SECTOR_TOTAL on F4), then the real CMSIS core header from
 * MicroPython's lib/cmsis/inc, so the cache maintenance compiles to what
 * it is on the chip.
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
#define FLASH_BASE 0x08000000UL
#define FLASH_SECTOR_TOTAL 24U
#define __CM4_REV 0x0001U
#include "core_cm4.h"

#elif defined(STM32F722xx) || defined(STM32F767xx)
#define STM32F7
#define FLASH_BASE 0x08000000U
#if defined(STM32F722xx)
#define FLASH_SECTOR_TOTAL 8
#else
#define FLASH_SECTOR_TOTAL 24
#endif
#define __CM7_REV 0x0100U
#define __ICACHE_PRESENT 1
#define __DCACHE_PRESENT 1
#define __DTCM_PRESENT 1
#include "core_cm7.h"

#elif defined(STM32H743xx) || defined(STM32H723xx) || defined(STM32H7A3xx)
#define STM32H7
#define FLASH_BASE 0x08000000UL
#if defined(STM32H7A3xx)
#define FLASH_SECTOR_TOTAL 128U
#define FLASH_SECTOR_SIZE 0x00002000UL
#define FLASH_NB_32BITWORD_IN_FLASHWORD 4U
#else
#define FLASH_SECTOR_TOTAL 8U
#define FLASH_SECTOR_SIZE 0x00020000UL
#define FLASH_NB_32BITWORD_IN_FLASHWORD 8U
#endif
#if !defined(STM32H723xx)
#define DUAL_BANK
#endif
#define __CM7_REV 0x0100U
#define __ICACHE_PRESENT 1U
#define __DCACHE_PRESENT 1U
#define __DTCM_PRESENT 1U
#include "core_cm7.h"

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
