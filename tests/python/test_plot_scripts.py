#!/usr/bin/env python3
"""Tests of scripts/plot.py, scripts/animate.py, scripts/plot_sweep.py and scripts/dembones_h5.py on
synthetic result files (tests/python/make_synthetic_run.py).

CTest runs `/usr/bin/python3 test_plot_scripts.py <path-to-dembones>` from the build folder; the
dembones binary is not needed here (the files are synthetic), so the argument is accepted and ignored.
Exit code is non-zero when a test fails.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(SOURCE, "scripts")
sys.path.insert(0, HERE)
sys.path.insert(0, SCRIPTS)

import dembones_h5 as dh  # noqa: E402
import make_synthetic_run as synth  # noqa: E402
import plot as plotting  # noqa: E402

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run_script(name, *args):
    return subprocess.run([PYTHON, os.path.join(SCRIPTS, name), *args], capture_output=True,
                          text=True, timeout=600)


def pixels_near(image, rgb, tolerance=12):
    a = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(a - np.array(rgb)).max(axis=2) <= tolerance).sum())


def hex_rgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


FILES = {}


def setUpModule():
    """One set of synthetic files for every test (they take a few seconds to write)."""
    tmp = tempfile.mkdtemp(prefix="dembones_plot_test_")
    FILES.update(tmp=tmp, stoop=os.path.join(tmp, "stoop.h5"), squat=os.path.join(tmp, "squat.h5"),
                 sweep=os.path.join(tmp, "sweep.h5"))
    synth.write_run_file(FILES["stoop"], "stoop", 15.0)
    synth.write_run_file(FILES["squat"], "squat", 15.0)
    synth.write_sweep_file(FILES["sweep"], masses_kg=(5.0, 15.0, 25.0), failed_run=1)


def tearDownModule():
    shutil.rmtree(FILES["tmp"], ignore_errors=True)


def copy_first_frame(src_path, dst_path):
    """A one-frame copy of a run (what a static posture such as standing writes)."""
    with h5py.File(src_path) as src, h5py.File(dst_path, "w") as dst:
        n = len(src["time"])
        for k, v in src.attrs.items():
            dst.attrs[k] = v

        def copy(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                if obj.shape and obj.shape[0] == n:
                    data = data[:1]
                d = dst.create_dataset(name, data=data)
                for k, v in obj.attrs.items():
                    d.attrs[k] = v
            else:
                dst.require_group(name)
        src.visititems(copy)


class SyntheticFiles(unittest.TestCase):
    def setUp(self):
        self.tmp, self.stoop = FILES["tmp"], FILES["stoop"]
        self.squat, self.sweep = FILES["squat"], FILES["sweep"]

    def out(self, name):
        return os.path.join(self.tmp, name)


class SyntheticFileFollowsLayout(SyntheticFiles):
    def test_every_dataset_has_units_and_description(self):
        missing = []
        with h5py.File(self.stoop) as f:
            self.assertEqual(f.attrs["format"], "dembones-run")
            self.assertEqual(int(f.attrs["format_version"]), 1)

            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and obj.dtype.names is None:
                    if "units" not in obj.attrs or "description" not in obj.attrs:
                        missing.append(name)
            f.visititems(visit)
        self.assertEqual(missing, [])

    def test_shapes_match_the_layout(self):
        with h5py.File(self.stoop) as f:
            n = len(f["time"])
            self.assertEqual(n, 201)  # 2 s at 100 Hz, both ends
            nc, nm, nb = len(f["coordinates/names"]), len(f["muscles/names"]), len(f["bodies/names"])
            self.assertEqual(f["coordinates/q"].shape, (n, nc))
            self.assertEqual(f["muscles/force"].shape, (n, nm))
            self.assertEqual(f["muscles/path_points"].shape[:2], (n, nm))
            self.assertEqual(f["muscles/path_points"].shape[3], 3)
            self.assertEqual(f["bodies/position"].shape, (n, nb, 3))
            self.assertEqual(f["bodies/rotation"].shape, (n, nb, 3, 3))
            self.assertEqual(f["bodies/parent"].shape, (nb,))
            self.assertEqual(f["box/position"].shape, (n, 3))
            for site in ("L5_S1", "L4_L5", "hip", "tibiofemoral", "patellofemoral"):
                self.assertEqual(f[f"loads/{site}/compression"].shape, (n,))
                self.assertEqual(f[f"loads/{site}/force"].shape, (n, 3))
            # strings come back as str, as the layout promises
            self.assertIsInstance(f["muscles/names"].asstr()[0], str)

    def test_stick_figure_is_a_standing_person(self):
        """Feet on the floor, head above the hips at the end, the box in front of the ankle."""
        with h5py.File(self.stoop) as f:
            names = list(f["bodies/names"].asstr()[:])
            pos = f["bodies/position"][:]
            box = f["box/position"][:]
        foot, pelvis, head = names.index("foot"), names.index("pelvis"), names.index("head")
        self.assertAlmostEqual(pos[:, foot, 1].max(), 0.0, delta=1e-9)
        self.assertGreater(pos[-1, head, 1], pos[-1, pelvis, 1] + 0.4)
        self.assertGreater(pos[-1, head, 1], 1.4)
        self.assertTrue((box[:, 0] > 0.1).all())

    def test_loads_are_those_of_a_lift(self):
        """The heavier lift loads L5/S1 more, and the stoop bends the knees less than the squat."""
        with h5py.File(self.stoop) as f:
            comp = f["loads/L5_S1/compression"][:]
            bw = f.attrs["body_weight_N"]
        self.assertGreater(comp.max(), 2.0 * bw)  # a 15 kg lift from a bent posture
        self.assertLess(comp[-1], comp.max())  # upright at the end
        light = os.path.join(self.tmp, "light.h5")
        synth.write_run_file(light, "stoop", 5.0)
        with h5py.File(light) as f:
            self.assertLess(f["loads/L5_S1/compression"][:].max(), comp.max())
        st, sq = dh.Run(self.stoop), dh.Run(self.squat)
        try:
            self.assertLess(st.coordinate("knee_angle").max(), sq.coordinate("knee_angle").max())
        finally:
            st.close()
            sq.close()


class ReaderTests(SyntheticFiles):
    def test_group_force_sums_both_sides(self):
        run = dh.Run(self.stoop)
        try:
            with h5py.File(self.stoop) as f:
                groups = list(f["muscles/groups"].asstr()[:])
                force = f["muscles/force"][:]
                sides = f["muscles/sides"][:]
            expected = sum(force[:, i] * sides[i] for i, g in enumerate(groups)
                           if "glutes" in g.split(","))
            np.testing.assert_allclose(run.group_force(["glutes"]), expected)
            self.assertIsNone(run.group_force(["no_such_group"]))
            core = run.group_force(["core"])
            n_core = sum("core" in g.split(",") for g in groups)
            self.assertGreater(n_core, 0)
            self.assertTrue((core > 0).all())
        finally:
            run.close()

    def test_peak_frame_is_the_maximum_compression(self):
        run = dh.Run(self.squat)
        try:
            with h5py.File(self.squat) as f:
                comp = f["loads/L5_S1/compression"][:]
            k = run.peak_frame()
            self.assertEqual(comp[k], comp.max())
        finally:
            run.close()

    def test_site_pose_is_the_joint_between_the_named_bodies(self):
        run = dh.Run(self.stoop)
        try:
            names = run.body_names()
            pos, rot = run.site_pose("L5_S1", 10)
            np.testing.assert_allclose(pos, run.body_positions()[10, names.index("L5")])
            np.testing.assert_allclose(rot @ rot.T, np.eye(3), atol=1e-12)
            knee, _ = run.site_pose("tibiofemoral", 10)
            np.testing.assert_allclose(knee, run.body_positions()[10, names.index("thigh")])
        finally:
            run.close()

    def test_force_arrow_presses_on_the_joint_along_the_disc_normal(self):
        """The L5/S1 arrow ends on the L5 origin and points from above into the disc (the force of
        the upper body on the lower one), scaled 5 cm per body weight."""
        run = dh.Run(self.stoop)
        try:
            names = run.body_names()
            l5 = names.index("L5")
            for frame in (run.peak_frame(), run.n_frames - 1):
                tail, head, magnitude = plotting.force_arrow(run, "L5_S1", frame)
                np.testing.assert_allclose(head, run.body_positions()[frame, l5, :2])
                normal = run.body_rotations(frame)[l5][:2, 1]  # the disc normal, pointing up
                along = (tail - head) @ normal
                comp = run.load("L5_S1", "compression")[frame]
                self.assertGreater(comp, 0.0)
                # the arrow's component along the normal is the compression, to scale
                self.assertAlmostEqual(along, comp / run.body_weight_N
                                       * plotting.METRES_PER_BODY_WEIGHT, places=9)
                self.assertAlmostEqual(np.linalg.norm(tail - head), magnitude / run.body_weight_N
                                       * plotting.METRES_PER_BODY_WEIGHT, places=9)
            # upright at the end: the arrow comes down from above
            self.assertGreater(tail[1], head[1])
            self.assertIsNone(plotting.force_arrow(run, "no_site", 0))
        finally:
            run.close()

    def test_missing_optional_dataset_is_a_note_not_an_error(self):
        run = dh.Run(self.stoop)
        try:
            self.assertIsNone(run.load("no_site", "compression"))
            self.assertTrue(any("no_site" in n for n in run.notes))
        finally:
            run.close()

    def test_sweep_run_spec(self):
        run = dh.Run(self.sweep + "#2")
        try:
            self.assertEqual(run.n_frames, 201)
        finally:
            run.close()
        with self.assertRaises(dh.FileError):
            dh.Run(self.sweep + "#1")  # the failed run has no group
        with self.assertRaises(dh.FileError):
            dh.Run(self.sweep)  # a whole sweep is not a run

    def test_incomplete_sweep_run_is_refused(self):
        cut = self.out("cut_sweep.h5")
        shutil.copy(self.sweep, cut)
        with h5py.File(cut, "a") as f:
            del f["runs/00002"].attrs["complete"]
        self.assert_refused(cut + "#2", "incomplete")

    def assert_refused(self, spec, reason):
        """dh.Run refuses `spec` with `reason` in its message, and plot.py says it in one line, exit 2."""
        with self.assertRaises(dh.FileError) as e:
            dh.Run(spec)
        self.assertIn(reason, str(e.exception))
        r = run_script("plot.py", spec, "-o", self.out("refused.png"))
        self.assertEqual(r.returncode, 2)
        self.assertNotIn("Traceback", r.stderr)
        self.assertIn(reason, r.stderr)

    def test_failed_sweep_run_says_why(self):
        # the engine keeps a failed run's group with its status and error, without series
        failed = self.out("failed_sweep.h5")
        shutil.copy(self.sweep, failed)
        with h5py.File(failed, "a") as f:
            g = f.require_group("runs/00001")
            g.attrs["status"] = "failed"
            g.attrs["error"] = "the hands cannot reach the box"
            g.attrs["complete"] = np.int32(1)
        self.assert_refused(failed + "#1", "run 1 failed, so it has no time series: the hands cannot reach the box")

    def test_dangling_external_link_names_the_shard(self):
        # a `dembones merge --link` file moved away from its shards
        linked = self.out("moved_linked.h5")
        with h5py.File(linked, "w") as f:
            f.attrs["format"] = "dembones-sweep"
            f.create_group("runs")
            f["runs/00000"] = h5py.ExternalLink("gone.shard-1-of-2.h5", "/runs/00000")
        self.assert_refused(linked + "#0", "external link to 'gone.shard-1-of-2.h5'")

    def test_unfinished_run_file_is_refused(self):
        # a run renames its file when complete: a .partial is unfinished whatever it holds (review)
        partial = self.out("stopped.h5.partial")
        shutil.copy(self.stoop, partial)
        self.assert_refused(partial, "a run's unfinished output file")
        with open(self.out("cut.h5.partial"), "wb") as f:
            f.write(b"\x89HDF\r\n\x1a\n and nothing else")
        self.assert_refused(self.out("cut.h5.partial"), "an unfinished output file that cannot be read")

    def test_sweep_run_labels_name_what_varied(self):
        self.assertEqual(dh.short_field_names(["subject.height_m", "subject.mass_kg", "task.box.mass_kg",
                                               "task.technique"]),
                         ["height_m", "subject.mass_kg", "box.mass_kg", "technique"])
        self.assertEqual(dh.short_value("1.6564334455328238"), "1.656")
        self.assertEqual(dh.short_value("squat"), "squat")

    def test_column_labels(self):
        self.assertEqual(dh.column_label("task.box.mass_kg"), "box mass (kg)")
        self.assertEqual(dh.column_label("L5_S1_compression_peak_N"), "L5/S1 compression peak (N)")
        self.assertEqual(dh.column_label("L5_S1_compression_peak_time_s"),
                         "L5/S1 compression peak time (s)")
        self.assertEqual(dh.column_label("task.box.height", "m"), "box height (m)")
        self.assertEqual(dh.column_label("task.technique", "-"), "task technique")

    def test_sweep_summary_strings_are_str(self):
        table = dh.read_sweep_summary(self.sweep)
        self.assertEqual(sorted(set(table["task.technique"].tolist())), ["squat", "stoop"])
        self.assertEqual(len(table["status"]), 6)
        self.assertEqual(dh.SUMMARY_UNITS[self.sweep]["task.box.mass_kg"], "kg")


class PlotScriptTests(SyntheticFiles):
    def test_plot_two_runs(self):
        png = self.out("both.png")
        r = run_script("plot.py", self.stoop, self.squat, "-o", png)
        self.assertEqual(r.returncode, 0, r.stderr)
        with Image.open(png) as im:
            self.assertEqual(im.format, "PNG")
            w, h = im.size
            self.assertGreater(w, 1500)
            self.assertGreater(h, 800)
            self.assertGreater(w, h)
            # both runs are drawn, each in its own colour
            for colour in ("#1f77b4", "#d62728"):
                self.assertGreater(pixels_near(im, hex_rgb(colour)), 500, colour)
            # the box is drawn
            self.assertGreater(pixels_near(im, hex_rgb("#d2a86e")), 500)

    def test_plot_at_chosen_time_and_format_from_extension(self):
        pdf = self.out("stoop.pdf")
        r = run_script("plot.py", self.stoop, "-o", pdf, "--time", "1.5", "--title", "Stoop")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(pdf, "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")

    def test_figure_of_the_second_run(self):
        png = self.out("second.png")
        r = run_script("plot.py", self.stoop, self.squat, "-o", png, "--figure-run", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run_script("plot.py", self.stoop, self.squat, "-o", png, "--figure-run", "3")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--figure-run", r.stderr)

    def test_one_frame_run(self):
        one = self.out("one_frame.h5")
        copy_first_frame(self.stoop, one)
        r = run_script("plot.py", one, "-o", self.out("one_frame.png"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Warning", r.stderr)
        r = run_script("animate.py", one, "-o", self.out("one_frame.gif"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Warning", r.stderr)
        with Image.open(self.out("one_frame.gif")) as im:
            self.assertEqual(im.n_frames, 1)

    def test_plot_a_run_of_a_sweep(self):
        png = self.out("sweep_run.png")
        r = run_script("plot.py", self.sweep + "#4", "-o", png)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.getsize(png) > 10000)

    def test_missing_optional_data_skips_with_a_note(self):
        thin = self.out("thin.h5")
        shutil.copy(self.stoop, thin)
        with h5py.File(thin, "a") as f:
            del f["loads/patellofemoral"]
            del f["muscles/path_points"]
            del f["bodies/parent"]
        png = self.out("thin.png")
        r = run_script("plot.py", thin, self.squat, "-o", png)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("patellofemoral", r.stderr)
        self.assertIn("path_points", r.stderr)
        self.assertIn("parent", r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        with Image.open(png) as im:
            self.assertEqual(im.format, "PNG")

    def test_malformed_datasets_are_skipped_with_a_note(self):
        bad = self.out("malformed.h5")
        shutil.copy(self.stoop, bad)
        with h5py.File(bad, "a") as f:
            for key, value in (("loads/L5_S1/compression", np.zeros(7)),
                               ("muscles/force", np.zeros((201, 3))),
                               ("bodies/rotation", np.zeros((201, 2, 3, 3))),
                               ("coordinates/q", np.zeros((5, 12))),
                               ("box/position", np.zeros((201, 2)))):
                del f[key]
                f[key] = value
        for script in ("plot.py", "animate.py"):
            extra = ["--stride", "100"] if script == "animate.py" else []
            out = self.out("malformed.gif" if script == "animate.py" else "malformed.png")
            r = run_script(script, bad, "-o", out, *extra)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("Traceback", r.stderr)
            self.assertIn("/box/position has shape (201, 2)", r.stderr)
            if script == "plot.py":
                self.assertIn("/muscles/force has shape (201, 3), expected (201, 16)", r.stderr)

    def test_missing_file_is_exit_code_2(self):
        missing = self.out("no_such_run.h5")
        r = run_script("plot.py", missing, "-o", self.out("x.png"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("no_such_run.h5", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertFalse(os.path.exists(self.out("x.png")))

    def test_wrong_files_are_exit_code_2(self):
        text = self.out("not_hdf5.h5")
        with open(text, "w") as f:
            f.write("time,value\n0,1\n")
        other = self.out("other.h5")
        with h5py.File(other, "w") as f:
            f["something"] = np.zeros(3)
        for script, bad in (("plot.py", text), ("plot.py", other), ("plot.py", self.sweep),
                            ("animate.py", other), ("plot_sweep.py", self.stoop)):
            r = run_script(script, bad, "-o", self.out("bad.gif" if script == "animate.py" else "bad.png"))
            self.assertEqual(r.returncode, 2, f"{script} {bad}: {r.stderr}")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(os.path.basename(bad), r.stderr)

    def test_output_names_that_would_mislead_are_refused(self):
        # plot.py -o FIG without an extension wrote FIG.png while saying "wrote FIG"; animate.py wrote
        # GIF data into a .png (audit)
        for script, out in (("plot.py", "fig"), ("plot_sweep.py", "fig.txt"), ("animate.py", "lift.png")):
            r = run_script(script, self.sweep if script == "plot_sweep.py" else self.stoop, "-o", self.out(out))
            self.assertEqual(r.returncode, 2, f"{script}: {r.stderr}")
            self.assertIn("expected a", r.stderr)
            self.assertFalse(any(n.startswith(os.path.splitext(out)[0] + ".") or n == out
                                 for n in os.listdir(os.path.dirname(self.out(out)))), out)


class AnimateTests(SyntheticFiles):
    def test_gif_has_frames_that_move(self):
        gif = self.out("stoop.gif")
        r = run_script("animate.py", self.stoop, "-o", gif, "--stride", "25")
        self.assertEqual(r.returncode, 0, r.stderr)
        with Image.open(gif) as im:
            self.assertEqual(im.format, "GIF")
            self.assertEqual(im.n_frames, 9)  # frames 0, 25, …, 200
            im.seek(0)
            first = np.asarray(im.convert("RGB"), dtype=int)
            im.seek(im.n_frames - 1)
            last = np.asarray(im.convert("RGB"), dtype=int)
        self.assertEqual(first.shape, last.shape)
        changed = (np.abs(first - last).max(axis=2) > 30).mean()
        self.assertGreater(changed, 0.005)  # the person stood up

    def test_empty_time_window_is_exit_code_2(self):
        r = run_script("animate.py", self.stoop, "-o", self.out("none.gif"), "--start", "5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no frame", r.stderr)


class SweepPlotTests(SyntheticFiles):
    def test_sweep_plot(self):
        png = self.out("sweep.png")
        r = run_script("plot_sweep.py", self.sweep, "-o", png, "--x", "task.box.mass_kg",
                       "--y", "L5_S1_compression_peak_N", "--by", "task.technique")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 of 6 runs", r.stderr)  # the failed run is left out, and said so
        with Image.open(png) as im:
            self.assertEqual(im.format, "PNG")
            self.assertGreater(im.size[0], 800)
            for colour in ("#1f77b4", "#d62728"):  # one line per technique
                self.assertGreater(pixels_near(im, hex_rgb(colour)), 300, colour)

    def test_files_of_other_sweeps_are_refused_and_runs_counted_once(self):
        """Several files are shards of one sweep: another sweep's file is refused (an audit pooled two
        sweeps into one curve), and a run in two files (a shard given twice) is counted once."""
        one, other = self.out("one_sweep.h5"), self.out("other_sweep.h5")
        for path, fingerprint in ((one, "one sweep"), (other, "another sweep")):
            shutil.copy(self.sweep, path)
            with h5py.File(path, "a") as f:
                f.attrs["sweep_fingerprint"] = fingerprint
        r = run_script("plot_sweep.py", one, other, "-o", self.out("two_sweeps.png"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("a file of another sweep", r.stderr)
        self.assertFalse(os.path.exists(self.out("two_sweeps.png")))
        r = run_script("plot_sweep.py", self.sweep, self.sweep, "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("6 rows of runs found in more than one file counted once", r.stderr)
        once = run_script("plot_sweep.py", self.sweep, "--list")
        self.assertEqual(r.stdout, once.stdout)

    def test_two_panels_and_a_filter(self):
        png = self.out("sweep2.png")
        r = run_script("plot_sweep.py", self.sweep, "-o", png, "--y", "L5_S1_compression_peak_N",
                       "--y", "tibiofemoral_resultant_peak_N", "--where", "task.technique=squat")
        self.assertEqual(r.returncode, 0, r.stderr)
        with Image.open(png) as im:
            self.assertGreater(im.size[0], 1.8 * im.size[1])

    def test_exclude_flagged_leaves_out_runs_with_reserves(self):
        """--exclude-flagged drops the runs with reserve frames or frames off the feet (population audit:
        excluding them with --where was guesswork), says how many, and each point's run count is given
        where the points differ in it."""
        path = self.out("flagged.h5")
        text = h5py.string_dtype("utf-8")
        rows = [(m, "ok", 0 if m < 20.0 or k == 0 else 12, 0, 1000.0 * m + k) for m in (5.0, 10.0, 20.0)
                for k in range(3)]
        table = np.array(rows, dtype=[("task.box.mass_kg", "f8"), ("status", text), ("reserve_frames", "i8"),
                                      ("cop_outside_frames", "i8"), ("L5_S1_compression_peak_N", "f8")])
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "dembones-sweep"
            f.create_dataset("summary", data=table)
        r = run_script("plot_sweep.py", path, "-o", self.out("flagged.png"), "--exclude-flagged")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 runs that needed reserve actuators or left the feet left out", r.stderr)
        self.assertIn("runs behind each point 5.0: 3, 10.0: 3, 20.0: 1", r.stderr)
        plain = run_script("plot_sweep.py", path, "-o", self.out("ringed.png"))
        self.assertEqual(plain.returncode, 0, plain.stderr)
        self.assertIn("2 of 9 runs needed reserve actuators", plain.stderr)

    def test_other_varied_parameters_give_a_band(self):
        """A summary where subject.sex varies too: medians with a band, and a note naming it;
        a text column on x gives categories."""
        path = self.out("two_params.h5")
        text = h5py.string_dtype("utf-8")
        rows = [(m, t, sex, "ok", 100.0 * m + (50.0 if sex == "male" else 0.0)
                 + (30.0 if t == "stoop" else 0.0))
                for m in (5.0, 10.0, 20.0) for t in ("stoop", "squat") for sex in ("male", "female")]
        table = np.array(rows, dtype=[("task.box.mass_kg", "f8"), ("task.technique", text),
                                      ("subject.sex", text), ("status", text),
                                      ("L5_S1_compression_peak_N", "f8")])
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "dembones-sweep"
            f.create_dataset("summary", data=table)
        r = run_script("plot_sweep.py", path, "-o", self.out("band.png"), "--by", "task.technique")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("subject.sex", r.stderr)
        r = run_script("plot_sweep.py", path, "-o", self.out("cat.png"), "--x", "subject.sex",
                       "--where", "task.box.mass_kg=10")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run_script("plot_sweep.py", path, "-o", self.out("none.png"), "--where", "subject.sex=x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no rows", r.stderr)

    def test_list_columns(self):
        r = run_script("plot_sweep.py", self.sweep, "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("task.technique", r.stdout)
        self.assertIn("L5_S1_compression_peak_N", r.stdout)

    def test_unknown_column_is_exit_code_2(self):
        r = run_script("plot_sweep.py", self.sweep, "-o", self.out("x.png"), "--y", "nope_N")
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope_N", r.stderr)


if __name__ == "__main__":
    # CTest passes the dembones binary as the first argument; these tests do not need it.
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        del argv[1]
    unittest.main(argv=argv, verbosity=2)
