# The qemu test board with the block view as vfs.rom_ioctl(2, id)'s result
# (MICROPY_ROMFS_OP2_BLOCKDEV): mpremote deploys through it as to a block
# device (ioctl(6, n), then writeblocks(n, buf, offset)).
include $(BOARD_DIR)/../ROMFS_AN385/mpconfigboard.mk
CFLAGS += -DMICROPY_ROMFS_OP2_BLOCKDEV=1
