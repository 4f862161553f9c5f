// The qemu port's configuration for the samd emulation boards: vfs.rom_ioctl
// switched on (MicroPython 1.26.1's qemu port has it off; master ties it to
// its own ROMFS settings), and the emulated NVM set up in mp_init, before
// /rom is mounted.
#include <mpconfigport.h>

#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)

void samd_emu_init(void);
#define MICROPY_PORT_INIT_FUNC samd_emu_init()
