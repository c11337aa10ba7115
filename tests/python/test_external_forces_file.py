#!/usr/bin/env python3
"""Measured external forces in the run file, read with h5py alone (docs/hdf5-layout.md,
/external_forces/...).

A forward bend gets a force table (CSV) with two forces: one on the hand given in ground with a
moving point in ground, one on the torso given in the torso's frame at a fixed point of the torso
(which turns by tens of degrees during the bend). The
file must hold, per frame, each force and its point in world coordinates with their units, names and
bodies: the ground-frame force and point equal the table interpolated linearly at /time (np.interp,
written here independently of the engine); the body-frame ones equal the torso's rotation and position
(/bodies/rotation, /bodies/position of the same file) applied to the interpolated table. A run without
external forces has no /external_forces group.

The run file keeps the files it read besides the model (input_file_*: the force table here, a motion
table in the replay below) with their SHA-256, and the file alone reruns to the same numbers.

CTest runs `/usr/bin/python3 test_external_forces_file.py <path-to-dembones>` with DEMBONES_SOURCE_DIR set.
"""

import hashlib
import os
import subprocess
import sys
import unittest

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(SOURCE, "models", "lifter.yaml")
DEMBONES = None  # from argv[1]
TMP = None

# The table: 13 rows over 0-1.2 s, unevenly spaced, values that are not linear in time (so that
# interpolating at the solver's frames is not the identity).
T = np.array([0.0, 0.05, 0.13, 0.2, 0.31, 0.4, 0.52, 0.6, 0.7, 0.83, 0.9, 1.05, 1.2])
COLUMNS = {
    "Fx": 30.0 * np.sin(7.0 * T) + 5.0,
    "Fy": -80.0 + 40.0 * T ** 2,
    "Fz": 12.0 * np.cos(11.0 * T),
    "px": 0.35 + 0.02 * np.sin(5.0 * T),
    "py": 1.0 + 0.1 * T ** 3,
    "pz": 0.1 - 0.03 * T,
    "bx": 4.0 + 3.0 * T,
    "by": 60.0 - 50.0 * np.sin(3.0 * T),
    "bz": -2.0 * T ** 2,
}
TORSO_POINT_B = np.array([0.05, 0.2, 0.01])


def dembones(*args):
    return subprocess.run([DEMBONES, *args], capture_output=True, text=True, timeout=600)


def write_scenario(name, external_block):
    path = os.path.join(TMP, name + ".yaml")
    with open(path, "w") as f:
        f.write(f"name: {name}\nmodel: {MODEL}\n"
                "subject: {height_m: 1.75, mass_kg: 75, sex: male}\n"
                "task: {type: forward_bend, trunk_flexion_deg: 40, duration_s: 0.8, pause_s: 0.1}\n"
                "solver: {rate_hz: 50}\n" + external_block)
    return path


def run(scenario):
    out = os.path.splitext(scenario)[0] + ".h5"
    r = dembones("run", scenario, "-o", out, "-q")
    if r.returncode != 0:
        raise AssertionError(f"dembones run {scenario} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return out


class ExternalForcesInRunFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(TMP, "forces.csv"), "w") as f:
            names = list(COLUMNS)
            f.write("time," + ",".join(names) + "\n")
            for k in range(len(T)):
                f.write(repr(float(T[k])) + "," + ",".join(repr(float(COLUMNS[n][k])) for n in names) + "\n")
        scenario = write_scenario(
            "ext",
            "external_forces:\n"
            "  file: forces.csv\n"
            "  forces:\n"
            "    - {name: push, body: hand, force_columns: [Fx, Fy, Fz], point_columns: [px, py, pz]}\n"
            "    - {name: strap, body: torso, force_columns: [bx, by, bz], frame: body, point_m: ["
            + ", ".join(repr(float(v)) for v in TORSO_POINT_B) + "]}\n")
        cls.path = run(scenario)
        cls.plain = run(write_scenario("plain", ""))

    def interpolated(self, t, *columns):
        return np.stack([np.interp(t, T, COLUMNS[c]) for c in columns], axis=1)

    def test_names_bodies_frames_and_units(self):
        with h5py.File(self.path, "r") as f:
            g = f["external_forces"]
            F = f["time"].shape[0]
            self.assertEqual(list(g["names"].asstr()[()]), ["push", "strap"])
            self.assertEqual(list(g["bodies"].asstr()[()]), ["hand", "torso"])
            self.assertEqual(list(g["force_frame"].asstr()[()]), ["ground", "body"])
            self.assertEqual(list(g["point_frame"].asstr()[()]), ["ground", "body"])
            self.assertEqual(g["force"].shape, (F, 2, 3))
            self.assertEqual(g["point"].shape, (F, 2, 3))
            self.assertEqual(g["force"].attrs["units"], "N")
            self.assertEqual(g["point"].attrs["units"], "m")
            for ds in ("names", "bodies", "force_frame", "point_frame", "force", "point"):
                self.assertTrue(g[ds].attrs["description"], ds)
                self.assertTrue(g[ds].attrs["units"], ds)

    def test_ground_force_and_point_are_the_table_resampled(self):
        with h5py.File(self.path, "r") as f:
            t = f["time"][:]
            self.assertGreater(len(t), 10)
            force = f["external_forces/force"][:, 0, :]
            point = f["external_forces/point"][:, 0, :]
        expected_f = self.interpolated(t, "Fx", "Fy", "Fz")
        expected_p = self.interpolated(t, "px", "py", "pz")
        np.testing.assert_allclose(force, expected_f, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(point, expected_p, rtol=1e-12, atol=1e-12)
        # The frames fall between table rows: interpolation, not a copy of the rows.
        self.assertFalse(np.isin(t, T).all())

    def test_body_frame_force_and_point_turn_with_the_body(self):
        with h5py.File(self.path, "r") as f:
            t = f["time"][:]
            b = list(f["bodies/names"].asstr()[()]).index("torso")
            R = f["bodies/rotation"][:, b]      # (F, 3, 3) torso frame in world
            o = f["bodies/position"][:, b]      # (F, 3)
            force = f["external_forces/force"][:, 1, :]
            point = f["external_forces/point"][:, 1, :]
        f_B = self.interpolated(t, "bx", "by", "bz")
        # The torso turns (else this would compare the table with itself).
        self.assertGreater(np.abs(R - np.eye(3)).max(), 0.3)
        np.testing.assert_allclose(force, np.einsum("fij,fj->fi", R, f_B), rtol=1e-12, atol=1e-9)
        # The point is fixed in the torso: the same body-frame point at every frame. The frame is the model
        # file's torso frame, whose origin is not the engine's (/bodies/position; tests/scenario/
        # external_forces_test.cpp checks where it lands), so the point in the engine frame is found
        # from the first frame and must hold at all the others.
        c = R[0].T @ (point[0] - o[0])
        np.testing.assert_allclose(point, o + np.einsum("fij,j->fi", R, c), rtol=1e-12, atol=1e-9)
        self.assertGreater(np.linalg.norm(c - TORSO_POINT_B), 0.01)  # the engine's torso origin is elsewhere
        # A body-frame force keeps its magnitude.
        np.testing.assert_allclose(np.linalg.norm(force, axis=1), np.linalg.norm(f_B, axis=1), rtol=1e-12)

    def test_the_forces_reach_the_joint_moments(self):
        # The same bend without the forces: the net joint moments differ (the forces were applied,
        # not only written).
        with h5py.File(self.path, "r") as f, h5py.File(self.plain, "r") as g:
            self.assertGreater(np.abs(f["joints/moment"][:] - g["joints/moment"][:]).max(), 1.0)

    def test_the_force_table_is_kept_and_reruns_from_the_file_alone(self):
        with open(os.path.join(TMP, "forces.csv"), "rb") as table:
            raw = table.read()
        folder = os.path.join(TMP, "again")
        os.makedirs(folder, exist_ok=True)
        with h5py.File(self.path, "r") as f:
            a = f.attrs
            self.assertEqual(list(a["input_file_fields"]), ["external_forces.file"])
            self.assertTrue(a["input_file_paths"][0].endswith("forces.csv"), a["input_file_paths"][0])
            self.assertEqual(a["input_file_texts"][0].encode("utf-8"), raw)
            self.assertEqual(a["input_file_sha256"][0], hashlib.sha256(raw).hexdigest())
            for name, key in (("scenario.yaml", "scenario_yaml"), ("model.yaml", "model_yaml")):
                with open(os.path.join(folder, name), "w", encoding="utf-8") as out:
                    out.write(a[key])
            with open(os.path.join(folder, "table.csv"), "w", encoding="utf-8") as out:
                out.write(a["input_file_texts"][0])
        again = os.path.join(folder, "again.h5")
        r = dembones("run", os.path.join(folder, "scenario.yaml"), "-o", again, "-q", "--set", "model=model.yaml",
                     "--set", "external_forces.file=table.csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(self.path, "r") as f, h5py.File(again, "r") as g:
            self.assertEqual(f.attrs["input_file_sha256"][0], g.attrs["input_file_sha256"][0])
            for path in ("coordinates/q", "external_forces/force", "external_forces/point", "joints/moment",
                         "muscles/force", "loads/L5_S1/compression"):
                self.assertTrue(np.array_equal(f[path][:], g[path][:], equal_nan=True), f"{path} differs")
        # A run that reads no file besides its model has no input_file_* attributes.
        with h5py.File(self.plain, "r") as f:
            self.assertNotIn("input_file_fields", f.attrs)

    def test_a_motion_table_is_kept_with_its_hash(self):
        # The bend's motion exported as an OpenSim .mot and replayed (task.type motion_file).
        motion = os.path.join(TMP, "bend.mot")
        r = dembones("export", self.plain, "--format", "mot", "-o", motion)
        self.assertEqual(r.returncode, 0, r.stderr)
        scenario = os.path.join(TMP, "replay.yaml")
        with open(scenario, "w") as f:
            f.write(f"name: replay\nmodel: {MODEL}\nsubject: {{height_m: 1.75, mass_kg: 75, sex: male}}\n"
                    "task: {type: motion_file, file: bend.mot}\nsolver: {rate_hz: 50}\n")
        replay = run(scenario)
        with open(motion, "rb") as m:
            raw = m.read()
        with h5py.File(replay, "r") as f:
            a = f.attrs
            self.assertEqual(list(a["input_file_fields"]), ["task.file"])
            self.assertEqual(a["input_file_sha256"][0], hashlib.sha256(raw).hexdigest())
            self.assertEqual(a["input_file_texts"][0].encode("utf-8"), raw)
        info = dembones("info", replay)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("task.file " + motion, info.stdout)
        self.assertIn(hashlib.sha256(raw).hexdigest()[:12], info.stdout)

    def test_no_group_without_external_forces(self):
        with h5py.File(self.plain, "r") as f:
            self.assertNotIn("external_forces", f)
            self.assertIn("loads", f)


def main():
    import dembones_test_main
    return dembones_test_main.run(sys.modules[__name__], "dembones_external_forces_file_test_")


if __name__ == "__main__":
    sys.exit(main())
