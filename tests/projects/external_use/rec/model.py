class Record:  # MEM004
    def __init__(self, key):
        self.key = key


class Loose:
    def __init__(self, key):
        self.key = key
