"""``python -m memlint``."""

import os
import sys

# ``python -m`` puts the current directory first on sys.path, so a project with
# its own ``click.py`` or ``rich.py`` would be imported (and run) in place of
# memlint's dependencies. memlint never runs the code it checks: drop it.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from memlint.cli import main

main()
