"""The generated stubs (`_native.pyi`) agree with the built module (mypy.stubtest)."""

import subprocess
import sys
import tempfile


def test_stubtest():
    with tempfile.TemporaryDirectory() as cwd:  # away from the source tree: check the installed module
        r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "mullama"], capture_output=True, text=True, cwd=cwd)
    assert r.returncode == 0, r.stdout + r.stderr
