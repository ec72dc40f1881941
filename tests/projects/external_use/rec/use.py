from rec.model import Loose, Record


def load(keys):
    out = []
    for key in keys:
        record = Record(key)
        record.seen = True
        out.append(record)
    return out


def dump(keys):
    for key in keys:
        loose = Loose(key)
        print(vars(loose))
