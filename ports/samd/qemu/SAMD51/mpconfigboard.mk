# samd emulation board, SAMD51: the flash layout of SAMD_GENERIC_D51X20 and
# SPARKFUN_SAMD51_THING_PLUS (SAMD51x20, 1 MiB NVM: 16K bootloader, 752K
# firmware, then the 256K ROMFS partition up to the end of the flash: 32
# whole 8 KiB blocks).  Cortex-M3 code (QEMU's CPU has no FPU or DSP
# instructions), the SAMD51's core features (write-once rewrite-skip)
# plus the simulator's C ABI.  (SAMD51_TAIL sets its own partition size
# first and includes this file.)
SAMD_EMU_MCU = SAMD51
SAMD_EMU_BOOTLOADER = 16K
MICROPY_HW_CODESIZE = 752K
MICROPY_HW_ROMFS_BYTES ?= 256K

CFLAGS += -mthumb -mcpu=cortex-m3 -mfloat-abi=soft
CFLAGS += -DMICROPY_HW_MCU_NAME='"SAMD51 (emulated)"'
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7m

ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_samd51) ffi

include $(BOARD_DIR)/../board.mk
