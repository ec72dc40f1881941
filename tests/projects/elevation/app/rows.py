class Cell:  # MEM004
    def __init__(self, text):
        self.text = text


def split_row(line):
    cells = []
    for part in line.split(","):
        cells.append(Cell(part))
    return cells
