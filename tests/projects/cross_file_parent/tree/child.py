class Child:
    def __init__(self, parent, name):
        self.parent = parent  # MEM005
        self.name = name
