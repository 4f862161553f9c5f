// The port's configuration, with vfs.rom_ioctl switched on.
#include <mpconfigport.h>

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)
