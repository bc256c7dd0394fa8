"""ioc-finder: ``find_iocs`` with its default types; it returns distinct
values per type (nested groups such as ATT&CK ids are counted per leaf)."""

from ioc_finder import find_iocs

from _common import run


def count(value):
    if isinstance(value, dict):
        return sum(count(v) for v in value.values())
    if isinstance(value, (list, tuple, set)):
        return len(value)
    return 0


def extract_all(text):
    return count(find_iocs(text))


if __name__ == "__main__":
    run("ioc-finder", extract_all, "distinct per type")
