# samd emulation board, SAMD51 with a partition whose end is not block
# aligned: SAMD51x20 (1 MiB NVM), 16K bootloader, 752K firmware, then
# MICROPY_HW_ROMFS_BYTES = 60K (the samd Makefile takes any size in K): 7
# whole 8 KiB blocks and the first 4K of an eighth, whose other half is the
# start of the internal-flash filesystem.  Otherwise as the SAMD51 board.
SAMD_EMU_MCU = SAMD51
SAMD_EMU_BOOTLOADER = 16K
MICROPY_HW_CODESIZE = 752K
MICROPY_HW_ROMFS_BYTES = 60K

CFLAGS += -mthumb -mcpu=cortex-m3 -mfloat-abi=soft
CFLAGS += -DMICROPY_HW_MCU_NAME='"SAMD51 (emulated)"'
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7m

ROMFS_FEATURES = write-once rewrite-skip sim-ffi

include $(BOARD_DIR)/../board.mk
