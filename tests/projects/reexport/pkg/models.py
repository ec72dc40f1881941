class Node:  # MEM004
    def __init__(self, kind, value):
        self.kind = kind
        self.value = value
