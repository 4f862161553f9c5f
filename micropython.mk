# vfs.rom_ioctl from Rust, as a MicroPython user C module.
#
#   make BOARD=... USER_C_MODULES=<this repository>      (finds c_glue/micropython.mk)
#   make BOARD=... USER_C_MODULES=<folder holding it>    (finds this file)
#
# What it does, on an unmodified MicroPython tree:
# - compiles the C shim (c_glue/modromfs.c) and the port's glue;
# - builds the Rust core (rust/core) for the CPU being built, links it as one
#   relocatable object through LDFLAGS (LIBS on alif, which links without
#   LDFLAGS);
# - renames the port's own mp_vfs_rom_ioctl with a define on the one object
#   that defines it, so that ours is the only one (the linker drops theirs).
#
# Variables (all optional):
#   ROMFS_RUST_TARGET  Rust target; by default from -mcpu/-mfloat-abi in CFLAGS,
#                      or the host's for the unix port.
#   ROMFS_FEATURES     Cargo features of the core (flash rules the port needs).
#   ROMFS_CRATE        The Rust crate to link: mp-romfs (the core, default), or
#                      for the test firmwares mp-romfs-sim (the core plus the
#                      simulator's C ABI; its header is in rust/sim).
#   ROMFS_BLOCKDEV     1: the block view (module romfs, romfs.segment(id));
#                      default 1, except 0 on SAMD21 (code space).  A board
#                      that also wants it from vfs.rom_ioctl(2, id) sets
#                      MICROPY_ROMFS_OP2_BLOCKDEV to 1 in its config.
#   ROMFS_CARGO, ROMFS_RUSTC
#                      The cargo and rustc to use.  For a target whose core
#                      library is not installed, the rustc needs its source
#                      (rust-src) and the core is built with -Zbuild-std.
#   ROMFS_GLUE         The port glue C file(s); by default ports/<port>/romfs_port.c.
#   ROMFS_CARGO_DIR    Cargo's target folder (default: in the build folder).
#   ROMFS_SHIM         The C shim (default c_glue/modromfs.c; the benchmark
#                      swaps in a model of upstream's algorithm).

# MicroPython after 1.26 includes both this file and c_glue/micropython.mk
# when USER_C_MODULES is this repository: the second inclusion does nothing.
ifeq ($(ROMFS_MK_INCLUDED),)
ROMFS_MK_INCLUDED := 1

ROMFS_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ROMFS_SRC_DIR ?= $(USERMOD_DIR)
ROMFS_PORT ?= $(notdir $(CURDIR))

ROMFS_CARGO ?= cargo
ROMFS_RUSTC ?= rustc
ROMFS_GLUE ?= $(wildcard $(ROMFS_SRC_DIR)/ports/$(ROMFS_PORT)/romfs_port.c)

# --- C side ---------------------------------------------------------------
ROMFS_SHIM ?= $(ROMFS_SRC_DIR)/c_glue/modromfs.c
SRC_USERMOD_C += $(ROMFS_SHIM)
SRC_USERMOD_C += $(ROMFS_GLUE)
SRC_USERMOD_LIB_C += $(ROMFS_SRC_DIR)/c_glue/aeabi_mem.c
CFLAGS_USERMOD += -I$(ROMFS_DIR)/c_glue

# The block view: the shim's type and module, the core's blockdev feature.
ROMFS_BLOCKDEV ?= $(if $(filter SAMD21,$(MCU_SERIES)),0,1)
ifeq ($(ROMFS_BLOCKDEV),1)
CFLAGS_USERMOD += -DMP_ROMFS_BLOCKDEV=1
endif

# The object that defines the port's own mp_vfs_rom_ioctl, by port.
ROMFS_PORT_OBJ_unix = main.o
ROMFS_PORT_OBJ_stm32 = vfs_rom_ioctl.o
ROMFS_PORT_OBJ_alif = vfs_rom_ioctl.o
ROMFS_PORT_OBJ_qemu = vfs_rom_ioctl.o
ROMFS_PORT_OBJ_samd = samd_flash.o
ROMFS_PORT_OBJ ?= $(ROMFS_PORT_OBJ_$(ROMFS_PORT))
ROMFS_RENAME := -Dmp_vfs_rom_ioctl=mp_vfs_rom_ioctl_port

ifneq ($(ROMFS_PORT_OBJ),)
# Make does not rebuild an object when only its flags change: a stamp that
# changes with the flag makes an existing build folder recompile it once.
ROMFS_STAMP := $(BUILD)/romfs/rename.stamp
$(shell mkdir -p $(BUILD)/romfs && (echo '$(ROMFS_RENAME)' | cmp -s - $(ROMFS_STAMP) || echo '$(ROMFS_RENAME)' > $(ROMFS_STAMP)))
$(BUILD)/$(ROMFS_PORT_OBJ): CFLAGS += $(ROMFS_RENAME)
$(BUILD)/$(ROMFS_PORT_OBJ): $(ROMFS_STAMP)
endif

# MicroPython scans for qstrs only the sources newer than its last scan: in
# a folder that holds a stock build, the module's (older) sources would
# never be scanned (MP_QSTR_romfs undeclared).  A stamp created when the
# module first appears in the folder is a global qstr dependency, newer
# than that scan once, so the next scan covers every source.
ROMFS_QSTR_STAMP := $(BUILD)/romfs/qstr.stamp
$(shell mkdir -p $(BUILD)/romfs && [ -f $(ROMFS_QSTR_STAMP) ] || touch $(ROMFS_QSTR_STAMP))
QSTR_GLOBAL_DEPENDENCIES += $(ROMFS_QSTR_STAMP)

# --- Rust side ------------------------------------------------------------
# Evaluated when the recipe runs, once the port has set all of CFLAGS.
ROMFS_CPU = $(patsubst -mcpu=%,%,$(filter -mcpu=%,$(CFLAGS)))
ROMFS_HARDFP = $(filter -mfloat-abi=hard,$(CFLAGS))
ROMFS_HOST = $(shell $(ROMFS_RUSTC) -vV | sed -n 's/^host: //p')
ROMFS_RUST_TARGET ?= $(strip \
	$(if $(filter cortex-m0 cortex-m0plus cortex-m1,$(ROMFS_CPU)),thumbv6m-none-eabi, \
	$(if $(filter cortex-m3,$(ROMFS_CPU)),thumbv7m-none-eabi, \
	$(if $(filter cortex-m4 cortex-m7,$(ROMFS_CPU)),thumbv7em-none-eabi$(if $(ROMFS_HARDFP),hf), \
	$(if $(filter cortex-m33 cortex-m55 cortex-m85,$(ROMFS_CPU)),thumbv8m.main-none-eabi$(if $(ROMFS_HARDFP),hf), \
	$(ROMFS_HOST))))))

# Flash rules by port: each costs code (rust/core/features.mk).
include $(ROMFS_DIR)/rust/core/features.mk
ROMFS_FEATURES_samd = $(ROMFS_FEATURES_samd$(if $(filter thumbv6m%,$(ROMFS_RUST_TARGET)),21,51))
ROMFS_FEATURES ?= $(if $(filter $(ROMFS_PORT),stm32 alif samd),$(ROMFS_FEATURES_$(ROMFS_PORT)),$(ROMFS_FEATURES_all))

ROMFS_FEATURES_BUILD = $(ROMFS_FEATURES) $(if $(filter 1,$(ROMFS_BLOCKDEV)),blockdev)

ROMFS_CRATE ?= mp-romfs
ifeq ($(ROMFS_CRATE),mp-romfs-sim)
CFLAGS_USERMOD += -I$(ROMFS_DIR)/rust/sim
endif
ROMFS_CARGO_DIR ?= $(BUILD)/romfs/cargo
ROMFS_OBJ := $(BUILD)/romfs/mp_romfs_rust.o

# Link the Rust object: through LDFLAGS (an object file links wherever it
# appears, for gcc and ld alike); alif links without LDFLAGS, so LIBS there.
ifeq ($(ROMFS_PORT),alif)
$(BUILD)/firmware.elf: LIBS += $(ROMFS_OBJ)
else
LDFLAGS_USERMOD += $(ROMFS_OBJ)
endif

# The shim's object depends on the Rust object, so that it exists by link
# time (and a changed core relinks).  Its path: up to 1.26, the source's path
# under USER_C_MODULES; after, under the basename of the module's folder
# (this repository's, or c_glue's when USER_C_MODULES names c_glue).
ROMFS_SHIM_OBJ = $(filter %.o,$(BUILD)/$(patsubst $(USER_C_MODULES)/%.c,%.o,$(ROMFS_SHIM)) \
	$(foreach d,$(ROMFS_SRC_DIR) $(ROMFS_SRC_DIR)/c_glue,$(BUILD)/$(notdir $(d))/$(patsubst $(d)/%.c,%.o,$(ROMFS_SHIM))))
$(ROMFS_SHIM_OBJ): $(ROMFS_OBJ)

.PHONY: romfs-rust
$(ROMFS_OBJ): romfs-rust
	@mkdir -p $(BUILD)/romfs
	$(ECHO) "RUST $(ROMFS_CRATE) $(ROMFS_RUST_TARGET) [$(ROMFS_FEATURES_BUILD)]"
	$(Q)cd $(ROMFS_DIR) && $(ROMFS_DIR)/tools/romfs-rust-build \
		--cargo "$(ROMFS_CARGO)" --rustc "$(ROMFS_RUSTC)" --ld "$(LD)" --objcopy "$(OBJCOPY)" \
		--crate "$(ROMFS_CRATE)" --target "$(ROMFS_RUST_TARGET)" --features "$(ROMFS_FEATURES_BUILD)" \
		--target-dir "$(abspath $(ROMFS_CARGO_DIR))" --out "$(abspath $@)"

endif # ROMFS_MK_INCLUDED
