/*
 * Configuration of the emulated STM32H743 board: the qemu port's, with
 * vfs.rom_ioctl on, the ROMFS settings a real STM32H743 board would have in
 * its mpconfigboard.h, and the emulation's memory layout.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mpconfigport.h>

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)

// --- The emulation (PSRAM at 0x21000000, 16 MiB) -----------------------------
// Internal flash: 2 MiB in two banks of 8x128K, 32-byte flash words, seen by
// the CPU at FLASH_BASE = 0x21000000; the chip's array behind it at 0x21200000.
#define STM32EMU_FLASH_PROFILE MP_ROMFS_SIM_STM32H743
#define STM32EMU_FLASH_VIEW 0x21000000
#define STM32EMU_FLASH_ARRAY 0x21200000
#define STM32EMU_FLASH_SIZE 0x200000
#define STM32EMU_FLASH_UNIT 32
#define STM32EMU_MARKER 0x21400000
// Partition 0: the whole of bank 2 (8 sectors).
#define STM32EMU_PART0_START (0x21000000 + 0x100000)
#define STM32EMU_PART0_SIZE (0x100000)
// Partition 1: sector 2 and the first half of sector 3 of bank 1.
#define STM32EMU_PART1_START (0x21000000 + 0x40000)
#define STM32EMU_PART1_SIZE (0x30000)

// --- As on a real board ------------------------------------------------------
#define MICROPY_HW_ROMFS_ENABLE_INTERNAL_FLASH (1)
#define MICROPY_HW_ROMFS_ENABLE_PART0 (1)
#define MICROPY_HW_ROMFS_ENABLE_PART1 (1)
// Partitions given as addresses (may be any expression, evaluated per call).
#define MICROPY_HW_ROMFS_PART0_START (STM32EMU_PART0_START)
#define MICROPY_HW_ROMFS_PART0_SIZE (STM32EMU_PART0_SIZE)
#define MICROPY_HW_ROMFS_PART1_START (STM32EMU_PART1_START)
#define MICROPY_HW_ROMFS_PART1_SIZE (STM32EMU_PART1_SIZE)

#define MICROPY_PORT_INIT_FUNC stm32emu_init()
void stm32emu_init(void);
