"""The entry point shared by the Python tests that run the dembones program: CTest calls
`/usr/bin/python3 test_X.py PATH_TO_DEMBONES`; the module gets DEMBONES (that path) and TMP (a fresh
temporary folder, removed afterwards), then its unittest cases run."""

import os
import shutil
import sys
import tempfile
import unittest


def run(module, prefix: str) -> int:
    """Sets module.DEMBONES and module.TMP from the command line, runs the module's tests and
    returns the process exit code (2 on a usage error, 1 when a test fails)."""
    if len(sys.argv) < 2:
        print(f"usage: {os.path.basename(module.__file__)} PATH_TO_DEMBONES", file=sys.stderr)
        return 2
    module.DEMBONES = os.path.abspath(sys.argv.pop(1))
    module.TMP = tempfile.mkdtemp(prefix=prefix)
    try:
        result = unittest.main(module=module, exit=False, verbosity=2).result
    finally:
        shutil.rmtree(module.TMP, ignore_errors=True)
    return 0 if result.wasSuccessful() else 1
