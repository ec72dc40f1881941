from tree2.child import Child


class Tree:  # MEM004
    def __init__(self, label):
        self.label = label
        self.children = []

    def add_all(self, names):
        for name in names:
            kid = Child(self, name)
            self.children.append(kid)


def forest(labels):
    return [Tree(label) for label in labels]
