from app.rows import split_row


def read_table(lines):
    table = []
    for line in lines:
        table.append(split_row(line))
    return table
