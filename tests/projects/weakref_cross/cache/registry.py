import weakref

from cache.entry import Entry


def register(keys):
    entries = []
    refs = {}
    for key in keys:
        entry = Entry(key)
        entries.append(entry)
        refs[key] = weakref.ref(entry)
    return entries, refs
