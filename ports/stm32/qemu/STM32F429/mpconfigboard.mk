# Emulated STM32F429 board: two ROMFS partitions in the internal flash of two
# banks (4x16K, 1x64K, 7x128K each; 32-bit words, no caches): partition 0
# crosses from bank 1 into bank 2, partition 1 ends at the end of the flash
# and may be moved at run time.  See ../stm32emu.mk.
CFLAGS += -DSTM32F429xx
include $(BOARD_DIR)/../stm32emu.mk
