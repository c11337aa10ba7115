#!/usr/bin/env python3
"""Runs scripts/study.py (the stoop-versus-squat sweep and the seed-question pairs) with the dembones
program given as argv[1], into a temporary folder, and checks the report: every section present,
figures written, no NaN in the tables, and the seed-question answers worded from the numbers."""

import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))


def main() -> int:
    dembones = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "study.py"), "--dembones", dembones,
                            "--out", out], capture_output=True, text=True)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        if r.returncode != 0:
            return r.returncode
        text = open(os.path.join(out, "stoop-vs-squat.md"), encoding="utf-8").read()
        problems = []
        for heading in ("## The back", "## The knees", "## Which muscles carry the load", "## Against the literature",
                        "### How much the lumbar rhythm's constraint decides", "### tight psoas", "### weak core",
                        "### weak core, `core` tag", "### L4 root", "### L4 root, shared",
                        "## Where the box starts: floor or table", "### How much the squat's posture decides"):
            if heading not in text:
                problems.append(f"missing section {heading}")
        if re.search(r"\bnan\b", text, re.IGNORECASE):
            problems.append("NaN in the report")
        if text.count("**What the model says") != 5:
            problems.append("expected one answer per seed question")
        for f in ("stoop_vs_squat_study.png", "stoop_vs_squat_muscles.png"):
            p = os.path.join(out, "img", f)
            if not os.path.exists(p) or os.path.getsize(p) < 1000:
                problems.append(f"figure {f} missing")
        # The solved-lift count is consistent with the sweep size.
        m = re.search(r"(\d+) lifts solved; (\d+) could not", text)
        if not m or int(m.group(1)) + int(m.group(2)) != 144 or int(m.group(1)) < 100:
            problems.append("unexpected number of solved lifts")
        # Lifts needing reserves or leaving the feet are counted, marked in the tables and listed.
        m = re.search(r"(\d+) of the (\d+) solved lifts had frames the muscles could not balance alone", text)
        if not m:
            problems.append("no count of the lifts needing reserves or leaving the feet")
        elif int(m.group(1)) > 0:
            section = text.split("## Lifts the muscles could not do alone, or off the feet", 1)
            rows = re.findall(r"^\| (?:stoop|semi-squat|squat) \| \d+ kg \|", section[1], re.MULTILINE) if len(section) == 2 else []
            if "| ? |" in section[-1]:
                problems.append("a flagged lift without where its largest reserve acts")
            if len(rows) != int(m.group(1)):
                problems.append(f"{m.group(1)} flagged lifts counted, {len(rows)} listed")
            if "†" not in text.split("## The back", 1)[1].split("## Which muscles", 1)[0]:
                problems.append("flagged lifts counted but no table cell marked")
            if "Only the squat and stoop lifts of the same speed and body height" not in text:
                problems.append("no squat-against-stoop comparison without the flagged lifts")
        # A force given in body weights is called higher or lower only when it changed by 2 % of body
        # weight or more (a near-zero patellofemoral force changing by a tenth of itself is no change).
        for a, b, word in re.findall(r"(\d+\.\d\d) → (\d+\.\d\d) BW \([+-]\d+(?:\.\d\d)?%, (higher|lower)\)", text):
            if abs(float(b) - float(a)) < 0.015:
                problems.append(f"{a} -> {b} BW called {word}")
        # Near the 5 % cut a change is written with two decimals: "+5%" could be a +5.00 % called higher
        # or a +4.99 % called no meaningful change (audit: both read "+5%" in one table).
        for m in re.finditer(r"\(([+-]5)%, ([a-z ]+)\)", text):
            problems.append(f"a change at the 5 % cut written {m.group(1)}% ({m.group(2)})")
        for p in problems:
            print(f"test_study: {p}", file=sys.stderr)
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
