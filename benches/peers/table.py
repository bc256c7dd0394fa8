"""Prints the comparison table from the drivers' tab-separated lines
(stdin): tool, MB/s, indicators found, and iocx (1 thread) / peer speed."""

import sys


def main():
    rows = []
    for line in sys.stdin:
        tool, size, secs, count, note = line.rstrip("\n").split("\t")
        rows.append((tool, int(size), float(secs), int(count), note))
    speed = {t: s / 1e6 / max(secs, 1e-9) for t, s, secs, _, _ in rows}
    base = speed.get("iocx (1 thread)")
    print(f"| {'tool':<24} | {'input':>10} | {'MB/s':>9} | {'found':>8} | "
          f"{'counted as':<22} | {'iocx 1t / tool':>14} |")
    print(f"|{'-' * 26}|{'-' * 11}:|{'-' * 10}:|{'-' * 9}:|{'-' * 24}|{'-' * 15}:|")
    for tool, size, secs, count, note in rows:
        ratio = f"{base / speed[tool]:,.0f}x" if base and not tool.startswith("iocx") else ""
        mbps = speed[tool]
        mbps_text = f"{mbps:,.0f}" if mbps >= 100 else f"{mbps:.3g}"
        print(f"| {tool:<24} | {size / 1e3:>7,.0f} KB | {mbps_text:>9} | {count:>8,} | "
              f"{note:<22} | {ratio:>14} |")


if __name__ == "__main__":
    main()
