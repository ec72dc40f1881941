"""A class the static pass cannot call hot (a loop over an unknown iterable) that is."""

import sys


class Record:
    def __init__(self, key, value):
        self.key = key
        self.value = value


def load(rows):
    records = []
    for key, value in rows:
        records.append(Record(key, value))
    return records


def rows(count):
    for i in range(count):
        yield f"k{i}", i * 2


if __name__ == "__main__":
    records = load(rows(int(sys.argv[1])))
    print(len(records))
