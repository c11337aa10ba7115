#!/usr/bin/python3
"""Runs the validation cases of tests/validation/cases.yaml and compares each prediction with its
published in vivo measurement.

    scripts/validate.py [--dembones build/release/bin/dembones] [--out DIR] [--write-docs]

Each case's scenario (tests/validation/scenarios/) is run with `dembones run`; the prediction is read
from the HDF5 file with h5py (a load in body weights, the ratio of two cases' loads or moments, the
difference of two cases' loads in body weights, a moment arm, or a joint angle's range). A case with
status `validated` passes when the prediction lies within its tolerance of the measurement; a
`known_gap` case is expected to miss (its cause is reported) and is flagged when it starts to pass.
A case with `reference_verified: false` has a reference value that could not be checked against a
readable source; the report says so next to it.

--write-docs writes docs/validation.md and docs/img/validation.png (otherwise they go to --out).
Exit code 0 when every case behaves as its status says, 1 otherwise, 2 on a usage or run error.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CASES = os.path.join(SOURCE, "tests", "validation", "cases.yaml")
SCENARIOS = os.path.join(SOURCE, "tests", "validation", "scenarios")
GRAVITY = 9.81
HOLD_WINDOW_S = 0.3


def run_scenario(dembones: str, scenario: str, out_dir: str, cache: Dict[str, str],
                 overrides: Optional[List[str]] = None, name: Optional[str] = None) -> str:
    """Runs a scenario once (cached by file name and overrides) and returns the HDF5 path; `overrides`
    are `dembones run --set` fields, `name` the output file's stem (default: the scenario's)."""
    key = scenario + "".join(" --set " + o for o in overrides or [])
    if key in cache:
        return cache[key]
    out = os.path.join(out_dir, (name or os.path.splitext(scenario)[0]) + ".h5")
    cmd = [dembones, "run", os.path.join(SCENARIOS, scenario), "-o", out, "-q"]
    for o in overrides or []:
        cmd += ["--set", o]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    cache[key] = out
    return out


def moment_arm_cm(path: str, spec: dict) -> float:
    """Maximum-force-weighted mean moment arm (cm) of a muscle group about a coordinate, first frame,
    over the group's muscles that cross it; sign: +1 keeps the coordinate's own sign."""
    with h5py.File(path, "r") as f:
        names = list(f["muscles/names"].asstr()[()])
        groups = [[g.strip() for g in s.split(",")] for s in f["muscles/groups"].asstr()[()]]
        coords = list(f["coordinates/names"].asstr()[()])
        r = np.asarray(f["muscles/moment_arm"][0], dtype=float)[:, coords.index(spec["coordinate"])]
        f0 = np.asarray(f["model/muscles/max_isometric_force"][()], dtype=float)
    chosen = (lambda i: names[i] in spec["muscles"]) if "muscles" in spec else (lambda i: spec["group"] in groups[i])
    idx = [i for i in range(len(names)) if chosen(i) and abs(r[i]) > 1e-4]
    if not idx:
        raise RuntimeError(f"no muscle of {spec.get('muscles', spec.get('group'))} crosses {spec['coordinate']}")
    return 100.0 * float(spec.get("sign", 1)) * float(np.sum(r[idx] * f0[idx]) / np.sum(f0[idx]))


# Groups the knee's contact force is broken into (model muscle groups, /muscles/groups).
KNEE_GROUPS = (("quadriceps", "quadriceps"), ("hamstrings", "hamstrings"), ("gastrocnemius", "triceps_surae"))
JOINT_COORDINATE = {"tibiofemoral": "knee_angle", "hip": "hip_flexion", "L4_L5": "L4_L5_extension"}
STATIC_COORDINATE = {"L5_S1": "L5_S1_extension"}  # sites whose held postures get static_breakdown
UPPER_BODY = {"tibiofemoral": "femur", "hip": "pelvis"}  # first body above the joint in the run's tree


def _upper_bodies(f, first: str) -> set:
    """Names of the bodies whose chain to the ground passes through `first` (the part of the model the
    joint carries)."""
    names = list(f["bodies/names"].asstr()[()])
    parent = [int(p) for p in f["bodies/parent"][()]]
    out = set()
    for i in range(len(names)):
        j = i
        while j >= 0:
            if names[j] == first:
                out.add(names[i])
                break
            j = parent[j]
    return out


# A coordinate this close to an end of its range is reported as at its limit.
RANGE_LIMIT_TOLERANCE_RAD = np.radians(0.5)


def joint_ranges_rad(f) -> Dict[str, List[float]]:
    """Each coordinate's range [lower, upper] (rad) from the model stored in a result file."""
    model = yaml.safe_load(f.attrs["model_yaml"])
    return {j["coordinate"]["name"]: j["coordinate"]["range_rad"] for j in model.get("joints", [])
            if isinstance(j.get("coordinate"), dict) and "range_rad" in j["coordinate"]}


def at_range_limit(value: float, rng: List[float]) -> bool:
    return min(abs(value - rng[0]), abs(value - rng[1])) < RANGE_LIMIT_TOLERANCE_RAD


def contact_breakdown(path: str, site: str) -> Optional[dict]:
    """What makes up a knee or hip contact force at its peak frame (needs `output.store: full`).

    Moments: the joint's net moment per leg from inverse dynamics, and the muscles' moments about the
    joint coordinate (force x moment arm, per side), split into those acting with the net moment and
    those against it, with their passive parts.
    Knee forces (tibiofemoral only): the joint carries everything above it, so its reaction on the femur
    is the muscle forces crossing it plus the weight and inertia of the body above; each knee-crossing
    muscle pulls the part above along the path segment that crosses the joint (read from
    /muscles/path_points, the bodies from the model stored in the file). Each part is projected on the
    resultant, so the parts add up to it; "external and inertial" is the rest (weight and inertia of
    the body above, per leg).
    Patella: the quadriceps run over points that move with the femur as the knee flexes (Rajagopal et
    al. 2016's patella kinematics), so the whole quadriceps tension reaches the tibia along the patellar
    tendon. For a massless patella the tendon force F_P is fixed by the work balance F_P r_PT = F_Q r_Q
    (r_Q: the quadriceps' moment arm, -dl/dq, r_PT: the tendon's about the knee's motion); the
    breakdown also gives the resultant with F_P in place of F_Q."""
    import yaml as _yaml
    coord = JOINT_COORDINATE.get(site)
    if coord is None:
        return None
    with h5py.File(path, "r") as f:
        if "moment_arm" not in f["muscles"] or "path_points" not in f["muscles"]:
            return None
        res = np.asarray(f[f"loads/{site}/resultant"][()], dtype=float)
        k = int(np.argmax(res))
        bw = float(f.attrs["subject_mass_kg"]) * GRAVITY
        mass = float(f.attrs["subject_mass_kg"])
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)
        ic = coords.index(coord)
        names = list(f["muscles/names"].asstr()[()])
        groups = [set(g.strip() for g in s.split(",")) for s in f["muscles/groups"].asstr()[()]]
        force = np.asarray(f["muscles/force"][k], dtype=float)
        passive = np.asarray(f["muscles/passive_force"][k], dtype=float)
        arm = np.asarray(f["muscles/moment_arm"][k], dtype=float)[:, ic]
        net = float(f["joints/moment"][k, ic]) / 2.0  # the model's leg chain carries both legs
        out = dict(time=float(f["time"][k]), resultant_bw=res[k] / bw,
                   angles={c: float(np.degrees(q[k, coords.index(c)])) for c in ("hip_flexion", "knee_angle",
                                                                                  "ankle_angle") if c in coords},
                   net_Nm_per_kg=net / mass)
        m = force * arm
        with_net = np.sign(m) == np.sign(net)
        out["with_Nm"] = float(np.sum(m[with_net]))
        out["with_passive_Nm"] = float(np.sum((passive * arm)[with_net]))
        out["against_Nm"] = float(np.sum(m[~with_net]))
        out["against_passive_Nm"] = float(np.sum((passive * arm)[~with_net]))
        top = np.argsort(-np.abs(m))[:3]
        out["top"] = [(names[j], float(m[j]), float(passive[j] * arm[j])) for j in top]
        if site == "L4_L5":
            # Lifts: where the box is relative to the disc, how flexed the lumbar spine is, what the
            # posterior ligaments carry, and whether the muscles could balance the frame without reserves.
            # The spine is not per side: every muscle counts with its number of sides.
            sides = np.asarray(f["muscles/sides"][()], dtype=float)
            ms, ps = sides * m, sides * passive * arm
            out["net_Nm"] = net * 2.0
            w = np.sign(ms) == np.sign(out["net_Nm"])
            out["with_Nm"], out["with_passive_Nm"] = float(np.sum(ms[w])), float(np.sum(ps[w]))
            out["against_Nm"], out["against_passive_Nm"] = float(np.sum(ms[~w])), float(np.sum(ps[~w]))
            out["top"] = [(names[j], float(ms[j]), float(ps[j])) for j in np.argsort(-np.abs(ms))[:3]]
            disc = np.asarray(f["loads/L4_L5/position"][k], dtype=float)
            out["box_forward_m"] = float(f["box/position"][k, 0] - disc[0]) if "box" in f else float("nan")
            out["lumbar_flexion_deg"] = float(-np.degrees(sum(q[k, coords.index(c)] for c in coords
                                                              if c.startswith("L") and c.endswith("_extension"))))
            if "posterior_tension" in f["joints"]:
                pc = list(f["joints/passive_coordinates"].asstr()[()])
                out["posterior_N"] = float(f["joints/posterior_tension"][k, pc.index(coord)]) if coord in pc else 0.0
            out["reserve_Nm"] = float(np.max(np.abs(f["reserves/torque"][k])))
            out["joint_passive_Nm"] = float(f["joints/passive_moment"][k, ic])
            # Where the hips are: the hip joint centre (the pelvis frame's origin) in front of the ankle
            # joint centre (the shank frame's origin), and which leg joints sit at their model range.
            bnames = list(f["bodies/names"].asstr()[()])
            pos = np.asarray(f["bodies/position"][k], dtype=float)
            out["hip_forward_m"] = float(pos[bnames.index("pelvis"), 0] - pos[bnames.index("tibia"), 0])
            # Trunk inclination: the line from the hip joint centre to the shoulder joint centre (the
            # humerus frame's origin) forward of vertical, as the sit-to-stand generator measures it.
            if "humerus" in bnames:
                d = pos[bnames.index("humerus")] - pos[bnames.index("pelvis")]
                out["trunk_inclination_deg"] = float(np.degrees(np.arctan2(d[0], d[1])))
            out["compression_bw"] = float(abs(f["loads/L4_L5/compression"][k])) / bw
            ranges = joint_ranges_rad(f)
            out["at_limit"] = [c for c in ("hip_flexion", "knee_angle", "ankle_angle")
                               if c in ranges and c in coords and at_range_limit(q[k, coords.index(c)], ranges[c])]
            return out
        if site != "tibiofemoral":
            return out
        model = _yaml.safe_load(f.attrs["model_yaml"])
        spec = {mu["name"]: mu for mu in model["muscles"]}
        upper = _upper_bodies(f, UPPER_BODY[site])
        pts = np.asarray(f["muscles/path_points"][k], dtype=float)
        rot = np.asarray(f[f"loads/{site}/rotation"][k], dtype=float)
        total_W = rot @ np.asarray(f[f"loads/{site}/force"][k], dtype=float)
        unit = total_W / np.linalg.norm(total_W)
        bnames = list(f["bodies/names"].asstr()[()])
        ifem = bnames.index("femur")
        parts = {label: 0.0 for label, _ in KNEE_GROUPS}
        parts["other muscles"] = 0.0
        muscles_W = np.zeros(3)
        excess_W = np.zeros(3)
        fq = fp = 0.0
        for j, n in enumerate(names):
            bodies = [p["body"] for p in spec[n]["path"]]
            up = [b in upper for b in bodies]
            if all(up) or not any(up):
                continue
            v = np.zeros(3)
            for a in range(len(bodies) - 1):
                if up[a] != up[a + 1] and not (np.isnan(pts[j, a]).any() or np.isnan(pts[j, a + 1]).any()):
                    d = pts[j, a + 1] - pts[j, a]
                    v += (d if up[a] else -d) / np.linalg.norm(d)
            # The muscle pulls the part above the joint along v; the joint pushes back (compression).
            contribution = -force[j] * v
            muscles_W += contribution
            label = next((lab for lab, g in KNEE_GROUPS if g in groups[j]), "other muscles")
            parts[label] += float(contribution @ unit) / bw
            if "quadriceps" in groups[j] and "tibia" in bodies and abs(arm[j]) > 1e-6:
                # Tendon moment arm about the knee's motion: the tibia point's speed relative to the femur
                # per unit knee angle, from the neighbouring frames.
                it = bodies.index("tibia")
                k0, k1 = max(k - 1, 0), min(k + 1, len(res) - 1)
                dq = q[k1, ic] - q[k0, ic]
                if abs(dq) < 1e-6:
                    continue
                P = np.asarray(f["bodies/position"][[k0, k1]], dtype=float)
                R = np.asarray(f["bodies/rotation"][[k0, k1]], dtype=float)
                tib = np.asarray(f["muscles/path_points"][[k0, k1], j, it], dtype=float)
                local = [R[i, ifem].T @ (tib[i] - P[i, ifem]) for i in range(2)]
                speed_W = np.asarray(f["bodies/rotation"][k, ifem], dtype=float) @ ((local[1] - local[0]) / dq)
                tendon = pts[j, it - 1] - pts[j, it]
                tendon /= np.linalg.norm(tendon)
                r_pt = abs(float(tendon @ speed_W))
                ratio = abs(arm[j]) / r_pt
                fq += force[j]
                fp += force[j] * ratio
                excess_W += force[j] * (1.0 - ratio) * tendon  # the part of its contribution beyond F_P
        # Which force did the engine put on the tibia, F_Q or F_P (a patella lever)? The rest of the
        # reaction, the weight and inertia of the body above, has no lateral component in these
        # sagittal motions, while the tendon line has one: the hypothesis that leaves the smaller
        # lateral rest is the one the run used.
        rest_q, rest_p = total_W - muscles_W, total_W - (muscles_W - excess_W)
        lever = fq > 0 and abs(rest_p[2]) < abs(rest_q[2])
        if lever:
            parts["quadriceps"] -= float(excess_W @ unit) / bw
        parts["external and inertial"] = float((rest_p if lever else rest_q) @ unit) / bw
        out["parts_bw"] = parts
        if fq > 0:
            out["patellar_ratio"] = fp / fq
            out["patella_lever"] = bool(lever)
            # The other hypothesis' knee force, for comparison.
            out["other_patella_bw"] = float(np.linalg.norm(total_W + excess_W if lever else total_W - excess_W)) / bw
        return out


def angle_range_deg(path: str, spec: dict) -> float:
    """Range of motion (deg) over the run of the sum of the named coordinates (e.g. the five lumbar
    levels: the change of the angle between L1 and the sacrum), max minus min."""
    with h5py.File(path, "r") as f:
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)
    total = np.sum(q[:, [coords.index(c) for c in spec["coordinates"]]], axis=1)
    return float(np.degrees(np.max(total) - np.min(total)))


def joint_moment_peak_Nm(path: str, spec: dict) -> float:
    """Largest net joint moment (N m, inverse dynamics, /joints/moment) about one coordinate over the
    run; for the leg coordinates it is the sum of both legs."""
    with h5py.File(path, "r") as f:
        coords = list(f["coordinates/names"].asstr()[()])
        m = np.asarray(f["joints/moment"][()], dtype=float)[:, coords.index(spec["coordinate"])]
    return float(np.max(np.abs(m)))


def load_statistic(path: str, prediction: dict) -> float:
    """The predicted load (N) of one run: peak, mean or the mean over the held end posture; or a
    moment arm (cm), a peak net joint moment (N m) or an angle's range of motion (deg) when the
    prediction names one."""
    if "moment_arm" in prediction:
        return moment_arm_cm(path, prediction["moment_arm"])
    if "angle_range" in prediction:
        return angle_range_deg(path, prediction["angle_range"])
    if "joint_moment" in prediction:
        return joint_moment_peak_Nm(path, prediction["joint_moment"])
    with h5py.File(path, "r") as f:
        site, quantity = prediction["site"], prediction["quantity"]
        series = np.asarray(f[f"loads/{site}/{quantity}"][()], dtype=float)
        time = np.asarray(f["time"][()], dtype=float)
        stat = prediction["statistic"]
        if stat == "peak":
            return float(np.max(np.abs(series)))
        if stat == "mean":
            return float(np.mean(series))
        if stat == "hold":
            return float(np.mean(series[time >= time[-1] - HOLD_WINDOW_S]))
        raise ValueError(f"unknown statistic '{stat}'")


def body_weight_N(path: str) -> float:
    with h5py.File(path, "r") as f:
        return float(f.attrs["subject_mass_kg"]) * GRAVITY


def balance(path: str) -> Optional[dict]:
    """The centre of pressure of the ground reaction (m forward of the ankle joint centre): its range,
    the feet's heel and toe, and the frames where it leaves them (`/loads/ground`; None in files
    written before the engine recorded it)."""
    with h5py.File(path, "r") as f:
        if "loads/ground/cop_forward" not in f:
            return None
        g = f["loads/ground"]
        cop = np.asarray(g["cop_forward"][()], dtype=float)
        out = np.asarray(g["outside_support"][()]) != 0
        time = np.asarray(f["time"][()], dtype=float)
        return dict(lo=float(np.min(cop)), hi=float(np.max(cop)), heel=float(g.attrs["heel_forward_of_ankle_m"]),
                    toe=float(g.attrs["toe_forward_of_ankle_m"]), outside=int(np.sum(out)), frames=int(cop.size),
                    times=(float(time[out].min()), float(time[out].max())) if out.any() else None)


def balance_section(results: List[dict]) -> List[str]:
    """One row per scenario: can a person make this motion with the feet flat? The model's feet are fixed
    to the ground, so inverse dynamics finds joint moments even where the ground reaction would have to
    act outside the feet; those frames are flagged in the run files, and counted here."""
    rows, seen = [], set()
    for r in results:
        b = r.get("balance")
        if b is None or r["scenario"] in seen:
            continue
        seen.add(r["scenario"])
        when = f" ({b['times'][0]:.2f}-{b['times'][1]:.2f} s)" if b["times"] else ""
        rows.append(f"| `{r['scenario']}` | {b['lo']:.3f} to {b['hi']:.3f} | {b['heel']:.3f} to {b['toe']:.3f} | "
                    f"{b['outside']} of {b['frames']}{when} |")
    if not rows:
        return []
    return ["", "## Balance: the centre of pressure under the feet", "",
            "The model's feet are fixed to the floor, so inverse dynamics finds joint moments even for a motion "
            "whose ground reaction would have to act behind the heels or ahead of the toes, which a person "
            "cannot make with the feet flat. Each run records the ground reaction's centre of pressure "
            "(`/loads/ground/cop_forward`, m forward of the ankle joint centre) and flags the frames where it "
            "leaves the feet (`/loads/ground/outside_support`; docs/hdf5-layout.md).", "",
            "| scenario | centre of pressure (m) | heel to toe (m) | frames outside the feet |",
            "|---|---|---|---|"] + rows


def evaluate(cases: List[dict], dembones: str, out_dir: str) -> List[dict]:
    cache: Dict[str, str] = {}
    by_id = {c["id"]: c for c in cases}
    raw: Dict[str, float] = {}
    for c in cases:
        h5 = run_scenario(dembones, c["scenario"], out_dir, cache)
        raw[c["id"]] = load_statistic(h5, c["prediction"])
        c["_bw"] = body_weight_N(h5)
        c["_balance"] = balance(h5)
        pred = c["prediction"]
        c["_breakdown"] = (contact_breakdown(h5, pred["site"])
                           if pred.get("statistic") == "peak" and pred.get("site") in JOINT_COORDINATE else None)
        if c["_breakdown"] is not None:
            c["_breakdown"]["site"] = pred["site"]
        # Held lumbar postures (published-model L5/S1 cases): what makes up the compression.
        c["_static"] = (static_breakdown(h5, pred["site"], STATIC_COORDINATE[pred["site"]])
                        if pred.get("statistic") in ("hold", "mean") and pred.get("site") in STATIC_COORDINATE
                        else None)
    results = []
    for c in cases:
        if c.get("reference_only"):
            continue
        if "relative_to" in c:
            base = by_id[c["relative_to"]]
            predicted = raw[c["id"]] / raw[base["id"]]
            unit = "ratio"
        elif "difference_to" in c:
            # This case's load minus another case's, in body weights of this case's subject (the two
            # scenarios have the same subject).
            predicted = (raw[c["id"]] - raw[c["difference_to"]]) / c["_bw"]
            unit = "BW difference"
        elif "moment_arm" in c["prediction"]:
            predicted = raw[c["id"]]
            unit = "cm"
        elif "angle_range" in c["prediction"]:
            predicted = raw[c["id"]]
            unit = "deg"
        else:
            predicted = raw[c["id"]] / c["_bw"]
            unit = "BW"
        measured = float(c["measured"])
        ratio = predicted / measured
        tol = float(c["tolerance"])
        within = abs(ratio - 1.0) <= tol
        expected_pass = c["status"] == "validated"
        results.append(dict(
            id=c["id"], activity=c["activity"], source=c["source"], measured=measured,
            predicted=predicted, unit=unit, ratio=ratio, tolerance=tol, within=within,
            status=c["status"], ok=(within == expected_pass), cause=c.get("cause", ""), panel=c.get("panel"),
            verified=c.get("reference_verified", True),
            justification=" ".join(str(c.get("justification", "")).split()),
            newtons=raw[c["id"]], breakdown=c.get("_breakdown"), scenario=c["scenario"],
            static=c.get("_static"),
            static_reference=((c["relative_to"], by_id[c["relative_to"]]["scenario"],
                               by_id[c["relative_to"]].get("_static"))
                              if "relative_to" in c and by_id[c["relative_to"]].get("_static") else None),
            balance=c.get("_balance")))
    return results


# What a sensitivity row reports unless its study says otherwise: the peak knee and hip contact forces.
DEFAULT_SENSITIVITY_QUANTITIES = [
    {"site": "tibiofemoral", "quantity": "resultant", "label": "peak tibiofemoral", "unit": "BW"},
    {"site": "hip", "quantity": "resultant", "label": "peak hip", "unit": "BW"},
]


def seat_off_angles(path: str) -> Dict[str, float]:
    """Hip flexion, knee flexion and ankle dorsiflexion (deg) at seat-off: the first frame of a
    sit-to-stand, the last of a stand-to-sit (the generated motion starts or ends there)."""
    with h5py.File(path, "r") as f:
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)
        task = (yaml.safe_load(str(f.attrs["scenario_yaml"])) or {}).get("task", {}).get("type", "")
    k = -1 if task == "stand_to_sit" else 0
    sign = {"hip_flexion": 1.0, "knee_angle": -1.0, "ankle_angle": 1.0}
    return {c: sign[c] * float(np.degrees(q[k, coords.index(c)])) for c in sign if c in coords}


def seat_off_limits(path: str) -> List[str]:
    """The leg coordinates at the end of their model range in the frame seat_off_angles reads."""
    with h5py.File(path, "r") as f:
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)
        task = (yaml.safe_load(str(f.attrs["scenario_yaml"])) or {}).get("task", {}).get("type", "")
        ranges = joint_ranges_rad(f)
    k = -1 if task == "stand_to_sit" else 0
    return [c for c in ("hip_flexion", "knee_angle", "ankle_angle")
            if c in coords and c in ranges and at_range_limit(q[k, coords.index(c)], ranges[c])]


# A sensitivity variant's `set` may name this model: models/lifter.yaml with each muscle's source-model
# passive curve, generated into the output folder by scripts/models/make_lifter.py (which reads the
# reference data next to the repository; without it the variant is reported as not run).
SOURCE_CURVES_MODEL = "{lifter_source_curves}"


_GENERATED_MODELS: Dict[str, str] = {}


def source_curves_model(out_dir: str) -> str:
    """Written once per report (a file left in a reused --out folder by an older generator is replaced)."""
    path = os.path.join(out_dir, "lifter_source_curves.yaml")
    if _GENERATED_MODELS.get(out_dir) != path:
        r = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "models", "make_lifter.py"),
                            "--passive-curves=source"], capture_output=True, text=True)
        if r.returncode != 0:
            last = (r.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(f"error: scripts/models/make_lifter.py --passive-curves=source failed (it reads "
                               f"../shared/reference): {last}")
        write_atomic(path, r.stdout)
        _GENERATED_MODELS[out_dir] = path
    return path


def evaluate_sensitivity(studies: List[dict], dembones: str, out_dir: str) -> List[dict]:
    """Runs each sensitivity study's variants (a scenario of the cases with fields changed) and reads the
    seat-off angles and the peak knee and hip contact forces (BW). A variant the engine refuses (an
    InputError: e.g. a seat-off posture the chair height and balance cannot meet) is reported with the
    engine's message instead of numbers."""
    out = []
    for st in studies:
        rows = []
        quantities = st.get("quantities", DEFAULT_SENSITIVITY_QUANTITIES)
        for i, v in enumerate(st["variants"]):
            sets = [str(x) for x in v.get("set", [])]
            scenario = v.get("scenario", st["scenario"])
            row = dict(label=v["label"], set=sets, scenario=scenario)
            try:
                run_sets = sets
                if any(SOURCE_CURVES_MODEL in x for x in sets):
                    model = source_curves_model(out_dir)
                    run_sets = [x.replace(SOURCE_CURVES_MODEL, model) for x in sets]
                h5 = run_scenario(dembones, scenario, out_dir, {}, run_sets, f"sensitivity_{st['id']}_{i}")
            except RuntimeError as e:
                msg = [ln for ln in str(e).splitlines() if "error:" in ln]
                text = msg[-1].split("error:", 1)[1].strip() if msg else str(e).splitlines()[-1]
                # Without the scenario's path (it names the folder the report was made in).
                row["refused"] = text.split(": ", 1)[1] if text.startswith(os.sep) and ": " in text else text
                rows.append(row)
                continue
            bw = body_weight_N(h5)
            row["angles"] = seat_off_angles(h5)
            row["at_limit"] = seat_off_limits(h5)
            row["values"] = [load_statistic(h5, {"site": qq["site"], "quantity": qq["quantity"], "statistic": "peak"})
                             / (bw if qq.get("unit", "BW") == "BW" else 1.0) for qq in quantities]
            rows.append(row)
        out.append(dict(id=st["id"], title=st["title"], text=" ".join(str(st.get("text", "")).split()),
                        scenario=st["scenario"], rows=rows, quantities=quantities,
                        angles_label=st.get("angles_label", "hip / knee / ankle (deg)")))
    return out


def sensitivity_section(studies: List[dict]) -> List[str]:
    lines: List[str] = []
    for st in studies:
        qs = st["quantities"]
        heads = " | ".join(f"{qq['label']} ({qq.get('unit', 'BW')})" for qq in qs)
        lines += ["", f"## {st['title']}", "", st["text"], "",
                  "Each row runs the scenario with the fields given (`dembones run --set`). Angles marked * are "
                  "at the end of the model's range.", "",
                  f"| variant | scenario and fields | {st['angles_label']} | {heads} |",
                  "|---|---|---|" + "---|" * len(qs)]
        for r in st["rows"]:
            fields = ", ".join([f"`{r['scenario']}`"] + [f"`{x}`" for x in r["set"]])
            if "refused" in r:
                lines.append(f"| {r['label']} | {fields} | not generated: {r['refused']} |" + " – |" * len(qs))
                continue
            a = r["angles"]
            vals = " | ".join(f"{v:.2f}" if qq.get("unit", "BW") == "BW" else f"{v:.0f}" for v, qq in zip(r["values"], qs))
            ang = " / ".join(f"{a.get(c, float('nan')):.0f}" + ("*" if c in r.get("at_limit", []) else "")
                             for c in ("hip_flexion", "knee_angle", "ankle_angle"))
            lines.append(f"| {r['label']} | {fields} | {ang} | {vals} |")
    return lines


def static_breakdown(path: str, site: str, coordinate: str) -> dict:
    """What makes up a lumbar compression in a held posture (needs `output.store: full`): the mean over
    the hold window of the net moment about the level from inverse dynamics, the level's passive (disc
    and ligament) moment, the muscles' moments about it (force x moment arm, every muscle counted with
    its number of sides) with the net moment / against it, the muscle force crossing the level, the
    posterior ligaments' tension, and the moment the joint itself transmits about the lateral axis
    (world z, the model's sagittal plane is x-y): the part of the level's moment that neither the
    muscles nor the passive tissues carry, because the lumbar levels move together (the model's lumbar
    rhythm) and the muscles balance their moments together."""
    with h5py.File(path, "r") as f:
        time = np.asarray(f["time"][()], dtype=float)
        w = time >= time[-1] - HOLD_WINDOW_S
        coords = list(f["coordinates/names"].asstr()[()])
        q = np.asarray(f["coordinates/q"][()], dtype=float)[w].mean(axis=0)
        ic = coords.index(coordinate)
        sides = np.asarray(f["muscles/sides"][()], dtype=float)
        force = np.asarray(f["muscles/force"][()], dtype=float)[w].mean(axis=0) * sides
        arm = np.asarray(f["muscles/moment_arm"][()], dtype=float)[w].mean(axis=0)[:, ic]
        net = float(np.mean(f["joints/moment"][w, ic]))
        m = force * arm
        with_net = np.sign(m) == np.sign(net)
        out = dict(net_Nm=net, passive_Nm=float(np.mean(f["joints/passive_moment"][w, ic])),
                   with_Nm=float(np.sum(m[with_net])), against_Nm=float(np.sum(m[~with_net])),
                   muscle_force_N=float(np.sum(force[np.abs(arm) > 1e-6])),
                   compression_N=float(np.mean(f[f"loads/{site}/compression"][w])),
                   hip_deg=float(np.degrees(q[coords.index("hip_flexion")])),
                   knee_deg=float(-np.degrees(q[coords.index("knee_angle")])),
                   lumbar_flexion_deg=float(-np.degrees(sum(q[coords.index(c)] for c in coords
                                                            if c.startswith("L") and c.endswith("_extension")))))
        rot = np.asarray(f[f"loads/{site}/rotation"][()], dtype=float)[w]
        mom = np.asarray(f[f"loads/{site}/moment"][()], dtype=float)[w]
        out["joint_carries_Nm"] = float(np.mean(np.einsum("fij,fj->fi", rot, mom)[:, 2]))
        disc = np.asarray(f[f"loads/{site}/position"][()], dtype=float)[w].mean(axis=0)
        out["hands_forward_m"] = float(np.mean(f["box/position"][w, 0]) - disc[0]) if "box" in f else float("nan")
        out["posterior_N"] = float("nan")
        if "posterior_tension" in f["joints"]:
            pc = list(f["joints/passive_coordinates"].asstr()[()])
            if coordinate in pc:
                out["posterior_N"] = float(np.mean(f["joints/posterior_tension"][w, pc.index(coordinate)]))
        out["reserve_Nm"] = float(np.max(np.abs(f["reserves/torque"][w]))) if "reserves" in f else 0.0
        return out


def static_section(results: List[dict]) -> List[str]:
    """The table of what makes up the L5/S1 compression of the held postures (static_breakdown), one row
    per run, the reference posture of the ratios first."""
    rows, seen = [], set()
    for r in results:
        for name, scenario, b in (r.get("static_reference") or (None, None, None), (r["id"], r["scenario"], r.get("static"))):
            if b is not None and scenario not in seen:
                seen.add(scenario)
                rows.append((name, scenario, b))
    if not rows:
        return []
    lines = ["", "## The static postures at L5/S1", "",
             "From the same runs (`static_breakdown` in `scripts/validate.py`), means over the held posture (the "
             "last 0.3 s; the whole run for standing). Hands: the grip (where the load is held) in front of the "
             "L5/S1 disc centre (negative: behind). Lumbar flexion: sum over the five levels. Net moment: the "
             "L5/S1 extension moment from inverse dynamics; disc and ligaments: the level's passive moment; "
             "muscle moment with the net moment / against it, and the force of the muscles crossing L5/S1 (both "
             "sides); posterior ligaments: their tension at L5/S1 (part of the compression); carried by the "
             "joint: the sagittal moment the L5/S1 site transmits itself. The lumbar levels move together (the "
             "model's lumbar rhythm), so the muscles balance the levels' moments together and at L5/S1 the "
             "parts need not add up to the net moment: the rest is carried by the joint, with no muscle force "
             "and no compression of its own. Reserve: the largest reserve actuator torque of the window.", "",
             "| case (scenario) | hip / knee (deg) | lumbar flexion (deg) | hands in front of L5/S1 (m) | "
             "net moment (N m) | disc and ligaments (N m) | muscle moment with / against (N m) | "
             "muscle force crossing L5/S1 (N) | posterior ligaments (N) | carried by the joint (N m) | "
             "compression (N) | reserve (N m) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, scenario, b in rows:
        lines.append(f"| {name} (`{scenario}`) | {b['hip_deg']:.0f} / {b['knee_deg']:.0f} | "
                     f"{b['lumbar_flexion_deg']:.0f} | {b['hands_forward_m']:.2f} | {b['net_Nm']:.0f} | "
                     f"{b['passive_Nm']:.0f} | {abs(b['with_Nm']):.0f} / {abs(b['against_Nm']):.0f} | "
                     f"{b['muscle_force_N']:.0f} | {b['posterior_N']:.0f} | {b['joint_carries_Nm']:.0f} | "
                     f"{b['compression_N']:.0f} | {b['reserve_Nm']:.1f} |")
    return lines


# The figure's panels, one per unit of the cases (a panel without cases is left out).
FIGURE_PANELS = (
    ("ratio", "Lumbar load relative to another activity\n(L4/L5 disc pressure; L5/S1 compression of a published model)"),
    ("squat / stoop", "Squat lift relative to stoop lift\n(L5/S1 compression and net moment)"),
    ("BW", "Knee and hip contact force per joint [body weights]"),
    ("cm", "Moment arms at upright standing [cm]"),
    ("BW difference", "Stoop minus squat lift, peak lumbar load\n[body weights]"),
    ("deg", "Lumbar range of motion in a lift [deg]"),
)


def figure(results: List[dict], path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    def panel(r: dict) -> str:  # a case may name its panel (`panel`); otherwise its unit's
        return r.get("panel") or r["unit"]

    panels = [(unit, title) for unit, title in FIGURE_PANELS if any(panel(r) == unit for r in results)]
    ncol = min(3, max(1, len(panels)))
    nrow = (len(panels) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.7 * ncol, 6.8 * nrow), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (unit, title) in zip(axes.flat, panels):
        rs = [r for r in results if panel(r) == unit]
        # Limits over the bands and predictions (the stoop-minus-squat differences are negative).
        ends = [r["measured"] * (1 + s * r["tolerance"]) for r in rs for s in (-1.0, 1.0)] + [r["predicted"] for r in rs]
        lo, hi = min(0.0, min(ends)), max(0.0, max(ends))
        lo, hi = lo - 0.15 * (hi - lo) * (lo < 0), hi + 0.15 * (hi - lo) * (hi > 0)
        span = hi - lo
        xs = np.linspace(lo, hi, 50)
        ax.plot(xs, xs, color="0.3", lw=1, label="identity")
        tols = {r["tolerance"] for r in rs}
        if len(tols) == 1:  # one band for all; otherwise each point's error bar is its own band
            tol = tols.pop()
            ax.fill_between(xs, xs * (1 - tol), xs * (1 + tol), color="0.85", label=f"±{tol:.0%} band")
        placed: List[tuple] = []
        key: List[str] = []
        for i, r in enumerate(rs, start=1):
            ax.errorbar(r["measured"], r["predicted"], xerr=abs(r["measured"]) * r["tolerance"], fmt="o",
                        color="tab:green" if r["within"] else "tab:red", capsize=3)
            # Points are numbered (the key under the panel names them): case names overprinted each other
            # where several cases share a run. Numbers of nearby points are moved up and along.
            near = sum(1 for x, y in placed if abs(x - r["measured"]) < 0.12 * span and abs(y - r["predicted"]) < 0.05 * span)
            placed.append((r["measured"], r["predicted"]))
            ax.annotate(str(i), (r["measured"], r["predicted"]), textcoords="offset points",
                        xytext=(4 + 6 * near, 4 + 9 * near), fontsize=8,
                        arrowprops=dict(arrowstyle="-", lw=0.5, color="0.4") if near else None)
            key.append(f"{i}  {r['id']}")
        ax.text(0.0, -0.16, "\n".join(key), transform=ax.transAxes, va="top", ha="left", fontsize=7.5,
                family="monospace")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("measured in vivo" if unit in ("BW", "cm") else "measured / published")
        ax.set_ylabel("predicted by dembones")
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("dembones against in vivo measurements and published model estimates "
                 "(green: within tolerance, red: outside)", fontsize=11)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path + ".partial.png", dpi=120, bbox_inches="tight")  # "tight": the keys under the panels
    os.replace(path + ".partial.png", path)
    plt.close(fig)


def git_commit() -> str:
    # A clean export of a commit (git archive) has no .git: its builder names the commit.
    if os.environ.get("DEMBONES_GIT_COMMIT"):
        return os.environ["DEMBONES_GIT_COMMIT"]
    try:
        return subprocess.run(["git", "-C", SOURCE, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def breakdown_section(results: List[dict], references: Optional[List[dict]] = None) -> List[str]:
    """The table of what each knee and hip contact force is made of at its peak (contact_breakdown).
    `references`: reference-only cases (id, scenario, breakdown), whose lifts get a row too (the squat
    lift that a stoop-minus-squat case subtracts)."""
    # One row per run and site: cases that compare one run with several measurements share it.
    rows, also = [], {}
    for r in results:
        if not r.get("breakdown") or "box_forward_m" in r["breakdown"]:
            continue
        key = (r["scenario"], r["breakdown"].get("site"))
        if key in also:
            also[key].append(r["id"])
        else:
            also[key] = []
            rows.append(r)
    lifts, seen = [], set()
    for r in list(results) + list(references or []):  # one row per run: a ratio case reuses another case's run
        if r.get("breakdown") and "box_forward_m" in r["breakdown"] and r["scenario"] not in seen:
            seen.add(r["scenario"])
            lifts.append(r)
    lines: List[str] = []
    if lifts:
        lines += ["", "## The lifts at their peak L4/L5 compression", "",
                  "From the same runs. Box: horizontal distance of the box centre in front of the L4/L5 disc "
                  "centre. Lumbar flexion: sum over the five levels. Net moment: the L4/L5 extension moment "
                  "from inverse dynamics; disc and ligaments: the model's passive moment of the level; muscle "
                  "moments about L4/L5 with the net moment / against it (passive parts). The lumbar levels move "
                  "together (the model's lumbar rhythm), so the muscles balance the levels' moments together: at "
                  "one level the parts need not add up to the net moment; "
                  "posterior ligaments: their tension at L4/L5 (part of the compression); reserve: the largest "
                  "reserve actuator torque of the frame (the muscles could not balance it alone when not 0). "
                  "Angles marked * are at the end of the model's range (models/lifter.yaml); hips: the hip "
                  "joint centre in front of the ankle joint centre (negative: behind); trunk: the line from the "
                  "hip joint centre to the shoulder joint centre, forward of vertical.",
                  "",
                  "| case | peak at | L4/L5 compression (BW) | hip / knee / ankle (deg) | hips in front of the ankles (m) "
                  "| trunk (deg) | lumbar flexion (deg) | box in front of L4/L5 (m) "
                  "| net moment (N m) | disc and ligaments (N m) | muscle moment with (passive) / against (passive), N m | "
                  "posterior ligaments (N) | reserve (N m) |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in lifts:
            b = r["breakdown"]
            ang = b["angles"]
            lim = b.get("at_limit", [])

            def angle(c: str, sign: float = 1.0) -> str:
                return f"{sign * ang.get(c, float('nan')):.0f}" + ("*" if c in lim else "")

            lines.append(
                f"| {r['id']} | {b['time']:.2f} s | {b['compression_bw']:.2f} | {angle('hip_flexion')} / "
                f"{angle('knee_angle', -1.0)} / {angle('ankle_angle')} | {b['hip_forward_m']:.2f} | "
                f"{b.get('trunk_inclination_deg', float('nan')):.0f} | {b['lumbar_flexion_deg']:.0f} | {b['box_forward_m']:.2f} | {b['net_Nm']:.0f} | "
                f"{b['joint_passive_Nm']:.0f} | "
                f"{abs(b['with_Nm']):.0f} ({abs(b['with_passive_Nm']):.0f}) / {abs(b['against_Nm']):.0f} "
                f"({abs(b['against_passive_Nm']):.0f}) | {b.get('posterior_N', float('nan')):.0f} | "
                f"{b['reserve_Nm']:.1f} |")
    if not rows:
        return lines
    lines += ["", "## What the knee and hip contact forces are made of (at their peak)", "",
             "From the same runs (`contact_breakdown` in `scripts/validate.py`). Angles: hip flexion, knee "
             "flexion, ankle dorsiflexion. Net moment: the joint's moment from inverse dynamics per leg, per kg "
             "of body mass (extension positive). Muscle moments per leg about the joint, with the net "
             "moment / against it, and their passive parts. Knee force parts: each knee-crossing muscle "
             "group's force and the weight and inertia of the body above, projected on the resultant so "
             "that they add up to it. Patellar tendon: the quadriceps' force ratio F_P/F_Q = r_Q/r_PT that "
             "the model's patella kinematics imply, whether the run put F_P (a patella lever) or the whole "
             "quadriceps tension F_Q on the tibia (read off the run: only the right one leaves no lateral "
             "force for the weight and inertia above), and the knee force with the other one.", "",
             "| case | peak at | hip / knee / ankle (deg) | net moment (N m/kg) | muscle moment with (passive) "
             "/ against (passive), N m | largest muscle moments (passive), N m | knee force parts (BW) | "
             "patellar tendon F_P/F_Q (BW) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        b = r["breakdown"]
        ang = b["angles"]
        angles = (f"{ang.get('hip_flexion', float('nan')):.0f} / {-ang.get('knee_angle', float('nan')):.0f} / "
                  f"{ang.get('ankle_angle', float('nan')):.0f}")
        net = b["net_Nm_per_kg"] * (-1.0 if r["id"].startswith("hip") else 1.0)
        moments = (f"{abs(b['with_Nm']):.0f} ({abs(b['with_passive_Nm']):.0f}) / {abs(b['against_Nm']):.0f} "
                   f"({abs(b['against_passive_Nm']):.0f})")
        top = "; ".join(f"{n} {abs(m):.0f} ({abs(pm):.0f})" for n, m, pm in b["top"])
        parts = ", ".join(f"{k} {v:.2f}" for k, v in b["parts_bw"].items()) if "parts_bw" in b else "–"
        pat = "–"
        if "patellar_ratio" in b:
            pat = (f"{b['patellar_ratio']:.2f}; F_P on the tibia in this run (with F_Q it would be "
                   f"{b['other_patella_bw']:.2f})" if b["patella_lever"] else
                   f"{b['patellar_ratio']:.2f}; F_Q on the tibia in this run, with F_P {b['other_patella_bw']:.2f}")
        shared = also[(r["scenario"], b.get("site"))]
        name = r["id"] + (f" (also {', '.join(shared)})" if shared else "")
        lines.append(f"| {name} | {b['time']:.2f} s, {b['resultant_bw']:.2f} BW | {angles} | {net:.2f} | "
                     f"{moments} | {top} | {parts} | {pat} |")
    return lines


def report(results: List[dict], image_rel: str, studies: Optional[List[dict]] = None,
           references: Optional[List[dict]] = None) -> str:
    n_ok = sum(r["within"] for r in results)
    lines = [
        "# Validation against in vivo measurements",
        "",
        "Generated by `scripts/validate.py --write-docs` (needs a built `dembones`; `scripts/setup` builds it)"
        f" on {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, commit {git_commit()}.",
        "Every number below comes from that run; the cases, their sources and tolerances are in",
        "`tests/validation/cases.yaml`, the scenarios in `tests/validation/scenarios/`. The same check runs in",
        "the test suite (`python.test_validation`): a `validated` case outside its tolerance fails it.",
        "",
        f"**{n_ok} of {len(results)} predictions lie within their tolerance.**",
        "",
        "| case | activity | measured | source | predicted | predicted / measured | tolerance | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        unit = {"ratio": "", "BW": " BW", "BW difference": " BW", "cm": " cm", "deg": " deg"}[r["unit"]]
        verdict = "within" if r["within"] else "**outside**"
        if r["status"] == "known_gap":
            verdict += " (known gap)"
        if not r["verified"]:
            verdict += ", **reference unverified**"
        lines.append(f"| {r['id']} | {r['activity']} | {r['measured']:.2f}{unit} | {r['source']} | "
                     f"{r['predicted']:.2f}{unit} | {r['ratio']:.2f} | ±{r['tolerance']:.0%} | {verdict} |")
    lines += ["", f"![predicted against measured]({image_rel})", "", "## Tolerances", ""]
    seen = set()
    for r in results:
        if r["justification"] and r["justification"] not in seen:
            seen.add(r["justification"])
            ids = ", ".join(x["id"] for x in results if x["justification"] == r["justification"])
            lines.append(f"- {ids}: {r['justification']}")
    lines += breakdown_section(results, references)
    lines += static_section(results)
    lines += balance_section(results)
    lines += sensitivity_section(studies or [])
    gaps = [r for r in results if r["status"] == "known_gap" or not r["within"]]
    lines += ["", "## Known gaps", ""]
    if not gaps:
        lines.append("None: every case is within its tolerance.")
    unverified = [r["id"] for r in results if not r["verified"]]
    if unverified:
        lines += [f"Reference values not verified against a readable source (kept as known gaps until they are): "
                  f"{', '.join(unverified)}.", ""]
    for r in gaps:
        cause = r["cause"] or "not yet explained (see the issue tracker)"
        lines.append(f"- **{r['id']}** ({r['activity']}): predicted {r['predicted']:.2f}, measured "
                     f"{r['measured']:.2f}. Cause: {' '.join(cause.split())}")
    lines += ["", "## How the predictions are made", "",
              "- Disc pressure is not a force: for one disc, intradiscal pressure is proportional to the",
              "  compressive force (Nachemson 1981), so pressure ratios between activities are compared with",
              "  ratios of predicted L4/L5 compression (`/loads/L4_L5/compression`).",
              "- Published model predictions (Arjmand & Shirazi-Adl 2006): their L5-S1 compressions are compared",
              "  as ratios to their upright standing, with the ratios of predicted L5/S1 compression",
              "  (`/loads/L5_S1/compression`) to the lifter's upright standing (the subjects' mass is not given).",
              "- Knee forces: the peak (or mean, for quiet standing) of `/loads/tibiofemoral/resultant`, the force",
              "  per knee across the tibial plateau, in body weights of the scenario's subject.",
              "- Moment arms: the mean over a muscle group's fascicles that cross the level, weighted by maximum",
              "  isometric force, at the first frame of quiet standing (`/muscles/moment_arm`).",
              "- Stoop and squat lifts: ratios of the peak L5/S1 compression (`/loads/L5_S1/compression`) or of the",
              "  peak net L5/S1 moment (`/joints/moment`, inverse dynamics) of a squat lift to a stoop lift; the",
              "  stoop lift's peak lumbar compression or anterior shear (`ap_shear`) minus the squat lift's, in",
              "  body weights; the lumbar range of motion: the range over the lift of the summed flexion of the",
              "  five lumbar levels (the change of the angle between L1 and the sacrum).",
              f"- `hold`: mean over the last {HOLD_WINDOW_S} s of the run (the held end posture); `peak`: largest value",
              "  of the run; `mean`: mean of the run.",
              ""]
    return "\n".join(lines)


def write_atomic(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".partial", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".partial", path)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    ap.add_argument("--dembones", default=os.path.join(SOURCE, "build", "release", "bin", "dembones"))
    ap.add_argument("--out", help="folder for the run files and (without --write-docs) the report")
    ap.add_argument("--write-docs", action="store_true", help="write docs/validation.md and docs/img/validation.png")
    a = ap.parse_args(argv)
    if not os.path.exists(a.dembones):
        print(f"validate.py: no dembones program at {a.dembones} (run scripts/setup)", file=sys.stderr)
        return 2
    with open(CASES, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    cases = spec["cases"]
    out_dir = a.out or tempfile.mkdtemp(prefix="dembones-validation-")
    os.makedirs(out_dir, exist_ok=True)
    try:
        results = evaluate(cases, a.dembones, out_dir)
        studies = evaluate_sensitivity(spec.get("sensitivity", []), a.dembones, out_dir)
    except RuntimeError as e:
        print(f"validate.py: {e}", file=sys.stderr)
        return 2
    if a.write_docs:
        md, img = os.path.join(SOURCE, "docs", "validation.md"), os.path.join(SOURCE, "docs", "img", "validation.png")
    else:
        md, img = os.path.join(out_dir, "validation.md"), os.path.join(out_dir, "img", "validation.png")
    figure(results, img)
    references = [dict(id=c["id"], scenario=c["scenario"], breakdown=c.get("_breakdown")) for c in cases
                  if c.get("reference_only")]
    write_atomic(md, report(results, "img/validation.png", studies, references))
    bad = [r for r in results if not r["ok"]]
    for r in results:
        flag = "ok " if r["ok"] else "BAD"
        print(f"{flag} {r['id']:<26} measured {r['measured']:6.2f} predicted {r['predicted']:6.2f} "
              f"({r['ratio']:.2f}x, tolerance ±{r['tolerance']:.0%}, {r['status']})")
    for r in bad:
        what = "misses its measurement" if r["status"] == "validated" else "now passes: move it to validated"
        print(f"validate.py: {r['id']} {what}", file=sys.stderr)
    print(f"report: {md}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
