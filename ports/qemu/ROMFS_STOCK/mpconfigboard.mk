# The qemu test board with vfs.rom_ioctl served by a model of stock
# MicroPython 1.26.1's (tests/host/stock_shim.c: no op 6, erase at prepare,
# no op 5) instead of this module's shim: mp-romfs's tests on stock firmware.
include $(BOARD_DIR)/../ROMFS_AN385/mpconfigboard.mk
ROMFS_SHIM = $(abspath $(ROMFS_AN385_DIR)/../../../tests/host/stock_shim.c)
