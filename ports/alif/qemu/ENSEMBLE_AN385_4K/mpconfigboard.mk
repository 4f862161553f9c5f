# The alif emulation board (../ENSEMBLE_AN385) with the OSPI driver as
# MicroPython has it today: no ospi_flash_erase_block_64k, so the glue
# erases OSPI in 4 KiB sectors only.
#
# Build: tools/build-firmware.sh qemu:ports/alif/qemu/ENSEMBLE_AN385_4K
include $(BOARD_DIR)/../ENSEMBLE_AN385/mpconfigboard.mk
CFLAGS += -DALIF_EMU_BLOCK_ERASE=0
