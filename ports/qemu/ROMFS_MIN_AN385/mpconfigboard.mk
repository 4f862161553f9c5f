# For measuring what the module costs in a firmware: MPS2_AN385 with the
# module and a minimal port glue over RAM (romfs_min.c), without the test
# boards' simulator and test module (tools/firmware_size.sh).
include $(BOARD_DIR)/../ROMFS_AN385/mpconfigboard.mk
ROMFS_FEATURES = deferred sector-table block-erase rewrite-skip
ROMFS_GLUE = $(abspath $(BOARD_DIR)/romfs_min.c)
# vfs.rom_ioctl alone (the block view's cost is in tools/size-report.sh),
# and the stock heap, so that only the module differs from a stock build.
ROMFS_BLOCKDEV = 0
MICROPY_HEAP_SIZE = 143360
# No frozen test module (tests/lib) either: the stock build freezes nothing.
FROZEN_MANIFEST =
