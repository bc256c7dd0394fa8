"""iocextract: every IoC occurrence from ``extract_iocs`` (refanged)."""

import iocextract

from _common import run


def extract_all(text):
    return sum(1 for _ in iocextract.extract_iocs(text, refang=True))


if __name__ == "__main__":
    run("iocextract", extract_all, "occurrences")
