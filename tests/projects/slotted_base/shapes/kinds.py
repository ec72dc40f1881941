from .base import Plain, Shape


class Square(Shape):  # MEM004
    def __init__(self, side):
        self.name = "square"
        self.side = side


class Blob(Plain):
    def __init__(self, size):
        super().__init__()
        self.size = size


def build(sizes):
    return [Square(s) for s in sizes] + [Blob(s) for s in sizes]
