#!/usr/bin/env python3
"""`dembones export` read back by readers that share no code with dembones: the OpenSim storage header
parsed line by line here (as opensim-core's Storage::parseHeaders reads it), the data with numpy, CSV
with Python's csv module; every number compared with the HDF5 file read by h5py. Also a run of a sweep
file (--run N).

CTest runs `/usr/bin/python3 test_export.py <path-to-dembones>` from the build folder with
DEMBONES_SOURCE_DIR set. Exit code is non-zero when a test fails.
"""

import csv
import math
import os
import subprocess
import sys
import unittest

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(SOURCE, "scenarios")
DEMBONES = None
TMP = None
SHORT = ["--set", "task.duration_s=0.6", "--set", "task.pause_s=0.2", "--set", "solver.rate_hz=50"]


def dembones(*args):
    r = subprocess.run([DEMBONES, *args], capture_output=True, text=True, timeout=600)
    return r


def must(*args):
    r = dembones(*args)
    if r.returncode != 0:
        raise AssertionError(f"dembones {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def read_storage(path):
    """An OpenSim .mot/.sto: (name, header dict, description lines, labels, data [rows x columns])."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    name = lines[0]
    header, description = {}, []
    i = 1
    while lines[i] != "endheader":
        if "=" in lines[i]:
            key, value = lines[i].split("=", 1)
            header[key] = value
        else:
            description.append(lines[i])
        i += 1
    labels = lines[i + 1].split("\t")
    rows = [line for line in lines[i + 2:] if line.strip()]
    data = np.array([[float(v) for v in row.split("\t")] for row in rows])
    return name, header, description, labels, data


class ExportRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.h5 = os.path.join(TMP, "bend.h5")
        must("run", os.path.join(SCENARIOS, "forward_bend.yaml"), "-o", cls.h5, "-q", *SHORT)

    def test_mot_is_an_opensim_motion_in_degrees(self):
        out = os.path.join(TMP, "bend.mot")
        must("export", self.h5, "--format", "mot", "-o", out)
        name, header, description, labels, data = read_storage(out)
        with open(out, encoding="utf-8") as f:
            first = f.read().split("\n")[:5]
        # The first five lines in OpenSim's order.
        self.assertEqual(first, ["forward_bend", "version=1", f"nRows={data.shape[0]}",
                                 f"nColumns={len(labels)}", "inDegrees=yes"])
        self.assertEqual(header["version"], "1")
        with h5py.File(self.h5, "r") as f:
            t = f["time"][:]
            q = f["coordinates/q"][:]
            names = list(f["coordinates/names"].asstr()[:])
            units = list(f["coordinates/units"].asstr()[:])
        self.assertEqual(labels, ["time"] + names)
        self.assertTrue(all(" " not in label and label for label in labels))
        self.assertEqual(data.shape, (len(t), len(names) + 1))
        self.assertEqual(int(header["nRows"]), len(t))
        np.testing.assert_array_equal(data[:, 0], t)
        scale = np.array([180.0 / math.pi if u == "rad" else 1.0 for u in units])
        np.testing.assert_allclose(data[:, 1:], q * scale, rtol=1e-15, atol=0)
        self.assertGreater(np.ptp(data[:, 1:], axis=0).max(), 5.0, "the bend moves the trunk by degrees")

    def test_sto_forces_and_loads(self):
        out = os.path.join(TMP, "bend.sto")
        must("export", self.h5, "--format", "sto", "-o", out)
        _, header, description, labels, data = read_storage(out)
        self.assertEqual(header["inDegrees"], "no")
        self.assertEqual(int(header["nColumns"]), len(labels))
        column = {label: data[:, i] for i, label in enumerate(labels)}
        with h5py.File(self.h5, "r") as f:
            muscles = list(f["muscles/names"].asstr()[:])
            force = f["muscles/force"][:]
            for i, m in enumerate(muscles):
                np.testing.assert_array_equal(column[f"muscles/force/{m}"], force[:, i], err_msg=m)
            moment = f["joints/moment"][:]
            for i, c in enumerate(f["coordinates/names"].asstr()[:]):
                np.testing.assert_array_equal(column[f"joints/moment/{c}"], moment[:, i], err_msg=c)
            for site in f["loads"]:
                for q in ("compression", "ap_shear", "lateral_shear", "resultant"):
                    np.testing.assert_array_equal(column[f"loads/{site}/{q}"], f[f"loads/{site}/{q}"][:])
        self.assertIn("Units of muscles/force: N", description)

    def test_csv_header_row_names_with_units(self):
        out = os.path.join(TMP, "bend.csv")
        must("export", self.h5, "-o", out)
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, values = rows[0], np.array([[float(v) for v in r] for r in rows[1:]])
        self.assertEqual(header[0], "time [s]")
        with h5py.File(self.h5, "r") as f:
            for i, label in enumerate(header):
                path_and_channel, unit = label[:-1].rsplit(" [", 1)
                if path_and_channel == "time":
                    np.testing.assert_array_equal(values[:, i], f["time"][:])
                    continue
                dataset, _, channel = path_and_channel.rpartition("/")
                if not isinstance(f.get(dataset), h5py.Dataset):  # a 1-d series: "loads/L5_S1/compression"
                    dataset, channel = path_and_channel, None
                ds = f[dataset]
                if channel is None:
                    np.testing.assert_array_equal(values[:, i], ds[:])
                else:
                    names_path = ("coordinates/names" if dataset.startswith("joints/")
                                  else dataset.rsplit("/", 1)[0] + "/names")
                    c = list(f[names_path].asstr()[:]).index(channel)
                    np.testing.assert_array_equal(values[:, i], ds[:, c], err_msg=label)
                if dataset not in ("coordinates/q", "joints/moment"):
                    self.assertEqual(unit, ds.attrs["units"], label)
            self.assertIn("coordinates/q/hip_flexion [rad]", header)
            self.assertIn("muscles/activation/iliacus [1]", header)

    def test_bad_requests(self):
        r = dembones("export", self.h5, "--format", "mot", "--dataset", "muscles/moment_arm")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(self.h5, r.stderr)
        self.assertIn("moment_arm", r.stderr)
        r = dembones("export", self.h5)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--format", r.stderr)


class ExportSweepRun(unittest.TestCase):
    def test_one_run_of_a_sweep(self):
        sweep = os.path.join(TMP, "masses.yaml")
        with open(sweep, "w", encoding="utf-8") as f:
            f.write(f"name: masses\nbase: {os.path.join(SCENARIOS, 'stand.yaml')}\ndesign: grid\n"
                    "vary:\n  subject.mass_kg: [60, 90]\noutput: {file: masses.h5, series: full}\n")
        h5 = os.path.join(TMP, "masses.h5")
        must("sweep", sweep, "-o", h5, "--threads", "1", "--set", "task.duration_s=0.3", "--set",
             "solver.rate_hz=50")
        with h5py.File(h5, "r") as f:
            runs = sorted(f["runs"].keys())
            self.assertEqual(len(runs), 2)
            force1 = f[f"runs/{runs[1]}/muscles/force"][:]
            force0 = f[f"runs/{runs[0]}/muscles/force"][:]
            names = list(f[f"runs/{runs[1]}/muscles/names"].asstr()[:])
        self.assertFalse(np.array_equal(force0, force1), "the two subjects differ")
        r = dembones("export", h5, "--format", "sto")
        self.assertEqual(r.returncode, 2, "a sweep file needs --run")
        self.assertIn("--run", r.stderr)
        must("export", h5, "--format", "sto", "--run", str(int(runs[1])), "--dataset", "/muscles/force")
        out = os.path.join(TMP, f"masses_run{runs[1]}.sto")
        _, _, _, labels, data = read_storage(out)
        self.assertEqual(labels, ["time"] + names)
        np.testing.assert_array_equal(data[:, 1:], force1)


def main():
    import dembones_test_main
    return dembones_test_main.run(sys.modules[__name__], "dembones_export_test_")

if __name__ == "__main__":
    sys.exit(main())
