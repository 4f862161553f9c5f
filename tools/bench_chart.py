"""Chart of modelled deploy time by image size, per chip profile: ours
(mpremote 1.29.0's sequence), upstream's algorithm (1.29.0's and 1.26.1's
sequences) and the physical limit, when the flash holds a different image.

    python tools/bench_chart.py rows.csv chart.png
"""

import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["start"] == "Different"]
    by_profile = defaultdict(list)
    for r in rows:
        by_profile[r["profile"]].append(r)
    profiles = list(by_profile)
    cols = 4
    fig, axes = plt.subplots((len(profiles) + cols - 1) // cols, cols, figsize=(16, 8), squeeze=False)
    series = [
        ("ours_1_29", "ours (mpremote 1.29.0)", "tab:green", "o-"),
        ("upstream_1_29", "upstream algorithm, 1.29.0", "tab:red", "s--"),
        ("upstream_1_26", "upstream algorithm, 1.26.1", "tab:orange", "^:"),
        ("limit", "physical limit", "black", "x-"),
    ]
    for ax, name in zip(axes.flat, profiles):
        rs = sorted(by_profile[name], key=lambda r: int(r["size"]))
        x = [int(r["size"]) / 1024 for r in rs]
        for key, label, color, style in series:
            ax.plot(x, [max(int(r[key]), 1) / 1e9 for r in rs], style, color=color, label=label, markersize=4)
        ax.set_title(name)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("image KiB")
        ax.set_ylabel("seconds (typical)")
        ax.grid(True, which="both", alpha=0.3)
    for ax in list(axes.flat)[len(profiles):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Modelled device time of a deploy over a different image (datasheet typical figures)")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=90)
    print(f"chart written to {sys.argv[2]}")


if __name__ == "__main__":
    main()
