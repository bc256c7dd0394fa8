#!/usr/bin/env bash
# Side-by-side throughput of iocx and three Python IoC extractors (iocextract,
# ioc-finder, iocsearcher) on the same files. Not part of the test suite.
#
#   benches/peers/run.sh [FILE...]
#
# Default files: the project's corpora/*.md (but README.md). The fair
# comparison file is the shared 1 MB sample of real reports:
#   benches/peers/run.sh ../shared/corpora/sample-1mb.txt
#
# The peers are installed into a virtualenv outside the repository,
# ${IOCX_PEERS_VENV:-$HOME/.cache/iocx-peers-venv}, created on first use.
# The Python peers run at 0.02-0.4 MB/s, so they get only the first
# IOCX_PEERS_CAP bytes of each file (default 200000, cut at a line end),
# while iocx runs the whole file; MB/s is computed from the bytes each tool
# actually processed. Every figure is the best of IOCX_PEERS_RUNS runs
# (default 3). Peers are timed around the library call only; iocx is timed
# as a whole process (start-up, reading, writing its output), so the ratio
# is if anything unfavourable to iocx.
#
# Environment: IOCX_PEERS_VENV, IOCX_PEERS_CAP, IOCX_PEERS_RUNS,
# IOCX_PEERS_SKIP (space-separated peers to leave out, e.g. "iocextract"),
# CARGO_BUILD_JOBS (cargo's own, e.g. 1 on a busy machine).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${IOCX_PEERS_VENV:-$HOME/.cache/iocx-peers-venv}"
cap="${IOCX_PEERS_CAP:-200000}"
runs="${IOCX_PEERS_RUNS:-3}"
skip=" ${IOCX_PEERS_SKIP:-} "
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ inside the repository

case "$venv" in
"$root"/*)
    echo "IOCX_PEERS_VENV must be outside the repository ($root)" >&2
    exit 2
    ;;
esac

if [ $# -eq 0 ]; then
    set --
    for f in "$root"/corpora/*.md; do
        [ "$(basename "$f")" = README.md ] || set -- "$@" "$f"
    done
    echo "No files given: using the project corpus ($*)."
    echo "The fair comparison file is ../shared/corpora/sample-1mb.txt (1 MB of real reports)."
fi
# Absolute paths: the peers run from this script's directory.
files=()
for f in "$@"; do
    [ -f "$f" ] || { echo "not a file: $f" >&2; exit 2; }
    files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done
set -- "${files[@]}"

py="$venv/bin/python"
if [ ! -x "$py" ]; then
    echo "== creating virtualenv $venv"
    python3 -m venv "$venv"
fi
if ! "$py" -c 'import iocextract, ioc_finder, iocsearcher' 2>/dev/null; then
    echo "== installing iocextract, ioc-finder, iocsearcher into $venv"
    "$py" -m pip install --quiet --upgrade pip
    # iocextract imports requests without declaring it as a dependency.
    "$py" -m pip install --quiet iocextract ioc-finder iocsearcher requests
fi
"$py" -m pip list 2>/dev/null | grep -iE '^(iocextract|ioc-finder|ioc_finder|iocsearcher) ' || true

echo "== building iocx (release)"
(cd "$root" && cargo build --release --locked -p iocx-cli --quiet)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
iocx="$target_dir/release/iocx"

cores="$(nproc 2>/dev/null || echo '?')"
for f in "$@"; do
    size="$(wc -c <"$f")"
    echo
    echo "== $f ($size bytes; peers: first $cap bytes at most, cut at a line end; iocx: whole file; best of $runs; $cores cores)"
    results="$(mktemp)"
    "$py" "$here/iocx_time.py" --runs "$runs" --name "iocx (1 thread)" "$iocx" "$f" -- --threads 1 >>"$results"
    "$py" "$here/iocx_time.py" --runs "$runs" --name "iocx (all cores)" "$iocx" "$f" >>"$results"
    "$py" "$here/iocx_time.py" --runs "$runs" --name "iocx --unique (1 thread)" "$iocx" "$f" -- --threads 1 --unique >>"$results"
    for peer in iocextract ioc_finder iocsearcher; do
        case "$skip" in *" $peer "* | *" ${peer//_/-} "*) continue ;; esac
        (cd "$here" && "$py" "peer_$peer.py" --cap "$cap" --runs "$runs" "$f") >>"$results"
    done
    "$py" "$here/table.py" <"$results"
    rm -f "$results"
done
