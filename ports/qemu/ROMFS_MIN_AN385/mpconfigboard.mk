# For measuring what the module costs in a firmware: MPS2_AN385 with the
# module and a minimal port glue over RAM (romfs_min.c), without the test
# boards' simulator and test module (tools/firmware_size.sh).
include $(BOARD_DIR)/../ROMFS_AN385/mpconfigboard.mk
ROMFS_FEATURES = block-erase rewrite-skip
ROMFS_GLUE = $(abspath $(BOARD_DIR)/romfs_min.c)
