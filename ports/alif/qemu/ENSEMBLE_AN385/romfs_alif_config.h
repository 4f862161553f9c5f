// The qemu port's configuration with vfs.rom_ioctl switched on, and what an
// alif board's mpconfigboard.h sets for ROMFS (ALIF_ENSEMBLE, HP core).
// (ports/alif/qemu/glue-size.sh overrides the last two for the HE core.)
#define MICROPY_HW_ROMFS_ENABLE_PART0 (1)   // OSPI
#ifndef MICROPY_HW_ROMFS_ENABLE_PART1
#define MICROPY_HW_ROMFS_ENABLE_PART1 (1)   // MRAM
#endif
#ifndef MICROPY_HW_ENABLE_OSPI
#define MICROPY_HW_ENABLE_OSPI (1)
#endif

#include <mpconfigport.h>

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)

// Emulated memories are set up once, before /rom is mounted.
void alif_emu_init(void);
#define MICROPY_PORT_INIT_FUNC alif_emu_init()
