class Circle:  # MEM004
    def __init__(self, r):
        self.r = r


def make_circle(r):
    return Circle(r)
