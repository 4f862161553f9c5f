# Emulated STM32F767 board: ROMFS partition 0 in the internal flash (starting
# in the 32K sectors, ending inside a 256K sector), partition 1 on a
# W25Q128JV QSPI NOR with 32K/64K block erase.  See ../stm32emu.mk.
CFLAGS += -DSTM32F767xx
include $(BOARD_DIR)/../stm32emu.mk
