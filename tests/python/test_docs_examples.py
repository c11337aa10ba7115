#!/usr/bin/env python3
"""The user manual's examples, run as a new user would run them, so that they cannot rot.

Every fenced ```sh / ```python block of README.md and docs/{getting-started,scenarios,sweeps,
hdf5-layout,plotting,models}.md carries a marker, an HTML comment on the line just above the fence
(invisible on GitHub):

    <!-- doctest -->                 run it (sh: bash -e -o pipefail; python: /usr/bin/python3)
    <!-- doctest: exit=2 -->         run it; it must exit with this code (a documented error)
    <!-- doctest: output -->         (on a plain ``` block) the text must appear in the output of the
                                     block run just before, compared with runs of white space joined
    <!-- doctest: file=PATH -->      write the block (a scenario, a sweep file) to PATH, for later blocks
    <!-- doctest: append=PATH -->    append the block (a part of a scenario) to PATH
    <!-- doctest: model-entry -->    (models.md) a model fragment: put into a copy of models/lifter.yaml
    <!-- doctest: model-entry=LIST -->  (replacing the entry of the same name) and the model must load
    <!-- doctest: skip (REASON) -->  not run: builds the project, needs a cluster, root or minutes

An unmarked sh or python block fails the test (a new example must be run or say why not); yaml,
text, MATLAB and Julia blocks without a marker are illustrations. Each document runs in its own
folder laid out like a clone (scenarios/ copied, models/, scripts/ and tests/ linked) with
build/release/bin/dembones linked to the program under test and that folder first on PATH, as
docs/getting-started.md tells users to set up; a literal /tmp/ in a block is that folder's tmp/.
After the blocks, each document's test checks what its text states about the results: the datasets
of hdf5-layout.md's table with their units and shapes, the /summary columns of sweeps.md, the files
and messages the commands are said to write.

CTest runs `/usr/bin/python3 test_docs_examples.py <path-to-dembones>` from the build folder with
DEMBONES_SOURCE_DIR set. Exit code is non-zero when a test fails.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import unittest

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
DEMBONES = None  # from argv[1]
TMP = None

MARK = re.compile(r"^\s*<!--\s*doctest(?::\s*(.*?))?\s*-->\s*$")
FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")
RUNNABLE = {"sh": "sh", "bash": "sh", "shell": "sh", "python": "python", "py": "python"}


class Block:
    def __init__(self, doc, line, lang, text, mark):
        self.doc, self.line, self.lang, self.text = doc, line, lang, text
        self.mark = mark  # None: no marker; else the options text ('' for a bare <!-- doctest -->)

    @property
    def where(self):
        return f"{self.doc}:{self.line}"

    def options(self):
        """'exit=2 output' -> {'exit': '2', 'output': ''}; 'skip (why)' -> {'skip': 'why'}."""
        m = self.mark or ""
        if m.startswith("skip"):
            return {"skip": m[4:].strip(" ()")}
        out = {}
        for word in m.split():
            key, _, value = word.partition("=")
            out[key] = value
        return out


def read_doc(doc):
    with open(os.path.join(SOURCE, doc), encoding="utf-8") as f:
        return f.read()


# README.md's first commands (scripts/flagship, scripts/test) install, build and run everything: the
# examples from this heading on are checked.
CHECKED_FROM = {"README.md": "## Building by hand"}


def blocks(doc):
    """The fenced blocks of a document, each with the marker on the line above its fence."""
    lines = read_doc(doc).split("\n")
    out, i = [], 0
    if doc in CHECKED_FROM:
        i = next(n for n, l in enumerate(lines) if l.startswith(CHECKED_FROM[doc]))
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        mark = MARK.match(lines[i - 1]) if i > 0 else None
        out.append(Block(doc, i + 1, m.group(1).lower(), "\n".join(lines[i + 1:j]) + "\n",
                         (mark.group(1) or "") if mark else None))
        i = j + 1
    return out


def squash(text):
    return " ".join(text.split())


def md_table(text, heading):
    """Rows (lists of cells, backticks kept) of the first table after the line starting with heading."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(heading))
    if not heading.startswith("|"):
        start += 1  # a section heading: the table follows; else heading is the table's header row
    rows, seen = [], False
    for l in lines[start:]:
        if l.startswith("|"):
            seen = True
            cells = [c.strip() for c in l.strip().strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                rows.append(cells)
        elif seen:
            break
    return rows[1:]  # without the header row


def code_spans(cell):
    return re.findall(r"`([^`]*)`", cell)


class Clone:
    """A folder laid out like a clone of the repository, with the program under test built."""

    def __init__(self, name):
        self.dir = os.path.join(TMP, name)
        os.makedirs(os.path.join(self.dir, "build", "release", "bin"))
        os.makedirs(os.path.join(self.dir, "tmp"))
        shutil.copytree(os.path.join(SOURCE, "scenarios"), os.path.join(self.dir, "scenarios"))
        for folder in ("models", "scripts", "tests"):
            os.symlink(os.path.join(SOURCE, folder), os.path.join(self.dir, folder))
        os.symlink(DEMBONES, os.path.join(self.dir, "build", "release", "bin", "dembones"))
        self.env = dict(os.environ)
        self.env["PATH"] = os.path.join(self.dir, "build", "release", "bin") + os.pathsep + self.env["PATH"]
        self.env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in the linked scripts/
        self.env["MPLBACKEND"] = "Agg"

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def run(self, block):
        text = block.text.replace("/tmp/", self.path("tmp") + "/")
        if RUNNABLE[block.lang] == "sh":
            args = ["bash", "-e", "-o", "pipefail", "-c", text]
        else:
            script = self.path("tmp", f"block_{block.line}.py")
            with open(script, "w", encoding="utf-8") as f:
                f.write(text)
            args = [PYTHON, script]
        return subprocess.run(args, cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=600)


def model_entry(clone, block, list_name):
    """Puts a models.md fragment into a copy of lifter.yaml (an entry with the same name is replaced,
    others added) and returns the copy's path. A fragment is either a mapping of top-level lists
    (`segments: [...]`) or, with list_name, entries of that list."""
    with open(os.path.join(SOURCE, "models", "lifter.yaml"), encoding="utf-8") as f:
        model = yaml.safe_load(f)
    fragment = yaml.safe_load(block.text)
    lists = {list_name: fragment} if list_name else fragment
    for name, entries in lists.items():
        current = model.setdefault(name, [])
        for entry in entries:
            names = [e.get("name") for e in current]
            if entry.get("name") in names:
                current[names.index(entry["name"])] = entry
            else:
                current.append(entry)
    path = clone.path("tmp", f"model_{block.line}.yaml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(model, f, sort_keys=False)
    return path


def run_doc(test, doc):
    """Runs the marked blocks of one document in order in a fresh clone; returns (clone, results),
    results mapping each run block's line to its CompletedProcess."""
    clone = Clone("doc_" + os.path.splitext(os.path.basename(doc))[0])
    results, last = {}, None
    for b in blocks(doc):
        opts = b.options()
        if b.mark is None:
            test.assertNotIn(b.lang, RUNNABLE, f"{b.where}: a {b.lang} example without a <!-- doctest --> "
                             "marker (mark it run, or skip with the reason)")
            continue
        if "skip" in opts:
            test.assertTrue(opts["skip"], f"{b.where}: a skipped example must say why")
            continue
        if "file" in opts or "append" in opts:
            path = clone.path(opts.get("file") or opts["append"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w" if "file" in opts else "a", encoding="utf-8") as f:
                f.write(b.text)
        elif "output" in opts:
            test.assertIsNotNone(last, f"{b.where}: an output block with no command before it")
            said = squash(last.stdout + last.stderr)
            for line in b.text.strip().split("\n\n"):  # paragraphs: separately printed messages
                test.assertIn(squash(line), said, f"{b.where}: documented output not printed")
        elif "model-entry" in opts:
            path = model_entry(clone, b, opts["model-entry"])
            r = subprocess.run([DEMBONES, "info", "--model", path], capture_output=True, text=True, timeout=60)
            test.assertEqual(r.returncode, 0, f"{b.where}: the fragment in lifter.yaml does not load:\n{r.stderr}")
        else:
            test.assertIn(b.lang, RUNNABLE, f"{b.where}: cannot run a '{b.lang}' block")
            r = clone.run(b)
            want = int(opts.get("exit", "0"))
            test.assertEqual(r.returncode, want, f"{b.where}: exit code {r.returncode}, documented {want}\n"
                             f"--- block\n{b.text}--- stdout\n{r.stdout}--- stderr\n{r.stderr}")
            results[b.line] = last = r
    return clone, results


def all_output(results):
    return "\n".join(r.stdout + r.stderr for r in results.values())


def assert_image(test, path, magic):
    test.assertTrue(os.path.isfile(path), f"{path} not written")
    with open(path, "rb") as f:
        test.assertEqual(f.read(len(magic)), magic, path)


def check_datasets(test, f, prefix=""):
    """The rows of hdf5-layout.md's dataset table whose path starts with prefix, against the open run
    file f: each dataset exists, with the documented number of dimensions, the sizes named by F, C, M,
    B, A, E or a number, and the documented units ('-' for text). Returns how many were checked."""
    sizes = {"F": f["time"].shape[0], "C": len(f["coordinates/names"]), "M": len(f["muscles/names"]),
             "B": len(f["bodies/names"]), "A": len(f["actuators/names"])}
    if "external_forces" in f:
        sizes["E"] = len(f["external_forces/names"])
    checked = 0
    for row in md_table(read_doc("docs/hdf5-layout.md"), "## Datasets"):
        path_cell, shape_cell, unit_cell = row[0], row[1], row[2]
        spans = code_spans(path_cell)
        if not spans or not spans[0].startswith(prefix) or spans[0].startswith("/summary"):
            continue  # the summary has its own section
        if spans[0].startswith("/external_forces") and "external_forces" not in f:
            continue  # "the group exists only when the scenario has them"
        first = spans[0].replace("<site>", "L5_S1")
        paths = [first] + [p if p.startswith("/") else first.rsplit("/", 1)[0] + "/" + p for p in spans[1:]]
        shapes = [x.strip() for x in shape_cell.split(",")]
        shapes = shapes if len(shapes) == len(paths) else shapes[:1] * len(paths)
        unit_text = re.sub(r"\(.*?\)", "", unit_cell).strip()
        units = [u.strip() for u in unit_text.split(",")]
        check_units = " or " not in unit_text and len(units) in (1, len(paths))
        units = units if len(units) == len(paths) else units[:1] * len(paths)
        for path, shape, u in zip(paths, shapes, units):
            test.assertIn(path, f, f"documented dataset {path} not in the file")
            ds = f[path]
            dims = shape.replace("x", "×").split("×")
            test.assertEqual(ds.ndim, len(dims), f"{path}: shape {ds.shape}, documented {shape}")
            for n, d in zip(ds.shape, dims):
                if d in sizes:
                    test.assertEqual(n, sizes[d], f"{path}: shape {ds.shape}, documented {shape}")
                elif d.isdigit():
                    test.assertEqual(n, int(d), f"{path}: shape {ds.shape}, documented {shape}")
            if check_units:
                is_text = h5py.check_string_dtype(ds.dtype) is not None
                want = "-" if is_text else u.replace("–", "-").replace("—", "-")
                test.assertEqual(ds.attrs["units"], want, f"{path}: units")
            checked += 1
    return checked


class DocsExamples(unittest.TestCase):
    def test_readme(self):
        clone, results = run_doc(self, "README.md")
        text = read_doc("README.md")
        # "Building by hand": the presets it names exist for configure, build and test.
        with open(os.path.join(SOURCE, "CMakePresets.json"), encoding="utf-8") as f:
            presets = json.load(f)
        section = text[text.index("## Building by hand"):]
        named = {"release", "debug", "asan"}
        self.assertIn("--preset release", section)
        self.assertIn("debug, asan", section)
        for kind in ("configurePresets", "buildPresets", "testPresets"):
            self.assertTrue(named <= {p["name"] for p in presets[kind]}, kind)
        # Layout: every folder listed exists, and so does every engine concern named.
        layout = md_table(text, "## Layout")
        self.assertGreater(len(layout), 5)
        for row in layout:
            folder = code_spans(row[0])[0]
            self.assertTrue(os.path.isdir(os.path.join(SOURCE, folder)), folder)
            if folder == "engine/":  # every engine folder named, and only those
                named = set(code_spans(row[1])) - {"dembones"}
                folders = {d for d in os.listdir(os.path.join(SOURCE, "engine"))
                           if os.path.isdir(os.path.join(SOURCE, "engine", d))}
                self.assertEqual(named, folders)

    def test_getting_started(self):
        clone, results = run_doc(self, "docs/getting-started.md")
        self.assertTrue(results, "no example was run")
        out = all_output(results)
        for word in ("dembones", "build type", "OpenMP", "MPI"):  # "prints the version, the build type, ..."
            self.assertIn(word, out)
        self.assertIn("L5_S1_compression", out)  # the run prints its peak loads
        self.assertIn("wrote stoop_lift.h5", out)
        with h5py.File(clone.path("stoop_lift.h5"), "r") as f:
            self.assertEqual(f.attrs["format"], "dembones-run")
        assert_image(self, clone.path("stoop_lift.png"), b"\x89PNG")

    def test_scenarios(self):
        clone, results = run_doc(self, "docs/scenarios.md")
        text = read_doc("docs/scenarios.md")
        out = all_output(results)
        self.assertIn("valid", out)
        # The example's output.file, written where dembones runs.
        with h5py.File(clone.path("my_lift.h5"), "r") as f:
            scenario = yaml.safe_load(f.attrs["scenario_yaml"])
            self.assertEqual(scenario["impairments"][0]["strength_scale"], 0.5)
            self.assertIn("muscles/moment_arm", f)  # store: full
        # Every solver and output field is accepted with its documented default.
        for section in ("## solver", "## output"):
            for row in md_table(text, section):
                field, default = code_spans(row[0])[0], row[1].strip("`")
                if field == "file":
                    continue  # NAME.h5 is a pattern
                key = section[3:] + "." + field
                r = subprocess.run([DEMBONES, "validate", clone.path("scenarios", "my_lift.yaml"),
                                    "--set", f"{key}={default}"], capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 0, f"--set {key}={default}: {r.stderr}")
        # Every impairment type of the table is accepted with the fields it lists.
        examples = {"tight_muscle": "{type: tight_muscle, muscles: psoas, length_scale: 0.9}",
                    "weak_muscle": "{type: weak_muscle, muscles: core, strength_scale: 0.5}",
                    "strong_muscle": "{type: strong_muscle, muscles: core, strength_scale: 1.5}",
                    "nerve_root": "{type: nerve_root, root: L4, activation_cap: 0.3, multi_root: share}",
                    "posture": "{type: posture, pelvic_tilt_deg: 10, lumbar_flexion_deg: 5}"}
        types = [code_spans(row[0])[0] for row in md_table(text, "| type | fields |")]
        self.assertEqual(sorted(types), sorted(examples))
        for kind, row in zip(types, md_table(text, "| type | fields |")):
            for field in code_spans(row[1]):
                self.assertIn(field, examples[kind], f"{kind}: documented field {field} not in the example")
            r = subprocess.run([DEMBONES, "validate", clone.path("scenarios", "my_lift.yaml"),
                                "--set", f"impairments=[{examples[kind]}]"], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, f"{kind}: {r.stderr}")
        # The external forces example: its two forces in /external_forces, as hdf5-layout.md lists them.
        with h5py.File(clone.path("pushed.h5"), "r") as f:
            self.assertEqual(list(f["external_forces/names"].asstr()[:]), ["push", "foot_force1"])  # BODY_forceI
            self.assertEqual(list(f["external_forces/bodies"].asstr()[:]), ["hand", "foot"])
            self.assertEqual(check_datasets(self, f, "/external_forces"), 6)
            np.testing.assert_allclose(f["external_forces/force"][:, 0, :], [[-20.0, 0.0, 0.0]] * len(f["time"]),
                                       rtol=0, atol=1e-12)  # the table interpolated: a constant pull
        # "Shipped scenarios": exactly the files in scenarios/, each valid.
        shipped = code_spans(text[text.index("## Shipped scenarios"):].split("\n\n")[0].split("\n", 1)[1])
        files = sorted(f[:-5] for f in os.listdir(os.path.join(SOURCE, "scenarios")) if f.endswith(".yaml"))
        self.assertEqual(sorted(shipped), files)
        for name in shipped:
            r = subprocess.run([DEMBONES, "validate", clone.path("scenarios", name + ".yaml")],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, f"{name}: {r.stderr}")

    def test_sweeps(self):
        clone, results = run_doc(self, "docs/sweeps.md")
        text = read_doc("docs/sweeps.md")
        out = all_output(results)
        self.assertIn("22 runs", out)
        assert_image(self, clone.path("lifts.png"), b"\x89PNG")
        with h5py.File(clone.path("stoop_vs_squat.h5"), "r") as f:
            self.assertEqual(f.attrs["format"], "dembones-sweep")
            # Root attributes named in "The output file".
            para = text[text.index("Root attributes:"):text.index("`/runs/NNNNN`")]
            for name in re.findall(r"`(sweep_\w+|shard)`", para):
                self.assertIn(name, f.attrs, f"root attribute {name}")
            # /runs/NNNNN attributes, and the summary subgroup of series: summary.
            run = f["runs/00012"]
            para = text[text.index("`/runs/NNNNN` (one group per run)"):text.index("`/summary`: a compound")]
            for name in ("complete", "parameter_values", "status", "frame_counts", "reserve_max_coordinate",
                         "peak_quantities", "peaks"):
                self.assertIn(f"`{name}`", para)
                self.assertIn(name, run.attrs, f"run attribute {name}")
            self.assertIn("`error` (a failed\nrun only", para)
            self.assertNotIn("error", run.attrs)  # a run that ran
            self.assertEqual(run.attrs["complete"], 1)
            k = len(run.attrs["peak_quantities"])
            self.assertEqual(np.asarray(run.attrs["peaks"]).size, 3 * k)  # "3 x k numbers"
            self.assertIn("body_weight_N", run["summary"].attrs)
            for q in run.attrs["peak_quantities"]:
                for suffix in ("peak_N", "peak_bw", "peak_time_s"):
                    self.assertIn(f"{q}_{suffix}", run["summary"].attrs)
            # /summary: the columns of the table, in run order, one unit per column.
            s = f["summary"][:]
            cols = list(s.dtype.names)
            units = list(f["summary"].attrs["units"])
            self.assertEqual(len(units), len(cols))
            unit = dict(zip(cols, units))
            self.assertEqual(cols[:12], ["run", "task.technique", "task.box.mass_kg", "status", "error",
                                         "frames", "reserve_frames", "cop_outside_frames", "coupling_max_Nm",
                                         "reserve_max_Nm", "reserve_max_coordinate", "reserve_max_sign"])
            self.assertEqual(unit["coupling_max_Nm"], "N*m")
            self.assertEqual(unit["reserve_max_Nm"], "N*m")
            # Every value is a torque (finite, not negative); a run with flagged frames has a reserve.
            self.assertTrue(np.all(np.isfinite(s["reserve_max_Nm"])) and np.all(s["reserve_max_Nm"] >= 0))
            self.assertTrue(np.all(s["reserve_max_Nm"][s["reserve_frames"] > 0] > 0))
            # Where it acts: every run names a coordinate and a sign (the reserves are never all exactly
            # zero); the heavy lifts' flagged frames are the upper lumbar extensors' (the reserve extends).
            coordinate = [c.decode() for c in s["reserve_max_coordinate"]]
            self.assertTrue(all(coordinate))
            self.assertTrue(set(s["reserve_max_sign"].tolist()) <= {-1, 1})
            flagged = s["reserve_frames"] > 0
            self.assertTrue(np.any(flagged))
            self.assertEqual({c for c, f in zip(coordinate, flagged) if f}, {"L1_L2_extension"})
            self.assertTrue(np.all(s["reserve_max_sign"][flagged] == 1))
            self.assertEqual(f["runs/00000"].attrs["reserve_max_coordinate"], coordinate[0])
            # `dembones info` on the sweep: its overview, as the table says and as the page shows it.
            where = {c for c, fl in zip(coordinate, flagged) if fl}
            for line in ("sweep 'stoop_vs_squat' (grid): 22 runs of 22 in this file, 22 ok, 0 failed",
                         f"runs needing reserves: {int(np.sum(flagged))} of 22",
                         f"where each run's largest reserve acts (signed on its coordinate): "
                         f"{where.pop()} +, {int(np.sum(flagged))}\n",
                         "runs whose centre of pressure leaves the feet: 0 of 22"):
                self.assertIn(line, out)
                self.assertIn(line.rstrip("\n"), text)  # the page shows it
            self.assertIn("... and 21 more run groups under /runs, laid out as /runs/00000\n", out)
            self.assertTrue(np.all(s["coupling_max_Nm"] > 0))  # every lift leaves moment to the lumbar rhythm
            self.assertEqual(unit["task.box.mass_kg"], "kg")  # "_kg -> kg"
            self.assertEqual(f["summary"].attrs["dimensions"], "run")
            self.assertEqual(s["run"].tolist(), list(range(22)))
            for q in ("L5_S1_compression", "L5_S1_ap_shear", "L5_S1_resultant", "patellofemoral_compression"):
                self.assertEqual([unit[f"{q}_peak_N"], unit[f"{q}_peak_bw"], unit[f"{q}_peak_time_s"]], ["N", "BW", "s"])
            # "The grid above gives runs 0-10 for stoop with 0, 2.5, ..., 25 kg and runs 11-21 for squat."
            technique = [t.decode() for t in s["task.technique"]]
            self.assertEqual(technique, ["stoop"] * 11 + ["squat"] * 11)
            np.testing.assert_array_equal(s["task.box.mass_kg"], np.tile(np.linspace(0, 25, 11), 2))
            summary = s
        # The shards merged: the same /summary, to the last bit ("Output identical to the last bit").
        with h5py.File(clone.path("lifts.h5"), "r") as f:
            self.assertEqual(f.attrs["shard"], "merged")
            merged = f["summary"][:]
        self.assertEqual(merged.dtype, summary.dtype)
        for name in summary.dtype.names:
            a, b = summary[name], merged[name]
            if a.dtype.kind == "f":
                self.assertTrue(np.array_equal(a.view(np.uint64), b.view(np.uint64)), name)
            else:
                self.assertTrue(np.array_equal(a, b), name)
        # "Value sets": logspace's endpoints are the values themselves.
        with open(clone.path("scenarios", "sweeps", "logspace.yaml"), "w", encoding="utf-8") as f:
            f.write("base: ../stoop_lift.yaml\nvary:\n  task.box.mass_kg: {logspace: [0.01, 100, 5]}\n")
        r = subprocess.run([DEMBONES, "sweep", clone.path("scenarios", "sweeps", "logspace.yaml"), "--list"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("`[0.01, 100, 5]` gives 0.01, 0.1, 1, 10, 100", text)
        listed = [line.split()[1] for line in r.stdout.split("\n") if re.match(r"\d{5} ", line)]
        self.assertEqual([float(v) for v in listed], [0.01, 0.1, 1, 10, 100])
        # "Running": every option of `dembones sweep` and `dembones merge` is documented, and every
        # option of the synopsis exists.
        option = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
        helps = "".join(subprocess.run([DEMBONES, cmd, "--help"], capture_output=True, text=True, timeout=60).stdout
                        for cmd in ("sweep", "merge"))
        program = set(option.findall(helps)) - {"--help"}
        self.assertIn("--resume", program)
        documented = set(option.findall(text))
        for short, long in re.findall(r"(?:(-\w),)?(--[a-z][a-z0-9-]*)", helps):  # -o,--output: either form
            if short and re.search(rf"(?<![\w-]){short}\b", text):
                documented.add(long)
        self.assertEqual(program - documented, set(), "options of --help not in docs/sweeps.md")
        synopsis = next(b.text for b in blocks("docs/sweeps.md") if b.text.startswith("dembones sweep SWEEP.yaml"))
        self.assertEqual(set(option.findall(synopsis)) - program, set(), "documented options the program lacks")
        # The pandas pivot prints both techniques; the full-series run reads; run 12 plots and exports.
        self.assertRegex(out, r"task\.technique\s+squat\s+stoop")
        assert_image(self, clone.path("run12.png"), b"\x89PNG")
        self.assertTrue(os.path.isfile(clone.path("lifts_full.shard-1-of-6_run00012.mot")))

    def test_hdf5_layout(self):
        clone, results = run_doc(self, "docs/hdf5-layout.md")
        text = read_doc("docs/hdf5-layout.md")
        out = all_output(results)
        self.assertRegex(out, r"peak L5/S1 compression \d+ N at [\d.]+ s")  # the Python example's print
        with h5py.File(clone.path("stoop_lift.h5"), "r") as f:
            # Root attributes: every one of the table.
            for row in md_table(text, "## Root attributes"):
                if "present only" in row[1]:
                    continue  # another file's (a sweep's, a run that read a table): tested with those files
                for name in code_spans(row[0]):
                    self.assertIn(name, f.attrs, f"root attribute {name}")
            self.assertEqual(f.attrs["format"], "dembones-run")
            self.assertEqual(f.attrs["format_version"], 1)
            # "the group exists only when the scenario has them": this one has none (scenarios.md's has).
            self.assertNotIn("external_forces", f)
            # "attribute size_m of /box": the shipped stoop's 0.30 m box.
            self.assertEqual(list(f["box"].attrs["size_m"]), [0.30, 0.30])
            checked = check_datasets(self, f)
            self.assertGreater(checked, 50)
            # Summary: the table's columns and the scalar attributes it names.
            peaks = f["summary/peaks"]
            self.assertEqual(list(peaks.dtype.names), ["quantity", "peak", "time_s", "peak_bw"])
            self.assertEqual(len(peaks.attrs["units"]), 4)
            attrs = f["summary"].attrs
            self.assertEqual(attrs["niosh_action_limit_N"], 3400)
            self.assertIn(attrs["L5_S1_compression_above_niosh_action_limit"], (0, 1))
            for q in (p.decode() for p in peaks["quantity"]):
                self.assertIn(f"{q}_peak_N", attrs)
                self.assertIn(f"{q}_peak_bw", attrs)
                self.assertIn(f"{q}_peak_time_s", attrs)
        # The exports: the files named in the comments, OpenSim headers, CSV names with units.
        with open(clone.path("stoop_lift.mot"), encoding="utf-8") as f:
            mot = f.read()
        for key in ("version=1", "nRows=", "nColumns=", "inDegrees=yes", "endheader\ntime\t"):
            self.assertIn(key, mot)
        with open(clone.path("forces.sto"), encoding="utf-8") as f:
            self.assertIn("inDegrees=no", f.read())
        with open(clone.path("loads.csv"), encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split(",")
        self.assertEqual(header[:3], ["time [s]", "loads/L5_S1/compression [N]", "muscles/force/iliacus [N]"])
        self.assertIn("a table takes numbers shaped [frames] or [frames x channels]", out)  # 3-D dataset refused

    def test_plotting(self):
        clone, results = run_doc(self, "docs/plotting.md")
        out = all_output(results)
        self.assertIn("plot.py: wrote stoop_vs_squat.png", out)  # "Exit code 0: ... on stdout"
        assert_image(self, clone.path("stoop_vs_squat.png"), b"\x89PNG")
        assert_image(self, clone.path("stoop_at_1s.pdf"), b"%PDF")
        assert_image(self, clone.path("preview.gif"), b"GIF8")
        assert_image(self, clone.path("box_mass.png"), b"\x89PNG")
        assert_image(self, clone.path("knees.png"), b"\x89PNG")
        assert_image(self, clone.path("tmp", "stoop_vs_squat.png"), b"\x89PNG")
        assert_image(self, clone.path("tmp", "sweep.png"), b"\x89PNG")
        self.assertIn("plot.py: error: missing.h5: no such file", out)
        # Default sizes: plot.py 16 x 9 in at 150 dpi, "about 2400 x 1350 pixels"; animate.py 960 x 540;
        # plot_sweep.py 8 x 5.5 in per panel at 150 dpi (two panels side by side in knees.png).
        def png_size(name):
            with open(clone.path(name), "rb") as f:
                return struct.unpack(">II", f.read(24)[16:24])
        for name, (w, h) in (("stoop_vs_squat.png", (2400, 1350)), ("box_mass.png", (1200, 825)),
                             ("knees.png", (2400, 825))):
            got = png_size(name)
            self.assertLess(abs(got[0] / w - 1), 0.05, f"{name}: {got}")
            self.assertLess(abs(got[1] / h - 1), 0.05, f"{name}: {got}")
        with open(clone.path("preview.gif"), "rb") as f:
            self.assertEqual(struct.unpack("<HH", f.read(10)[6:10]), (960, 540))
        # Each script's option table lists exactly the options of its --help.
        text = read_doc("docs/plotting.md")
        for script in ("plot.py", "animate.py", "plot_sweep.py"):
            table = md_table(text, f"## {script}")
            documented = {span.split()[0] for row in table for span in code_spans(row[0]) if span.startswith("--")}
            r = subprocess.run([PYTHON, os.path.join(SOURCE, "scripts", script), "--help"], capture_output=True,
                               text=True, timeout=60, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
            self.assertEqual(r.returncode, 0, r.stderr)
            program = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", r.stdout)) - {"--help"}
            self.assertEqual(documented, program, f"{script}: options in docs/plotting.md vs --help")

    def test_models(self):
        clone, results = run_doc(self, "docs/models.md")
        out = all_output(results)
        # "lists each numeric parameter with its dotted field, value and source"
        self.assertRegex(out, r"bodies\.femur\.mass_kg = [\d.]+ +\[de Leva 1996")
        marked = [b for b in blocks("docs/models.md") if b.mark and "model-entry" in b.options()]
        self.assertGreaterEqual(len(marked), 3)
        # "Errors": FILE:LINE:COLUMN: field 'bodies.femur.mass_kg': expected a number, got 'abc'
        with open(os.path.join(SOURCE, "models", "lifter.yaml"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        femur = next(i for i, l in enumerate(lines) if l.strip() == "- name: femur")
        mass = next(i for i in range(femur, len(lines)) if lines[i].strip().startswith("mass_kg:"))
        lines[mass] = lines[mass].split("mass_kg:")[0] + "mass_kg: abc"
        bad = clone.path("tmp", "bad.yaml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        r = subprocess.run([DEMBONES, "info", "--model", bad], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        col = lines[mass].index("abc") + 1
        self.assertIn(f"{bad}:{mass + 1}:{col}: field 'bodies.femur.mass_kg': expected a number, got 'abc'", r.stderr)


def main():
    sys.path.insert(0, HERE)
    import dembones_test_main
    return dembones_test_main.run(sys.modules[__name__], "dembones_docs_examples_test_")


if __name__ == "__main__":
    sys.exit(main())
