# Instances weakly referenced in another module: the MEM004 details ask for __weakref__.
