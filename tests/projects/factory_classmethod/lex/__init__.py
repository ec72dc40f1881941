# A factory classmethod called in a comprehension in another module makes the class hot.
