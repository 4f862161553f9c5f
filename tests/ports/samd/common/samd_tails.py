# Writes whose length is not a multiple of the program unit (SAMD21: 4-byte
# words, SAMD51: 16-byte quad-words), from source buffers at every
# alignment (memoryview slices at offsets 0..3): every byte lands, the rest
# of the last unit stays 0xff, and the driver only ever gets whole units at
# unit-aligned addresses inside the partition (_flash_append, no erase).
import vfs
import romfs_test
import samd_emu
from romfs_testlib import unmount_rom

flash, fsize, start, size, page, unit, region = samd_emu.layout()
punit = romfs_test.geometry(0)[5]
rom = vfs.rom_ioctl(2, 0)
unmount_rom()
# The tests share one QEMU run: start from a fresh chip (partition erased,
# counters zero) and the core's RAM state as after a reset.
samd_emu.reset()
romfs_test.reboot()

print("program unit", punit)
print("prepare the partition:", vfs.rom_ioctl(3, 0, size) == punit)
samd_emu.log()

results = dict.fromkeys(
    ("write returns 0", "bytes land", "unit padded with 0xff", "driver gets _flash_append only, whole units at unit-aligned addresses"), True
)


def whole_units(calls):
    return len(calls) > 0 and all(
        k == "A" and (a - start) % punit == 0 and n % punit == 0 and start <= a and a + n <= start + size for k, a, n in calls
    )


backing = bytearray(2 * punit + 8)
off = 1024  # past the held header
writes = 0
for shift in range(4):
    for n in range(1, 2 * punit):
        data = bytes((off * 3 + i * 11 + shift) & 0x7F for i in range(n))
        backing[shift : shift + n] = data
        rc = vfs.rom_ioctl(4, 0, off, memoryview(backing)[shift : shift + n])
        end = (off + n + punit - 1) // punit * punit
        results["write returns 0"] = results["write returns 0"] and rc == 0
        results["bytes land"] = results["bytes land"] and bytes(rom[off : off + n]) == data
        pad = bytes(rom[off + n : end]) == b"\xff" * (end - off - n)
        results["unit padded with 0xff"] = results["unit padded with 0xff"] and pad
        key = "driver gets _flash_append only, whole units at unit-aligned addresses"
        results[key] = results[key] and whole_units(samd_emu.log())
        writes += 1
        off = end + punit
for k in sorted(results):
    print(k, results[k])
print("writes", writes)
print("op 5:", vfs.rom_ioctl(5, 0))
st = samd_emu.stats()
print("erases", st["erase_calls"], "read-modify-write pages", st["rmw_pages"], "misuse", st["misuse"], "errors", st["errors"])
print("simulator violations", romfs_test.stats(0)[5])
