# A library module imported from /rom/lib.


def describe(step):
    if step <= 0:
        return "one go (no partial prepare)"
    return "%d KiB" % (step // 1024) if step >= 1024 else "%d bytes" % step


def count_words(path):
    n = 0
    with open(path) as f:
        for line in f:
            n += len(line.split())
    return n
