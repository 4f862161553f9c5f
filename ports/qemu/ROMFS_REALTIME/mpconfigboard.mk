# The qemu test board whose simulated flash takes each operation's maximum
# datasheet time in real time (tools/bench_realtime.py).
include $(BOARD_DIR)/../ROMFS_AN385/mpconfigboard.mk
CFLAGS += -DROMFS_TESTBOARD_REALTIME=1
