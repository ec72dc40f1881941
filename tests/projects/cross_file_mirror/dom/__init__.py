# Across files, the mirrored shape: the child registers itself with the parent it is given.
