class Leaf:  # MEM004
    def __init__(self, value):
        self.value = value
