# ROMFS_REALTIME with vfs.rom_ioctl served by a model of upstream's C
# algorithm (tests/bench/upstream_shim.c) instead of this module's shim:
# the same flash and waits, for the timeout comparison.
include $(BOARD_DIR)/../ROMFS_REALTIME/mpconfigboard.mk
ROMFS_SHIM = $(abspath $(ROMFS_AN385_DIR)/../../../tests/bench/upstream_shim.c)
