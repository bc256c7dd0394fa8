#!/usr/bin/env bash
# Refreshes crates/iocx-core/data/public_suffix_list.dat from the PyPI package
# `publicsuffixlist`, which ships the raw list with its VERSION and COMMIT
# header lines. Run from the repository root; needs pip.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download --quiet --no-deps --dest "$tmp" publicsuffixlist
unzip -q -o "$tmp"/publicsuffixlist-*.whl -d "$tmp/whl"
cp "$tmp/whl/publicsuffixlist/public_suffix_list.dat" crates/iocx-core/data/public_suffix_list.dat
grep -E '^// (VERSION|COMMIT):' crates/iocx-core/data/public_suffix_list.dat
echo "Update crates/iocx-core/data/README.md with the version above, then run the tests."
