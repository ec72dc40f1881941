# Across files: the owner appends Child(self), Child.__init__ (another file) keeps the parent.
