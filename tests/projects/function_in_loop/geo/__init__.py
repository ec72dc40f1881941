# A function in shapes.py that builds the class, called in a loop in scene.py.
