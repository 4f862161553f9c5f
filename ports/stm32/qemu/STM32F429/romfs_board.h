/*
 * Configuration of the emulated STM32F429 board: the qemu port's, with
 * vfs.rom_ioctl on, the ROMFS settings a real 2 MiB STM32F429 board would
 * have in its mpconfigboard.h, and the emulation's memory layout.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mpconfigport.h>

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)

// --- The emulation (PSRAM at 0x21000000, 16 MiB) -----------------------------
// Internal flash: 2 MiB in two banks of 4x16K, 1x64K, 7x128K, 32-bit words.
// An F4 has no data cache, so the CPU reads the chip's array itself
// (view = array), at FLASH_BASE = 0x21000000.
#define STM32EMU_FLASH_PROFILE MP_ROMFS_SIM_STM32F429
#define STM32EMU_FLASH_VIEW 0x21000000
#define STM32EMU_FLASH_ARRAY 0x21000000
#define STM32EMU_FLASH_SIZE 0x200000
#define STM32EMU_FLASH_UNIT 4
#define STM32EMU_MARKER 0x21200000
// Partition 0: sectors 0-16 (0-0x120000), all of bank 1 and bank 2 up to
// its 64K sector: five runs.  (A real board keeps its firmware there; here
// it is where five runs meet 128K steps that all fall on sector
// boundaries.)
#define STM32EMU_PART0_START (0x21000000)
#define STM32EMU_PART0_SIZE (0x120000)
// Partition 1: sectors 18-23, the last six 128K sectors of bank 2.
#define STM32EMU_PART1_START (0x21000000 + 0x140000)
#define STM32EMU_PART1_SIZE (0xc0000)

// --- As on a real board ------------------------------------------------------
#define MICROPY_HW_ROMFS_ENABLE_INTERNAL_FLASH (1)
#define MICROPY_HW_ROMFS_ENABLE_PART0 (1)
#define MICROPY_HW_ROMFS_ENABLE_PART1 (1)
#define MICROPY_HW_ROMFS_PART0_START (STM32EMU_PART0_START)
#define MICROPY_HW_ROMFS_PART0_SIZE (STM32EMU_PART0_SIZE)
// Partition 1 read at run time (stm32emu.move_partition changes it).
extern uint32_t stm32emu_part_start[], stm32emu_part_size[];
#define MICROPY_HW_ROMFS_PART1_START (stm32emu_part_start[1])
#define MICROPY_HW_ROMFS_PART1_SIZE (stm32emu_part_size[1])
// At most five sector runs per partition (the F4 default is six, the whole
// 2 MiB layout): partition 0 needs exactly five, and the port test moves
// partition 1 onto six to see it refused.
#define MICROPY_HW_ROMFS_INTERNAL_MAX_RUNS (5)

#define MICROPY_PORT_INIT_FUNC stm32emu_init()
void stm32emu_init(void);
