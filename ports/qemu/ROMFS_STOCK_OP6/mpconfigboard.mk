# ROMFS_STOCK with op 6 and the 4-argument prepare, as MicroPython master
# has them (tests/host/stock_shim.c with STOCK_OP6).
include $(BOARD_DIR)/../ROMFS_STOCK/mpconfigboard.mk
CFLAGS += -DSTOCK_OP6=1
