# Build: make -C <micropython>/ports/unix VARIANT_DIR=<this folder> USER_C_MODULES=<repository>
# romfs_testlib, the on-device tests' shared module.
include $(abspath $(VARIANT_DIR)/../../../tests/lib/freeze.mk)
MICROPY_PY_SSL = 0
MICROPY_PY_BTREE = 0
MICROPY_PY_FFI = 0
ROMFS_TESTBOARD := $(abspath $(VARIANT_DIR)/../../testboard)
ROMFS_CRATE = mp-romfs-sim
ROMFS_FEATURES = $(ROMFS_FEATURES_all) host-file
# The glue is outside this folder (whose C files the port always compiles),
# so that without USER_C_MODULES the variant builds as a stock firmware.
ROMFS_GLUE = $(ROMFS_TESTBOARD)/romfs_testboard.c $(ROMFS_TESTBOARD)/romfs_testmod.c $(abspath $(VARIANT_DIR)/../romfs_unix.c)
CFLAGS += -I$(ROMFS_TESTBOARD)
