class Document:
    def __init__(self):
        self.elements = []
