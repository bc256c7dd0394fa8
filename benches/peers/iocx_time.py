"""Times the ``iocx extract`` binary on a whole file: wall clock of the
whole process (start-up, reading, extraction and writing its output to a
file), best of N; counts the output lines (one per occurrence, or per
distinct type and value with --unique)."""

import argparse
import os
import subprocess
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--name", default="iocx")
    parser.add_argument("extra", nargs="*", help="more iocx extract arguments")
    args = parser.parse_args()
    best = float("inf")
    count = 0
    with tempfile.TemporaryFile() as out:
        for _ in range(max(1, args.runs)):
            out.seek(0)
            out.truncate()
            start = time.perf_counter()
            rc = subprocess.call([args.binary, "extract", *args.extra, args.file],
                                 stdout=out)
            best = min(best, time.perf_counter() - start)
            if rc not in (0, 1):  # 1: nothing found
                raise SystemExit(f"iocx exited with status {rc}")
        out.seek(0)
        count = sum(1 for _ in out)
    note = "distinct per type" if "--unique" in args.extra else "occurrences"
    print(f"{args.name}\t{os.path.getsize(args.file)}\t{best:.6f}\t{count}\t{note}")


if __name__ == "__main__":
    main()
