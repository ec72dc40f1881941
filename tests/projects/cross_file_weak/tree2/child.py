import weakref


class Child:  # MEM004
    def __init__(self, parent, name):
        self.parent = weakref.ref(parent)
        self.name = name
