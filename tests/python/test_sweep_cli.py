#!/usr/bin/env python3
"""Tests of `dembones sweep` and `dembones merge` from the outside: 2 MPI ranks under mpirun, the
Slurm job-array script run locally and submitted to a loopback Slurm cluster, --list, the /summary
table read by pandas and plotted by scripts/plot_sweep.py. Every sweep file must equal the 1-thread run in every dataset.

CTest runs `/usr/bin/python3 test_sweep_cli.py <path-to-dembones>` from the build folder.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("DEMBONES_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
DEMBONES = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else shutil.which("dembones")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

SWEEP = f"""base: {SOURCE}/scenarios/stoop_lift.yaml
set: {{solver.rate_hz: 50, task.duration_s: 1.0, task.pause_s: 0}}
vary:
  task.technique: [stoop, squat]
  task.box.mass_kg: [0, 10, 20]
output: {{series: summary}}
"""


def run(args, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(args, capture_output=True, text=True, timeout=600, env=e, **kw)


def datasets(path):
    """Every dataset of a sweep file and every run group's attributes (external links followed)."""
    out = {}

    def collect(prefix, group):
        out[prefix + "@"] = {k: v for k, v in group.attrs.items()}
        for name in group:
            obj = group[name]  # resolves external links, unlike visititems
            if isinstance(obj, h5py.Dataset):
                out[f"{prefix}/{name}"] = obj[()]
            else:
                collect(f"{prefix}/{name}", obj)

    with h5py.File(path, "r") as f:
        for name in f:
            if name != "runs":
                out[name] = f[name][()]
        for name in f["runs"]:
            collect(f"runs/{name}", f["runs"][name])
    return out


def assert_same(test, a_path, b_path):
    a, b = datasets(a_path), datasets(b_path)
    test.assertEqual(sorted(a), sorted(b))
    for k in a:
        x, y = a[k], b[k]
        if k.endswith("@"):
            test.assertEqual(sorted(x), sorted(y), k)
            for n in x:
                xv, yv = np.asarray(x[n]), np.asarray(y[n])
                if xv.dtype.kind == "f":
                    test.assertTrue(np.array_equal(xv.view(np.uint64), yv.view(np.uint64)), f"{k}{n}")
                else:
                    test.assertTrue(np.array_equal(xv, yv), f"{k}{n}")
        elif x.dtype.names:  # the summary table: field by field, floats to the bit
            test.assertEqual(x.dtype, y.dtype, k)
            for name in x.dtype.names:
                if x[name].dtype.kind == "f":
                    test.assertTrue(np.array_equal(x[name].view(np.uint64), y[name].view(np.uint64)),
                                    f"{k}:{name}")
                else:
                    test.assertEqual(list(x[name]), list(y[name]), f"{k}:{name}")
        else:
            test.assertEqual(x.dtype, y.dtype, k)
            if x.dtype.kind == "f":
                test.assertTrue(np.array_equal(np.asarray(x).view(np.uint64), np.asarray(y).view(np.uint64)), k)
            else:
                test.assertTrue(np.array_equal(x, y), k)


class SweepCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="dembones_sweep_cli_")
        cls.sweep = os.path.join(cls.tmp, "lifts.yaml")
        with open(cls.sweep, "w") as f:
            f.write(SWEEP)
        cls.reference = os.path.join(cls.tmp, "one.h5")
        r = run([DEMBONES, "sweep", cls.sweep, "--threads", "1", "-o", cls.reference])
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_list_prints_the_runs(self):
        r = run([DEMBONES, "sweep", self.sweep, "--list"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.strip().splitlines()
        self.assertEqual(len(lines), 2 + 6)
        self.assertEqual(lines[1].split(), ["run", "task.technique", "task.box.mass_kg"])
        self.assertEqual(lines[-1].split(), ["00005", "squat", "20"])

    def test_a_listed_run_repeated_alone_gives_the_same_numbers(self):
        # The first line names the base and the values every run gets (the sweep's set:); with a row's
        # values they make the run alone (docs/sweeps.md, "To repeat one run alone").
        # A value with spaces and braces: the first line is shell-quoted (it pastes as it is).
        weak = "impairments=[{type: weak_muscle, muscles: [iliacus], strength_scale: 0.5}]"
        r = run([DEMBONES, "sweep", self.sweep, "--list", "--set", "subject.height_m=1.8", "--set", weak])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.strip().splitlines()
        base = shlex.split(lines[0].split(", base ", 1)[1].split("; every run also ")[0])[0]
        fixed = shlex.split(lines[0].split("; every run also ", 1)[1])
        self.assertEqual(fixed.count("--set"), 5)  # the three of set: and the two --set
        self.assertIn(weak, fixed)
        header, row = lines[1].split(), lines[2 + 4].split()  # run 00004
        sets = []
        for path, value in zip(header[1:], row[1:]):
            sets += ["--set", f"{path}={value}"]
        sweep_out = os.path.join(self.tmp, "tall.h5")
        self.assertEqual(run([DEMBONES, "sweep", self.sweep, "--set", "subject.height_m=1.8", "--set", weak, "-o",
                              sweep_out, "--threads", "1"]).returncode, 0)
        alone = os.path.join(self.tmp, "alone4.h5")
        r = run([DEMBONES, "run", base, *fixed, *sets, "-o", alone, "-q"])
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(sweep_out, "r") as f, h5py.File(alone, "r") as g:
            row4 = f["summary"][4]
            peaks = g["summary/peaks"][:]
            for q, value in zip(peaks["quantity"], peaks["peak"]):
                q = q.decode() if isinstance(q, bytes) else q
                self.assertEqual(float(row4[q + "_peak_N"]), float(value), q)

    def test_list_with_a_shard_prints_its_runs_and_checks_the_shard(self):
        r = run([DEMBONES, "sweep", self.sweep, "--list", "--shard", "2/4"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.strip().splitlines()
        self.assertIn(": 2 runs of 6,", lines[0])
        self.assertEqual([l.split()[0] for l in lines[2:]], ["00001", "00005"])  # i % 4 == 1
        bad = run([DEMBONES, "sweep", self.sweep, "--list", "--shard", "3/2"])  # listed every run before (audit)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--shard", bad.stderr)

    def test_bad_field_names_the_sweep_file_line(self):
        bad = os.path.join(self.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write(SWEEP.replace("task.box.mass_kg:", "task.box.mas_kg:"))
        r = run([DEMBONES, "sweep", bad, "--list"])
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{bad}:5:", r.stderr)
        self.assertIn("mas_kg", r.stderr)

    def test_commit_interval_every_run_equals_the_default_and_rejects_negatives(self):
        out = os.path.join(self.tmp, "commit0.h5")
        r = run([DEMBONES, "sweep", self.sweep, "--threads", "1", "--commit-interval", "0", "-q", "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        assert_same(self, self.reference, out)
        with h5py.File(out, "r") as f:
            self.assertTrue(all(f["runs"][n].attrs["complete"] == 1 for n in f["runs"]))
        r = run([DEMBONES, "sweep", self.sweep, "--commit-interval", "-1", "-o", os.path.join(self.tmp, "x.h5")])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--commit-interval", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x.h5.partial")))

    def test_two_mpi_ranks_equal_one_thread(self):
        if shutil.which("mpirun") is None:
            self.fail("mpirun not found (Open MPI is a build dependency: scripts/debian-packages.txt)")
        out = os.path.join(self.tmp, "mpi.h5")
        env = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"}
        r = run(["mpirun", "--oversubscribe", "-np", "2", DEMBONES, "sweep", self.sweep, "-o", out, "--threads", "1"],
                env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("rank 0:", r.stdout)
        self.assertIn("rank 1:", r.stdout)
        assert_same(self, self.reference, out)
        with h5py.File(out) as f:
            self.assertEqual(f.attrs["shard"], "merged")
            self.assertEqual(f.attrs["merge_mode"], "copy")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "mpi.shard-1-of-2.h5")))  # copied, then removed

    def test_two_mpi_ranks_report_a_bad_run_checked_by_either_rank(self):
        # Each rank checks every size-th run; the first bad run is reported by every rank, whichever
        # checked it (run 1 by rank 1, run 2 by rank 0), and no run starts.
        if shutil.which("mpirun") is None:
            self.fail("mpirun not found (Open MPI is a build dependency: scripts/debian-packages.txt)")
        env = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"}
        for masses, first_bad in (("[0, -20, 10]", "00001"), ("[0, 10, -20]", "00002")):
            bad = os.path.join(self.tmp, f"bad_mpi_{first_bad}.yaml")
            with open(bad, "w") as f:
                f.write(SWEEP.replace("[0, 10, 20]", masses))
            out = os.path.join(self.tmp, f"bad_mpi_{first_bad}.h5")
            r = run(["mpirun", "--oversubscribe", "-np", "2", DEMBONES, "sweep", bad, "-o", out, "--threads", "1"],
                    env=env)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn(f"{bad}:5:", r.stderr)
            self.assertIn(f"run {first_bad} (task.technique = stoop, task.box.mass_kg = -20)", r.stderr)
            self.assertFalse(os.path.exists(out))
            for s in (1, 2):
                self.assertFalse(os.path.exists(os.path.join(self.tmp, f"bad_mpi_{first_bad}.shard-{s}-of-2.h5.partial")))

    def test_slurm_array_script_shards_and_merge(self):
        script = os.path.join(SOURCE, "scripts", "slurm", "sweep.sbatch")
        self.assertEqual(run(["bash", "-n", script]).returncode, 0)
        out = os.path.join(self.tmp, "slurm.h5")
        env = {"DEMBONES": DEMBONES, "SLURM_CPUS_PER_TASK": "1"}
        for task in (1, 2, 3):
            r = run(["bash", script, "shard", self.sweep, "3", out], env=dict(env, SLURM_ARRAY_TASK_ID=str(task)))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(os.path.exists(os.path.join(self.tmp, f"slurm.shard-{task}-of-3.h5")))
        # A rerun of a finished task (requeue) resumes and redoes nothing.
        r = run(["bash", script, "shard", self.sweep, "3", out], env=dict(env, SLURM_ARRAY_TASK_ID="2"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 runs done (0 failed), 2 resumed", r.stdout)
        r = run(["bash", script, "merge", self.sweep, "3", out], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("6 of 6 runs from 3 shards", r.stdout)
        assert_same(self, self.reference, out)
        linked = os.path.join(self.tmp, "slurm_linked.h5")
        shards = [os.path.join(self.tmp, f"slurm.shard-{i}-of-3.h5") for i in (1, 2, 3)]
        r = run([DEMBONES, "merge", linked, *shards, "--link"])
        self.assertEqual(r.returncode, 0, r.stderr)
        assert_same(self, self.reference, linked)
        r = run([DEMBONES, "merge", os.path.join(self.tmp, "two.h5"), shards[0], shards[1]])
        self.assertEqual(r.returncode, 2)
        self.assertIn("2 runs are in no shard: 2, 5", r.stderr)

    def test_slurm_script_one_shard_dotted_folder_and_a_missing_shard(self):
        """sweep.sbatch with SHARDS=1 (dembones writes OUT.h5 itself), an OUT in a folder with a dot in
        its name, and a merge that finds a shard missing (cluster audit: all three failed)."""
        script = os.path.join(SOURCE, "scripts", "slurm", "sweep.sbatch")
        env = {"DEMBONES": DEMBONES, "SLURM_CPUS_PER_TASK": "1", "SLURM_ARRAY_TASK_ID": "1"}
        one = os.path.join(self.tmp, "one_shard.h5")
        r = run(["bash", script, "shard", self.sweep, "1", one], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run(["bash", script, "merge", self.sweep, "1", one], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("nothing to merge", r.stdout)
        assert_same(self, self.reference, one)
        folder = os.path.join(self.tmp, "run.v2")
        os.makedirs(folder, exist_ok=True)
        out = os.path.join(folder, "pop.h5")
        r = run(["bash", script, "shard", self.sweep, "2", out], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(folder, "pop.shard-1-of-2.h5")))
        r = run(["bash", script, "merge", self.sweep, "2", out], env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("shard 2 of 2 is missing", r.stderr)
        self.assertIn("Run the same submit command again", r.stderr)
        r = run(["bash", script, "shard", self.sweep, "2", out], env=dict(env, SLURM_ARRAY_TASK_ID="2"))
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run(["bash", script, "merge", self.sweep, "2", out], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        assert_same(self, self.reference, out)

    def test_slurm_script_submit_passes_options_to_sbatch(self):
        """submit without OUT.h5 takes what follows SHARDS as sbatch options (it became OUT.h5), and the
        merge job gets the options but the array's, its own CPUs last (a fake sbatch logs its calls)."""
        script = os.path.join(SOURCE, "scripts", "slurm", "sweep.sbatch")
        bin_dir = os.path.join(self.tmp, "fake_sbatch")
        os.makedirs(bin_dir, exist_ok=True)
        log = os.path.join(bin_dir, "calls")
        with open(os.path.join(bin_dir, "sbatch"), "w") as f:
            f.write(f'#!/bin/bash\necho "$*" >> {log}\necho "4$(wc -l < {log});cluster"\n')
        os.chmod(os.path.join(bin_dir, "sbatch"), 0o755)
        env = {"PATH": bin_dir + os.pathsep + os.environ["PATH"]}
        r = run(["bash", script, "submit", self.sweep, "16", "--partition=short", "--array=1-16%4"], env=env,
                cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("job array 41 (16 tasks); merge: job 42 when they end -> lifts.h5", r.stdout)
        with open(log) as f:
            array_call, merge_call = f.read().splitlines()
        self.assertIn("--array=1-16 --partition=short --array=1-16%4", array_call)
        self.assertTrue(array_call.endswith("shard " + self.sweep + " 16 lifts.h5"), array_call)
        self.assertIn("--dependency=afterany:41 --partition=short --ntasks=1 --cpus-per-task=1", merge_call)
        self.assertNotIn("%4", merge_call)
        self.assertTrue(merge_call.endswith("merge " + self.sweep + " 16 lifts.h5"), merge_call)
        # Two-word forms, and a dependency of the user's: the array waits for it, the merge for the array.
        os.remove(log)
        r = run(["bash", script, "submit", self.sweep, "4", "out.h5", "--array", "1-4%2", "--dependency",
                 "afterok:99", "-p", "short"], env=env, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(log) as f:
            array_call, merge_call = f.read().splitlines()
        self.assertIn("--array 1-4%2 --dependency afterok:99 -p short", array_call)
        self.assertIn("--dependency=afterany:41 -p short --ntasks=1", merge_call)
        self.assertNotIn("afterok:99", merge_call)
        self.assertNotIn("1-4%2", merge_call)

    def test_slurm_array_on_a_loopback_cluster(self):
        """sweep.sbatch submit on a real Slurm (scripts/slurm/loopback_cluster.sh: slurmctld and slurmd
        on this machine): the job array runs the shards, the dependent job merges them, and the
        merged file equals the 1-thread run."""
        for tool in ("slurmctld", "slurmd", "sbatch"):
            if shutil.which(tool) is None:
                self.fail(f"{tool} not found (slurm-wlm is a test dependency: scripts/debian-packages.txt)")
        cluster = os.path.join(self.tmp, "slurm-cluster")
        helper = os.path.join(SOURCE, "scripts", "slurm", "loopback_cluster.sh")
        r = run(["bash", helper, "start", cluster])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        try:
            env = {"SLURM_CONF": os.path.join(cluster, "slurm.conf"), "DEMBONES": DEMBONES}
            script = os.path.join(SOURCE, "scripts", "slurm", "sweep.sbatch")
            out = os.path.join(self.tmp, "slurm_cluster.h5")
            r = run(["bash", script, "submit", self.sweep, "3", out, "--cpus-per-task=1"], env=env, cwd=self.tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            m = re.search(r"job array (\d+) \(3 tasks\); merge: job (\d+)", r.stdout)
            self.assertIsNotNone(m, r.stdout)
            array_id, merge_id = m.group(1), m.group(2)
            deadline = time.time() + 300
            while time.time() < deadline and run(["squeue", "-h"], env=env).stdout.strip():
                time.sleep(1)
            states = run(["scontrol", "-o", "show", "job"], env=env).stdout
            jobs = dict(re.findall(r"JobId=(\d+) .*?JobState=(\w+)", states))
            logs = ""
            for name in sorted(os.listdir(self.tmp)):
                if name.startswith("dembones-") and name.endswith(".log"):
                    with open(os.path.join(self.tmp, name)) as f:
                        logs += f.read()
            # Three array tasks and the merge, each completed, the merge after the array.
            self.assertEqual(sorted(jobs.values()), ["COMPLETED"] * 4, states + logs)
            self.assertIn(merge_id, jobs, states)
            self.assertEqual(len([j for j in states.splitlines() if f"ArrayJobId={array_id} " in j]), 3, states)
            self.assertIn("6 of 6 runs from 3 shards", logs)
            assert_same(self, self.reference, out)
        finally:
            run(["bash", helper, "stop", cluster])

    def test_summary_reads_into_pandas_and_plots(self):
        with h5py.File(self.reference) as f:
            try:
                import pandas as pd
            except ImportError:
                self.fail("pandas is missing for /usr/bin/python3 (python3-pandas)")
            df = pd.DataFrame(f["summary"][:])
            # A run group's summary has a run file's /summary attributes (docs/sweeps.md), the NIOSH
            # flag with them, and agrees with the table.
            attrs = f["runs/00004/summary"].attrs
            self.assertEqual(attrs["niosh_action_limit_N"], 3400.0)
            self.assertEqual(int(attrs["L5_S1_compression_above_niosh_action_limit"]),
                             int(attrs["L5_S1_compression_peak_N"] > 3400.0))
            self.assertEqual(attrs["L5_S1_compression_peak_bw"], f["summary"]["L5_S1_compression_peak_bw"][4])
        self.assertEqual(len(df), 6)
        self.assertEqual(list(df["run"]), list(range(6)))
        self.assertEqual([s.decode() for s in df["task.technique"]], ["stoop"] * 3 + ["squat"] * 3)
        self.assertTrue((df["L5_S1_compression_peak_N"] > 0).all())
        png = os.path.join(self.tmp, "lifts.png")
        r = run([PYTHON, os.path.join(SOURCE, "scripts", "plot_sweep.py"), self.reference, "--x", "task.box.mass_kg",
                 "--by", "task.technique", "-o", png])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(png), 10000)


if __name__ == "__main__":
    if DEMBONES is None or not os.path.exists(DEMBONES):
        sys.stderr.write("usage: test_sweep_cli.py PATH/TO/dembones\n")
        sys.exit(2)
    unittest.main(argv=sys.argv[:1], verbosity=2)
