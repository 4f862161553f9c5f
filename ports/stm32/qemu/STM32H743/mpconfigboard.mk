# Emulated STM32H743 board: two ROMFS partitions in the internal flash (32-byte
# ECC flash words): partition 0 the whole of bank 2, partition 1 in bank 1,
# ending inside a sector.  See ../stm32emu.mk.
CFLAGS += -DSTM32H743xx
include $(BOARD_DIR)/../stm32emu.mk
