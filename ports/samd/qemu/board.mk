# Shared part of the samd emulation boards (ports/samd/qemu/<BOARD>/).  Each
# board's mpconfigboard.mk sets, as a samd board and the samd port would:
#   SAMD_EMU_MCU            SAMD21 or SAMD51 (-DMCU_<it>, as the samd Makefile)
#   SAMD_EMU_BOOTLOADER     the linker script's _bootloader (8K, 16K)
#   MICROPY_HW_CODESIZE     the firmware's space after the bootloader
#   MICROPY_HW_ROMFS_BYTES  the ROMFS partition that follows it
# plus the CPU flags and ROMFS_FEATURES, then includes this file.
#
# The machine is QEMU's mps2-an385 (Cortex-M3), as ports/qemu/ROMFS_AN385;
# the emulated NVM lives in its 16 MB PSRAM at 0x21000000.
QEMU_ARCH = arm
QEMU_MACHINE = mps2-an385
CFLAGS += -DQEMU_SOC_MPS2
# mps2.ld with .data copied in place (see samd_emu.ld).
LDSCRIPT = $(abspath $(BOARD_DIR)/../samd_emu.ld)
# A heap that holds a whole 256K (and up to 608K) block twice over, for the
# block-device conformance test (the machine has 4 MiB of RAM).
MICROPY_HEAP_SIZE = 3145728

SAMD_EMU_DIR := $(abspath $(BOARD_DIR)/..)
SAMD_EMU_REPO := $(abspath $(SAMD_EMU_DIR)/../../..)
# romfs_testlib, the on-device tests' shared module.
include $(SAMD_EMU_REPO)/tests/lib/freeze.mk

# Partition offset from the flash base, and size, in bytes (the samd
# Makefile passes these to its linker script with --defsym).
samd_emu_bytes = $(shell echo $$(( $(subst K,*1024,$(1)) )))
SAMD_EMU_PART_OFFSET := $(call samd_emu_bytes,$(SAMD_EMU_BOOTLOADER)+$(MICROPY_HW_CODESIZE))
SAMD_EMU_PART_SIZE := $(call samd_emu_bytes,$(MICROPY_HW_ROMFS_BYTES))

# The port's config with vfs.rom_ioctl on; ASF4 and device header stand-ins.
CFLAGS += -DMP_CONFIGFILE='"samd_emu_config.h"' -I$(SAMD_EMU_DIR) -I$(SAMD_EMU_DIR)/include
CFLAGS += -DMCU_$(SAMD_EMU_MCU) -DSAMD_EMU_PART_OFFSET=$(SAMD_EMU_PART_OFFSET) -DSAMD_EMU_PART_SIZE=$(SAMD_EMU_PART_SIZE)

# The production glue, unchanged; the test module; the emulated NVM.
ROMFS_GLUE = $(SAMD_EMU_REPO)/ports/samd/romfs_port.c \
	$(SAMD_EMU_REPO)/ports/testboard/romfs_testmod.c \
	$(SAMD_EMU_DIR)/samd_emu.c
