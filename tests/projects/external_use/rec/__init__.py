# Attributes stored from another module count in k; vars() on instances elsewhere skips the class.
