#!/usr/bin/python3
"""Knee extensor mechanism of Rajagopal et al. 2016 (IEEE TBME 63:2068-2079), recomputed from its
OpenSim file without dembones, against the lifter's sagittal port of it.

    /usr/bin/python3 scripts/models/knee_extensor_check.py [REFERENCE_DIR]

Reads Rajagopal2016.osim (REFERENCE_DIR/osim, default ../shared/reference next to the repository) with
its own XML reader (it does not import make_lifter.py) and prints, for knee flexion 0-120 deg:
- the vastus (and rectus femoris) knee extension moment arm dl/d(flexion) of Rajagopal's own model:
  the full 3D walker knee (rotation about its tilted flexion axis, coupled ad/abduction and internal
  rotation, translations), the patella moved by its patellofemoral_r CustomJoint (coupled to knee
  flexion by the CoordinateCouplerConstraint), the KnExt_at_fem_r wrap cylinder, OpenSim SimmSpline
  (Forsythe, Malcolm & Moler end conditions) for every spline;
- the patellar-ligament moment arm (patella P4 -> tibial tuberosity P5 line about the knee) and the
  ratio F_P/F_Q = r_Q / r_PT of a massless patella (virtual work: F_Q dl_Q = F_P dl_PT);
- the same for "the port": knee rotation about the femur z axis with the Yamaguchi & Zajac 1989
  tibiofemoral translation of gait2392 (re-based to zero at extension), as models/lifter.yaml builds
  it (unscaled here, so the two are compared on the same bones);
- intermediate variants so that each difference can be traced to one cause.
The moment arms are central differences of the path length, independent of the engine's analytic
moment arms.
"""
import math
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_lifter  # noqa: E402  (the generator's spline: one implementation of the engine's)

HERE = os.path.dirname(os.path.abspath(__file__))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "reference")


# ------------------------------------------------------------------ small linear algebra
add, sub, mul = make_lifter.add, make_lifter.sub, make_lifter.mul


def dot(a, b):
    return sum(a[i] * b[i] for i in range(3))


def norm(a):
    return math.sqrt(dot(a, a))


def matvec(R, v):
    return [dot(R[i], v) for i in range(3)]


def matmul(A, B):
    return [[sum(A[i][k] * B[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def transpose(A):
    return [[A[j][i] for j in range(3)] for i in range(3)]


def axis_angle(u, a):
    """Rotation matrix of angle a about the unit axis u (Rodrigues)."""
    u = mul(u, 1.0 / norm(u))
    c, s, C = math.cos(a), math.sin(a), 1 - math.cos(a)
    x, y, z = u
    return [[c + x * x * C, x * y * C - z * s, x * z * C + y * s],
            [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
            [z * x * C - y * s, z * y * C + x * s, c + z * z * C]]


def body_xyz(angles):
    """OpenSim orientation: body-fixed X-Y-Z sequence, R = Rx Ry Rz."""
    return matmul(matmul(axis_angle([1, 0, 0], angles[0]), axis_angle([0, 1, 0], angles[1])),
                  axis_angle([0, 0, 1], angles[2]))


class Pose:
    """Rigid transform p_parent = R p_child + t."""

    def __init__(self, R, t):
        self.R, self.t = R, t

    def act(self, p):
        return add(matvec(self.R, p), self.t)

    def compose(self, other):
        return Pose(matmul(self.R, other.R), self.act(other.t))

    def inverse(self):
        Rt = transpose(self.R)
        return Pose(Rt, mul(matvec(Rt, self.t), -1.0))


# ------------------------------------------------------------------ OpenSim functions
def simm_spline(x, y):
    """OpenSim SimmSpline: cubic spline with Forsythe, Malcolm & Moler (1977) end conditions (third
    derivatives at the ends from divided differences), as in SIMM. Returns f(t) and f'(t)."""
    n = len(x)
    nm1 = n - 1
    b, c, d = [0.0] * n, [0.0] * n, [0.0] * n
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0] = -d[0]
    b[nm1] = -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        d1 = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        d2 = c[nm1 - 1] / (x[nm1] - x[nm1 - 2]) - c[nm1 - 2] / (x[nm1 - 1] - x[nm1 - 3])
        c[0] = d1 * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -d2 * d[nm1 - 1] * d[nm1 - 1] / (x[nm1] - x[nm1 - 3])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[nm1] /= b[nm1]
    for j in range(nm1):
        i = nm1 - j - 1
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] *= 3.0
    c[nm1] *= 3.0
    d[nm1] = d[n - 2]

    def f(t):
        k = 0
        while k < nm1 - 1 and t > x[k + 1]:
            k += 1
        if t < x[0]:
            k = 0
        s = t - x[k]
        return y[k] + s * (b[k] + s * (c[k] + s * d[k]))
    return f


def natural_spline(x, y):
    """Natural cubic spline (zero second derivative at both ends), as the dembones engine evaluates
    moving points and custom-joint translations: the generator's make_lifter.natural_spline as a
    function of t."""
    return lambda t: make_lifter.natural_spline(x, y, t)


def floats(text):
    return [float(v) for v in text.split()]


class OsimModel:
    def __init__(self, path, spline=simm_spline):
        self.root = ET.parse(path).getroot()
        self.spline = spline

    def element(self, tag_suffix, name):
        for e in self.root.iter():
            if e.get("name") == name and e.tag.endswith(tag_suffix):
                return e
        raise KeyError(name)

    def offset_frame(self, joint, frame):
        j = self.element("Joint", joint)
        for f in j.iter("PhysicalOffsetFrame"):
            if f.get("name") == frame:
                return Pose(body_xyz(floats(f.findtext("orientation"))), floats(f.findtext("translation")))
        raise KeyError(frame)

    def transform_axes(self, joint):
        """[(kind, axis, function)] of a CustomJoint's SpatialTransform, rotations first."""
        out = []
        for ta in self.element("Joint", joint).iter("TransformAxis"):
            axis = floats(ta.findtext("axis"))
            kind = "rot" if ta.get("name").startswith("rotation") else "trans"
            if ta.find("SimmSpline") is not None:
                s = ta.find("SimmSpline")
                fn = self.spline(floats(s.findtext("x")), floats(s.findtext("y")))
            elif ta.find("LinearFunction") is not None:
                a, b = floats(ta.find("LinearFunction").findtext("coefficients"))
                fn = (lambda a, b: lambda q: a * q + b)(a, b)
            else:
                v = float(ta.find("Constant").findtext("value"))
                fn = (lambda v: lambda q: v)(v)
            out.append((kind, axis, fn))
        return out

    def wrap_cylinder(self, name):
        w = self.element("WrapCylinder", name)
        return dict(R=body_xyz(floats(w.findtext("xyz_body_rotation"))), o=floats(w.findtext("translation")),
                    r=float(w.findtext("radius")), length=float(w.findtext("length")))

    def muscle_path(self, name):
        m = self.element("Muscle", name)
        pts = []
        for p in m.iter("PathPoint"):
            pts.append((p.findtext("socket_parent_frame").split("/")[-1], floats(p.findtext("location"))))
        return pts, [w.findtext("wrap_object") for w in m.iter("PathWrap")]


def custom_joint_motion(axes, q, keep=("rot", "trans"), rotations=(0, 1, 2)):
    """X_FM of an OpenSim CustomJoint: R = R1 R2 R3 (each about its axis in F, composed as a body-fixed
    sequence) and p = sum of translations along their axes in F (SimTK FunctionBased mobilizer)."""
    R = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    p = [0.0, 0.0, 0.0]
    r = 0
    for kind, axis, fn in axes:
        if kind == "rot":
            if "rot" in keep and r in rotations:
                R = matmul(R, axis_angle(axis, fn(q)))
            r += 1
        elif "trans" in keep:
            p = add(p, mul(axis, fn(q) / norm(axis)))
    return Pose(R, p)


# ------------------------------------------------------------------ cylinder wrap
def wrap_length(P, S, cyl):
    """Path length from P to S (femur frame) over an infinite-length cylinder with quadrant "all"
    (Rajagopal's KnExt_at_fem_r): no wrap unless the straight line passes through the cylinder, else
    tangent lines and a helix on the side the line passes (OpenSim WrapCylinder). Returns (length,
    wrapped)."""
    Rt = transpose(cyl["R"])
    p = matvec(Rt, sub(P, cyl["o"]))
    s = matvec(Rt, sub(S, cyl["o"]))
    r = cyl["r"]
    d = sub(s, p)
    straight = norm(d)
    dx, dy = d[0], d[1]
    dd = dx * dx + dy * dy
    rp, rs = math.hypot(p[0], p[1]), math.hypot(s[0], s[1])
    if dd == 0 or rp <= r or rs <= r:
        return straight, False
    t = max(0.0, min(1.0, -(p[0] * dx + p[1] * dy) / dd))
    if math.hypot(p[0] + t * dx, p[1] + t * dy) >= r:
        return straight, False
    # 2D tangent points on the side the straight line passes (sign of the cross product p x s).
    side = 1.0 if p[0] * s[1] - p[1] * s[0] > 0 else -1.0
    ap = math.atan2(p[1], p[0]) + side * math.acos(r / rp)  # tangent point from p
    as_ = math.atan2(s[1], s[0]) - side * math.acos(r / rs)  # tangent point from s
    arc = (as_ - ap) * side
    arc = arc % (2 * math.pi)
    lp, ls = math.sqrt(rp * rp - r * r), math.sqrt(rs * rs - r * r)
    # Helix: the axial rise is shared in proportion to the planar lengths (geodesic on the unrolled
    # cylinder).
    planar = lp + r * arc + ls
    return math.sqrt(planar * planar + (s[2] - p[2]) ** 2), True


# ------------------------------------------------------------------ the knee models
class Knee:
    """Femur-frame positions of a quadriceps path at knee flexion theta (rad, flexion positive)."""

    def __init__(self, osim, variant, gait2392=None, thigh_scale=1.0, shank_scale=1.0):
        # Scales apply to the "port_walker" variant only: femur geometry (points, patella track, knee
        # centre, its translation, wrap cylinder) x thigh_scale, tibia points x shank_scale, as
        # make_lifter.py scales the bones to de Leva's reference subject.
        self.variant = variant
        self.kf, self.ks = thigh_scale, shank_scale
        wk = "walker_knee_r"
        self.F = osim.offset_frame(wk, "femur_r_offset")
        self.T = osim.offset_frame(wk, "tibia_r_offset")
        self.knee_axes = osim.transform_axes(wk)
        self.pf_F = osim.offset_frame("patellofemoral_r", "femur_r_offset")
        self.pf_axes = osim.transform_axes("patellofemoral_r")
        self.cyl = osim.wrap_cylinder("KnExt_at_fem_r")
        self.cyl_scaled = dict(self.cyl, o=mul(self.cyl["o"], self.kf), r=self.cyl["r"] * self.kf)
        # Pelvis points (rectus femoris origin) in the femur at zero hip angles (frames parallel).
        self.pelvis_in_femur = Pose([[1, 0, 0], [0, 1, 0], [0, 0, 1]], sub(
            osim.offset_frame("hip_r", "femur_r_offset").t, osim.offset_frame("hip_r", "pelvis_offset").t))
        if gait2392 is not None:
            ax = gait2392.transform_axes("knee_r")
            self.yz = [fn for kind, _, fn in ax if kind == "trans"][:2]

    def X_femur_tibia(self, th):
        v = self.variant
        if v == "rajagopal":
            X = custom_joint_motion(self.knee_axes, th)
        elif v == "walker_sagittal":  # flexion about the tilted axis and the translations, no coupled rotations
            X = custom_joint_motion(self.knee_axes, th, rotations=(0,))
        elif v == "walker_no_translation":
            X = custom_joint_motion(self.knee_axes, th, keep=("rot",))
        elif v == "port_walker":
            # Proposed sagittal port: rotation about femur z by th, the knee centre moving in the femur as
            # the walker knee moves it (F.R p(th)), sagittal x and y components.
            p = matvec(self.F.R, custom_joint_motion(self.knee_axes, th, keep=("trans",)).t)
            return Pose([[1, 0, 0], [0, 1, 0], [0, 0, 1]], mul(add(self.F.t, [p[0], p[1], 0.0]), self.kf)).compose(
                Pose(axis_angle([0, 0, 1], -th), [0.0, 0.0, 0.0])).compose(
                Pose([[1, 0, 0], [0, 1, 0], [0, 0, 1]], mul(self.T.t, -self.ks)))
        elif v in ("port", "z_axis_only"):
            # lifter.yaml: rotation about femur z by -knee_angle = th, translation of Yamaguchi & Zajac
            # (gait2392 knee_r, coordinate negative in flexion) minus its value at extension, in the femur.
            R = axis_angle([0, 0, 1], -th)  # knee_angle = -th about femur z
            if v == "port":
                t = [self.yz[0](-th) - self.yz[0](0.0), self.yz[1](-th) - self.yz[1](0.0), 0.0]
            else:
                t = [0.0, 0.0, 0.0]
            return Pose([[1, 0, 0], [0, 1, 0], [0, 0, 1]], self.F.t).compose(Pose(R, t)).compose(
                Pose([[1, 0, 0], [0, 1, 0], [0, 0, 1]], mul(self.T.t, -1.0)))
        else:
            raise ValueError(v)
        return self.F.compose(X).compose(self.T.inverse())

    def X_femur_patella(self, th):
        return self.pf_F.compose(custom_joint_motion(self.pf_axes, th))

    def knee_centre(self, th):
        return self.X_femur_tibia(th).act(self.T.t)

    def points(self, path, th):
        Xt, Xp = self.X_femur_tibia(th), self.X_femur_patella(th)
        kf, ks = self.kf, self.ks
        out = []
        for body, p in path:
            out.append({"femur_r": lambda p: mul(p, kf), "pelvis": self.pelvis_in_femur.act,
                        "patella_r": lambda p: mul(Xp.act(p), kf),
                        "tibia_r": lambda p: Xt.act(mul(p, ks))}[body](p))
        return out

    def length(self, path, th, wrap=True):
        g = self.points(path, th)
        total, wrapped_at = 0.0, []
        for i in range(len(g) - 1):
            if wrap:
                seg, w = wrap_length(g[i], g[i + 1], self.cyl_scaled)
                if w:
                    wrapped_at.append(i)
            else:
                seg = norm(sub(g[i + 1], g[i]))
            total += seg
        return total, wrapped_at


def moment_arm(knee, path, th, h=1e-5):
    """Knee extension moment arm dl/d(flexion) (m), central difference."""
    return (knee.length(path, th + h)[0] - knee.length(path, th - h)[0]) / (2 * h)


def ligament_arm(knee, path, th, h=1e-5):
    """Patellar-ligament (last patella point -> tibial point) extension moment arm: the rate of change
    of the ligament length with the patella held fixed in the femur and the tibia rotating, i.e. the
    moment arm of a force along the ligament about the knee."""
    i = max(k for k, (b, _) in enumerate(path) if b == "patella_r")
    pat = mul(knee.X_femur_patella(th).act(path[i][1]), knee.kf)
    tib = mul(path[i + 1][1], knee.ks)

    def L(t):
        return norm(sub(knee.X_femur_tibia(t).act(tib), pat))
    return (L(th + h) - L(th - h)) / (2 * h)


def main():
    osim_dir = os.path.join(REF, "osim")
    raj = OsimModel(os.path.join(osim_dir, "Rajagopal2016.osim"))
    g2392 = OsimModel(os.path.join(osim_dir, "gait2392_thelen.osim"), spline=natural_spline)
    variants = ["rajagopal", "walker_sagittal", "walker_no_translation", "port", "z_axis_only", "port_walker"]
    knees = {v: Knee(raj, v, g2392) for v in variants}
    muscles = ["vasint_r", "vaslat_r", "vasmed_r", "recfem_r"]
    paths = {m: raj.muscle_path(m)[0] for m in muscles}
    print("# Rajagopal 2016 knee extensor mechanism, unscaled bones; moment arms in cm, extension positive")
    print("# r_Q: quadriceps path dl/dflexion (patella moving, wrap KnExt_at_fem_r); r_PT: patellar ligament"
          " (P4->P5) about the knee; F_P/F_Q = r_Q/r_PT; wrap: path segments over the cylinder")
    for v in variants:
        print(f"\n## {v}")
        print("flex_deg  " + "  ".join(f"{m[:6]:>6}" for m in muscles) + "   r_PT  FP/FQ(vasint)  PT_len_cm  wrapped(vasint)")
        for deg in range(0, 121, 10):
            th = math.radians(deg)
            rs = [moment_arm(knees[v], paths[m], th) * 100 for m in muscles]
            rpt = ligament_arm(knees[v], paths["vasint_r"], th) * 100
            g = knees[v].points(paths["vasint_r"], th)
            pt_len = norm(sub(g[4], g[3])) * 100
            wrapped = knees[v].length(paths["vasint_r"], th)[1]
            print(f"{deg:8d}  " + "  ".join(f"{r:6.2f}" for r in rs) +
                  f"  {rpt:5.2f}  {rs[0] / rpt if rpt else float('nan'):13.2f}  {pt_len:9.2f}  {wrapped}")


def scaled_table(raj, g2392, thigh_scale, shank_scale):
    """The lifter's sagittal port on its reference subject's bones: what tests/models compare with."""
    knee = Knee(raj, "port_walker", g2392, thigh_scale, shank_scale)
    muscles = ["vasint_r", "vaslat_r", "vasmed_r", "recfem_r"]
    print(f"\n## port_walker scaled (thigh x{thigh_scale}, shank x{shank_scale}): r_Q (cm) and F_P/F_Q per muscle")
    for deg in range(0, 121, 10):
        th = math.radians(deg)
        cells = []
        for m in muscles:
            path = raj.muscle_path(m)[0]
            rq, rpt = moment_arm(knee, path, th), ligament_arm(knee, path, th)
            cells.append(f"{m[:6]} {rq * 100:5.2f} {rq / rpt:5.3f}")
        print(f"{deg:4d}  " + "   ".join(cells))


if __name__ == "__main__":
    main()
    # The lifter's segment factors (make_lifter.py: de Leva length / Rajagopal length).
    scaled_table(OsimModel(os.path.join(REF, "osim", "Rajagopal2016.osim")),
                 OsimModel(os.path.join(REF, "osim", "gait2392_thelen.osim"), spline=natural_spline), 1.0347, 1.1105)
