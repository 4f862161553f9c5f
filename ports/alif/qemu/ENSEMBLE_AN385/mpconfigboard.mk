# Emulation board for the alif glue: mps2-an385 (Cortex-M3) under QEMU, with
# ports/alif/romfs_port.c compiled unchanged against emulated alif drivers
# (alif_emu.c) whose memories live in the board's 16 MiB PSRAM and are
# checked by the core's NOR simulator:
#   ROMFS partition 0: 6 MiB of OSPI NOR (an IS25WX256), as on ALIF_ENSEMBLE's HP core
#   ROMFS partition 1: 1 MiB of MRAM, where ensemble.ld.S puts MRAM_FS
#
# Build: tools/build-firmware.sh qemu:ports/alif/qemu/ENSEMBLE_AN385
# This folder (the _4K variant includes this file from its own).
ALIF_EMU_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

QEMU_ARCH = arm
QEMU_MACHINE = mps2-an385

CFLAGS += -mthumb -mcpu=cortex-m3 -mfloat-abi=soft
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M3"'

LDSCRIPT = mcu/arm/mps2.ld

SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o

MPY_CROSS_FLAGS += -march=armv7m

# The qemu port's config with vfs.rom_ioctl on, plus what an alif board's
# mpconfigboard.h sets (ROMFS partitions, OSPI) and the emulation's init.
CFLAGS += -DMP_CONFIGFILE='"romfs_alif_config.h"' -I$(ALIF_EMU_DIR)
# romfs_testlib, the on-device tests' shared module.
include $(abspath $(ALIF_EMU_DIR)/../../../../tests/lib/freeze.mk)

# Headers: stand-ins for the Alif DFP's (mram.h, global_map.h), then the
# alif port's own mpu.h and ospi_flash.h from this MicroPython tree, searched
# after everything else so that the qemu port's headers win.
ROMFS_ALIF := $(abspath $(ALIF_EMU_DIR)/../..)
CFLAGS += -I$(ROMFS_ALIF)/qemu/include -idirafter $(abspath $(TOP))/ports/alif

ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_alif) ffi
ROMFS_GLUE = $(ROMFS_ALIF)/romfs_port.c $(ROMFS_ALIF)/../testboard/romfs_testmod.c $(ALIF_EMU_DIR)/alif_emu.c
