# A class in a.py, instantiated in a loop in b.py under an import alias.
