class Span:  # MEM004
    def __init__(self, start, end):
        self.start = start
        self.end = end
