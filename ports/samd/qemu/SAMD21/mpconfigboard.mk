# samd emulation board, SAMD21: the flash layout of the ItsyBitsy M0 Express
# (SAMD21G18A, 256 KiB NVM: 8K bootloader, 236K firmware, then the 12K ROMFS
# partition up to the end of the flash), built as the real SAMD21 build:
# Cortex-M0+ code (it runs on QEMU's Cortex-M3) and the lean core, Cargo
# features none (plus the simulator's C ABI).
SAMD_EMU_MCU = SAMD21
SAMD_EMU_BOOTLOADER = 8K
MICROPY_HW_CODESIZE = 236K
MICROPY_HW_ROMFS_BYTES = 12K

CFLAGS += -mthumb -mcpu=cortex-m0plus -mfloat-abi=soft
CFLAGS += -DMICROPY_HW_MCU_NAME='"SAMD21 (emulated)"'
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb1.o
MPY_CROSS_FLAGS += -march=armv6m

ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_samd21) ffi
# The block view is off by default on SAMD21 (code space); on here, so that
# its conformance test runs on this geometry too.
ROMFS_BLOCKDEV = 1

include $(BOARD_DIR)/../board.mk
