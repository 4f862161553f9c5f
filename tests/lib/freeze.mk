# Freezes tests/lib/romfs_testlib.py into a test firmware: run-tests.py
# sends a board only a test's own text, so what the tests share must be in
# the firmware.  Every test board's mpconfigboard.mk (and the unix variant's
# mpconfigvariant.mk) includes this file.  The build runs mpy-cross from
# the MicroPython tree (tools/setup.sh builds it).
ROMFS_TESTLIB_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
FROZEN_MANIFEST = $(ROMFS_TESTLIB_DIR)/manifest.py
# The frozen-content rule first checks that micropython-lib is there
# ($(MPY_LIB_DIR)/README.md); Debian's source package leaves it out, and
# this manifest needs nothing from it.
MPY_LIB_DIR = $(ROMFS_TESTLIB_DIR)
