from tree.child import Child


class Tree:
    def __init__(self):
        self.children = []

    def add(self, name):
        self.children.append(Child(self, name))
