# A slotted base in another file: the subclass is flagged; a subclass of a dict-ful base is not.
