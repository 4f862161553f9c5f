# Build: make -C <micropython>/ports/unix VARIANT_DIR=<this folder> USER_C_MODULES=<repository>
# romfs_testlib, the on-device tests' shared module.
include $(abspath $(VARIANT_DIR)/../../../tests/lib/freeze.mk)
MICROPY_PY_SSL = 0
MICROPY_PY_BTREE = 0
MICROPY_PY_FFI = 0
ROMFS_TESTBOARD := $(abspath $(VARIANT_DIR)/../../testboard)
ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_all) host-file
ROMFS_GLUE = $(ROMFS_TESTBOARD)/romfs_testboard.c $(ROMFS_TESTBOARD)/romfs_testmod.c
CFLAGS += -I$(ROMFS_TESTBOARD)
