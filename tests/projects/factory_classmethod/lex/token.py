class Token:  # MEM004
    def __init__(self, kind, text):
        self.kind = kind
        self.text = text

    @classmethod
    def from_text(cls, text):
        return cls("word", text)


class Keyword(Token):
    pass
