# The core's Cargo features (Cargo.toml) each port's firmware is built with:
# the one place that says which code each port ships.  micropython.mk builds
# a port's core with its set; tools/test.sh runs the host tests, the property
# test, the power-loss cuts and the fuzz pass for each set; tools/bench.sh
# models each chip with its port's set; tools/size_report.py measures each.
#
# SAMD21 has the smallest chips and the least code space: the core as plain
# as it gets (one sector size, a prepare erases at once).
ROMFS_FEATURES_samd21 =
ROMFS_FEATURES_samd51 = deferred sector-table write-once rewrite-skip
ROMFS_FEATURES_stm32 = deferred sector-table block-erase write-once rewrite-skip
ROMFS_FEATURES_alif = deferred sector-table block-erase no-erase rewrite-skip
# Every rule at once: the test boards (unix, qemu), which emulate all chips.
ROMFS_FEATURES_all = deferred sector-table block-erase write-once no-erase rewrite-skip
ROMFS_FEATURE_SETS = samd21 samd51 stm32 alif all
