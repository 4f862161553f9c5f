/*
 * Configuration of the emulated STM32F767 board: the qemu port's, with
 * vfs.rom_ioctl on, the ROMFS settings a real STM32F767 board with QSPI NOR
 * would have in its mpconfigboard.h, and the emulation's memory layout.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mpconfigport.h>

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)

// --- As on a real board ------------------------------------------------------
#define MICROPY_HW_ROMFS_ENABLE_INTERNAL_FLASH (1)
#define MICROPY_HW_ROMFS_ENABLE_EXTERNAL_QSPI (1)
#define MICROPY_HW_ROMFS_ENABLE_PART0 (1)   // placed by linker symbols
#define MICROPY_HW_ROMFS_ENABLE_PART1 (1)
#define MICROPY_HW_ROMFS_QSPI_SPIFLASH_OBJ (&spi_bdev2.spiflash)
#define MICROPY_HW_ROMFS_QSPI_BLOCK_ERASE (32768 | 65536) // W25Q128JV: 0x52, 0xd8
extern struct _spi_bdev_t spi_bdev2;

// --- The emulation (PSRAM at 0x21000000, 16 MiB) -----------------------------
// Internal flash: 2 MiB (4x32K, 1x128K, 7x256K), seen by the CPU at
// FLASH_BASE = 0x21000000; the chip's array behind it at 0x21200000.
#define STM32EMU_FLASH_PROFILE MP_ROMFS_SIM_STM32F767
#define STM32EMU_FLASH_VIEW 0x21000000
#define STM32EMU_FLASH_ARRAY 0x21200000
#define STM32EMU_FLASH_SIZE 0x200000
#define STM32EMU_FLASH_UNIT 4
// QSPI: the first 4 MiB of the W25Q128JV, mapped at 0x21400000.
#define STM32EMU_QSPI_VIEW 0x21400000
#define STM32EMU_QSPI_ARRAY 0x21800000
#define STM32EMU_QSPI_SIZE 0x400000
#define STM32EMU_MARKER 0x21c00000
// Partition 0: sectors 1-5 and the first half of sector 6 (0x80000-0xc0000):
// it starts in the 32K sectors and ends inside a 256K one.
#define STM32EMU_PART0_START (0x21000000 + 0x8000)
#define STM32EMU_PART0_SIZE (0xa0000 - 0x8000)
// Partition 1: QSPI device addresses 0x8000-0x3f8000, so that prepared
// ranges start at a 32K block that is not a 64K block.
#define STM32EMU_PART1_START (0x21400000 + 0x8000)
#define STM32EMU_PART1_SIZE (0x3f0000)
// Partitions come from linker symbols, as on most stm32 boards.
#define STM32EMU_LINKER_SYMBOLS (1)

#define MICROPY_PORT_INIT_FUNC stm32emu_init()
void stm32emu_init(void);
