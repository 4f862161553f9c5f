# Shared make settings of the stm32 emulation boards (ports/stm32/qemu/<BOARD>):
# MicroPython's qemu port on mps2-an385 (Cortex-M3), building the stm32 glue
# ports/stm32/romfs_port.c unchanged against emulated stm32 flash drivers
# (stm32emu.c) on the core's NOR simulator.  A board's mpconfigboard.mk sets
# its part (-DSTM32xxxxxx) and includes this file; its romfs_board.h holds
# the ROMFS settings a real board would have and the emulation's layout.
STM32EMU_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ROMFS_REPO := $(abspath $(STM32EMU_DIR)/../../..)

QEMU_ARCH = arm
QEMU_MACHINE = mps2-an385
CFLAGS += -mthumb -mcpu=cortex-m3 -mfloat-abi=soft
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M3"'
LDSCRIPT = mcu/arm/mps2.ld
# A heap that holds a whole 256K (and up to 608K) block twice over, for the
# block-device conformance test (the machine has 4 MiB of RAM).
MICROPY_HEAP_SIZE = 3145728
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7m
# romfs_testlib, the on-device tests' shared module.
include $(ROMFS_REPO)/tests/lib/freeze.mk

# The board's config includes the port's and switches vfs.rom_ioctl on.
CFLAGS += -DMP_CONFIGFILE='"romfs_board.h"' -I$(BOARD_DIR)
# Stand-ins (include/): the HAL/CMSIS bits of the glue, qspi.h with its
# window in PSRAM, and the HAL additions MicroPython's SPI flash driver needs.
CFLAGS += -I$(STM32EMU_DIR)/include -DSTM32_HAL_H='"stm32_hal_emu.h"' -DMICROPY_MPHALPORT_H='"mphalport_emu.h"'
# The stm32 port's own headers (flash.h, storage.h, octospi.h, xspi.h), after
# every other include folder so that they shadow nothing of the qemu port.
CFLAGS += -idirafter $(TOP)/ports/stm32
# MicroPython's SPI flash driver, unchanged, on the emulated QSPI bus.
SRC_C += drivers/memory/spiflash.c

ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_stm32) ffi
ROMFS_GLUE = $(ROMFS_REPO)/ports/stm32/romfs_port.c $(ROMFS_REPO)/ports/testboard/romfs_testmod.c $(STM32EMU_DIR)/stm32emu.c
