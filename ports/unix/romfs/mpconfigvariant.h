// The unix test firmware: the standard variant with vfs.rom_ioctl served by
// this repository's module over two file-backed simulated flash devices
// (see ports/testboard/).
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#include "variants/mpconfigvariant_common.h"

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)
