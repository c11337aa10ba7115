#!/usr/bin/env python3
"""Writes a synthetic dembones result file that follows docs/hdf5-layout.md, for testing the plotting
scripts before (and independently of) the C++ engine.

    /usr/bin/python3 make_synthetic_run.py OUT.h5 [--technique stoop|squat] [--box-mass-kg 15]
    /usr/bin/python3 make_synthetic_run.py OUT.h5 --sweep        # a sweep file: /runs/NNNNN + /summary

The lift is synthetic but mechanically self-consistent, so the curves look like a real lift:
  * a planar (sagittal) model rooted at the foot, which stands on the floor: foot, shank, thigh,
    pelvis, L5, L4, L3, L2, L1, thorax, head, upper_arm, forearm. Each body's origin sits on the joint
    to its parent. Limb bodies stand for both sides (twice a segment's mass) because the model is
    planar. Mass fractions: de Leva (1996) J Biomech 29:1223, Table 4 (male).
  * the posture blends from a bent posture (box at hand height in front of the body) to upright with
    a minimum-jerk profile (Flash & Hogan 1985, J Neurosci 5:1688), 2 s at 100 Hz.
  * muscle forces: the extensor/flexor moment that balances gravity and the segments' linear
    inertia (Newton–Euler on the subtree above the joint) is shared among the muscles crossing it
    by minimising the sum of squared activations (Crowninshield & Brand 1981, J Biomech 14:793), on
    top of a 2 % co-contraction floor: first at L5/S1, then at the knee and hip together (the psoas,
    set at L5/S1, keeps its force at the hip).
  * joint loads: the force the lower segment applies to the upper one, from the same Newton–Euler
    balance plus the muscle forces crossing the joint, projected on the upper body's axes.
    Patellofemoral force is 2 F_quad sin(knee flexion / 2) (the quadriceps and patellar tendons
    pulling on the patella at an angle of 180° minus knee flexion).
Rotational inertia of segments is neglected (it is small in a 2 s lift).

Beyond the layout document the file has `/bodies/parent` (int, −1 for the root), which the scripts
need to draw the stick figure.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from datetime import datetime, timezone

import h5py
import numpy as np

GRAVITY_M_S2 = 9.81
SUBJECT_MASS_KG = 75.0
SUBJECT_HEIGHT_M = 1.75
BODY_WEIGHT_N = SUBJECT_MASS_KG * GRAVITY_M_S2
RATE_HZ = 100.0
DURATION_S = 2.0
CO_CONTRACTION = 0.02  # activation floor of every muscle

# name, parent, origin in the parent's frame (x anterior, y up) [m], COM in own frame [m], mass fraction
# (de Leva 1996 Table 4; limbs doubled, the lumbar bodies share the middle trunk MPT, the pelvis is the
# lower trunk LPT, the thorax the upper trunk UPT).
BODIES = [
    ("foot", -1, (0.12, 0.0), (-0.08, 0.03), 2 * 0.0137),
    ("shank", 0, (-0.12, 0.08), (0.0, 0.241), 2 * 0.0433),
    ("thigh", 1, (0.0, 0.43), (0.0, 0.248), 2 * 0.1416),
    ("pelvis", 2, (0.0, 0.42), (0.0, 0.06), 0.1117),
    ("L5", 3, (-0.03, 0.12), (0.01, 0.019), 0.1633 / 5),
    ("L4", 4, (0.0, 0.038), (0.01, 0.019), 0.1633 / 5),
    ("L3", 5, (0.0, 0.038), (0.01, 0.019), 0.1633 / 5),
    ("L2", 6, (0.0, 0.038), (0.01, 0.019), 0.1633 / 5),
    ("L1", 7, (0.0, 0.038), (0.01, 0.019), 0.1633 / 5),
    ("thorax", 8, (0.0, 0.038), (0.03, 0.14), 0.1596),
    ("head", 9, (0.0, 0.30), (0.01, 0.11), 0.0694),
    ("upper_arm", 9, (0.03, 0.24), (0.0, -0.16), 2 * 0.0271),
    ("forearm", 11, (0.0, -0.28), (0.0, -0.17), 2 * (0.0162 + 0.0061)),
]
BODY_INDEX = {b[0]: i for i, b in enumerate(BODIES)}
GRIP_IN_FOREARM_M = np.array([0.0, -0.34])

# coordinate name, child body, sign s with: child's tilt relative to its parent = s * q
COORDINATES = [
    ("ankle_angle", "shank", +1), ("knee_angle", "thigh", -1), ("hip_flexion", "pelvis", +1),
    ("L5_S1_flexion", "L5", +1), ("L4_L5_flexion", "L4", +1), ("L3_L4_flexion", "L3", +1),
    ("L2_L3_flexion", "L2", +1), ("L1_L2_flexion", "L1", +1), ("T12_L1_flexion", "thorax", +1),
    ("neck_flexion", "head", +1), ("shoulder_flexion", "upper_arm", -1), ("elbow_flexion", "forearm", -1),
]

# World tilts (deg; a segment's long axis leaning anterior is positive) at the start (bent, box at
# hand height) and the end (upright) of the lift. Lumbar flexion is shared L5/S1 > … > T12/L1.
LUMBAR_SHARE = np.array([0.28, 0.24, 0.19, 0.14, 0.09, 0.06])
POSTURES_DEG = {
    "stoop": dict(shank=(6, 2), thigh=(-14, -2), pelvis=(48, 6), lumbar=(40, -4),
                  upper_arm=(-8, -6), forearm=(-20, -28)),
    "squat": dict(shank=(32, 2), thigh=(-58, -2), pelvis=(22, 6), lumbar=(22, -4),
                  upper_arm=(-22, -6), forearm=(-34, -28)),
}

# name, groups, nerve roots, F0 per side [N], path as (body, x, y) in the body's frame. Leg F0 from
# Rajagopal et al. (2016) IEEE TBME 63:2068 (psoas's 1427 N shared among four fascicles); trunk F0
# illustrative, of the order of Christophy et al. (2012) Biomech Model Mechanobiol 11:19. Via points
# stand in for wrapping: the gluteus maximus passes a point behind the hip fixed to the thigh (it
# wraps the buttock), the quadriceps a patella point fixed to the shank (it rides with the tibia);
# both keep moment arms of 4–8 cm through 90° of flexion.
MUSCLES = [
    ("psoas_L1", "psoas,hip_flexors", "L1,L2", 300.0,
     [("L1", 0.03, 0.02), ("pelvis", 0.045, 0.03), ("thigh", -0.01, 0.36)]),
    ("psoas_L2", "psoas,hip_flexors", "L1,L2,L3", 350.0,
     [("L2", 0.03, 0.02), ("pelvis", 0.045, 0.03), ("thigh", -0.01, 0.36)]),
    ("psoas_L3", "psoas,hip_flexors", "L2,L3", 380.0,
     [("L3", 0.03, 0.02), ("pelvis", 0.045, 0.03), ("thigh", -0.01, 0.36)]),
    ("psoas_L4", "psoas,hip_flexors", "L3,L4", 397.0,
     [("L4", 0.03, 0.02), ("pelvis", 0.045, 0.03), ("thigh", -0.01, 0.36)]),
    ("iliacus", "hip_flexors", "L2,L3,L4", 1021.0,
     [("pelvis", 0.0, 0.10), ("pelvis", 0.05, 0.02), ("thigh", -0.01, 0.36)]),
    ("glmax1", "glutes,hip_extensors", "L5,S1,S2", 984.0,
     [("pelvis", -0.07, 0.09), ("thigh", -0.07, 0.45), ("thigh", -0.035, 0.36)]),
    ("glmax2", "glutes,hip_extensors", "L5,S1,S2", 1406.0,
     [("pelvis", -0.09, 0.04), ("thigh", -0.08, 0.43), ("thigh", -0.035, 0.32)]),
    ("glmax3", "glutes,hip_extensors", "L5,S1,S2", 948.0,
     [("pelvis", -0.08, -0.01), ("thigh", -0.08, 0.40), ("thigh", -0.03, 0.27)]),
    ("erector_spinae", "erector_spinae,back_extensors", "L1,L2,L3,L4,L5", 2500.0,
     [("pelvis", -0.08, 0.10), ("L3", -0.065, 0.0), ("L1", -0.065, 0.0), ("thorax", -0.06, 0.12)]),
    ("multifidus", "multifidus,core,back_extensors", "L1,L2,L3,L4,L5", 900.0,
     [("pelvis", -0.075, 0.09), ("L5", -0.055, 0.02), ("L3", -0.05, 0.0)]),
    ("rectus_abdominis", "abdominals,core", "T7,T8,T9,T10,T11,T12", 550.0,
     [("pelvis", 0.08, 0.0), ("L3", 0.12, 0.0), ("thorax", 0.12, 0.12)]),
    ("ext_oblique", "abdominals,core", "T7,T8,T9,T10,T11,T12", 900.0,
     [("pelvis", 0.05, 0.09), ("thorax", 0.10, 0.08)]),
    ("recfem", "quadriceps,hip_flexors,knee_extensors", "L2,L3,L4", 2192.0,
     [("pelvis", 0.04, 0.05), ("shank", 0.055, 0.49), ("shank", 0.05, 0.36)]),
    ("vaslat", "quadriceps,knee_extensors", "L2,L3,L4", 5149.0,
     [("thigh", 0.025, 0.25), ("shank", 0.055, 0.49), ("shank", 0.05, 0.36)]),
    ("semimem", "hamstrings,hip_extensors,knee_flexors", "L5,S1", 2201.0,
     [("pelvis", -0.05, -0.05), ("shank", -0.03, 0.38)]),
    ("gasmed", "calf,knee_flexors", "S1,S2", 3116.0,
     [("thigh", -0.02, 0.02), ("foot", -0.17, 0.03)]),
]

# site, child body whose joint it is (the upper segment), bilateral?
SITES = [("L5_S1", "L5", False), ("L4_L5", "L4", False), ("hip", "pelvis", True),
         ("tibiofemoral", "thigh", True)]


def min_jerk(s: np.ndarray) -> np.ndarray:
    s = np.clip(s, 0.0, 1.0)
    return s**3 * (10.0 - 15.0 * s + 6.0 * s * s)


def rotation_z(angle_rad: np.ndarray) -> np.ndarray:
    """[F×3×3] rotations about z."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    out = np.zeros(angle_rad.shape + (3, 3))
    out[..., 0, 0], out[..., 0, 1], out[..., 1, 0], out[..., 1, 1], out[..., 2, 2] = c, -s, s, c, 1.0
    return out


def world_tilts(technique: str, time_s: np.ndarray) -> dict:
    """World tilt (rad) of every body per frame; rotation about z is minus the tilt."""
    p = POSTURES_DEG[technique]
    # bent until 0.25 s, rising until 1.75 s (minimum jerk), then upright
    s = min_jerk((time_s - 0.25) / 1.5)

    def blend(key):
        bent, upright = p[key]
        return np.radians(bent + (upright - bent) * s)

    tilts = {"foot": np.zeros_like(time_s), "shank": blend("shank"), "thigh": blend("thigh"),
             "pelvis": blend("pelvis")}
    lumbar = blend("lumbar")
    prev = tilts["pelvis"]
    for name, share in zip(["L5", "L4", "L3", "L2", "L1", "thorax"], LUMBAR_SHARE):
        tilts[name] = prev + share * lumbar
        prev = tilts[name]
    tilts["head"] = 0.65 * tilts["thorax"]  # the head turns up to look ahead
    tilts["upper_arm"], tilts["forearm"] = blend("upper_arm"), blend("forearm")
    return tilts


def forward_kinematics(tilts: dict):
    n_frames = len(next(iter(tilts.values())))
    pos = np.zeros((n_frames, len(BODIES), 3))
    rot = np.zeros((n_frames, len(BODIES), 3, 3))
    for i, (name, parent, origin, _com, _frac) in enumerate(BODIES):
        rot[:, i] = rotation_z(-tilts[name])
        if parent < 0:
            pos[:, i, :2] = origin
        else:
            pos[:, i] = pos[:, parent] + rot[:, parent] @ np.array([*origin, 0.0])
    return pos, rot


def to_world(pos, rot, body: str, local_xy) -> np.ndarray:
    i = BODY_INDEX[body]
    return pos[:, i] + rot[:, i] @ np.array([local_xy[0], local_xy[1], 0.0])


def subtree(body: str) -> set:
    root = BODY_INDEX[body]
    out = {root}
    for i, b in enumerate(BODIES):
        j = b[1]
        while j >= 0:
            if j == root:
                out.add(i)
                break
            j = BODIES[j][1]
    return out


def crossing_direction(path_world, path_bodies, upper: set):
    """Unit direction [F×3] in which a muscle pulls the upper side of a joint, and the world point
    where it acts on it, or None when the muscle does not cross the joint."""
    for k in range(len(path_bodies) - 1):
        a_up, b_up = path_bodies[k] in upper, path_bodies[k + 1] in upper
        if a_up != b_up:
            here, there = (k, k + 1) if a_up else (k + 1, k)
            d = path_world[:, there] - path_world[:, here]
            return d / np.linalg.norm(d, axis=1, keepdims=True), path_world[:, here]
    return None


def second_derivative(x: np.ndarray, dt: float) -> np.ndarray:
    return np.gradient(np.gradient(x, dt, axis=0), dt, axis=0)


def simulate(technique: str, box_mass_kg: float) -> dict:
    n = int(round(DURATION_S * RATE_HZ)) + 1
    dt = 1.0 / RATE_HZ
    time_s = np.arange(n) * dt
    tilts = world_tilts(technique, time_s)
    pos, rot = forward_kinematics(tilts)
    grip = to_world(pos, rot, "forearm", GRIP_IN_FOREARM_M)
    box = grip + np.array([0.04, 0.0, 0.0])

    masses = np.array([b[4] * SUBJECT_MASS_KG for b in BODIES])
    com = np.stack([to_world(pos, rot, b[0], b[3]) for b in BODIES], axis=1)  # F×B×3
    # gravity plus linear inertia acting on each body and the box: m (g − a)
    g = np.array([0.0, -GRAVITY_M_S2, 0.0])
    body_load = masses[None, :, None] * (g - second_derivative(com, dt))
    box_load = box_mass_kg * (g - second_derivative(box, dt))

    paths = []  # per muscle: F×P×3 world points
    for _n, _g, _r, _f0, pts in MUSCLES:
        paths.append(np.stack([to_world(pos, rot, b, (x, y)) for b, x, y in pts], axis=1))
    bodies_of = [[BODY_INDEX[p[0]] for p in m[4]] for m in MUSCLES]
    f0 = np.array([m[3] for m in MUSCLES])
    force = np.tile(CO_CONTRACTION * f0, (n, 1))  # per side
    assigned = np.zeros(len(MUSCLES), bool)
    sides = 2.0

    def external(upper: set, joint: np.ndarray):
        idx = sorted(upper)
        f = body_load[:, idx].sum(axis=1)
        m = np.cross(com[:, idx] - joint[:, None], body_load[:, idx]).sum(axis=1)
        if BODY_INDEX["forearm"] in upper:
            f = f + box_load
            m = m + np.cross(box - joint, box_load)
        return f, m

    def muscle_terms(upper, joint):
        """Per muscle: pull direction on the upper side and the moment (z) per newton of force."""
        out = {}
        for k in range(len(MUSCLES)):
            c = crossing_direction(paths[k], bodies_of[k], upper)
            if c is not None:
                u, at = c
                out[k] = (u, np.cross(at - joint, u)[:, 2])
        return out

    def solve_sites(children):
        """Static optimization over the joints of `children` together: minimise Σ (Δf_k/F0_k)²
        subject to the muscles balancing the moment about z at every one of those joints, Δf ≥ 0 on
        top of the floor. Per frame, an active set: the weighted least-norm solution
        Δf = W Aᵀ (A W Aᵀ)⁺ b (W = diag F0²), dropping the most negative force until none is."""
        rows = []
        for child in children:
            upper = subtree(child)
            joint = pos[:, BODY_INDEX[child]]
            _f, m_ext = external(upper, joint)
            terms = muscle_terms(upper, joint)
            need = -m_ext[:, 2] - sum(sides * force[:, k] * r for k, (_u, r) in terms.items())
            rows.append((terms, need))
        free = np.array(sorted({k for terms, _ in rows for k in terms if not assigned[k]}))
        w = f0[free] ** 2
        for fr in range(n):
            a = np.array([[sides * terms[k][1][fr] if k in terms else 0.0 for k in free]
                          for terms, _ in rows])
            b = np.array([need[fr] for _, need in rows])
            active = np.ones(len(free), bool)
            while active.any():
                aw = a[:, active] * w[active]  # A W on the active muscles
                df = aw.T @ (np.linalg.pinv(aw @ a[:, active].T) @ b)
                if (df >= -1e-9).all():
                    force[fr, free[active]] += np.maximum(df, 0.0)
                    break
                active[np.flatnonzero(active)[np.argmin(df)]] = False
        assigned[free] = True

    # the trunk muscles at L5/S1 first, then the leg muscles at the knee and hip together (the
    # hamstrings and rectus femoris cross both)
    solve_sites(["L5"])
    solve_sites(["thigh", "pelvis"])

    loads = {}
    for site, child, bilateral in SITES:
        upper = subtree(child)
        i = BODY_INDEX[child]
        joint = pos[:, i]
        f_ext, m_ext = external(upper, joint)
        terms = muscle_terms(upper, joint)
        f_mus = sum(sides * force[:, k, None] * u for k, (u, _r) in terms.items())
        m_mus_z = sum(sides * force[:, k] * r for k, (_u, r) in terms.items())
        reaction_world = -(f_ext + f_mus)  # on the upper segment, from the lower
        # what the muscles leave unbalanced is carried by the joint (≈ 0 where they were solved)
        moment_world = -m_ext
        moment_world[:, 2] -= m_mus_z
        share = 0.5 if bilateral else 1.0
        local = np.einsum("fji,fj->fi", rot[:, i], reaction_world) * share  # R^T F
        local_m = np.einsum("fji,fj->fi", rot[:, i], moment_world) * share
        loads[site] = dict(force=local, moment=local_m)
    knee = tilts["shank"] - tilts["thigh"]
    quads = force[:, [k for k, m in enumerate(MUSCLES) if "quadriceps" in m[1]]].sum(axis=1)
    pf = 2.0 * quads * np.sin(knee / 2.0)
    loads["patellofemoral"] = dict(force=np.stack([np.zeros(n), pf, np.zeros(n)], axis=1),
                                   moment=np.zeros((n, 3)))

    q = np.zeros((n, len(COORDINATES)))
    for j, (_name, child, sgn) in enumerate(COORDINATES):
        parent = BODIES[BODY_INDEX[child]][1]
        q[:, j] = sgn * (tilts[child] - tilts[BODIES[parent][0]])
    moments = np.zeros_like(q)
    for j, (_name, child, sgn) in enumerate(COORDINATES):
        _f, m_ext = external(subtree(child), pos[:, BODY_INDEX[child]])
        # joint torque about z on the child is −M_ext; child rotation about z is −sgn·q
        moments[:, j] = sgn * m_ext[:, 2]

    max_pts = max(len(m[4]) for m in MUSCLES)
    path_points = np.full((n, len(MUSCLES), max_pts, 3), np.nan)
    for k, p in enumerate(paths):
        path_points[:, k, :p.shape[1]] = p
    mt_length = np.array([np.linalg.norm(np.diff(p, axis=1), axis=2).sum(axis=1) for p in paths]).T

    return dict(time=time_s, q=q, moments=moments, pos=pos, rot=rot, box=box, force=force,
                activation=np.clip(force / f0, 0.0, 1.0), path_points=path_points,
                mt_length=mt_length, loads=loads, masses=masses, f0=f0, dt=dt)


def _ds(group, name, data, units, description, compress=True):
    data = np.asarray(data)
    kw = {}
    if compress and data.ndim >= 1 and data.size > 16:
        chunks = list(data.shape)
        chunks[0] = min(chunks[0], 256)
        kw = dict(chunks=tuple(chunks), compression="gzip", compression_opts=4, shuffle=True)
    d = group.create_dataset(name, data=data, **kw)
    d.attrs["units"] = units
    d.attrs["description"] = description
    return d


def _strings(group, name, values, description):
    d = group.create_dataset(name, data=list(values), dtype=h5py.string_dtype("utf-8"))
    d.attrs["units"] = "-"
    d.attrs["description"] = description
    return d


def _peaks(sim):
    """(quantity, peak, time, units) of the summary table."""
    rows = []
    for site in ("L5_S1", "L4_L5"):
        f = sim["loads"][site]["force"]
        for qty, col, sign in (("compression", 1, 1.0), ("ap_shear", 0, 1.0)):
            v = sign * f[:, col]
            k = int(np.argmax(np.abs(v))) if qty == "ap_shear" else int(np.argmax(v))
            rows.append((f"{site}_{qty}", float(v[k]), float(sim["time"][k]), "N"))
    for site in ("hip", "tibiofemoral", "patellofemoral"):
        r = np.linalg.norm(sim["loads"][site]["force"], axis=1)
        k = int(np.argmax(r))
        rows.append((f"{site}_resultant", float(r[k]), float(sim["time"][k]), "N"))
    return rows


def write_run(group, sim, technique: str, box_mass_kg: float, root_attrs: bool = True):
    """Writes one run's layout into `group` (the file root, or /runs/NNNNN of a sweep)."""
    n = len(sim["time"])
    scenario = (f"name: synthetic_{technique}_lift\nsubject: {{height_m: {SUBJECT_HEIGHT_M}, "
                f"mass_kg: {SUBJECT_MASS_KG}, sex: male}}\ntask: {{technique: {technique}, "
                f"box: {{mass_kg: {box_mass_kg}}}}}\n")
    model = "name: synthetic_sagittal_lifting_model\n"
    attrs = dict(format="dembones-run", format_version=1, dembones_version="synthetic",
                 git_commit="none", created_utc=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 command_line=" ".join(sys.argv), host=os.uname().nodename, scenario_yaml=scenario,
                 scenario_sha256=hashlib.sha256(scenario.encode()).hexdigest(), model_yaml=model,
                 model_sha256=hashlib.sha256(model.encode()).hexdigest(),
                 scenario_name=f"synthetic_{technique}_lift", subject_height_m=SUBJECT_HEIGHT_M,
                 subject_mass_kg=SUBJECT_MASS_KG, subject_sex="male", body_weight_N=BODY_WEIGHT_N)
    if root_attrs:
        for k, v in attrs.items():
            group.attrs[k] = v
    dt = sim["dt"]
    _ds(group, "time", sim["time"], "s", "frame times")
    c = group.create_group("coordinates")
    names = [x[0] for x in COORDINATES]
    _strings(c, "names", names, "coordinate names")
    qdot = np.gradient(sim["q"], dt, axis=0)
    _ds(c, "q", sim["q"], "rad", "filtered generalized coordinates")
    _ds(c, "qdot", qdot, "rad/s", "generalized speeds")
    _ds(c, "qddot", np.gradient(qdot, dt, axis=0), "rad/s^2", "generalized accelerations")
    j = group.create_group("joints")
    _ds(j, "moment", sim["moments"], "N*m", "net generalized force from inverse dynamics")
    _ds(j, "passive_moment", np.zeros_like(sim["q"]), "N*m", "passive joint moments")

    m = group.create_group("muscles")
    _strings(m, "names", [x[0] for x in MUSCLES], "muscle names")
    _strings(m, "groups", [x[1] for x in MUSCLES], "comma-separated functional groups")
    _strings(m, "nerve_roots", [x[2] for x in MUSCLES], "comma-separated nerve roots")
    _ds(m, "sides", np.full(len(MUSCLES), 2, dtype=np.int64), "1", "2 for a bilateral muscle")
    _ds(m, "activation", sim["activation"], "1", "static-optimization activation")
    _ds(m, "force", sim["force"], "N", "tendon force, per side")
    _ds(m, "passive_force", np.zeros_like(sim["force"]), "N", "passive tendon force, per side")
    _ds(m, "mt_length", sim["mt_length"], "m", "muscle-tendon length")
    _ds(m, "fiber_length", 0.6 * sim["mt_length"], "m", "fibre length")
    _ds(m, "mt_velocity", np.gradient(sim["mt_length"], dt, axis=0), "m/s", "lengthening speed")
    _ds(m, "path_points", sim["path_points"], "m", "world positions of path points (NaN = unused)")

    r = group.create_group("reserves")
    _strings(r, "names", names, "coordinate each reserve acts on")
    _ds(r, "torque", np.zeros_like(sim["q"]), "N*m", "reserve actuator torques")
    a = group.create_group("actuators")
    arm = [names.index("shoulder_flexion"), names.index("elbow_flexion")]
    _strings(a, "names", ["shoulder_flexion", "elbow_flexion"], "ideal torque actuators")
    _ds(a, "torque", sim["moments"][:, arm], "N*m", "ideal actuator torques")

    lg = group.create_group("loads")
    for site, d in sim["loads"].items():
        s = lg.create_group(site)
        f = d["force"]
        _ds(s, "compression", f[:, 1], "N", "along the site normal, positive when pressing")
        _ds(s, "ap_shear", f[:, 0], "N", "anterior-posterior shear on the upper segment")
        _ds(s, "lateral_shear", f[:, 2], "N", "medio-lateral shear, positive right")
        _ds(s, "resultant", np.linalg.norm(f, axis=1), "N", "magnitude")
        _ds(s, "force", f, "N", "force in the site frame")
        _ds(s, "moment", d["moment"], "N*m", "moment across the site, site frame")

    sv = group.create_group("solver")
    _ds(sv, "iterations", np.full(n, 9, dtype=np.int32), "1", "static-optimization iterations")
    _ds(sv, "kkt_residual", np.full(n, 1e-10), "1", "max KKT residual")
    _ds(sv, "reserve_flag", np.zeros(n, dtype=np.int32), "1", "1 when reserves were needed")
    _ds(sv, "status", np.zeros(n, dtype=np.int32), "1", "0 solved")

    b = group.create_group("bodies")
    _strings(b, "names", [x[0] for x in BODIES], "body names")
    _ds(b, "parent", np.array([x[1] for x in BODIES], dtype=np.int64), "1",
        "index of the parent body in /bodies/names, -1 for the root")
    _ds(b, "position", sim["pos"], "m", "world position of each body frame origin")
    _ds(b, "rotation", sim["rot"], "1", "world rotation matrix of each body frame")
    bx = group.create_group("box")
    _ds(bx, "position", sim["box"], "m", "held object's centre")

    sm = group.create_group("summary")
    rows = _peaks(sim)
    table = np.array([(q, p, t, p / BODY_WEIGHT_N, u) for q, p, t, u in rows],
                     dtype=[("quantity", h5py.string_dtype("utf-8")), ("peak", "f8"), ("time_s", "f8"),
                            ("peak_bw", "f8"), ("units", h5py.string_dtype("utf-8"))])
    sm.create_dataset("peaks", data=table)
    l5 = rows[0][1]
    sm.attrs["niosh_action_limit_N"] = 3400.0
    sm.attrs["L5_S1_compression_peak_N"] = l5
    sm.attrs["exceeds_niosh_action_limit"] = int(l5 > 3400.0)

    mb = group.create_group("model/bodies")
    _strings(mb, "names", [x[0] for x in BODIES], "body names")
    _ds(mb, "mass", sim["masses"], "kg", "body mass")
    com = np.array([[x[3][0], x[3][1], 0.0] for x in BODIES])
    _ds(mb, "com", com, "m", "centre of mass, body frame")
    # a slender-rod inertia about the COM, segment length ≈ twice the COM distance (illustrative;
    # the synthetic loads neglect rotational inertia anyway)
    length = 2.0 * np.linalg.norm(com, axis=1)
    rod = sim["masses"] * length**2 / 12.0
    inertia = np.zeros((len(BODIES), 3, 3))
    inertia[:, 0, 0] = inertia[:, 2, 2] = rod  # about the transverse axes
    inertia[:, 1, 1] = 0.05 * rod  # about the long (y) axis, small
    _ds(mb, "inertia", inertia, "kg*m^2", "inertia about the COM, body frame")
    mm = group.create_group("model/muscles")
    _strings(mm, "names", [x[0] for x in MUSCLES], "muscle names")
    _ds(mm, "max_isometric_force", sim["f0"], "N", "maximum isometric force F0")
    l_mt = sim["mt_length"][-1]  # upright
    _ds(mm, "optimal_fiber_length", 0.55 * l_mt, "m", "optimal fibre length")
    _ds(mm, "tendon_slack_length", 0.40 * l_mt, "m", "tendon slack length")
    _ds(mm, "pennation_angle", np.zeros(len(MUSCLES)), "rad", "pennation at optimal fibre length")
    return rows


def write_run_file(path: str, technique: str = "stoop", box_mass_kg: float = 15.0) -> None:
    sim = simulate(technique, box_mass_kg)
    with h5py.File(path, "w") as f:
        write_run(f, sim, technique, box_mass_kg)


def write_sweep_file(path: str, masses_kg=(5.0, 10.0, 15.0, 20.0, 25.0),
                     techniques=("stoop", "squat"), failed_run: int | None = 3) -> None:
    """A sweep over box mass × technique; run `failed_run` is marked failed (NaN peaks) so the
    sweep plot's handling of failures is exercised."""
    rows = []
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "dembones-sweep"
        f.attrs["format_version"] = 1
        f.attrs["dembones_version"] = "synthetic"
        f.attrs["body_weight_N"] = BODY_WEIGHT_N
        run = 0
        for tech in techniques:
            for mass in masses_kg:
                g = f.create_group(f"runs/{run:05d}")
                ok = run != failed_run
                peaks = {}
                if ok:
                    sim = simulate(tech, mass)
                    for q, p, t, _u in write_run(g, sim, tech, mass, root_attrs=False):
                        peaks[q] = (p, t)
                    g.attrs["complete"] = 1
                rows.append((run, mass, tech, "ok" if ok else "failed", peaks))
                run += 1
        quantities = [q for q, _p, _t, _u in _peaks(simulate(techniques[0], masses_kg[0]))]
        s = h5py.string_dtype("utf-8")
        dtype = [("run", "i8"), ("task.box.mass_kg", "f8"), ("task.technique", s), ("status", s)]
        for q in quantities:
            dtype += [(f"{q}_peak_N", "f8"), (f"{q}_peak_time_s", "f8")]
        table = np.zeros(len(rows), dtype=dtype)
        for i, (run, mass, tech, status, peaks) in enumerate(rows):
            vals = [run, mass, tech, status]
            for q in quantities:
                vals += list(peaks.get(q, (np.nan, np.nan)))
            table[i] = tuple(vals)
        d = f.create_dataset("summary", data=table)
        # one unit per column, as engine/io's compound tables store them
        d.attrs["units"] = np.array(["1", "kg", "-", "-"] + ["N", "s"] * len(quantities),
                                    dtype=h5py.string_dtype("utf-8"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output")
    ap.add_argument("--technique", choices=sorted(POSTURES_DEG), default="stoop")
    ap.add_argument("--box-mass-kg", type=float, default=15.0)
    ap.add_argument("--sweep", action="store_true", help="write a sweep file (box mass × technique)")
    args = ap.parse_args(argv)
    if args.sweep:
        write_sweep_file(args.output)
    else:
        write_run_file(args.output, args.technique, args.box_mass_kg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
