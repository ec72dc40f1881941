# Across files with a weak back-reference: no MEM005, and the owner needs __weakref__ if slotted.
