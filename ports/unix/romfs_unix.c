/*
 * Flash of the unix test firmware: files, mapped shared, so the segments
 * keep their bytes between runs.  The folder is $MICROPY_ROMFS_DIR (default:
 * the current one).  $MICROPY_ROMFS_CUT="dev:ops:tear" cuts the power at a
 * flash operation; the process then ends at once with status 99, as a
 * device losing power would.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "py/mpconfig.h"
// The simulator's C ABI (rust/sim), with the core's (c_glue/mp_romfs.h),
// and its file-backed memory (host-file).
#define MP_ROMFS_HOST_FILE (1)
#include "mp_romfs_sim.h"
#include "romfs_testboard.h"

#if MICROPY_VFS_ROM_IOCTL

uint8_t *romfs_testboard_memory(unsigned dev, uint32_t size) {
    static const char *const names[2] = { "romfs-stm32f767.bin", "romfs-w25q128.bin" };
    const char *dir = getenv("MICROPY_ROMFS_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ".", names[dev]);
    return mp_romfs_sim_map_file(path, size, 0xff);
}

void romfs_testboard_attached(unsigned dev) {
    const char *cut = getenv("MICROPY_ROMFS_CUT");
    unsigned cut_dev, ops, tear;
    if (cut != NULL && sscanf(cut, "%u:%u:%u", &cut_dev, &ops, &tear) == 3 && cut_dev == dev) {
        mp_romfs_sim_cut_after(dev, ops, tear);
    }
}

void romfs_testboard_wait_ns(uint64_t ns) {
    usleep((useconds_t)(ns / 1000));
}

void romfs_testboard_power_lost(void) {
    _exit(99);
}

#endif
