# Relative imports two levels up, with an alias; a set comprehension.
