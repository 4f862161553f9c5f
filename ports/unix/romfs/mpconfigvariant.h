// The unix test firmware: the standard variant with vfs.rom_ioctl served by
// this repository's module over two file-backed simulated flash devices
// (see ports/testboard/).
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#include "variants/mpconfigvariant_common.h"

// Ctrl-C (SIGINT) is scheduled and raised at the next event poll, as the
// flash ports (stm32, samd, alif) deliver it, and so at the port's poll
// between flash operations.  The standard variant raises it from the
// signal handler at any instruction, which would jump over the core's
// frames (the shim refuses to build with that, c_glue/modromfs.c).
#undef MICROPY_ASYNC_KBD_INTR
#define MICROPY_ASYNC_KBD_INTR (0)

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)
