/* Stand-in for MicroPython's extmod/vfs.h (see py/runtime.h here). */
#ifndef STUB_EXTMOD_VFS_H
#define STUB_EXTMOD_VFS_H

#include "py/runtime.h"

#define MP_VFS_ROM_IOCTL_GET_NUMBER_OF_SEGMENTS (1)
#define MP_VFS_ROM_IOCTL_GET_SEGMENT (2)
#define MP_VFS_ROM_IOCTL_WRITE_PREPARE (3)
#define MP_VFS_ROM_IOCTL_WRITE (4)
#define MP_VFS_ROM_IOCTL_WRITE_COMPLETE (5)
#define MP_VFS_ROM_IOCTL_GET_MIN_PREPARE (6)

mp_obj_t mp_vfs_rom_ioctl(size_t n_args, const mp_obj_t *args);

#endif
