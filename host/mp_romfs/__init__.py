"""mp-romfs: a host deploy tool for MicroPython ROMFS partitions."""
