#!/usr/bin/python3
"""The stoop-versus-squat study and the seed questions (tight psoas, weak core, L4 nerve root), run
from the model and written up in docs/stoop-vs-squat.md with its figures in docs/img/.

    scripts/study.py [--dembones build/release/bin/dembones] [--out out/study] [--threads N] [--write-docs]

It runs the sweep scenarios/sweeps/stoop_vs_squat_study.yaml (144 lifts), the box-height sweep
scenarios/sweeps/stoop_vs_squat_box_height.yaml (24 lifts), three full 15 kg lifts for
the muscle shares, twelve squats with other posture weights, and each seed question as scenario pairs (the same task with and without the
impairment). Every number and every "higher/lower" in the report is computed here from those runs.
Without --write-docs the report goes to --out.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
from typing import Dict, List, Optional, Tuple

import h5py
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import dembones_h5 as dh  # noqa: E402

SWEEP = os.path.join(SOURCE, "scenarios", "sweeps", "stoop_vs_squat_study.yaml")
BOX_HEIGHT_SWEEP = os.path.join(SOURCE, "scenarios", "sweeps", "stoop_vs_squat_box_height.yaml")
SCEN = os.path.join(SOURCE, "scenarios")
MEANINGFUL = 0.05  # a relative change below 5 % is reported as no meaningful effect
MEANINGFUL_BW = 0.02  # and so is one below 2 % of body weight (a near-zero force changing by a tenth)
TECHNIQUES = ["stoop", "semi_squat", "squat"]
LOADS = [("L5_S1_compression", "L5/S1 compression"), ("L5_S1_ap_shear", "L5/S1 anterior shear"),
         ("L4_L5_compression", "L4/L5 compression"), ("hip_resultant", "hip contact (per hip)"),
         ("tibiofemoral_resultant", "tibiofemoral (per knee)"),
         ("patellofemoral_compression", "patellofemoral (per knee)")]
GROUPS = ["psoas", "glutes", "erector_spinae", "multifidus", "abdominals", "quadriceps", "hamstrings"]


# The generated squat's instruction ("bend the knees, keep the back straight and the trunk upright") as
# posture weights per rad (engine/scenario/task_generator.cpp, technique_preset): the shipped squat, and
# the same with its trunk-upright weight lowered, everything else as shipped. Modelling choices, each a
# reading of the same instruction: the table shows how much the answers rest on them.
SQUAT_WEIGHTS = "{{knee: 0.1, hip: 0.3, lumbar: 4.0, ankle: 0.3, trunk_upright: {t}}}"
SQUAT_VARIANTS = [
    ("trunk 3 (the shipped squat)", ["task.technique=squat"]),
    ("trunk 1", ["task.technique=custom", "task.weights=" + SQUAT_WEIGHTS.format(t=1.0)]),
    ("trunk 0.3", ["task.technique=custom", "task.weights=" + SQUAT_WEIGHTS.format(t=0.3)]),
]


def run(cmd: List[str]) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")


def decode(df: pd.DataFrame) -> pd.DataFrame:
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v)
    return df


def run_sweep(dembones: str, out: str, threads: Optional[int], sweep: str = SWEEP) -> pd.DataFrame:
    h5 = os.path.join(out, os.path.splitext(os.path.basename(sweep))[0] + ".h5")
    for stale in (h5, h5 + ".partial"):
        if os.path.exists(stale):
            os.remove(stale)
    cmd = [dembones, "sweep", sweep, "-o", h5]
    if threads:
        cmd += ["--threads", str(threads)]
    run(cmd)
    with h5py.File(h5, "r") as f:
        return decode(pd.DataFrame(f["summary"][:]))


def peaks(path: str) -> Dict[str, float]:
    """Peak of each load (N) and body weight (N) of a run file."""
    out = {}
    with h5py.File(path, "r") as f:
        out["bw"] = float(f.attrs["subject_mass_kg"]) * 9.81
        for key, _ in LOADS:
            site, quantity = key.rsplit("_", 1)
            if key.endswith("ap_shear"):
                site, quantity = key[: -len("_ap_shear")], "ap_shear"
            if f"loads/{site}/{quantity}" in f:
                out[key] = float(np.max(np.abs(f[f"loads/{site}/{quantity}"][()])))
        out["reserve_frames"] = int(np.sum(f["solver/reserve_flag"][()] > 0))
        out["frames"] = int(f["time"].shape[0])
    return out


def reserve_cause(dembones: str, out: str, r: pd.Series) -> str:
    """Where a flagged lift's largest reserve acts (the sweep's reserve_max_coordinate and
    reserve_max_sign), and whether it holds off stretched muscles rather than a load, as `dembones run`
    says it (engine/cli/summary.cpp) for the lift run alone, which must name the same coordinate."""
    if r["reserve_frames"] == 0:
        return "–"
    path = os.path.join(out, "flagged.h5")
    cmd = [dembones, "run", os.path.join(SCEN, "stoop_lift.yaml"), "-o", path, "-q"]
    for field in ("task.technique", "task.box.mass_kg", "task.start.forward_m", "task.duration_s", "subject.height_m"):
        cmd += ["--set", f"{field}={r[field]}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    coordinate, sign = r["reserve_max_coordinate"], int(r["reserve_max_sign"])
    alone = re.search(r"largest reserve ([-+][0-9.]+) N\*m on (\w+);", p.stdout)
    if not alone or alone.group(2) != coordinate or np.sign(float(alone.group(1))) != sign:
        raise RuntimeError(f"run {int(r['run'])}: the sweep's largest reserve ({coordinate}, sign {sign}) is not "
                           f"the one the lift run alone reports:\n{p.stdout}")
    stretched = re.search(r"the reserve acts against them: (.*?)\. The posture", p.stdout)
    # The lifter's sign conventions (models/lifter.yaml): *_flexion and *_extension positive as named,
    # knee_angle positive toward extension, ankle_angle toward dorsiflexion.
    positive, negative = {"knee_angle": ("extension", "flexion"), "ankle_angle": ("dorsiflexion", "plantarflexion")}.get(
        coordinate, ("flexion", "extension") if coordinate.endswith("_flexion") else ("extension", "flexion"))
    joint = coordinate.rsplit("_", 1)[0].replace("_", "/" if coordinate.startswith("L") else " ")
    text = f"{joint} {positive if sign > 0 else negative}"
    if not stretched:
        return text
    muscles = ", ".join(m.split(" ")[0].replace("_", " ") for m in stretched.group(1).split(", "))
    return f"{text}, against stretched muscles ({muscles})"


def run_pair(dembones: str, out: str, name: str, scenario: str, sets: List[str]) -> Dict[str, float]:
    path = os.path.join(out, name + ".h5")
    cmd = [dembones, "run", os.path.join(SCEN, scenario), "-o", path, "-q"]
    for s in sets:
        cmd += ["--set", s]
    run(cmd)
    return peaks(path)


def group_forces(path: str, site: str = "L5_S1") -> Dict[str, float]:
    """Summed tension (both sides, N) of each muscle group at the frame of peak compression at `site`."""
    r = dh.Run(path)
    frame = r.peak_frame(site, "compression")
    force = np.asarray(r.dataset("/muscles/force"))[frame]
    sides = np.ones_like(force)
    if r.has("/model/muscles/sides"):
        sides = np.asarray(r.dataset("/model/muscles/sides"))
    groups = r.muscle_groups()
    out = {}
    for g in GROUPS:
        idx = [i for i, gs in enumerate(groups) if g in gs]
        out[g] = float(np.sum(force[idx] * sides[idx])) if idx else float("nan")
    r.close()
    return out


LUMBAR = ["L5_S1_extension", "L4_L5_extension", "L3_L4_extension", "L2_L3_extension", "L1_L2_extension"]
LEG = ["hip_flexion", "knee_angle", "ankle_angle"]


def lift_summary(path: str) -> Dict[str, float]:
    """What the literature comparison needs from one full lift: peak lumbar loads (BW), the lumbar range
    of motion (deg: the summed flexion of the five levels, i.e. the change of the L1-to-sacrum angle),
    when the L5/S1 compression peaks (fraction of the movement, pauses excluded), the posture there
    (knee flexion; trunk inclination: the hip-to-shoulder line forward of vertical), and the peak net
    joint moments (N m/kg; the leg joints per leg, signed: positive extension for the hip and knee,
    plantarflexion for the ankle)."""
    import yaml
    out: Dict[str, float] = {}
    with h5py.File(path, "r") as f:
        mass = float(f.attrs["subject_mass_kg"])
        bw = mass * 9.81
        for site in ("L5_S1", "L4_L5", "L1_L2"):
            for quantity in ("compression", "ap_shear"):
                out[f"{site}_{quantity}"] = float(np.max(np.abs(f[f"loads/{site}/{quantity}"][()]))) / bw
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)
        lumbar = np.sum(q[:, [coords.index(c) for c in LUMBAR]], axis=1)
        out["lumbar_rom_deg"] = float(np.degrees(np.max(lumbar) - np.min(lumbar)))
        time = np.asarray(f["time"][()], dtype=float)
        k = int(np.argmax(np.abs(f["loads/L5_S1/compression"][()])))
        task = (yaml.safe_load(str(f.attrs["scenario_yaml"])) or {}).get("task", {})
        pause, duration = float(task.get("pause_s", 0.0)), float(task.get("duration_s", 2.0))
        out["peak_fraction"] = (time[k] - time[0] - pause) / duration
        out["knee_flexion_deg"] = float(-np.degrees(q[k, coords.index("knee_angle")]))
        out["hip_flexion_deg"] = float(np.degrees(q[k, coords.index("hip_flexion")]))
        names = list(f["bodies/names"].asstr()[()])
        pos = np.asarray(f["bodies/position"][k], dtype=float)
        d = pos[names.index("humerus")] - pos[names.index("pelvis")]
        out["trunk_inclination_deg"] = float(np.degrees(np.arctan2(d[0], d[1])))
        m = np.asarray(f["joints/moment"][()], dtype=float)
        # Sign of each coordinate's extension-type moment: the hip's flexion coordinate is extended by a
        # negative moment, the knee angle (negative in flexion) by a positive one, the ankle's
        # dorsiflexion coordinate plantarflexed by a negative one; the lumbar levels by a positive one.
        for c, sign, per in (("hip_flexion", -1.0, 2.0), ("knee_angle", 1.0, 2.0), ("ankle_angle", -1.0, 2.0),
                             ("L5_S1_extension", 1.0, 1.0)):
            x = sign * m[:, coords.index(c)] / per / mass
            out[f"{c}_ext_Nm_kg"] = float(np.max(x))
            out[f"{c}_flex_Nm_kg"] = float(-np.min(x))
    return out


def coupling_summary(path: str) -> Dict[str, float]:
    """What the lumbar rhythm's constraint carries in one run (/joints/coupling_moment: moment carried by
    no muscle or tissue, so in no compression): the largest, at which level and its share of that
    level's net moment; with the peak L5/S1 compression and the reserves (frames, largest)."""
    out: Dict[str, float] = {}
    with h5py.File(path, "r") as f:
        out["L5_S1_compression"] = float(np.max(np.abs(f["loads/L5_S1/compression"][()])))
        coords = list(f["coordinates/names"].asstr()[()])
        c = np.abs(np.asarray(f["joints/coupling_moment"][()], dtype=float))
        m = np.abs(np.asarray(f["joints/moment"][()], dtype=float))
        frame, k = np.unravel_index(int(np.argmax(c)), c.shape)
        out["coupling_Nm"] = float(c[frame, k])
        out["coupling_level"] = coords[k]
        out["coupling_share"] = float(c[frame, k] / m[frame, k]) if m[frame, k] > 0 else 0.0
        out["reserve_frames"] = int(np.sum(f["solver/reserve_flag"][()] > 0))
        out["reserve_max_Nm"] = float(np.max(np.abs(f["reserves/torque"][()])))
        out["frames"] = int(f["time"].shape[0])
    return out


def pct(rel: float) -> str:
    """A signed percentage; with two decimals near the MEANINGFUL cut, so that a +5.00 % called higher
    and a +4.99 % called no meaningful change do not both read "+5%"."""
    if np.isfinite(rel) and abs(abs(rel) - MEANINGFUL) < 0.005:
        return f"{rel:+.2%}"
    return f"{rel:+.0%}"


def change(base: float, other: float, floor: float = 0.0) -> Tuple[float, str]:
    """Relative change and its word; below MEANINGFUL, or below `floor` in absolute terms (a force of a
    few hundredths of body weight changing by a tenth of itself), "no meaningful change"."""
    rel = (other - base) / base if base else float("nan")
    if not np.isfinite(rel):
        return rel, "n/a"
    if abs(rel) < MEANINGFUL or abs(other - base) < floor:
        return rel, "no meaningful change"
    return rel, "higher" if rel > 0 else "lower"


def figure_sweep(df: pd.DataFrame, path: str) -> None:
    plt = dh.pyplot()
    ok = df[df["status"] == "ok"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    for col, (pos, label) in enumerate(((0.15, "box between the feet (0.15 m)"), (0.40, "box in front of the knees (0.40 m)"))):
        for row, (key, name, unit) in enumerate((("L5_S1_compression_peak_N", "peak L5/S1 compression", "N"),
                                                 ("tibiofemoral_resultant_peak_bw", "peak tibiofemoral force per knee", "body weights"))):
            ax = axes[row][col]
            for tech, color in zip(TECHNIQUES, ("tab:red", "tab:orange", "tab:blue")):
                sel = ok[(ok["task.technique"] == tech) & (np.isclose(ok["task.start.forward_m"], pos))]
                if sel.empty:
                    continue
                g = sel.groupby("task.box.mass_kg")[key]
                ax.plot(g.median().index, g.median().values, "-o", color=color, label=tech.replace("_", "-"))
                ax.fill_between(g.min().index, g.min().values, g.max().values, color=color, alpha=0.15)
                bad = sel[flagged(sel)]
                ax.plot(bad["task.box.mass_kg"], bad[key], "x", color=color, ms=6)
            ax.plot([], [], "x", color="0.3", label="a lift needing reserves or off the feet")
            if key.startswith("L5_S1"):
                ax.axhline(3400, color="k", ls="--", lw=1, label="NIOSH action limit 3400 N")
            ax.set_title(f"{name}\n{label}", fontsize=10)
            ax.set_ylabel(f"{name.split(' ', 1)[1] if False else name} [{unit}]", fontsize=9)
            if row == 1:
                ax.set_xlabel("box mass [kg]")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    fig.suptitle("Stoop, semi-squat and squat lifts from the floor: median (line) and range over lift speed and body height;\n"
                 "x: a lift with frames needing reserve actuators or with the centre of pressure off the feet",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path + ".partial.png", dpi=110)
    os.replace(path + ".partial.png", path)
    plt.close(fig)


def figure_groups(shares: Dict[str, Dict[str, float]], path: str) -> None:
    plt = dh.pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.25
    x = np.arange(len(GROUPS))
    for i, tech in enumerate(TECHNIQUES):
        ax.bar(x + (i - 1) * width, [shares[tech][g] for g in GROUPS], width, label=tech.replace("_", "-"))
    ax.set_xticks(x)
    ax.set_xticklabels([g.replace("_", " ") for g in GROUPS])
    ax.set_ylabel("muscle tension, both sides [N]")
    ax.set_title("Which muscles carry a 15 kg lift (box 0.40 m in front of the ankles, 2 s):\n"
                 "tension at the instant of peak L5/S1 compression", fontsize=10)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path + ".partial.png", dpi=110)
    os.replace(path + ".partial.png", path)
    plt.close(fig)


def fmt_change(base: float, other: float, unit_bw: Optional[float] = None) -> str:
    rel, word = change(base, other, MEANINGFUL_BW * unit_bw if unit_bw else 0.0)
    if unit_bw:
        return f"{base / unit_bw:.2f} → {other / unit_bw:.2f} BW ({pct(rel)}, {word})"
    return f"{base:.0f} → {other:.0f} N ({pct(rel)}, {word})"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    ap.add_argument("--dembones", default=os.path.join(SOURCE, "build", "release", "bin", "dembones"))
    ap.add_argument("--out", default=os.path.join(SOURCE, "out", "study"))
    ap.add_argument("--threads", type=int)
    ap.add_argument("--write-docs", action="store_true")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    docs = os.path.join(SOURCE, "docs") if a.write_docs else a.out
    img = os.path.join(docs, "img")
    os.makedirs(img, exist_ok=True)

    df = run_sweep(a.dembones, a.out, a.threads)
    figure_sweep(df, os.path.join(img, "stoop_vs_squat_study.png"))
    ok = df[df["status"] == "ok"]
    failed = df[df["status"] != "ok"]

    # Muscle shares of the three techniques, 15 kg in front of the knees.
    shares, lifts, couplings = {}, {}, {}
    for tech in TECHNIQUES:
        path = os.path.join(a.out, f"lift15_{tech}.h5")
        run([a.dembones, "run", os.path.join(SCEN, "stoop_lift.yaml"), "-o", path, "-q", "--set", f"task.technique={tech}"])
        shares[tech] = group_forces(path)
        lifts[tech] = lift_summary(path)
        couplings[tech] = {"enforce": coupling_summary(path)}
        ignored = os.path.join(a.out, f"lift15_{tech}_couplings_ignore.h5")
        run([a.dembones, "run", os.path.join(SCEN, "stoop_lift.yaml"), "-o", ignored, "-q", "--set",
             f"task.technique={tech}", "--set", "solver.couplings=ignore"])
        couplings[tech]["ignore"] = coupling_summary(ignored)
    figure_groups(shares, os.path.join(img, "stoop_vs_squat_muscles.png"))
    # The squat at Dreischarf et al.'s knee angle (45 deg at the low point), the same box.
    knee45 = os.path.join(a.out, "lift15_squat_knee45.h5")
    run([a.dembones, "run", os.path.join(SCEN, "stoop_lift.yaml"), "-o", knee45, "-q", "--set", "task.technique=squat",
         "--set", "task.low_point_knee_deg=45"])
    lifts["squat_knee45"] = lift_summary(knee45)
    lifts["squat_knee45"]["reserve_frames"] = peaks(knee45)["reserve_frames"]

    # Seed questions: the same task with and without the impairment.
    psoas = "impairments=[{type: tight_muscle, muscles: psoas, length_scale: 0.90}]"
    weak = "impairments=[{type: weak_muscle, muscles: [glutes, abdominals, back_extensors, hip_flexors], strength_scale: 0.5}]"
    weak_core_tag = "impairments=[{type: weak_muscle, muscles: core, strength_scale: 0.5}]"
    l4 = "impairments=[{type: nerve_root, root: L4, activation_cap: 0.3}]"
    l4_share = "impairments=[{type: nerve_root, root: L4, activation_cap: 0.3, multi_root: share}]"
    pairs, pairs_ignore = {}, {}
    ignore = "solver.couplings=ignore"
    for task, scenario in (("standing", "stand.yaml"), ("stoop lift 15 kg", "stoop_lift.yaml"),
                           ("squat lift 15 kg", "squat_lift.yaml"), ("sit-to-stand", "sit_to_stand.yaml")):
        tag = scenario.split(".")[0]
        base = run_pair(a.dembones, a.out, f"{tag}_base", scenario, [])
        base_ignore = run_pair(a.dembones, a.out, f"{tag}_base_ignore", scenario, [ignore])
        for q, imp in (("tight psoas", psoas), ("weak core", weak), ("weak core, `core` tag", weak_core_tag),
                       ("L4 root", l4), ("L4 root, shared", l4_share)):
            name = f"{tag}_{re.sub(r'[^A-Za-z0-9]+', '_', q).strip('_')}"
            pairs[(q, task)] = (base, run_pair(a.dembones, a.out, name, scenario, [imp]))
            # The same pair with every lumbar level balanced by the muscles (the rhythm's constraint off):
            # how much of the answer rests on that modelling choice.
            pairs_ignore[(q, task)] = (base_ignore, run_pair(a.dembones, a.out, name + "_ignore", scenario, [imp, ignore]))

    # Where the box starts: the 15 kg lift from four heights; the squat's deepest knee flexion at each,
    # in front of the knees (the shipped start, 0.40 m) and between the feet (0.15 m), from the lift run alone.
    bh = run_sweep(a.dembones, a.out, a.threads, BOX_HEIGHT_SWEEP)
    depths = {}
    for h in sorted(bh["task.start.height_m"].unique()):
        for pos in (0.40, 0.15):
            path = os.path.join(a.out, f"squat_from_{h:.2f}_at_{pos:.2f}.h5")
            run([a.dembones, "run", os.path.join(SCEN, "stoop_lift.yaml"), "-o", path, "-q", "--set",
                 "task.technique=squat", "--set", f"task.start.height_m={h}", "--set", f"task.start.forward_m={pos}"])
            depths[(pos, round(float(h), 3))] = float(-np.min(dh.Run(path).coordinate("knee_angle"))) * 180.0 / np.pi

    # How much the squat's posture decides: the squat with its trunk weighted less (technique: custom),
    # from the floor and from a table, beside the shipped squat and the stoop.
    squat_variants = {}
    for label, sets in SQUAT_VARIANTS:
        for pos in (0.15, 0.40):
            for h in (0.20, 0.60):
                path = os.path.join(a.out, f"squat_variant_{len(squat_variants)}.h5")
                cmd = [a.dembones, "run", os.path.join(SCEN, "stoop_lift.yaml"), "-o", path, "-q",
                       "--set", f"task.start.height_m={h}", "--set", f"task.start.forward_m={pos}"]
                for s in sets:
                    cmd += ["--set", s]
                run(cmd)
                squat_variants[(label, pos, h)] = (lift_summary(path), peaks(path))

    tight_note = tight_psoas_note(a.out)
    md = os.path.join(docs, "stoop-vs-squat.md")
    # Where each flagged lift's largest reserve acts (the sweep's columns; each run alone for the muscles'
    # passive pull, as `dembones run` reports it).
    causes = {int(r["run"]): reserve_cause(a.dembones, a.out, r) for _, r in ok[flagged(ok)].iterrows()}
    text = report(df, ok, failed, shares, pairs, lifts, couplings, causes, bh, depths, pairs_ignore, tight_note,
                  squat_variants)
    with open(md + ".partial", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(md + ".partial", md)
    print(f"report: {md}")
    return 0


def answer(question: str, runs: Dict[str, Tuple[Dict[str, float], Dict[str, float]]]) -> str:
    """One paragraph per question, worded from the numbers: where the muscles can no longer do the task
    (many more frames needing reserves), a lower joint load is not a benefit and is said so."""
    parts = []
    for task, (base, imp) in runs.items():
        extra = imp["reserve_frames"] - base["reserve_frames"]
        floor = MEANINGFUL_BW * base["bw"]
        spine = change(base["L5_S1_compression"], imp["L5_S1_compression"], floor)
        shear = change(base["L5_S1_ap_shear"], imp["L5_S1_ap_shear"], floor)
        knee = change(base["tibiofemoral_resultant"], imp["tibiofemoral_resultant"], floor)
        pf = change(base["patellofemoral_compression"], imp["patellofemoral_compression"], floor)
        changes = (f"L5/S1 compression {spine[1]} ({pct(spine[0])}), L5/S1 shear {shear[1]} "
                   f"({pct(shear[0])}), tibiofemoral force {knee[1]} ({pct(knee[0])}), patellofemoral force "
                   f"{pf[1]} ({pct(pf[0])})")
        if extra > 0.1 * base["frames"]:
            # The loads are still reported: a rise is made by the muscles that remain (the reserves only
            # stand in for missing force), a fall may be the reserves' share.
            parts.append(f"{task}: the impaired muscles cannot do the task alone ({extra} more of "
                         f"{base['frames']} frames need reserve actuators): {changes}; a lower load there means "
                         "the task as specified is beyond this person, not that it became safer, while a higher "
                         "one is made by the muscles that remain")
            continue
        parts.append(f"{task}: {changes}")
    return f"**What the model says ({question}):** " + "; ".join(parts) + "."


def median_at(ok: pd.DataFrame, tech: str, pos: float, mass: float, key: str) -> float:
    sel = ok[(ok["task.technique"] == tech) & np.isclose(ok["task.start.forward_m"], pos) & np.isclose(ok["task.box.mass_kg"], mass)]
    return float(sel[key].median()) if not sel.empty else float("nan")


def flagged(df: pd.DataFrame) -> pd.Series:
    """Lifts with frames the muscles could not balance alone (reserve actuators) or with the centre of
    pressure off the feet (a motion a person could not make with the feet flat): their peaks are partly
    the reserves' or belong to an impossible motion."""
    return (df["reserve_frames"] > 0) | (df["cop_outside_frames"] > 0)


def cell_flagged(ok: pd.DataFrame, tech: str, pos: float, mass: float) -> bool:
    sel = ok[(ok["task.technique"] == tech) & np.isclose(ok["task.start.forward_m"], pos) & np.isclose(ok["task.box.mass_kg"], mass)]
    return bool(flagged(sel).any())


def flagged_section(ok: pd.DataFrame, causes: Dict[int, str]) -> List[str]:
    """The lifts behind a † in the tables, with what happened in them (causes: run number -> where the
    largest reserve acts, reserve_cause)."""
    bad = ok[flagged(ok)]
    if bad.empty:
        return []
    L = ["## Lifts the muscles could not do alone, or off the feet", "",
         f"{len(bad)} of the {len(ok)} lifts had frames the muscles could not balance without reserve actuators "
         "(the muscles at their limit: in those frames part of the joint moment is the reserves', and the joint "
         "loads are lower than muscles alone would make them) or frames whose centre of pressure left the feet "
         "(a motion a person cannot make with the feet flat; docs/scenarios.md, the balance passes). Per "
         "technique: " + ", ".join(f"{t.replace('_', '-')} {int(flagged(ok[ok['task.technique'] == t]).sum())} of "
                                   f"{int((ok['task.technique'] == t).sum())}" for t in TECHNIQUES) + ".", "",
         "Where the largest reserve acts (the sweep's `reserve_max_coordinate` and `reserve_max_sign`, the same "
         "as `dembones run` names for the lift run alone; the direction it helps): " + "; ".join(f"{what} in {n}" for what, n in pd.Series(
             [c for run, c in causes.items() if c not in ("–", "?")]).value_counts().items())
         + ". \"Against stretched muscles\": it holds off the passive pull of muscles stretched past what the "
         "opposing ones hold (a posture beyond the muscles' length, not a load beyond their strength).", "",
         "| technique | box mass | box start | lift time | height | frames needing reserves | largest reserve | where | frames off the feet |",
         "|---|---|---|---|---|---|---|---|---|"]
    for _, r in bad.sort_values(["task.technique", "task.box.mass_kg", "task.start.forward_m", "task.duration_s",
                                 "subject.height_m"]).iterrows():
        L.append(f"| {r['task.technique'].replace('_', '-')} | {r['task.box.mass_kg']:.0f} kg | "
                 f"{r['task.start.forward_m']:.2f} m | {r['task.duration_s']:.1f} s | {r['subject.height_m']:.2f} m | "
                 f"{int(r['reserve_frames'])} of {int(r['frames'])} | {r['reserve_max_Nm']:.1f} N m | "
                 f"{causes.get(int(r['run']), '?')} | {int(r['cop_outside_frames'])} |")
    return L + [""]


def in_range(x: float, lo: float, hi: float) -> bool:
    return lo <= x <= hi


def vonarx_text(lifts: Dict[str, Dict[str, float]], c_close: Tuple[float, str], c_far: Tuple[float, str]) -> str:
    """von Arx et al. 2021 against the model's 15 kg stoop and squat lifts; every verdict from the numbers."""
    st, sq = lifts["stoop"], lifts["squat"]
    d = {k: st[k] - sq[k] for k in ("L5_S1_compression", "L4_L5_compression", "L5_S1_ap_shear", "L4_L5_ap_shear",
                                    "L1_L2_ap_shear")}

    def comp_word(x: float) -> str:
        if x >= 0:
            return "not lower in the stoop, unlike von Arx et al."
        if in_range(x, -1.0, -0.3):
            return "lower in the stoop, within their range"
        return ("lower in the stoop, as they find, by more than their range" if x < -1.0 else
                "lower in the stoop, as they find, by less than their range")

    l5_ok = in_range(d["L5_S1_ap_shear"], -0.4, -0.2)
    upper_ok = in_range(d["L4_L5_ap_shear"], 0.1, 0.8) and in_range(d["L1_L2_ap_shear"], 0.1, 0.8)
    earlier = st["peak_fraction"] - sq["peak_fraction"]
    rom_st = abs(st["lumbar_rom_deg"] - 35.9) <= 10.1
    rom_sq = abs(sq["lumbar_rom_deg"] - 25.1) <= 8.2
    agree, differ = [], []
    (agree if d["L5_S1_compression"] < 0 and d["L4_L5_compression"] < 0 else differ).append(
        "the direction of the compression difference")
    if d["L5_S1_compression"] < -1.0 or d["L4_L5_compression"] < -1.0:
        differ.append("the size of the compression difference (larger; the likely causes: the generated squat goes "
                      "to the end of the lifter's hip, knee and ankle ranges, and the back muscles' short moment "
                      "arms raise every peak; docs/validation.md, cases vonarx_*)")
    (agree if earlier > 0 else differ).append("the squat's earlier peak")
    (agree if rom_sq else differ).append("the squat's lumbar range of motion (" + ("within" if rom_sq else "outside")
                                         + " one SD)")
    (agree if rom_st else differ).append("the stoop's lumbar range of motion (" + ("within" if rom_st else "outside")
                                         + " one SD)")
    (agree if l5_ok and upper_ok else differ).append(
        "the shear pattern" + ("" if l5_ok and upper_ok else
                               " (like Kingma et al. 2004, who found the L5/S1 shear unaffected by technique, the "
                               "model's shear changes little with technique)"))
    return ("- von Arx et al. 2021 (Front Bioeng Biotechnol 9:769117; the numbers of the preprint's abstract, "
            "arXiv:2109.00431v1; 30 healthy adults, a 15 kg box from the floor, a motion-capture-driven full-body "
            "model with a detailed thoracolumbar spine, static optimization; their per-level values, box position "
            "and methods could not be read here): stoop lifting gave lower compression than squat lifting at every "
            "lumbar level, by 0.3-1.0 BW; higher anterior-posterior shear from T12/L1 to L4/L5 (+0.1 to +0.8 BW) "
            "but lower at L5/S1 (-0.2 to -0.4 BW); the squat's compression peaked about 30 % earlier in the "
            "lifting cycle; the lumbar lordosis range of motion was 35.9 ± 10.1° (stoop) and 25.1 ± 8.2° (squat). "
            "The model's 15 kg lifts (box 0.40 m in front of the ankles, the muscle-share runs above), stoop minus "
            f"squat: L5/S1 compression {d['L5_S1_compression']:+.2f} BW ({comp_word(d['L5_S1_compression'])}), "
            f"L4/L5 {d['L4_L5_compression']:+.2f} BW ({comp_word(d['L4_L5_compression'])}); shear "
            f"{d['L5_S1_ap_shear']:+.2f} BW at L5/S1 ({'within' if l5_ok else 'outside'} their -0.2 to -0.4), "
            f"{d['L4_L5_ap_shear']:+.2f} BW at L4/L5 and {d['L1_L2_ap_shear']:+.2f} BW at L1/L2 "
            f"({'within' if upper_ok else 'not both within'} their +0.1 to +0.8). The L5/S1 compression peaks at "
            f"{st['peak_fraction']:.0%} of the stoop's rise and {sq['peak_fraction']:.0%} of the squat's "
            f"({abs(earlier):.0%} of the movement {'earlier' if earlier > 0 else 'later'} in the squat; von Arx "
            "et al.'s lifting cycle is not defined in the abstract). Lumbar range of motion: "
            f"{st['lumbar_rom_deg']:.0f}° stoop, {sq['lumbar_rom_deg']:.0f}° squat (the summed flexion of the five "
            "levels). "
            + (f"The model agrees on {', '.join(agree)}" if agree else "The model agrees on none of these")
            + (f"; it differs on {'; '.join(differ)}." if differ else ".")
            + f" (At the box positions of the sweep the squat's L5/S1 compression is {pct(c_far[0])} in front of the "
            f"knees and {pct(c_close[0])} between the feet, relative to the stoop.)")


def dreischarf_text(lifts: Dict[str, Dict[str, float]]) -> str:
    """Dreischarf et al. 2016, the in vivo stoop-versus-squat comparison, against the model's 15 kg lifts."""
    st, sq = lifts["stoop"], lifts["squat"]
    ratio = sq["L1_L2_compression"] / st["L1_L2_compression"] - 1.0
    deeper = sq["knee_flexion_deg"] - 45.0
    semi = lifts.get("semi_squat")
    semi_ratio = semi["L1_L2_compression"] / st["L1_L2_compression"] - 1.0 if semi else float("nan")
    return ("- Dreischarf, Rohlmann, Graichen, Bergmann & Schmidt 2016 (J Biomech 49:890-895, abstract read at "
            "https://daneshyari.com/en/article/871760; in vivo: telemeterized vertebral body replacements at L1 in "
            "three patients and L3 in one, 104 stoop and squat lifts; the mass lifted is not in the abstract): the "
            "resultant force on the implant differed by only 4 % between stoop and squat lifting, while the knees "
            "were bent 10° (stoop) and 45° (squat) and the trunk inclined 52° and 39° at the instant of the peak "
            "force. The model's 15 kg lifts: peak L1/L2 compression (the level next to the L1 implants) "
            f"{pct(ratio)} in the squat relative to the stoop; at the peak L5/S1 compression the knees are bent "
            f"{st['knee_flexion_deg']:.0f}° (stoop) and {sq['knee_flexion_deg']:.0f}° (squat), the trunk (the line "
            f"from the hip to the shoulder joint centre) inclined {st['trunk_inclination_deg']:.0f}° and "
            f"{sq['trunk_inclination_deg']:.0f}°. "
            + (f"The model's squat is far deeper than the patients' ({deeper:.0f}° more knee flexion): the squat "
               "generator keeps the lumbar spine and the trunk at their standing angles and leaves the knees free, so "
               "reaching a box 0.20 m above the floor takes the hips, knees and ankles to the end of the lifter's "
               "ranges (docs/validation.md, the lifts table), with the box further in front of the spine than in "
               "the stoop. "
               if deeper > 15.0 else "The model's squat is close to the patients' in knee flexion. ")
            + ("The lifter's semi-squat (knees drawn toward 45°) is nearer the patients' knee angle: "
               f"{semi['knee_flexion_deg']:.0f}° at its peak, its L1/L2 compression {pct(semi_ratio)} relative to the "
               f"stoop, but its trunk inclined {semi['trunk_inclination_deg']:.0f}° (patients' squat: 39°). A lift can "
               "prescribe the patients' posture at its low point (`task.low_point_knee_deg`, "
               "`low_point_trunk_inclination_deg`; docs/scenarios.md): docs/validation.md, \"Sensitivity: the 15 kg "
               "stoop and squat with the postures measured in vivo\", runs these lifts with it. "
               + (lambda k: f"The squat with the patients' knee angle prescribed (`task.low_point_knee_deg: 45`, the same box): "
                  f"its L1/L2 compression {pct(k['L1_L2_compression'] / st['L1_L2_compression'] - 1.0)} relative to the "
                  f"stoop, the trunk inclined {k['trunk_inclination_deg']:.0f}° at the peak"
                  + (f" ({k['reserve_frames']} frames need reserves)" if k["reserve_frames"] else "") + ". ")(lifts["squat_knee45"])
               + "With the box 0.20 m above the floor their knee angle and trunk inclination together cannot reach it "
               "(the engine stops naming the field and the angle reached); on a 0.60 m box they can, and the table "
               "there gives the squat-over-stoop difference at L1/L2 for those postures. Where the box starts "
               "changes the answer at L5/S1 too (\"Where the box starts\", above)."
               if semi else ""))


def hwang_text(lifts: Dict[str, Dict[str, float]]) -> str:
    """Hwang, Kim & Kim 2009 and Hwang et al. 2007 (joint moments in stoop and squat lifts) against the
    model's 15 kg lifts; the verdicts from the numbers."""
    st, sq = lifts["stoop"], lifts["squat"]
    lum = sq["L5_S1_extension_ext_Nm_kg"] / st["L5_S1_extension_ext_Nm_kg"] - 1.0
    support = (sq["hip_flexion_ext_Nm_kg"] > sq["knee_angle_ext_Nm_kg"]
               and sq["ankle_angle_ext_Nm_kg"] > sq["knee_angle_ext_Nm_kg"])
    knee_flex = st["knee_angle_flex_Nm_kg"]

    def word(ok: bool) -> str:
        return "as they found" if ok else "unlike their finding"

    return ("- Hwang, Kim & Kim 2009 (BMC Musculoskelet Disord 10:15, abstract read at "
            "https://bmcmusculoskeletdisord.biomedcentral.com/articles/10.1186/1471-2474-10-15; 26 young men, "
            "5-15 kg boxes, inverse dynamics from motion capture and force plates; their joint angles and moments "
            "per technique are in the paper's results, not readable here): no significant difference in the "
            "maximum lumbar joint moment between the techniques; in squat lifting the hip and ankle made most of "
            "the support moment, in stoop lifting a knee flexion moment played an important role. The model's "
            f"15 kg lifts: peak L5/S1 extension moment {st['L5_S1_extension_ext_Nm_kg']:.2f} (stoop) and "
            f"{sq['L5_S1_extension_ext_Nm_kg']:.2f} N m/kg (squat), {pct(lum)} "
            f"({'no meaningful difference, ' + word(True) if abs(lum) < MEANINGFUL else word(False)}); in the squat "
            f"the peak hip extension ({sq['hip_flexion_ext_Nm_kg']:.2f}) and ankle plantarflexion "
            f"({sq['ankle_angle_ext_Nm_kg']:.2f}) moments against knee extension {sq['knee_angle_ext_Nm_kg']:.2f} "
            f"N m/kg per leg ({word(support)}); in the stoop a peak knee flexion moment of {knee_flex:.2f} N m/kg "
            f"per leg ({word(knee_flex > 0.2)}; they found the hamstrings and gastrocnemius keeping the legs "
            "straight). An earlier report of the same group (Hwang et al. 2007, i-CREATe, "
            "doi:10.1145/1328491.1328518, abstract) found the ankle moment always larger in stoop than in squat "
            "lifting, the maximum hip extension moment larger in the stoop and the maximum lumbar moment larger in "
            f"the squat: the model's ankle moments are {st['ankle_angle_ext_Nm_kg']:.2f} (stoop) and "
            f"{sq['ankle_angle_ext_Nm_kg']:.2f} N m/kg (squat) ({word(st['ankle_angle_ext_Nm_kg'] > sq['ankle_angle_ext_Nm_kg'])}), "
            f"hip {st['hip_flexion_ext_Nm_kg']:.2f} and {sq['hip_flexion_ext_Nm_kg']:.2f} "
            f"({word(st['hip_flexion_ext_Nm_kg'] > sq['hip_flexion_ext_Nm_kg'])}), lumbar "
            f"({word(lum > 0)}).")


def coupling_section(couplings: Dict[str, Dict[str, Dict[str, float]]]) -> List[str]:
    """How much the stoop-versus-squat answer depends on the lumbar rhythm's constraint (the three full
    15 kg lifts, box in front of the knees, with the constraint and with every level balanced by the
    muscles: solver.couplings ignore)."""
    L = ["### How much the lumbar rhythm's constraint decides", "",
         "The generated motions move the five lumbar levels by fixed ratios (Christophy et al. 2012's rhythm; T12/L1 with them at 0.72 of L1/L2, Yao et al. 2020), "
         "and the static optimization balances their moments as a whole; what is left at each level is carried "
         "by the constraint, by no muscle or tissue, so it is in no disc's compression (`/joints/coupling_moment`). "
         "The same three 15 kg lifts (box in front of the knees, 2 s) with `solver.couplings: ignore` make the "
         "muscles balance every level; the muscles then cannot load neighbouring levels as differently as the "
         "rhythm's passive moments ask, and reserve actuators take the rest.", "",
         "| technique | constraint's largest moment | peak L5/S1 compression | same, every level by muscles | "
         "reserves then (frames, largest) |", "|---|---|---|---|---|"]
    for t in TECHNIQUES:
        e, i = couplings[t]["enforce"], couplings[t]["ignore"]
        L.append(f"| {t.replace('_', '-')} | {e['coupling_Nm']:.0f} N m at {e['coupling_level'].replace('_extension', '')} "
                 f"({e['coupling_share']:.0%} of its net moment) | {e['L5_S1_compression']:.0f} N"
                 + (f"† ({e['reserve_frames']} of {e['frames']} frames need reserves)" if e["reserve_frames"] else "")
                 + " | "
                 f"{i['L5_S1_compression']:.0f} N ({pct(change(e['L5_S1_compression'], i['L5_S1_compression'])[0])}) | "
                 f"{i['reserve_frames']} of {i['frames']}, {i['reserve_max_Nm']:.1f} N m |")
    rise = {t: change(couplings[t]["enforce"]["L5_S1_compression"], couplings[t]["ignore"]["L5_S1_compression"])
            for t in TECHNIQUES}
    with_c = change(couplings["stoop"]["enforce"]["L5_S1_compression"], couplings["squat"]["enforce"]["L5_S1_compression"])
    without = change(couplings["stoop"]["ignore"]["L5_S1_compression"], couplings["squat"]["ignore"]["L5_S1_compression"])
    L += ["", f"Squat against stoop, peak L5/S1 compression: {pct(with_c[0])} ({with_c[1]}) with the constraint, "
          f"{pct(without[0])} ({without[1]}) with every level balanced by the muscles"
          + (", where every frame needs reserves, so both peaks are then lower bounds. "
             if all(couplings[t]["ignore"]["reserve_frames"] == couplings[t]["ignore"]["frames"] for t in ("stoop", "squat"))
             else (", where some frames need reserves (lower bounds there). "
                   if any(couplings[t]["ignore"]["reserve_frames"] for t in ("stoop", "squat")) else ". "))
          + (f"The direction of the answer does not depend on it{', its size does' if abs(with_c[0] - without[0]) > MEANINGFUL else ''}: "
             if np.sign(with_c[0]) == np.sign(without[0]) else
             "The direction of the answer depends on it (read the stoop-versus-squat margin as uncertain): ")
          + f"with every level balanced by the muscles the stoop's peak changes by {pct(rise['stoop'][0])}, the "
          f"squat's by {pct(rise['squat'][0])}.", ""]
    return L


def box_height_section(bh: pd.DataFrame, depths: Dict[Tuple[float, float], float]) -> List[str]:
    """Stoop, semi-squat and squat lifts of 15 kg from several start heights: whether the squat's back
    penalty, and its knee cost, depend on where the box starts. Every verdict from the numbers."""
    ok = bh[bh["status"] == "ok"]
    heights = sorted(ok["task.start.height_m"].unique())
    L = ["## Where the box starts: floor or table", "",
         f"The same 15 kg lift from {len(heights)} start heights (the hands, the box's centre: "
         + ", ".join(f"{h:.2f}" for h in heights) + " m above the floor; a 0.30 m box at 0.20 m stands 5 cm up), "
         f"between the feet or in front of the knees, to the same end at 0.95 m "
         f"(`scenarios/sweeps/stoop_vs_squat_box_height.yaml`, {len(bh)} lifts, {len(bh) - len(ok)} not generated). "
         "Peak L5/S1 compression, and the knees' peak loads per side:", "",
         "| box start | start height | stoop | semi-squat | squat | squat vs stoop | tibiofemoral, stoop / squat | "
         "patellofemoral, stoop / squat |",
         "|---|---|---|---|---|---|---|---|"]
    rel = {}

    def cell(sel: pd.DataFrame, tech: str, key: str, fmt: str, unit: str = "") -> Tuple[float, str]:
        r = sel[sel["task.technique"] == tech]
        if r.empty:
            return float("nan"), "–"
        v = float(r[key].iloc[0])
        return v, format(v, fmt) + unit + ("†" if bool(flagged(r).any()) else "")

    for pos, pname in ((0.15, "between the feet"), (0.40, "in front of the knees")):
        for h in heights:
            sel = ok[np.isclose(ok["task.start.forward_m"], pos) & np.isclose(ok["task.start.height_m"], h)]
            c = {t: cell(sel, t, "L5_S1_compression_peak_N", ".0f", " N") for t in TECHNIQUES}
            tf = {t: cell(sel, t, "tibiofemoral_resultant_peak_bw", ".2f") for t in ("stoop", "squat")}
            pf = {t: cell(sel, t, "patellofemoral_compression_peak_bw", ".2f") for t in ("stoop", "squat")}
            r, word = change(c["stoop"][0], c["squat"][0])
            rel[(pos, round(float(h), 3))] = (r, tf["squat"][0], pf["squat"][0])
            L.append(f"| {pname} | {h:.2f} m | {c['stoop'][1]} | {c['semi_squat'][1]} | {c['squat'][1]} | "
                     f"{pct(r)} ({word}) | {tf['stoop'][1]} / {tf['squat'][1]} BW | {pf['stoop'][1]} / {pf['squat'][1]} BW |")
    lo, hi = round(float(heights[0]), 3), round(float(heights[-1]), 3)
    below = [h for h in heights if all(abs(rel[(pos, round(float(h), 3))][0]) < MEANINGFUL for pos in (0.15, 0.40))]
    L += ["", "†: the lift needed reserve actuators in some frames or left the feet (muscles at their limit).", "",
          f"Squatting's back penalty shrinks as the box rises: squat against stoop at L5/S1 is "
          f"{pct(rel[(0.40, lo)][0])} from {lo:.2f} m and {pct(rel[(0.40, hi)][0])} from {hi:.2f} m with the box in "
          f"front of the knees, {pct(rel[(0.15, lo)][0])} and {pct(rel[(0.15, hi)][0])} between the feet"
          + (f"; from {below[0]:.2f} m the difference is below {MEANINGFUL:.0%} at both positions, no meaningful "
             "difference." if below else ".")
          + " So the answer \"squatting loads the back more\" above is an answer for a box near the floor. With the "
          "box in front of the knees the knee cost does not shrink as much: there the generated squat goes as deep "
          "as the lifter's ranges allow whatever the box height (its instruction, \"bend the knees, keep the trunk "
          "upright\", taken literally; deepest knee flexion "
          + ", ".join(f"{depths[(0.40, round(float(h), 3))]:.0f}°" for h in heights) + " from "
          + ", ".join(f"{h:.2f}" for h in heights) + " m), so its patellofemoral force stays "
          f"{rel[(0.40, hi)][2]:.1f} BW from {hi:.2f} m. Between the feet the squat goes to "
          + ", ".join(f"{depths[(0.15, round(float(h), 3))]:.0f}°" for h in heights)
          + f" from the same heights, and its patellofemoral force falls to {rel[(0.15, hi)][2]:.1f} BW from "
          f"{hi:.2f} m. A person squatting to a table bends the knees less; the "
          "semi-squat (knees drawn toward 45°) is the model's shallower squat. How much of this rests on the squat's "
          "posture weights: the next section.", ""]
    return L


def squat_posture_section(v: Dict[Tuple[str, float, float], Tuple[Dict[str, float], Dict[str, float]]],
                          bh: pd.DataFrame) -> List[str]:
    """The squat's posture weights against where the box starts: how deep the generated squat goes, and
    how the squat-against-stoop answer at L5/S1 and the knees' cost follow (the stoop from the box-height
    sweep, whose squat the shipped squat here must repeat). Every verdict from the numbers."""
    ok = bh[bh["status"] == "ok"]

    def swept(tech: str, pos: float, h: float) -> float:
        sel = ok[(ok["task.technique"] == tech) & np.isclose(ok["task.start.forward_m"], pos)
                 & np.isclose(ok["task.start.height_m"], h)]
        return float(sel["L5_S1_compression_peak_N"].iloc[0]) if len(sel) else float("nan")

    L = ["### How much the squat's posture decides", "",
         "The generated squat follows its instruction through posture weights (per rad: the lumbar spine 4, "
         "the trunk's inclination from upright standing 3, the knee 0.1), modelling choices rather than "
         "measurements. The same 15 kg lift with the trunk's weight lowered to 1 and 0.3, the others as shipped "
         "(`technique: custom` with `weights`, docs/scenarios.md), from the floor and from a table, "
         "against the stoop from the same box (the table above). Knee flexion and trunk inclination (the "
         "hip-to-shoulder line forward of vertical) at the peak L5/S1 compression:", "",
         "| squat posture weights | box start | start height | knee flexion | trunk inclination | peak L5/S1 "
         "compression | squat vs stoop | patellofemoral (BW) |",
         "|---|---|---|---|---|---|---|---|"]
    rel = {}
    for label, _ in SQUAT_VARIANTS:
        for pos, pname in ((0.15, "between the feet"), (0.40, "in front of the knees")):
            for h in (0.20, 0.60):
                lift, pk = v[(label, pos, h)]
                if label == SQUAT_VARIANTS[0][0] and not np.isclose(pk["L5_S1_compression"], swept("squat", pos, h), atol=1.0):
                    raise RuntimeError(f"the squat from {h} m, {pos} m forward, run alone ({pk['L5_S1_compression']:.1f} N) "
                                       f"is not the box-height sweep's ({swept('squat', pos, h):.1f} N)")
                r, word = change(swept("stoop", pos, h), pk["L5_S1_compression"])
                rel[(label, pos, h)] = (r, lift["knee_flexion_deg"], pk["patellofemoral_compression"] / pk["bw"])
                dag = "†" if pk["reserve_frames"] > 0 else ""
                L.append(f"| {label} | {pname} | {h:.2f} m | {lift['knee_flexion_deg']:.0f}° | "
                         f"{lift['trunk_inclination_deg']:.0f}° | {pk['L5_S1_compression']:.0f} N{dag} | {pct(r)} ({word}) | "
                         f"{pk['patellofemoral_compression'] / pk['bw']:.2f}{dag} |")
    shipped = SQUAT_VARIANTS[0][0]

    def span(x: List[float]) -> str:
        lo, hi = f"{pct(min(x))}", f"{pct(max(x))}"
        return lo if lo == hi else f"{lo} to {hi}"

    knees = {label: [rel[(label, pos, h)][1] for pos in (0.15, 0.40) for h in (0.20, 0.60)] for label, _ in SQUAT_VARIANTS}
    floor = {label: [rel[(label, pos, 0.20)][0] for pos in (0.15, 0.40)] for label, _ in SQUAT_VARIANTS}
    table = {label: [rel[(label, pos, 0.60)][0] for pos in (0.15, 0.40)] for label, _ in SQUAT_VARIANTS}
    same_sign = all(np.sign(x) == np.sign(floor[shipped][i]) or abs(x) < MEANINGFUL
                    for label in floor for i, x in enumerate(floor[label]))
    L += ["", "†: the lift needed reserve actuators in some frames.", "",
          "Over these three readings of the instruction the squat's knee flexion at the L5/S1 peak spans "
          + "; ".join(f"{min(k):.0f}-{max(k):.0f}° ({label})" for label, k in knees.items())
          + ". From the floor, squat against stoop at L5/S1 is "
          + "; ".join(f"{span(f)} ({label})" for label, f in floor.items())
          + (": the direction does not depend on the weights, the size does" if same_sign else
             ": even the direction depends on the weights")
          + ". From the table: " + "; ".join(span(t) for t in table.values())
          + " in the same order. A squat with its trunk weighted less bends the knees less where the box allows it; "
          "the knees' patellofemoral cost follows the depth. None of the three is fitted to measured lifting "
          "postures: a study that knows its subjects' postures prescribes them (`task.low_point_knee_deg`, "
          "`low_point_trunk_inclination_deg`) or gives them as a motion file.", ""]
    return L


def psoas_stretch(path: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: the psoas fascicles' mean fibre length in optimal lengths, the hip flexion and the
    summed lumbar flexion (deg) of a run file."""
    with h5py.File(path, "r") as f:
        names = list(f["muscles/names"].asstr()[()])
        idx = [i for i, n in enumerate(names) if n.startswith("Ps_")]
        fl = np.asarray(f["muscles/fiber_length"][()], dtype=float)[:, idx]
        lopt = np.asarray(f["model/muscles/optimal_fiber_length"][()], dtype=float)[idx]
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)
        hip = np.degrees(q[:, coords.index("hip_flexion")])
        lumbar = -np.degrees(q[:, [coords.index(c) for c in LUMBAR]].sum(axis=1))
    return (fl / lopt).mean(axis=1), hip, lumbar


def tight_psoas_note(out: str) -> str:
    """How severe the seed's tightness is, from the runs: the tight fascicles' stretch in standing against
    the intact ones', and the least hip flexion of the stoop at which they are back at the intact
    standing stretch."""
    intact, _, _ = psoas_stretch(os.path.join(out, "stand_base.h5"))
    tight, _, _ = psoas_stretch(os.path.join(out, "stand_tight_psoas.h5"))
    stoop, hip, lumbar = psoas_stretch(os.path.join(out, "stoop_lift_tight_psoas.h5"))
    back = stoop <= intact.mean()
    text = (f"How tight that is: standing, the shortened psoas fascicles are stretched to {tight.mean():.2f} optimal "
            f"lengths on average against the intact ones' {intact.mean():.2f}")
    if back.any():
        k = int(np.argmin(np.where(back, hip, np.inf)))
        text += (f"; they are back at the intact standing stretch only with the hip flexed {hip[k]:.0f}° (and the "
                 f"lumbar spine {lumbar[k]:.0f}°, in the stoop lift)")
    return text + (". Read the answer above as that of a marked tightness; a `length_scale` nearer 1 models a "
                   "milder one.")


def seed_constraint_section(pairs, pairs_ignore) -> List[str]:
    """The seed questions' L5/S1 answers with and without the lumbar rhythm's constraint (solver.couplings
    enforce / ignore): where the direction or the size of an answer rests on that modelling choice."""
    L = ["### The seed questions and the lumbar rhythm's constraint", "",
         "Each seed question's L5/S1 compression and shear again with every lumbar level balanced by the muscles "
         "(`solver.couplings: ignore`, \"How much the lumbar rhythm's constraint decides\" above), where reserve "
         "actuators take what the muscles cannot load level by level. An answer whose direction differs between the "
         "two columns rests on the constraint, not on the impairment.", "",
         "| question | task | L5/S1 compression, constraint | same, every level by muscles | L5/S1 shear, constraint | "
         "same, every level by muscles |", "|---|---|---|---|---|---|"]
    flips = []
    for (q, task), (base, imp) in pairs.items():
        b2, i2 = pairs_ignore[(q, task)]
        cells = []
        for key in ("L5_S1_compression", "L5_S1_ap_shear"):
            floor = MEANINGFUL_BW * base["bw"]
            with_c, without = change(base[key], imp[key], floor), change(b2[key], i2[key], floor)
            cells += [f"{base[key]:.0f} → {imp[key]:.0f} N ({pct(with_c[0])}, {with_c[1]})",
                      f"{b2[key]:.0f} → {i2[key]:.0f} N ({pct(without[0])}, {without[1]})"]
            if with_c[1] != without[1]:
                flips.append(f"{q}, {task}, {'compression' if key.endswith('compression') else 'shear'}")
        L.append(f"| {q} | {task} | " + " | ".join(cells) + " |")
    L += ["", ("The verdict differs with the constraint off for: " + "; ".join(flips) + ". Read those answers as "
               "depending on how the lumbar levels share a moment, which the model fixes by a published rhythm "
               "(docs/models.md) rather than predicts." if flips else
               "Every verdict is the same with the constraint off."), ""]
    return L


def report(df, ok, failed, shares, pairs, lifts, couplings, causes, bh, depths, pairs_ignore, tight_note,
           squat_variants) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = ["# Stoop or squat? What the model says",
         "",
         f"Generated by `scripts/study.py --write-docs` on {now} from {len(df)} lifts of the sweep "
         "`scenarios/sweeps/stoop_vs_squat_study.yaml` (technique stoop / semi-squat / squat × box mass 0–25 kg × "
         "box start 0.15 m (between the feet) or 0.40 m (in front of the knees) in front of the ankles × lift "
         "time 1.2 s or 2.5 s × body height 1.60 m or 1.90 m, 75 kg), the box-height sweep "
         f"`scenarios/sweeps/stoop_vs_squat_box_height.yaml` ({len(bh)} lifts), three full 15 kg lifts and the "
         "seed-question pairs below. Every number and every comparison word in this page is computed by that script.",
         "",
         f"{len(ok)} lifts solved; {len(failed)} could not be generated (the hands could not reach the box within "
         "the joint ranges and balance; listed at the end).",
         "",
         f"{int(flagged(ok).sum())} of the {len(ok)} solved lifts had frames the muscles could not balance alone "
         "(reserve actuators) or frames with the centre of pressure off the feet ("
         + ", ".join(f"{int(flagged(ok[sel]).sum())} of the {int(sel.sum())} {what}" for what, sel in (
             ("lifts of 20-25 kg", ok["task.box.mass_kg"] >= 20), ("lifts of 0-15 kg", ok["task.box.mass_kg"] < 20),
             ("1.2 s lifts", np.isclose(ok["task.duration_s"], 1.2)), ("2.5 s lifts", np.isclose(ok["task.duration_s"], 2.5))))
         + "): the tables mark with † a median with such a lift among the four behind it, and \"Lifts the muscles "
         "could not do alone, or off the feet\" lists them.",
         "",
         "**Read the knee numbers with care:** in deep-flexion tasks the model's knee forces are well above the "
         "in vivo values (sit-to-stand and knee bend against the knee-implant patients of Kutzner 2010; the "
         "ratios and their causes are in docs/validation.md). Two causes are known: the implant patients rise "
         "with a smaller knee moment than a healthy adult, and in deep flexion the model's quadriceps lever "
         "(Rajagopal et al. 2016's geometry) is about a quarter shorter than one cadaver excursion study "
         "(though close to the lever-arm regression patellofemoral-stress studies use; docs/models.md), so its "
         "quadriceps force, and with it the patellofemoral force of a squat, may be too high there. Both act in deep flexion, that is "
         "mostly in the squat, so a squat-against-stoop difference at the knee is an upper estimate too: trust "
         "its direction more than its size. The back extensors' moment arms are also shorter than the "
         "MRI values (docs/validation.md), which puts them near full activation in 15-25 kg lifts.",
         "",
         "![stoop, semi-squat and squat](img/stoop_vs_squat_study.png)",
         ""]
    # Back: stoop versus squat at each position.
    L += ["## The back: L5/S1 and L4/L5", "",
          "| box start | box mass | quantity | stoop | semi-squat | squat | squat vs stoop |",
          "|---|---|---|---|---|---|---|"]
    verdicts = {}
    for pos, pname in ((0.15, "between the feet"), (0.40, "in front of the knees")):
        for mass in (5.0, 15.0, 25.0):
            for key, name in (("L5_S1_compression_peak_N", "L5/S1 compression"), ("L5_S1_ap_shear_peak_N", "L5/S1 shear"),
                              ("L4_L5_compression_peak_N", "L4/L5 compression")):
                v = {t: median_at(ok, t, pos, mass, key) for t in TECHNIQUES}
                m = {t: "†" if cell_flagged(ok, t, pos, mass) else "" for t in TECHNIQUES}
                rel, word = change(v["stoop"], v["squat"])
                verdicts[(pos, mass, key)] = (rel, word)
                L.append(f"| {pname} | {mass:.0f} kg | {name} | {v['stoop']:.0f} N{m['stoop']} | "
                         f"{v['semi_squat']:.0f} N{m['semi_squat']} | {v['squat']:.0f} N{m['squat']} | {pct(rel)} ({word}) |")
    L += ["", "Medians over lift speed and body height. †: one or more of the four lifts needed reserve actuators "
          "or left the feet (listed below).", ""]
    c_close = verdicts[(0.15, 15.0, "L5_S1_compression_peak_N")]
    c_far = verdicts[(0.40, 15.0, "L5_S1_compression_peak_N")]
    s_far = verdicts[(0.40, 15.0, "L5_S1_ap_shear_peak_N")]
    L += [f"With a 15 kg box between the feet, squatting gives L5/S1 compression {pct(c_close[0])} "
          f"({c_close[1]}) relative to stooping; with the box in front of the knees {pct(c_far[0])} ({c_far[1]}), "
          f"and L5/S1 shear {pct(s_far[0])} ({s_far[1]}). These lifts start near the floor (the hands 0.20 m up); "
          "from a higher box the difference shrinks (\"Where the box starts\", below).", ""]
    # The same comparison on matched pairs only: a squat and a stoop of the same speed and body height,
    # neither needing reserves nor leaving the feet (dropping the flagged lifts alone would compare slow
    # squats with fast and slow stoops).
    robust = []
    for pos, pname in ((0.15, "between the feet"), (0.40, "in front of the knees")):
        at = ok[np.isclose(ok["task.start.forward_m"], pos) & np.isclose(ok["task.box.mass_kg"], 15.0)]
        ratios = []
        for (dur, height), g in at.groupby(["task.duration_s", "subject.height_m"]):
            st, sq = g[g["task.technique"] == "stoop"], g[g["task.technique"] == "squat"]
            if len(st) == 1 and len(sq) == 1 and not flagged(g[g["task.technique"].isin(["stoop", "squat"])]).any():
                ratios.append(sq["L5_S1_compression_peak_N"].iloc[0] / st["L5_S1_compression_peak_N"].iloc[0] - 1.0)
        if not ratios:
            robust.append(f"{pname}: no such pair")
            continue
        rel = float(np.median(ratios))
        robust.append(f"{pname} {pct(rel)} (median of {len(ratios)} of the 4 pairs, range {pct(min(ratios))} to "
                      f"{pct(max(ratios))})" if len(ratios) > 1 else f"{pname} {pct(rel)} (1 of the 4 pairs)")
    L += ["Only the squat and stoop lifts of the same speed and body height that both ran without reserves and on "
          "the feet, squat against stoop at 15 kg, peak L5/S1 compression: " + "; ".join(robust) + ".", ""]
    # Speed and size.
    fast = ok[np.isclose(ok["task.duration_s"], 1.2)]["L5_S1_compression_peak_N"].median()
    slow = ok[np.isclose(ok["task.duration_s"], 2.5)]["L5_S1_compression_peak_N"].median()
    tall = ok[np.isclose(ok["subject.height_m"], 1.9)]["L5_S1_compression_peak_N"].median()
    short = ok[np.isclose(ok["subject.height_m"], 1.6)]["L5_S1_compression_peak_N"].median()
    L += [f"Lift speed matters as much as technique: over all lifts the median peak L5/S1 compression is "
          f"{fast:.0f} N for 1.2 s lifts against {slow:.0f} N for 2.5 s lifts ({pct(change(slow, fast)[0])}). "
          f"Body height (same mass): {short:.0f} N at 1.60 m, {tall:.0f} N at 1.90 m; this mixes stature with "
          "build and box placement (the same 75 kg makes the taller subject leaner, and the box, placed in metres, "
          "lower relative to the body: docs/models.md, \"What scaling leaves out\").", ""]
    L += coupling_section(couplings)
    L += box_height_section(bh, depths)
    L += squat_posture_section(squat_variants, bh)
    # Knees.
    L += ["## The knees and hips", "", "| box start | box mass | quantity | stoop | semi-squat | squat | squat vs stoop |",
          "|---|---|---|---|---|---|---|"]
    for pos, pname in ((0.15, "between the feet"), (0.40, "in front of the knees")):
        for key, name in (("tibiofemoral_resultant_peak_bw", "tibiofemoral (BW)"), ("patellofemoral_compression_peak_bw", "patellofemoral (BW)"),
                          ("hip_resultant_peak_bw", "hip contact (BW)")):
            v = {t: median_at(ok, t, pos, 15.0, key) for t in TECHNIQUES}
            m = {t: "†" if cell_flagged(ok, t, pos, 15.0) else "" for t in TECHNIQUES}
            rel, word = change(v["stoop"], v["squat"])
            # A percentage of a near-zero stoop value (the stoop's straight knees barely load the patella) says
            # nothing; the difference in body weights does.
            verdict = (f"{pct(rel)} ({word})" if v["stoop"] >= 0.5 else
                       f"{v['squat'] - v['stoop']:+.2f} BW (the stoop's is near zero)")
            L.append(f"| {pname} | 15 kg | {name} | {v['stoop']:.2f}{m['stoop']} | {v['semi_squat']:.2f}{m['semi_squat']} | "
                     f"{v['squat']:.2f}{m['squat']} | {verdict} |")
    L += ["", "How far to trust these (docs/validation.md): the model's knee and hip contact forces in a sit-to-stand "
          "and a knee bend are well above the in vivo values of instrumented implants (Kutzner 2010, Bergmann "
          "2001; the ratios, case by case, are there), so read the absolute knee and hip values as upper estimates. The known causes (the short "
          "quadriceps lever and the hamstrings' co-contraction in deep flexion, joints at the end of their ranges) "
          "act in deep flexion, that is in the squat, so the squat-against-stoop differences at the knee and hip "
          "are upper estimates too: their direction is the answer, their size is not. The squat's patellofemoral force comes from a low point at the end of the model's knee, hip and "
          "ankle ranges (`dembones run` names them), where the quadriceps at full activation balance the "
          "hamstrings' co-contraction; the semi-squat's, with the knees near 45 deg, is a sixth of it. Per side "
          "(one knee, one hip); the model's tibiofemoral shear, not tabled, is large beside its compression in "
          "deep flexion and untested against any measurement.",
          "", "## Which muscles carry the load", "", "![muscle groups](img/stoop_vs_squat_muscles.png)", "",
          "| group | " + " | ".join(t.replace("_", "-") for t in TECHNIQUES) + " |",
          "|---|" + "---|" * len(TECHNIQUES)]
    for g in GROUPS:
        L.append(f"| {g.replace('_', ' ')} | " + " | ".join(f"{shares[t][g]:.0f} N" for t in TECHNIQUES) + " |")
    # Literature.
    close_lower = c_close[0] < -MEANINGFUL
    far_higher = c_far[0] > MEANINGFUL
    L += ["", "## Against the literature", "",
          "- van Dieën, Hoozemans & Toussaint 1999 (review): compression is equal or somewhat higher in squat lifts, "
          "and squat lifts give lower moments only when the load can be lifted from between the feet. "
          + ("The model agrees that squatting with the box in front of the knees does not spare the back "
             f"({pct(c_far[0])})." if far_higher else
             f"The model finds {pct(c_far[0])} with the box in front of the knees, which "
             + ("agrees." if abs(c_far[0]) < MEANINGFUL else "does not match the review's direction."))
          + (" With the box between the feet the model finds squatting lower " if close_lower else
             " With the box between the feet the model does not find squatting lower ")
          + f"({pct(c_close[0])}): "
          + ("this agrees with the review's exception." if close_lower else
             "this disagrees with the review's exception. In the model's squat the trunk still leans forward "
             "(the generator keeps the centre of mass over the middle half of the feet, and the squat reaches "
             "the box at the end of the lifter's hip, knee and ankle ranges: docs/validation.md, the 20 kg lifts "
             "and where the box starts), so the trunk's own weight keeps its lever arm; with the box near the "
             "ankles the stoop's lever arm is short too."),
          "- Kingma, Bosch, Bruins & van Dieën 2004 (Ergonomics 47:1365-1385, abstract; 10 subjects, a 10.5 kg box "
          "lifted from 0.05 m): with the feet behind the box, squat lifting gave 17.0 % (SD 13.2 %) higher L5/S1 "
          "compression than stoop lifting, largely from the load's larger horizontal distance to L5/S1; with the "
          "feet beside the box 7.4 % (SD 16.0 %, not significant). "
          + f"The model's squat against stoop at 15 kg is {pct(c_far[0])} with the box in front of the knees "
          + ("(within one SD of their 17.0 %)" if abs(c_far[0] - 0.170) <= 0.132 else
             ("(above their 17.0 % by more than one SD)" if c_far[0] > 0.170 else
              "(below their 17.0 % by more than one SD)"))
          + f" and {pct(c_close[0])} between the feet "
          + ("(within one SD of their 7.4 %)." if abs(c_close[0] - 0.074) <= 0.160 else
             ("(above their 7.4 % by more than one SD)." if c_close[0] > 0.074 else
              "(below their 7.4 % by more than one SD)."))
          + " The validation report compares the model with them at their own task (10.5 kg from 0.05 m, feet "
          "behind and beside the box; docs/validation.md, cases kingma_*).",
          vonarx_text(lifts, c_close, c_far),
          dreischarf_text(lifts),
          hwang_text(lifts),
          "- Wilke et al. 1999 (one subject, disc pressure): 2.3 MPa for a round-back 20 kg lift against 1.7 MPa "
          "with bent knees. The model's 20 kg comparison is in docs/validation.md (round_back_vs_bent_knees): "
          "it does not reproduce the lower bent-knee value with the box in front of the knees.",
          "- Shear: the review reports lower shear and bending moments in squat lifts. "
          + (f"The model agrees: at 15 kg its squat L5/S1 shear is {pct(verdicts[(0.15, 15.0, 'L5_S1_ap_shear_peak_N')][0])} "
             f"(box between the feet) and {pct(s_far[0])} (in front of the knees) relative to the stoop, even where its "
             "compression is higher."
             if s_far[0] < -MEANINGFUL and verdicts[(0.15, 15.0, 'L5_S1_ap_shear_peak_N')][0] < -MEANINGFUL else
             f"The model gives {pct(verdicts[(0.15, 15.0, 'L5_S1_ap_shear_peak_N')][0])} (box between the feet) and "
             f"{pct(s_far[0])} (in front of the knees) for squat against stoop at 15 kg.")
          + " The shear comparison rests on the legs' passive curve: with their source models' own (Millard 2012's "
          "on Rajagopal's legs, `scripts/models/make_lifter.py --passive-curves=source`) the hamstrings' passive "
          "pull raises the straight-knee stoop's shear and the between-the-feet comparison turns to the review's "
          "direction, with hip reserves in some of those stoops (docs/models.md, \"Passive force-length curves\").",
          "", "## The seed questions", "",
          "Each question is one task run twice, without and with the impairment; where an answer's direction changes "
          "when every lumbar level is balanced by the muscles (the lumbar rhythm's constraint off), the last table "
          "of this section says so, and a lower load in a run that needs reserve actuators is a lower bound. "
          f"A change smaller than "
          f"{MEANINGFUL:.0%}, or smaller than {MEANINGFUL_BW:.0%} of body weight (a near-zero force changing by a "
          "tenth of itself), is reported as no meaningful change. The tasks are the shipped scenarios "
          "(`scenarios/stand.yaml`, `stoop_lift.yaml`, `squat_lift.yaml`, `sit_to_stand.yaml`); the sit-to-stand "
          "is the shipped 1.5 s rise, faster than the validation's (1.91 s, docs/validation.md), so its knee and "
          "hip peaks are higher than those validated.", ""]
    for q, desc in (("tight psoas", "psoas fascicles 10 % shorter (optimal fibre and tendon slack length × 0.90)"),
                    ("weak core", "glutes, abdominals, back extensors and hip flexors at 50 % strength, a broad "
                                  "reading of \"core\"; `weak_muscle` halves their passive tension too (an atrophied "
                                  "muscle, docs/scenarios.md), which in standing is much of what the back extensors "
                                  "balance"),
                    ("weak core, `core` tag", "the model's `core` group alone at 50 % strength: rectus abdominis, "
                                              "obliques, quadratus lumborum and multifidus, the narrow reading"),
                    ("L4 root", "every muscle innervated by L4 capped at 30 % activation, the worst case: in the back the L4 "
                                "fascicles of the iliocostalis, longissimus and multifidus and the quadratus lumborum "
                                "(T12-L4), and in the legs the quadriceps, gluteus medius, adductor magnus and tibialis "
                                "anterior"),
                    ("L4 root, shared", "the same root, `multi_root: share`: a muscle innervated by n roots loses only "
                     "L4's equal share, cap 1 − 0.7/n (the vasti, L2–L4, at 0.77; the L4 multifidus fascicles, "
                     "L4 alone, at 0.3)")):
        L += [f"### {q} ({desc})", "", "| task | " + " | ".join(n for _, n in LOADS) + " | frames needing reserves |",
              "|---|" + "---|" * (len(LOADS) + 1)]
        for (qq, task), (base, imp) in pairs.items():
            if qq != q:
                continue
            cells = []
            for key, _ in LOADS:
                if key in base and key in imp:
                    bw = base["bw"] if key in ("tibiofemoral_resultant", "patellofemoral_compression", "hip_resultant") else None
                    cells.append(fmt_change(base[key], imp[key], bw))
                else:
                    cells.append("–")
            L.append(f"| {task} | " + " | ".join(cells) + f" | {base['reserve_frames']} → {imp['reserve_frames']} of {base['frames']} |")
        L.append("")
        L += [answer(q, {task: v for (qq, task), v in pairs.items() if qq == q}), ""]
        if q == "tight psoas":
            L += [tight_note, ""]
    L += seed_constraint_section(pairs, pairs_ignore)
    L += ["Frames needing reserves are frames the muscles could not balance alone (docs/hdf5-layout.md); a rise "
          "means the impaired muscles are at their limit and the answer for those frames is partly the reserve "
          "actuators', not the muscles'.", ""]
    L += flagged_section(ok, causes)
    if len(failed):
        L += ["## Lifts the generator could not produce", "",
              "| technique | box mass | box start | lift time | height | error |", "|---|---|---|---|---|---|"]
        for _, r in failed.iterrows():
            L.append(f"| {r['task.technique']} | {r['task.box.mass_kg']:.0f} kg | {r['task.start.forward_m']:.2f} m | "
                     f"{r['task.duration_s']:.1f} s | {r['subject.height_m']:.2f} m | {r['error']} |")
        L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print(f"study.py: {e}", file=sys.stderr)
        sys.exit(2)
