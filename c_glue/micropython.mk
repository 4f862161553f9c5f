# Found when USER_C_MODULES is this repository itself; the module is
# described by the micropython.mk at the repository's top.
ROMFS_SRC_DIR := $(patsubst %/c_glue,%,$(USERMOD_DIR))
include $(ROMFS_SRC_DIR)/micropython.mk
