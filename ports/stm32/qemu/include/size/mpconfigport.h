/*
 * A minimal MicroPython configuration for compiling ports/stm32/romfs_port.c
 * (and, for comparison, the port's vfs_rom_ioctl.c) on its own, by
 * ../../glue-size.sh: enough for the py/ headers.  The ROMFS settings of
 * each measured configuration come as -D flags.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#define MICROPY_VFS (1)
#define MICROPY_VFS_ROM (1)
#define MICROPY_VFS_ROM_IOCTL (1)

typedef intptr_t mp_int_t;
typedef uintptr_t mp_uint_t;
typedef long mp_off_t;

#define MICROPY_HW_BOARD_NAME "glue-size"
#define MICROPY_HW_MCU_NAME "stm32"
#define MP_STATE_PORT MP_STATE_VM
extern struct _spi_bdev_t spi_bdev, spi_bdev2;
