#!/usr/bin/env python3
"""Acceptance check: MISP event JSON written by iocx loads in PyMISP.

Usage: pymisp_load.py EVENT.json [EVENT.json ...]

For each file, loads it with PyMISP's MISPEvent().load() and checks that the
event keeps its uuid, info and date, and that every attribute of the JSON is
present in PyMISP's event with the same type, category, value, to_ids and
comment, and that every type is one PyMISP knows. Exits 1 on any mismatch.
Not part of `cargo test`: run it in a virtualenv with `pip install pymisp`
(see crates/iocx-misp/README.md).
"""
import json
import sys

from pymisp import MISPEvent


def check(path):
    with open(path, encoding="utf-8") as f:
        written = json.load(f)["Event"]
    event = MISPEvent()
    # load() reads a str argument as JSON text, so hand it the open file.
    try:
        with open(path, encoding="utf-8") as f:
            event.load(f)
    except Exception as error:  # PyMISP raises several types on bad input
        print(f"{path}: FAILED: PyMISP could not load it: {error}"[:500])
        return False
    problems = []
    if "uuid" in written and str(event.uuid) != written["uuid"]:
        problems.append(f"uuid {event.uuid} != {written['uuid']}")
    if event.info != written["info"]:
        problems.append(f"info {event.info!r} != {written['info']!r}")
    if "date" in written and event.date.isoformat() != written["date"]:
        problems.append(f"date {event.date} != {written['date']}")
    known_types = set(event.describe_types["types"])
    loaded = event.attributes
    objects = written.get("Object", [])
    if len(event.objects) != len(objects):
        problems.append(f"{len(event.objects)} objects loaded, {len(objects)} written")
    for ours, theirs in zip(objects, event.objects):
        if len(theirs.attributes) != len(ours["Attribute"]):
            problems.append(f"object {ours['name']}: {len(theirs.attributes)} attributes loaded")
    if len(loaded) != len(written["Attribute"]):
        problems.append(f"{len(loaded)} attributes loaded, {len(written['Attribute'])} written")
    for ours, theirs in zip(written["Attribute"], loaded):
        if theirs.type not in known_types:
            problems.append(f"type {theirs.type} unknown to PyMISP")
        for field in ("type", "category", "value", "to_ids", "comment", "uuid"):
            if field in ours and str(getattr(theirs, field)) != str(ours[field]):
                problems.append(f"{field}: {getattr(theirs, field)!r} != {ours[field]!r}")
    types = sorted({a.type for a in loaded})
    status = "ok" if not problems else "FAILED"
    print(f"{path}: {status}: {len(loaded)} attributes, {len(event.objects)} objects,"
          f" types {', '.join(types)}")
    for problem in problems:
        print(f"  {problem}")
    return not problems


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results = [check(p) for p in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
