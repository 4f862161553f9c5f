# The qemu test firmware: MPS2_AN385 (Cortex-M3) with vfs.rom_ioctl served by
# this repository's module over two simulated flash devices in the board's
# 16 MB PSRAM (see ports/testboard/).
#
# Build: make -C <micropython>/ports/qemu BOARD=ROMFS_AN385 BOARD_DIR=<this folder> USER_C_MODULES=<repository>
# (Other boards include this file and change what they need.)
ROMFS_AN385_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
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

# The port's config switches vfs.rom_ioctl off (1.26.1) or ties it to its own
# ROMFS (master); this config file includes the port's and switches it on.
CFLAGS += -DMP_CONFIGFILE='"romfs_qemu_config.h"' -I$(ROMFS_AN385_DIR)
# romfs_testlib, the on-device tests' shared module.
include $(abspath $(ROMFS_AN385_DIR)/../../../tests/lib/freeze.mk)

ROMFS_TESTBOARD := $(abspath $(ROMFS_AN385_DIR)/../../testboard)
CFLAGS += -I$(ROMFS_TESTBOARD) -DROMFS_TESTBOARD_F767_BASE=0x21000000 -DROMFS_TESTBOARD_NOR_BASE=0x21200000
ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_all) ffi
ROMFS_GLUE = $(ROMFS_TESTBOARD)/romfs_testboard.c $(ROMFS_TESTBOARD)/romfs_testmod.c $(ROMFS_AN385_DIR)/romfs_qemu.c
