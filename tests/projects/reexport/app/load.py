import pkg


def build(tokens):
    return [pkg.Node(kind, value) for kind, value in tokens]
