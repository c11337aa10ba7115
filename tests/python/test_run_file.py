#!/usr/bin/env python3
"""A real `dembones run` file read with h5py ALONE (none of scripts/), as a researcher would.

Checks the layout of docs/hdf5-layout.md: every dataset with its documented shape, `units` and
`description` attributes, names that match the shapes, UTF-8 variable-length strings, the root
provenance attributes and their SHA-256; that the scenario and model text stored in the file re-run
to identical numbers; that h5dump and h5ls (hdf5-tools) read the file; --float32 and
--compression; and that every shipped scenario runs and writes such a file.

CTest runs `/usr/bin/python3 test_run_file.py <path-to-dembones>` from the build folder with
DEMBONES_SOURCE_DIR set. Exit code is non-zero when a test fails.
"""

import datetime
import glob
import hashlib
import os
import shlex
import subprocess
import sys
import unittest

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(SOURCE, "scenarios")
DEMBONES = None  # from argv[1]
TMP = None

# A short forward bend: 0.6 s of movement and 0.2 s pauses at 50 Hz (51 frames) keep the test quick
# while the trunk still moves.
SHORT = ["--set", "task.duration_s=0.6", "--set", "task.pause_s=0.2", "--set", "solver.rate_hz=50"]


def dembones(*args):
    return subprocess.run([DEMBONES, *args], capture_output=True, text=True, timeout=600)


def run_scenario(scenario, out, *extra):
    r = dembones("run", scenario, "-o", out, "-q", *extra)
    if r.returncode != 0:
        raise AssertionError(f"dembones run {scenario} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return out


def datasets(f):
    """Every dataset of the file, by path without the leading '/'."""
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def is_utf8_vlen(ds):
    info = h5py.check_string_dtype(ds.dtype)
    return info is not None and info.encoding == "utf-8" and info.length is None


def check_layout(test, f):
    """The layout of docs/hdf5-layout.md, with shapes from the names datasets."""
    F = f["time"].shape[0]
    names = {}
    for key in ("coordinates/names", "coordinates/units", "muscles/names", "muscles/groups", "muscles/nerve_roots",
                "reserves/names", "actuators/names", "bodies/names"):
        test.assertIn(key, f, key)
        test.assertTrue(is_utf8_vlen(f[key]), f"{key}: {f[key].dtype} is not variable-length UTF-8")
        names[key] = list(f[key].asstr()[()])
        test.assertTrue(all(isinstance(s, str) for s in names[key]), key)
    C, M = len(names["coordinates/names"]), len(names["muscles/names"])
    # Each muscle's passive curve is one of the engine's four, its shape NaN exactly for Millard's.
    curves = list(f["model/muscles/passive_curve"].asstr()[()])
    test.assertTrue(set(curves) <= {"degroote2016", "thelen2003_deprecated", "thelen2003", "millard2012"}, set(curves))
    shape = f["model/muscles/passive_shape"][()]
    test.assertEqual([c == "millard2012" for c in curves], [bool(x) for x in np.isnan(shape)])
    B, A = len(names["bodies/names"]), len(names["actuators/names"])
    test.assertGreater(F, 1)
    test.assertGreater(C, 0)
    test.assertGreater(M, 0)
    test.assertEqual(len(set(names["coordinates/names"])), C, "coordinate names are unique")
    test.assertEqual(len(set(names["muscles/names"])), M, "muscle names are unique")
    test.assertEqual(names["reserves/names"], names["coordinates/names"])
    test.assertTrue(set(names["coordinates/units"]) <= {"rad", "m"}, names["coordinates/units"])
    P = f["muscles/path_points"].shape[2] if "muscles/path_points" in f else 0
    expected = {
        "time": (F,),
        "coordinates/q": (F, C), "coordinates/qdot": (F, C), "coordinates/qddot": (F, C),
        "joints/moment": (F, C), "joints/passive_moment": (F, C),
        "muscles/groups": (M,), "muscles/nerve_roots": (M,), "muscles/sides": (M,),
        "muscles/activation": (F, M), "muscles/force": (F, M), "muscles/passive_force": (F, M),
        "muscles/fiber_length": (F, M), "muscles/mt_length": (F, M), "muscles/mt_velocity": (F, M),
        "muscles/moment_arm": (F, M, C), "muscles/path_points": (F, M, P, 3),
        "reserves/torque": (F, C), "actuators/torque": (F, A),
        "solver/iterations": (F,), "solver/kkt_residual": (F,), "solver/reserve_flag": (F,),
        "solver/status": (F,),
        "bodies/parent": (B,), "bodies/position": (F, B, 3), "bodies/rotation": (F, B, 3, 3),
        "box/position": (F, 3),
        "model/bodies/mass": (B,), "model/bodies/com": (B, 3), "model/bodies/inertia": (B, 3, 3),
        "model/muscles/max_isometric_force": (M,), "model/muscles/optimal_fiber_length": (M,),
        "model/muscles/tendon_slack_length": (M,), "model/muscles/pennation_at_optimal": (M,),
        "model/muscles/max_contraction_velocity": (M,), "model/muscles/tendon_strain_at_max_force": (M,),
        "model/muscles/passive_strain_at_max_force": (M,), "model/muscles/passive_curve": (M,),
        "model/muscles/passive_shape": (M,),
    }
    # Every array names what its dimensions index (the `dimensions` attribute, C order, " × "-joined),
    # and each named dimension has the size of what it names.
    size = {"frame": F, "coordinate": C, "muscle": M, "body": B, "actuator": A, "xyz": 3, "row": 3, "column": 3,
            "path point": P}
    for key, ds in datasets(f).items():
        if ds.dtype.names is not None:
            continue  # a compound table: one row per peak
        test.assertIn("dimensions", ds.attrs, key)
        dims = [d.split(" (")[0].strip() for d in str(ds.attrs["dimensions"]).split("×")]
        test.assertEqual(len(dims), ds.ndim, f"{key}: {ds.attrs['dimensions']} for shape {ds.shape}")
        for d, n in zip(dims, ds.shape):
            if d in size:
                test.assertEqual(n, size[d], f"{key}: dimension {d}")
    test.assertIn("loads", f)
    sites = list(f["loads"].keys())
    test.assertIn("L5_S1", sites)
    for site in sites:
        for q in ("compression", "ap_shear", "lateral_shear", "resultant"):
            expected[f"loads/{site}/{q}"] = (F,)
        for q in ("force", "moment", "position"):
            expected[f"loads/{site}/{q}"] = (F, 3)
        expected[f"loads/{site}/rotation"] = (F, 3, 3)
    for path, shape in expected.items():
        test.assertIn(path, f, f"missing {path}")
        test.assertEqual(f[path].shape, shape, path)
    # Flags, statuses and counts are integers (int32), also in a --float32 file.
    for path in ("solver/iterations", "solver/reserve_flag", "solver/status", "loads/ground/outside_support"):
        test.assertEqual(f[path].dtype, np.int32, path)
    test.assertTrue(set(np.unique(f["solver/reserve_flag"][()])) <= {0, 1})
    test.assertTrue(set(np.unique(f["solver/status"][()])) <= {0, 1, 2, 3})
    # The solver settings the run used, defaults included.
    settings = dict(f["solver"].attrs)
    test.assertEqual(set(settings), {"rate_hz", "filter_cutoff_hz", "exponent", "reserve_optimal_force",
                                     "reserve_threshold_Nm", "tendon", "couplings"})
    test.assertIn(settings["tendon"], ("elastic", "rigid"))
    test.assertIn(settings["couplings"], ("enforce", "ignore"))
    test.assertIn(int(settings["exponent"]), (2, 3))
    F = f["time"].shape[0]
    if F > 1:  # the frames are at the recorded rate
        test.assertAlmostEqual((F - 1) / (f["time"][-1] - f["time"][0]), float(settings["rate_hz"]), delta=1e-6 * F)
    # Every dataset: units and description, as str.
    # A compound table (the summary's peaks) has one unit per column, as an array of str.
    for path, ds in datasets(f).items():
        for attr in ("units", "description"):
            test.assertIn(attr, ds.attrs, f"{path} has no '{attr}' attribute")
        test.assertIsInstance(ds.attrs["description"], str, f"{path}.description")
        test.assertTrue(ds.attrs["description"], f"{path}: empty description")
        units = ds.attrs["units"]
        if ds.dtype.names:
            test.assertEqual(len(units), len(ds.dtype.names), f"{path}: one unit per column")
            test.assertTrue(all(isinstance(u, str) for u in units), path)
        else:
            test.assertIsInstance(units, str, f"{path}.units")
            test.assertTrue(units, f"{path}: empty units")
    test.assertEqual(f["muscles/force"].attrs["units"], "N")
    test.assertEqual(f["time"].attrs["units"], "s")
    test.assertEqual(f["loads/L5_S1/compression"].attrs["units"], "N")
    # Numbers that hang together: times increase, body rotations are rotations, the resultant is
    # the magnitude of the 3D force, no NaN in the loads.
    t = f["time"][:]
    test.assertTrue(np.all(np.diff(t) > 0))
    R = f["bodies/rotation"][:]
    RtR = np.einsum("fbji,fbjk->fbik", R, R)
    test.assertLess(np.abs(RtR - np.eye(3)).max(), 1e-9 if R.dtype == np.float64 else 1e-5)
    for site in sites:
        force = f[f"loads/{site}/force"][:]
        resultant = f[f"loads/{site}/resultant"][:]
        test.assertFalse(np.isnan(resultant).any(), site)
        np.testing.assert_allclose(np.linalg.norm(force, axis=1), resultant, rtol=1e-5, atol=1e-6, err_msg=site)
    # Posterior ligaments: one tension series per passive moment, never negative (a ligament cannot
    # push), zero whenever the passive moment resists extension (q > 0: the ligaments are slack).
    if "joints/passive_names" in f:
        names_p = list(f["joints/passive_names"].asstr()[()])
        coords_p = list(f["joints/passive_coordinates"].asstr()[()])
        test.assertEqual(f["joints/posterior_tension"].shape, (F, len(names_p)))
        test.assertEqual(f["joints/posterior_tension"].attrs["units"], "N")
        tension = f["joints/posterior_tension"][:]
        test.assertTrue(np.all(tension >= 0.0), "posterior tension is never negative")
        q_all = f["coordinates/q"][:]
        for j, c in enumerate(coords_p):
            test.assertIn(c, names["coordinates/names"])
            extended = q_all[:, names["coordinates/names"].index(c)] > 1e-9
            test.assertTrue(np.all(tension[extended, j] == 0.0), f"{names_p[j]}: slack in extension")
    # The summary: peaks in N and body weights, with their times.
    peaks = f["summary/peaks"][:]
    quantities = [q.decode() if isinstance(q, bytes) else q for q in peaks["quantity"]]
    test.assertIn("L5_S1_compression", quantities)
    i = quantities.index("L5_S1_compression")
    comp = f["loads/L5_S1/compression"][:]
    test.assertAlmostEqual(peaks["peak"][i], comp.max(), delta=1e-6 * max(1.0, abs(comp.max())))
    test.assertAlmostEqual(peaks["time_s"][i], t[np.argmax(comp)])
    bw = f["summary"].attrs["body_weight_N"]
    test.assertAlmostEqual(peaks["peak_bw"][i], peaks["peak"][i] / bw)
    test.assertAlmostEqual(f["summary"].attrs["L5_S1_compression_peak_N"], peaks["peak"][i])
    # The same attribute names as a sweep run's summary group (docs/sweeps.md).
    test.assertAlmostEqual(f["summary"].attrs["L5_S1_compression_peak_bw"], peaks["peak_bw"][i])
    # The held box's size, as the scenario gives it (the plots draw it).
    scenario = yaml.safe_load(str(f.attrs["scenario_yaml"])) or {}
    box = (scenario.get("task") or {}).get("box")
    if box and (scenario.get("task") or {}).get("type") in ("lift", "lower", "hold"):
        test.assertEqual(list(f["box"].attrs["size_m"]), [box.get("depth_m", 0.3), box.get("height_m", 0.3)])
    limit = f["summary"].attrs["niosh_action_limit_N"]
    test.assertEqual(limit, 3400.0)
    test.assertEqual(int(f["summary"].attrs["L5_S1_compression_above_niosh_action_limit"]),
                     int(peaks["peak"][i] > limit))
    # The scaled model: the body masses add up to the subject's (bilateral segments lumped).
    test.assertAlmostEqual(f["model/bodies/mass"][:].sum(), float(f.attrs["subject_mass_kg"]),
                           delta=0.02 * float(f.attrs["subject_mass_kg"]))
    inertia = f["model/bodies/inertia"][1:]
    test.assertLess(np.abs(inertia - inertia.transpose(0, 2, 1)).max(), 1e-12, "inertia tensors are symmetric")
    return names


class RunFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scenario = os.path.join(SCENARIOS, "forward_bend.yaml")
        cls.path = run_scenario(cls.scenario, os.path.join(TMP, "bend.h5"), *SHORT)

    def test_layout_names_shapes_units(self):
        with h5py.File(self.path, "r") as f:
            names = check_layout(self, f)
            # The bend moves the trunk: q is not constant.
            q = f["coordinates/q"][:]
            self.assertGreater(np.ptp(q, axis=0).max(), 0.1)
            self.assertEqual(f["coordinates/q"].dtype, np.float64)
            self.assertEqual(f["time"].shape[0], 51)
            self.assertEqual(len(names["muscles/groups"]), len(names["muscles/names"]))
            # The bend flexes the lumbar levels: their posterior ligaments are stretched.
            self.assertGreater(f["joints/posterior_tension"][:].max(), 10.0)

    def test_strings_are_utf8_variable_length(self):
        with h5py.File(self.path, "r") as f:
            ds = f["muscles/names"]
            self.assertEqual(ds.dtype, h5py.string_dtype("utf-8"))
            self.assertTrue(is_utf8_vlen(ds))
            raw = ds[()]
            self.assertIsInstance(raw[0], bytes)  # h5py's rule for string datasets
            text = ds.asstr()[()]
            self.assertIsInstance(text[0], str)
            self.assertEqual(text[0], raw[0].decode("utf-8"))
            for key in ("format", "scenario_yaml", "model_yaml", "command_line", "host", "created_utc"):
                self.assertIsInstance(f.attrs[key], str, key)

    def test_root_attributes_reproduce_the_run(self):
        with h5py.File(self.path, "r") as f:
            a = f.attrs
            self.assertEqual(a["format"], "dembones-run")
            self.assertEqual(int(a["format_version"]), 1)
            self.assertEqual(a["scenario_name"], "forward_bend")
            self.assertTrue(a["dembones_version"])
            self.assertTrue(a["git_commit"])
            self.assertTrue(a["host"])
            datetime.datetime.strptime(a["created_utc"], "%Y-%m-%dT%H:%M:%SZ")
            self.assertIn("forward_bend.yaml", a["command_line"])
            self.assertEqual(a["scenario_sha256"], hashlib.sha256(a["scenario_yaml"].encode("utf-8")).hexdigest())
            self.assertEqual(a["model_sha256"], hashlib.sha256(a["model_yaml"].encode("utf-8")).hexdigest())
            with open(os.path.join(SOURCE, "models", "lifter.yaml"), encoding="utf-8") as m:
                self.assertEqual(a["model_yaml"], m.read())  # the model file as read
            # The stored scenario holds the --set overrides.
            self.assertIn("0.6", a["scenario_yaml"])
            self.assertAlmostEqual(float(a["subject_mass_kg"]), 75.0)

    def test_command_line_reads_back_as_its_words_in_its_folder(self):
        # An argument with spaces, braces and a quote is stored shell-quoted: the line splits back into
        # the words the program got, and working_directory says where relative paths pointed.
        folder = os.path.join(TMP, "quoted")
        os.makedirs(folder, exist_ok=True)
        scenario = os.path.join(SOURCE, "scenarios", "stand.yaml")
        args = ["run", scenario, "-o", "it's.h5", "-q", "--set", "solver.rate_hz=20",
                "--set", "impairments=[{type: weak_muscle, muscles: [iliacus], strength_scale: 0.5}]"]
        r = subprocess.run([DEMBONES, *args], capture_output=True, text=True, timeout=600, cwd=folder)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(os.path.join(folder, "it's.h5"), "r") as f:
            self.assertEqual(shlex.split(f.attrs["command_line"]), [DEMBONES, *args])
            self.assertEqual(os.path.realpath(f.attrs["working_directory"]), os.path.realpath(folder))
            for key in ("build_type", "compiler", "libraries"):
                self.assertTrue(f.attrs[key], key)
            # The impairment given by --set, as `dembones run` printed it (not only inside scenario_yaml).
            self.assertEqual(f.attrs["impairments"], "weak_muscle iliacus (strength x0.5)")
        info = subprocess.run([DEMBONES, "info", os.path.join(folder, "it's.h5")], capture_output=True, text=True,
                              timeout=600)
        self.assertIn("impairments: weak_muscle iliacus (strength x0.5)", info.stdout)
        with h5py.File(self.path, "r") as f:
            self.assertEqual(f.attrs["impairments"], "none")

    def test_stored_scenario_and_model_rerun_to_identical_numbers(self):
        folder = os.path.join(TMP, "rerun")
        os.makedirs(folder, exist_ok=True)
        with h5py.File(self.path, "r") as f:
            with open(os.path.join(folder, "scenario.yaml"), "w", encoding="utf-8") as out:
                out.write(f.attrs["scenario_yaml"])
            with open(os.path.join(folder, "model.yaml"), "w", encoding="utf-8") as out:
                out.write(f.attrs["model_yaml"])
        # The stored scenario names its model relative to where it was; point it at the stored copy
        # (relative paths are taken from the scenario file's folder).
        again = run_scenario(os.path.join(folder, "scenario.yaml"), os.path.join(folder, "again.h5"),
                             "--set", "model=model.yaml")
        with h5py.File(self.path, "r") as f, h5py.File(again, "r") as g:
            self.assertEqual(f.attrs["model_sha256"], g.attrs["model_sha256"])
            compared = ["time", "coordinates/q", "coordinates/qdot", "muscles/activation", "muscles/force",
                        "joints/moment", "reserves/torque"]
            compared += [f"loads/{s}/{q}" for s in f["loads"] for q in ("compression", "ap_shear", "force")]
            for path in compared:
                self.assertTrue(np.array_equal(f[path][:], g[path][:], equal_nan=True), f"{path} differs")

    def test_hdf5_tools_read_the_file(self):
        header = subprocess.run(["h5dump", "-H", self.path], capture_output=True, text=True, timeout=120)
        self.assertEqual(header.returncode, 0, header.stderr)
        self.assertIn('DATASET "compression"', header.stdout)
        strings = subprocess.run(["h5dump", "-d", "/muscles/names", self.path], capture_output=True, text=True,
                                 timeout=120)
        self.assertEqual(strings.returncode, 0, strings.stderr)
        self.assertIn("H5T_CSET_UTF8", strings.stdout)
        listing = subprocess.run(["h5ls", "-r", self.path], capture_output=True, text=True, timeout=120)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        lines = listing.stdout.splitlines()
        self.assertTrue(any(line.split()[0] == "/loads/L5_S1/compression" for line in lines if line.strip()),
                        listing.stdout)
        self.assertTrue(any(line.startswith("/muscles/force") and "Dataset {51, " in line for line in lines))

    def test_chunked_along_time_and_compressed(self):
        with h5py.File(self.path, "r") as f:
            F = f["time"].shape[0]
            for path in ("muscles/force", "coordinates/q", "loads/L5_S1/compression", "muscles/moment_arm"):
                ds = f[path]
                self.assertIsNotNone(ds.chunks, path)
                self.assertEqual(ds.compression, "gzip", path)
                self.assertTrue(ds.shuffle, path)
            # One muscle's whole series sits in few chunks: chunks span many frames and few muscles.
            rows, cols = f["muscles/force"].chunks
            self.assertEqual(rows, F)  # this short run fits one chunk row
            self.assertLess(cols, f["muscles/force"].shape[1])

    def test_float32_and_compression_options(self):
        small = run_scenario(self.scenario, os.path.join(TMP, "small.h5"), *SHORT, "--float32")
        plain = run_scenario(self.scenario, os.path.join(TMP, "plain.h5"), *SHORT, "--compression", "0")
        with h5py.File(self.path, "r") as f, h5py.File(small, "r") as s, h5py.File(plain, "r") as p:
            self.assertEqual(s["muscles/force"].dtype, np.float32)
            self.assertEqual(s["coordinates/q"].dtype, np.float32)
            self.assertEqual(s["time"].dtype, np.float64)  # sample times stay exact
            self.assertEqual((int(s.attrs["float32"]), int(f.attrs["float32"])), (1, 0))  # the file says which
            np.testing.assert_allclose(s["muscles/force"][:], f["muscles/force"][:], rtol=1e-6, atol=1e-3)
            self.assertIsNone(p["muscles/force"].compression)
            self.assertTrue(np.array_equal(p["muscles/force"][:], f["muscles/force"][:]))
            check_layout(self, s)
        self.assertLess(os.path.getsize(small), os.path.getsize(self.path))
        self.assertLess(os.path.getsize(self.path), os.path.getsize(plain))


class ShippedScenarios(unittest.TestCase):
    """Every scenario in scenarios/ runs (at 20 frames per second, to be quick) and writes a file
    with the documented layout."""

    def test_every_shipped_scenario_writes_a_complete_file(self):
        files = sorted(glob.glob(os.path.join(SCENARIOS, "*.yaml")))
        self.assertGreaterEqual(len(files), 10)
        folder = os.path.join(TMP, "shipped")
        os.makedirs(folder, exist_ok=True)
        for scenario in files:
            name = os.path.splitext(os.path.basename(scenario))[0]
            with self.subTest(scenario=name):
                out = os.path.join(folder, name + ".h5")
                r = dembones("run", scenario, "-o", out, "-q", "--set", "solver.rate_hz=20")
                self.assertEqual(r.returncode, 0, f"{name}: {r.stderr}")
                self.assertTrue(os.path.exists(out), name)
                self.assertFalse(os.path.exists(out + ".partial"), name)
                with h5py.File(out, "r") as f:
                    self.assertEqual(f.attrs["scenario_name"], name)
                    check_layout(self, f)


def main():
    import dembones_test_main
    return dembones_test_main.run(sys.modules[__name__], "dembones_run_file_test_")

if __name__ == "__main__":
    sys.exit(main())
