#!/usr/bin/env python3
"""Runs the validation suite (scripts/validate.py, cases in tests/validation/cases.yaml) with the
dembones program given as argv[1]. Fails when a `validated` case misses its measurement, or a
`known_gap` case starts to pass (then it must be moved to validated). The report goes to a temporary
folder; `scripts/validate.py --write-docs` regenerates docs/validation.md."""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))


def main() -> int:
    dembones = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "validate.py"), "--dembones", dembones,
                            "--out", out], capture_output=True, text=True)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        if r.returncode != 0:
            return r.returncode
        for f in ("validation.md", os.path.join("img", "validation.png")):
            if not os.path.getsize(os.path.join(out, f)):
                print(f"test_validation: empty {f}", file=sys.stderr)
                return 1
        text = open(os.path.join(out, "validation.md"), encoding="utf-8").read()
        # Every case of the file is in the report's table.
        import yaml
        cases = yaml.safe_load(open(os.path.join(SOURCE, "tests", "validation", "cases.yaml"), encoding="utf-8"))["cases"]
        for c in cases:
            if not c.get("reference_only") and f"| {c['id']} |" not in text:
                print(f"test_validation: case {c['id']} missing from the report", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
