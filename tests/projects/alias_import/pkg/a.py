class Point:  # MEM004
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Once:
    def __init__(self, name):
        self.name = name
