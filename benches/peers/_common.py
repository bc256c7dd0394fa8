"""Shared driver for the peer scripts: read a file, cap it, time a function.

Each peer script calls ``run(name, extract_all)`` where ``extract_all`` takes
the text and returns the number of indicators the library reports. The
result is printed as one tab-separated line:

    tool  bytes_processed  best_seconds  count  note

Time is wall clock (``time.perf_counter``) around the library call only:
interpreter start-up, imports and reading the file are not counted.
"""

import argparse
import sys
import time


def read_capped(path, cap):
    """The file's bytes, cut to at most ``cap`` bytes at a line end (or at
    ``cap`` when there is no line end in the first half), as text."""
    with open(path, "rb") as f:
        data = f.read()
    if cap and len(data) > cap:
        cut = data.rfind(b"\n", 0, cap)
        data = data[: cut + 1] if cut >= cap // 2 else data[:cap]
    return data, data.decode("utf-8", errors="replace")


def run(name, extract_all, note):
    parser = argparse.ArgumentParser(description=f"time {name} on a file")
    parser.add_argument("file")
    parser.add_argument("--cap", type=int, default=200_000,
                        help="process at most this many bytes (0: all)")
    parser.add_argument("--runs", type=int, default=3, help="best of N")
    args = parser.parse_args()
    data, text = read_capped(args.file, args.cap)
    best = float("inf")
    count = 0
    for _ in range(max(1, args.runs)):
        start = time.perf_counter()
        count = extract_all(text)
        best = min(best, time.perf_counter() - start)
    print(f"{name}\t{len(data)}\t{best:.6f}\t{count}\t{note}")
    sys.stdout.flush()
