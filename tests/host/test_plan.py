"""Whole plans for each firmware and path."""

from mp_romfs.plan import Segment, Step, changed_units, pieces, plan_deploy, runs, unit_checksums

K = 4096


def test_runs():
    assert runs([5, 1, 2, 3, 7]) == [(1, 4), (5, 6), (7, 8)]
    assert runs([]) == []


def test_changed_units():
    img = bytes(3 * K)
    other = bytearray(img)
    other[K + 5] = 1
    assert changed_units(unit_checksums(img, K), unit_checksums(bytes(other), K)) == [1]


def test_ours_with_op6_writes_unit0_first_and_the_last_unit():
    seg = Segment(1, 64 * K, False, K, True)
    length = 10 * K - 100  # units 0..9
    assert plan_deploy(seg, length, [4, 5, 7]) == [
        Step("P", 0, K), Step("W", 0, K),
        Step("P", 4 * K, 2 * K), Step("W", 4 * K, 2 * K),
        Step("P", 7 * K, K), Step("W", 7 * K, K),
        Step("P", 9 * K, K), Step("W", 9 * K, K - 100),
        Step("K"),
    ]
    # Unit 0 in the first run when it changed with its neighbours.
    assert plan_deploy(seg, length, [0, 1, 9])[:2] == [Step("P", 0, 2 * K), Step("W", 0, 2 * K)]


def test_ours_without_op6_writes_everything_in_order():
    seg = Segment(0, 64 * K, False, 0, True)
    assert plan_deploy(seg, 5000, [0]) == [Step("P", -1, 5000), Step("W", 0, 5000), Step("K")]


def test_stock_with_op6_writes_unit0_last():
    seg = Segment(1, 64 * K, False, K, False)
    assert plan_deploy(seg, 6 * K, [0, 2, 3]) == [
        Step("P", 0, K),
        Step("P", 2 * K, 2 * K), Step("W", 2 * K, 2 * K),
        Step("W", 0, K, True),
        Step("K"),
    ]


def test_stock_without_op6_writes_the_header_piece_last():
    seg = Segment(1, 64 * K, False, 0, False)
    steps = plan_deploy(seg, 3 * K + 10, [0])
    assert steps == [Step("P", -1, 3 * K + 10), Step("W", 0, 3 * K + 10, True), Step("K")]
    assert pieces(steps[1], K, 4) == [(K, K, K), (2 * K, K, K), (3 * K, 10, 12), (0, K, K)]


def test_block_device_erases_block0_first_and_writes_it_last():
    seg = Segment(0, 16 * K, True, K, False)
    assert plan_deploy(seg, 4 * K, [1, 3]) == [
        Step("E", 0),
        Step("E", 1), Step("W", K, K),
        Step("E", 3), Step("W", 3 * K, K),
        Step("W", 0, K, True),
        Step("S"),
    ]


def test_this_modules_block_view_also_gets_the_last_block():
    seg = Segment(0, 16 * K, True, K, True)
    assert plan_deploy(seg, 4 * K - 8, [1]) == [
        Step("E", 0),
        Step("E", 1), Step("W", K, K),
        Step("E", 3), Step("W", 3 * K, K - 8),
        Step("W", 0, K, True),
        Step("S"),
    ]


def test_pieces_pad_the_image_end_to_the_program_unit():
    assert pieces(Step("W", 0, 10), K, 16) == [(0, 10, 16)]
    assert pieces(Step("W", K, 2 * K), K, 16) == [(K, K, K), (2 * K, K, K)]
