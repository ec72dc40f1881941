class Entry:  # MEM004
    def __init__(self, key):
        self.key = key
