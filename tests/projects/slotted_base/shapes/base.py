class Shape:
    __slots__ = ("name",)


class Plain:
    def __init__(self):
        self.name = "plain"
