import ast2


def leaves(values):
    return list(map(ast2.Leaf, values))
