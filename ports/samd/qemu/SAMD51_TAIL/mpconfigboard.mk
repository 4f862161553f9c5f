# samd emulation board, SAMD51 with a partition whose end is not block
# aligned: SAMD51x20 (1 MiB NVM), 16K bootloader, 752K firmware, then
# MICROPY_HW_ROMFS_BYTES = 60K (the samd Makefile takes any size in K): 7
# whole 8 KiB blocks and the first 4K of an eighth, whose other half is the
# start of the internal-flash filesystem.  Otherwise as the SAMD51 board.
MICROPY_HW_ROMFS_BYTES = 60K
include $(BOARD_DIR)/../SAMD51/mpconfigboard.mk
