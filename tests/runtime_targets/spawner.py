"""A target that starts another Python process (which memlint does not trace)."""

import subprocess
import sys

done = subprocess.run([sys.executable, "-c", "print('child says hi')"], check=True)
print(f"child exited with {done.returncode}")
