/*
 * Stand-in for ports/stm32/qspi.h in the qemu emulation boards: the same
 * declarations, with the memory-mapped window moved from 0x90000000 (where
 * mps2-an385 has nothing) to the board's emulated window in PSRAM.  The bus
 * itself (qspi_proto) is emulated by ports/stm32/qemu/stm32emu.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MICROPY_INCLUDED_STM32_QSPI_H
#define MICROPY_INCLUDED_STM32_QSPI_H

#include "drivers/bus/qspi.h"

#ifdef STM32EMU_QSPI_VIEW
#define QSPI_MAP_ADDR (STM32EMU_QSPI_VIEW)
#define QSPI_MAP_ADDR_MAX (STM32EMU_QSPI_VIEW + STM32EMU_QSPI_SIZE)
#else
#define QSPI_MAP_ADDR (0x90000000)
#define QSPI_MAP_ADDR_MAX (0xa0000000)
#endif

extern const mp_qspi_proto_t qspi_proto;

void qspi_init(uint8_t num_dummy);
void qspi_memory_map(void);
void qspi_memory_map_exit(void);
void qspi_memory_map_restart(void);

static inline bool qspi_is_valid_addr(uint32_t addr) {
    return QSPI_MAP_ADDR <= addr && addr < QSPI_MAP_ADDR_MAX;
}

#endif // MICROPY_INCLUDED_STM32_QSPI_H
