# Frozen into every test firmware (freeze.mk): the on-device tests' shared
# module.
module("romfs_testlib.py")
