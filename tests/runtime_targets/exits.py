"""How a target can end, chosen by its first argument (for tests/test_runtime.py)."""

import os
import signal
import sys


class Token:
    def __init__(self, index):
        self.index = index
        self.text = str(index)


def build(count):
    return [Token(i) for i in range(count)]


def main(mode):
    tokens = build(20_000)
    print(f"out: {mode} {len(tokens)}")
    print(f"err: {mode}", file=sys.stderr)
    sys.stdout.flush()
    if mode == "exit":
        sys.exit(int(sys.argv[2]))
    if mode == "message":
        sys.exit("fatal: bad input")
    if mode == "raise":
        raise ValueError("boom from the target")
    if mode == "interrupt":
        raise KeyboardInterrupt
    if mode == "sigint":
        os.kill(os.getpid(), signal.SIGINT)
    if mode == "sigterm":
        os.kill(os.getpid(), signal.SIGTERM)
    if mode == "fork":
        pid = os.fork()
        if pid == 0:
            print("in the forked child", flush=True)
            sys.exit(5)  # unwinds through memlint's probe too: it must not report
        _, status = os.waitpid(pid, 0)
        print(f"forked child exited with {status >> 8}")
    if mode == "segfault":
        import ctypes

        ctypes.string_at(0)
    if mode == "hard":
        sys.stdout.flush()
        os._exit(7)
    if mode == "stdin":
        data = sys.stdin.read()
        print(f"read {len(data)} characters: {data.strip()}")
    if mode == "argv":
        print(f"argv={sys.argv!r} path0={sys.path[0]} name={__name__} file={__file__}")
    if mode == "wait":
        print("ready", flush=True)
        sys.stdin.readline()  # the test sends SIGINT meanwhile


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ok")
