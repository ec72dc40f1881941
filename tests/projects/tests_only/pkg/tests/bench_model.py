from pkg.model import Sample


def many():
    return [Sample(i) for i in range(10_000)]


class Fake:
    def __init__(self, value):
        self.value = value


FAKES = [Fake(i) for i in range(100)]
