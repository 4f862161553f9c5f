# Runs from the ROMFS image that `tools/demo.sh` deploys: this file is
# executed in place from the memory-mapped segment mounted at /rom.
import os
import vfs

from lib import sectors

print("Hello from", __file__)
print("/rom holds:", sorted(os.listdir("/rom")), "and /rom/lib:", sorted(os.listdir("/rom/lib")))
for seg in range(vfs.rom_ioctl(1)):
    size = len(vfs.rom_ioctl(2, seg))
    step = vfs.rom_ioctl(6, seg)
    print("segment %d: %d KiB, prepared in steps of %s" % (seg, size // 1024, sectors.describe(step)))
print("words in lib/words.txt:", sectors.count_words("/rom/lib/words.txt"))
