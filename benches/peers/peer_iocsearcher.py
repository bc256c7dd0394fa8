"""iocsearcher: ``Searcher.search_data`` (all its IoC types), which returns
the set of distinct (type, value) pairs."""

from iocsearcher.searcher import Searcher

from _common import run

SEARCHER = Searcher()


def extract_all(text):
    return len(SEARCHER.search_data(text))


if __name__ == "__main__":
    run("iocsearcher", extract_all, "distinct (type, value)")
