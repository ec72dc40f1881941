"""Measure object costs on the interpreter running this script and print them as JSON.

Run by tests/test_model_interpreters.py under every pyenv interpreter (3.8+), so this file
must stay standalone (no memlint import) and 3.8-compatible. Usage::

    python model_probe.py WORKDIR

Method: with the collector disabled, build two batches of N copies of a shape and divide
the traced growth (``tracemalloc.get_traced_memory``) over the *second* batch by N. Free
lists would hide the first objects of a batch: the first batch uses up whatever the
list, dict and float free lists held (80-100 each), and before measuring tuples the
probe allocates and holds 2100 of the size measured to empty theirs (2000). A warm-up batch lets per-class heuristics (3.11+ shared-keys sizing)
settle before either.
"""

import array
import functools
import gc
import json
import os
import re
import sys
import tempfile
import tracemalloc
import weakref

N = 500
WARM = 40


def drain(tuple_sizes=()):
    """Hold enough tuples of the given sizes to empty their free lists (2000 each).

    The list, dict, float and dict-keys free lists keep at most 80-100 objects, which the
    first batch of ``per_object`` uses up; only tuples need this.
    """
    return [tuple(range(size)) for size in tuple_sizes for _ in range(2100)]


def traced():
    return tracemalloc.get_traced_memory()[0]


def per_object(make, n=N, warm=WARM, tuple_sizes=()):
    """Traced bytes per object over a second batch of ``n``; ``make(i)`` gets
    ``i < warm + 2 * n``."""
    warmup = [make(i) for i in range(warm)]
    first = [None] * n
    second = [None] * n
    held = drain(tuple_sizes)
    for i in range(n):
        first[i] = make(warm + i)
    middle = traced()
    for i in range(n):
        second[i] = make(warm + n + i)
    after = traced()
    del held, warmup
    return (after - middle) / n


def make_class(k, slots=None):
    names = ["a%d" % j for j in range(k)]
    body = "".join("        self.%s = None\n" % name for name in names) or "        pass\n"
    head = "class C(object):\n"
    if slots is not None:
        head += "    __slots__ = %r\n" % (tuple(names) + tuple(slots),)
    namespace = {}
    exec(head + "    def __init__(self):\n" + body, namespace)
    return namespace["C"]


def measure_instances(out):
    for k in list(range(0, 13)) + [20, 28, 29, 35]:
        plain = make_class(k)
        out["instance-k%d" % k] = per_object(lambda i: plain())
        slotted = make_class(k, slots=())
        out["slotted-k%d" % k] = per_object(lambda i: slotted())
        weak = make_class(k, slots=("__weakref__",))
        out["slotted_weakref-k%d" % k] = per_object(lambda i: weak())
        touched = make_class(k)

        def make_touched(i, cls=touched):
            obj = cls()
            obj.__dict__
            return obj

        out["instance_dict-k%d" % k] = per_object(make_touched)


def measure_mixed_order(out):
    """Instances that set the same attributes in two different orders."""
    for k in (3, 6):
        names = ["a%d" % j for j in range(k)]
        body = "".join("            self.%s = None\n" % name for name in names)
        flipped = "".join("            self.%s = None\n" % name for name in reversed(names))
        namespace = {}
        exec(
            "class C(object):\n    def __init__(self, flip):\n        if flip:\n"
            + flipped
            + "        else:\n"
            + body,
            namespace,
        )
        cls = namespace["C"]
        out["instance_mixed_order-k%d" % k] = per_object(lambda i: cls(i % 2))


def measure_containers(out):
    str_keys = ["key%d" % i for i in range(100)]
    int_keys = list(range(1000, 1100))
    for n in (0, 1, 5, 6, 10, 11, 21, 22, 42, 43, 85, 86):

        def by_str(i, n=n):
            d = {}
            for key in str_keys[:n]:
                d[key] = None
            return d

        def by_int(i, n=n):
            d = {}
            for key in int_keys[:n]:
                d[key] = None
            return d

        out["dict_str-%d" % n] = per_object(by_str)
        out["dict_int-%d" % n] = per_object(by_int)
    for n in (6, 11, 21, 22, 28):
        names = ["k%d" % i for i in range(n)]
        namespace = {}
        exec(
            "def f(%s):\n    return {%s}\n"
            % (", ".join(names), ", ".join("%s: None" % a for a in names)),
            namespace,
        )
        literal = namespace["f"]
        args = tuple(str_keys[:n])
        out["dict_presized-%d" % n] = per_object(lambda i: literal(*args))
    for n in (0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 25, 100, 1000):
        items = tuple(range(n))

        def appended(i, n=n):
            lst = []
            for _ in range(n):
                lst.append(None)
            return lst

        namespace = {}
        exec("def f(a):\n    return [%s]\n" % ", ".join(["a"] * n), namespace)
        literal_list = namespace["f"]
        batch, warm = (200, 10) if n >= 1000 else (N, WARM)
        out["list_append-%d" % n] = per_object(appended, batch, warm)
        out["list_sized-%d" % n] = per_object(lambda i: list(items), batch, warm)
        out["list_literal-%d" % n] = per_object(lambda i: literal_list(None), batch, warm)
        out["list_iter-%d" % n] = per_object(lambda i: list(x for x in items), batch, warm)
    for n in (1, 2, 5, 10, 20, 25, 50):
        items = list(range(n))
        out["tuple-%d" % n] = per_object(lambda i: tuple(items), tuple_sizes=(n,))
    for n in (0, 4, 5, 18, 19, 76, 77):
        members = str_keys[:n]

        def adding(i, members=members):
            s = set()
            for m in members:
                s.add(m)
            return s

        out["set-%d" % n] = per_object(adding)


def measure_scalars(out):
    chars = {"ascii": "a", "latin1": "\xe9", "ucs2": "\u03b1", "ucs4": "\U0001f600"}
    for kind, char in chars.items():
        for n in (2, 10, 100):
            out["str_%s-%d" % (kind, n)] = per_object(lambda i: char * n)
    for n in (2, 10, 100):
        out["bytes-%d" % n] = per_object(lambda i: b"a" * n)
    # Values made by PyLong_FromLongLong (array items): exact digit counts.
    total = WARM + 2 * N
    for value in (1000, 2**31 - 1, 2**61 - 1):
        items = array.array("q", [value]) * total
        out["int-%d" % value] = per_object(lambda i: items[i])
    raw = [(2**90 + i).to_bytes(12, "little") for i in range(total)]
    out["int-%d" % 2**90] = per_object(lambda i: int.from_bytes(raw[i], "little"))
    floats = [float(i) + 0.5 for i in range(total)]
    out["float"] = per_object(lambda i: floats[i] * 1.5)

    class Target(object):
        pass

    # ref(obj) without a callback is shared: each call gets its own target.
    targets = [Target() for _ in range(total)]
    out["weakref"] = per_object(lambda i: weakref.ref(targets[i]))


def measure_lru(out, entries=2000):
    xs = [10**6 + i for i in range(entries)]
    ys = [10**7 + i for i in range(entries)]
    ss = ["s%d" % i for i in range(entries)]
    calls = {
        "1int": lambda f: [f(x) for x in xs],
        "2int": lambda f: [f(x, y) for x, y in zip(xs, ys)],
        "1kw": lambda f: [f(x=x) for x in xs],
        "1str": lambda f: [f(s) for s in ss],
    }
    # Caches stay alive to the end: clearing one would refill the tuple free lists
    # with its keys and hide the next cache's key tuples.
    caches = []
    held = drain(range(1, 7))
    for bounded in (False, True):
        for typed in (False, True):
            for mode, call in calls.items():
                cached = functools.lru_cache(maxsize=(1 << 20) if bounded else None, typed=typed)(
                    lambda *a, **k: None
                )
                caches.append(cached)
                before = traced()
                call(cached)
                after = traced()
                key = "lru-%s-%s-%s" % ("bounded" if bounded else "unbounded", typed, mode)
                out[key] = (after - before) / entries
    del held


def peak_of(fn, path):
    tracemalloc.stop()
    tracemalloc.start()
    base = traced()
    result = fn(path)
    peak = tracemalloc.get_traced_memory()[1] - base
    del result
    return peak


def read_lines(path):
    with open(path) as f:
        return f.readlines()


def iterate(path):
    with open(path) as f:
        for _line in f:
            pass


def read_split(path):
    with open(path) as f:
        return f.read().splitlines()


def measure_files(workdir, size=1000000):
    out = {}
    for line_len in (20, 80, 200):
        path = os.path.join(workdir, "lines-%d.txt" % line_len)
        count = size // line_len
        with open(path, "w") as f:
            f.write(("x" * (line_len - 1) + "\n") * count)
        base = peak_of(iterate, path)
        out["readlines-%d" % line_len] = peak_of(read_lines, path) - base
        out["splitlines-%d" % line_len] = peak_of(read_split, path) - base
        out["size-%d" % line_len] = count * line_len
    return out


class Node(object):
    def __init__(self, parent):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


class WeakNode(object):
    def __init__(self, parent):
        self.parent = None if parent is None else weakref.ref(parent)
        self.children = []
        if parent is not None:
            parent.children.append(self)


def build(cls, nodes):
    root = cls(None)
    made = [root]
    for i in range(1, nodes):
        made.append(cls(made[(i - 1) // 2]))
    return root


def measure_gc():
    out = {"thresholds": list(gc.get_threshold())}
    runs = {}
    gc.enable()
    for cls in (Node, WeakNode):
        for trees, nodes in ((2000, 10), (600, 100)):
            gc.collect()
            long_lived = len(gc.get_objects())
            tracemalloc.stop()
            tracemalloc.start()
            base = traced()
            before = gc.get_stats()
            for _ in range(trees):
                build(cls, nodes)
            after = gc.get_stats()
            peak = tracemalloc.get_traced_memory()[1] - base
            runs["%s-%d-%d" % (cls.__name__, trees, nodes)] = {
                "collections": [a["collections"] - b["collections"] for a, b in zip(after, before)],
                "collected": sum(a["collected"] - b["collected"] for a, b in zip(after, before)),
                "peak": peak,
                "long_lived": long_lived,
            }
    gc.disable()
    out["runs"] = runs
    return out


def measure_pymalloc():
    """Pool and arena sizes from sys._debugmallocstats(), which writes to C stderr."""
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(sink.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        text = sink.read().decode("ascii", "replace")
    arena = re.search(r"arenas \* (\d+) bytes/arena", text)
    pool = re.search(r"unused pools \* (\d+) bytes", text)
    return {
        "arena": int(arena.group(1)) if arena else None,
        "pool": int(pool.group(1)) if pool else None,
        "threshold": int(re.search(r"threshold = (\d+)", text).group(1)),
    }


def main():
    workdir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    gc.disable()
    result = {
        "version": list(sys.version_info[:3]),
        "pymalloc": measure_pymalloc(),
        "gc": measure_gc(),
    }
    gc.disable()
    tracemalloc.start()
    values = {}
    measure_instances(values)
    measure_mixed_order(values)
    measure_containers(values)
    measure_scalars(values)
    measure_lru(values)
    result["values"] = values
    result["files"] = measure_files(workdir)
    tracemalloc.stop()
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
