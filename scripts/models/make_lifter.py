#!/usr/bin/python3
"""Generates models/lifter.yaml from published model data, so every number stays traceable.

Run with the system interpreter (stdlib only):
    /usr/bin/python3 scripts/models/make_lifter.py [REFERENCE_DIR] > models/lifter.yaml
    /usr/bin/python3 scripts/models/make_lifter.py --passive-curves=source > lifter_source_curves.yaml
(the second: the legs with their source model's passive curve too, for the sensitivity of
docs/models.md; `--passive-curves=degroote2016` gives every muscle De Groote et al. 2016's).

REFERENCE_DIR (default ../shared/reference next to the repository) holds the public OpenSim files and
tables the numbers are read from; the YAML names the original papers, never that folder.

What comes from where (each block in the YAML repeats it in its `source:`):
- Segment masses, centre-of-mass fractions, radii of gyration and lengths: de Leva 1996, Table 4, for
  the de Leva male reference subject (1.741 m, 73.0 kg).
- Leg, pelvis and arm frames, joint centres, wrap cylinders and the leg muscles (paths and Hill
  parameters): Rajagopal et al. 2016 (OpenSim model Rajagopal2016.osim). Thigh, shank, upper arm and
  forearm geometry is scaled by de Leva length / Rajagopal length so the model matches its reference
  subject; muscle fibre and tendon slack lengths are scaled by the musculotendon-length ratio at the neutral pose (the rule of engine/scenario/scaling.hpp).
- Leg muscle optimal fibre and tendon slack lengths (with the path points and wrap cylinders they belong
  to) where Lai, Arnold & Wakeling 2017 corrected Rajagopal's: the LAI_MUSCLES table below.
- Knee: tibiofemoral translation against knee flexion of Rajagopal's walker_knee_r (sagittal part), the
  tibiofemoral motion its patellofemoral track belongs to; range of Delp et al. 1990 (gait2392).
- Lumbar vertebrae, joint centres, vertebral centres of mass and inertias and the trunk muscles:
  Christophy et al. 2012 (OpenSim lumbar spine model; fascicle table of its public export).
- Psoas fascicles: Christophy 2012 lumbar origins and pelvic-brim point, continued to the femoral
  insertion of Rajagopal 2016's psoas over its pelvic-brim wrap cylinder.
"""
import math
import re
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
# Passive force-length curves (docs/models.md, "Passive force-length curves"): `--passive-curves=shipped`
# (the default, models/lifter.yaml) gives Christophy's fascicles their own curve (OpenSim's
# Thelen2003Muscle_Deprecated) and Rajagopal's legs De Groote et al. 2016's with their strain at F0, as
# OpenSim Moco runs that model; `source` gives the legs their own Millard 2012 curve too;
# `degroote2016` gives every muscle De Groote's (the lifter before 2026-11-27).
OPTIONS = [a for a in sys.argv[1:] if a.startswith("--")]
_POSITIONAL = [a for a in sys.argv[1:] if not a.startswith("--")]
REF = _POSITIONAL[0] if _POSITIONAL else os.path.join(HERE, "..", "..", "..", "shared", "reference")
PASSIVE_CURVES = next((a.split("=", 1)[1] for a in OPTIONS if a.startswith("--passive-curves=")), "shipped")

RAJ = "Rajagopal et al. 2016, IEEE TBME 63:2068-2079 (OpenSim model Rajagopal2016)"
DELEVA = "de Leva 1996, J Biomech 29:1223-1230, Table 4"
CHR = "Christophy et al. 2012, Biomech Model Mechanobiol 11:19-34 (OpenSim lumbar spine model)"
DELP = "Delp et al. 1990, IEEE TBME 37:757-767 (knee kinematics of Yamaguchi & Zajac 1989, J Biomech 22:1-10)"
# The walker knee is named for the knee model of Walker, Rovick & Robertson 1988 (J Biomech 21:965-974);
# the splines are read from Rajagopal's file, not from that paper.
WALKER = "Walker, Rovick & Robertson 1988, J Biomech 21:965-974, the knee model the joint is named for"
BUFF = "Buff, Jones & Hungerford 1988, J Biomech 21:17-23 (quadriceps/patellar tendon force ratio)"
# T12/L1 (the thoracolumbar junction), articulated beside Christophy's five lumbar levels.
YAO2020 = "Yao, Chen, Dong, Wang & Tan 2020, Medicine 99:e18202 (weight-bearing kinetic MRI of flexion-extension: mean angular motion 4.95 deg at T12-L1 and 6.85 deg at L1-L2 in the same subjects; abstract)"
BRUNO2015 = "Bruno, Bouxsein & Anderson 2015, J Biomech Eng 137:081003 (OpenSim full-body thoracolumbar spine model, whose lumbar vertebrae follow Christophy et al. 2012; T12/L1 joint 0.031341 m above the L1/L2 joint along the L1 vertebra, as read from a public code reproduction of the model, cf. its L2/L3-L1/L2 spacing 0.030067 m against Christophy's 0.0302 m)"
AMMR_DISC = "AnyBody Managed Model Repository (github AnyBody/ammr, Body/AAUHuman/Trunk/DiscStiffness.any): the same intervertebral flexion-extension stiffness at T12/L1 as at the lumbar levels (there Schmidt et al. 1998, Spine 23:2167-2173)"
T12_L1_SHARE_OF_L1_L2 = 4.95 / 6.85  # YAO2020
T12_L1_ABOVE_L1_L2_M = 0.031341      # BRUNO2015
ROOTS = "Standring (ed.) 2016, Gray's Anatomy 41st ed. (segmental innervation)"
# Lumbar dorsal rami (abstract): the L1-L4 rami form medial, lateral and intermediate branches, to
# multifidus, iliocostalis and longissimus; the L5 ramus only a medial and an intermediate branch;
# each medial branch supplies only the multifidus fascicles arising from the spinous process with its
# own segmental number.
BOGDUK1982 = ("Bogduk, Wilson & Tynan 1982, J Anat 134:383-397 (abstract: L1-L4 dorsal rami to multifidus, "
              "iliocostalis and longissimus, L5 to multifidus and longissimus; each medial branch supplies only the "
              "multifidus fascicles arising from the spinous process of its own segment)")


# The thoracic parts of the erector spinae: the lateral branches of the thoracic dorsal rami end in (the
# upper six) or give branches to (the lower six) the longissimus and the iliocostalis.
GRAY1918 = ("Gray 1918, Anatomy of the Human Body, 20th ed., The posterior divisions of the thoracic nerves "
            "(lateral branches of the thoracic dorsal rami to the longissimus dorsi and iliocostalis; public text)")


def lumbar_roots(family, name, roots):
    """Nerve roots of a lumbar fascicle, segmental: the erector spinae and multifidus are supplied by the
    dorsal ramus of their own segment. Multifidus MF_m<k> (from the spinous process or lamina of L<k>): its
    medial branch; lumbar iliocostalis IL_L<k> (L1-L4: no L5 lateral branch) and longissimus LTpL_L<k>:
    the lateral and intermediate branches of L<k>, as Bogduk et al. 1982 give them. The thoracic
    fascicles, which arise from the ribs and thoracic transverse processes and reach the lumbar spine and
    sacrum by long tendons (IL_R<k>, LTpT_T<k>, LTpT_R<k>): the thoracic dorsal ramus of their segment of
    origin (Gray 1918). Tagging them with a lumbar span, as before, made a single lumbar root's lesion
    paralyse the whole back. Other families: the family's range."""
    seg = {"multifidus": r"MF_m(\d)", "iliocostalis": r"IL_[LR](\d+)",
           "longissimus_thoracis_pars_thoracis": r"LTpT_[TR](\d+)", "longissimus_thoracis_pars_lumborum": r"LTpL_L(\d)"}
    if family in seg:
        k = re.match(seg[family], name)
        if k:
            thoracic = name.startswith(("IL_R", "LTpT_"))
            return [f"{'T' if thoracic else 'L'}{k.group(1)}"], GRAY1918 if thoracic else BOGDUK1982
    return roots, ROOTS
JORGENSEN2005 = "Jorgensen, Marras, Smith & Pope 2005, Clin Biomech 20:242-246 (abstract)"
# Rectus abdominis sagittal moment arms in upright neutral standing, MRI through and parallel to each
# disc, converted to the transverse plane (m): Jorgensen et al. 2005, abstract (five women).
RA_ARM_M = {"L1_L2": 0.097, "L2_L3": 0.091, "L3_L4": 0.085, "L4_L5": 0.085, "L5_S1": 0.098}
JORGENSEN2001 = "Jorgensen, Marras, Granata & Wiand 2001, Clin Biomech 16:182-193"
# Christophy's EO1-EO4 and IO1-IO3 end on an "Abdomen" body of their full model (a massless body on a
# joint coupled to lumbar flexion) that the public skeleton lacks. Its origin in the L5 frame, from the
# MuJoCo conversion of the full model (MyoTorso, github MyoHub/myo_sim, torso/assets/myotorso_chain.xml:
# body Abdomen pos 0.098 0.0711 0 in lumbar5; a conversion, not a publication), places the Abdomen
# points 9.0-11.3 cm in front of the lumbar joint centres, on the abdominal wall.
MYOTORSO = "MyoTorso (Walia et al., MuJoCo conversion of the Christophy et al. 2012 full model; github MyoHub/myo_sim, torso/assets/myotorso_chain.xml)"
ABDOMEN_IN_L5 = [0.098, 0.0711, 0.0]
# Erector spinae sagittal moment arm (m) at the levels where a published value is at hand: about 5-7 cm
# at L4/L5 and L5/S1 in the MRI database of Jorgensen et al. 2001 (centroid of the muscle behind the
# vertebral body centroid, 20 women and 10 men, supine; range as stated in issue #5). Its middle is used
# at both levels: the paper's per-level, per-sex table was not readable while this was written, so no
# per-level or per-sex value and no value above L4/L5 is used.
ES_ARM_M = {"L5_S1": 0.060, "L4_L5": 0.060}
# Triceps surae strength rule (see the leg muscles below): one factor on Rajagopal's forces, the scale
# that brings the full-activation plantarflexion to Anderson et al. 2007's young men's mean.
TRICEPS_SURAE_FACTOR = 0.357
# Passive curve notes for the muscles' sources (docs/models.md: "Passive force-length curves").
DEGROOTE = "De Groote et al. 2016, Ann Biomed Eng 44:2922-2936"
DEMBIA = "Dembia et al. 2020, PLoS Comput Biol 16:e1008493 (OpenSim Moco)"
LEG_CURVE = ("(its Millard 2012 curve)" if PASSIVE_CURVES == "source" else
             f"(Rajagopal's curve is Millard 2012's; here the curve of {DEGROOTE} with that strain, as {DEMBIA} runs this "
             "model with DeGrooteFregly2016Muscle)")
LAI = ("Lai, Arnold & Wakeling 2017, Ann Biomed Eng 45:2762-2774 (values as distributed in the LaiUhlrich2022 "
       "OpenSim model, Uhlrich et al. 2023 PLoS Comput Biol 19:e1011462)")
# Lai et al. 2017 corrected Rajagopal's optimal fibre and tendon slack lengths (and the paths and wrap
# cylinders they belong to) because Rajagopal's hamstrings and other leg muscles produce large passive
# forces in deep hip and knee flexion. Every value below was read from LaiUhlrich2022.osim (github
# stanfordnmbl/opencap-core, opensimPipeline/Models) for the leg muscles of this model and differs from
# Rajagopal2016.osim; a value not listed is the same in both files (maximum isometric forces,
# pennation angles and the passive fibre strain at F0, 0.7, are the same for every muscle here; so are
# iliacus, tibialis anterior, semitendinosus and the adductor magnus parts). Path points are given by
# their index in Rajagopal's path (0 = origin), in Rajagopal's unscaled body frames; a new tendon slack
# length belongs to the new path, so points, wraps and lengths are taken together.
LAI_MUSCLES = {
    "bflh_r": dict(lts=0.3325, points={1: ("tibia_r", [-0.03436, -0.03648, 0.03618]),
                                       2: ("tibia_r", [-0.02704, -0.05008, 0.03476])}),
    "bfsh_r": dict(lts=0.10581791424960163, points={1: ("tibia_r", [-0.02866, -0.03284, 0.03204])}),
    "semimem_r": dict(lopt=0.086, lts=0.335, points={1: ("tibia_r", [-0.027, -0.041, -0.0196])}),
    "glmax1_r": dict(lts=0.0873),
    "glmax2_r": dict(lts=0.109),
    "glmax3_r": dict(lts=0.103),
    "glmed1_r": dict(lopt=0.0765, lts=0.0585, points={0: ("pelvis", [-0.049, 0.026, 0.115]),
                                                      1: ("femur_r", [-0.014, -0.018, 0.059])}),
    "glmed2_r": dict(lopt=0.084, lts=0.07545, points={0: ("pelvis", [-0.085, 0.055, 0.082]),
                                                      1: ("femur_r", [-0.022, -0.01, 0.056])}),
    "glmed3_r": dict(lopt=0.0781, lts=0.0484, points={0: ("pelvis", [-0.1, 0.016, 0.064])}),
    "gaslat_r": dict(lopt=0.069, lts=0.374, points={0: ("femur_r", [0.002, -0.381, 0.02059])},
                     wraps=["GasLat_at_shank_r", "GasLat_at_condyles_r"]),
    "gasmed_r": dict(lopt=0.059, lts=0.387, points={0: ("femur_r", [0.006, -0.385, -0.022])},
                     wraps=["GasMed_at_shank_r", "GasMed_at_condyles_r"]),
    "soleus_r": dict(lts=0.28135),
    "recfem_r": dict(lts=0.4504),
    "vasint_r": dict(lopt=0.117, lts=0.205),
    "vaslat_r": dict(lopt=0.117, lts=0.221, wraps=["KnExtVL_at_fem_r"]),
    "vasmed_r": dict(lopt=0.11, lts=0.208),
}
# Wrap cylinders of LaiUhlrich2022.osim that are new (replacing Rajagopal's single Gastroc_at_condyles_r
# and a separate vastus lateralis cylinder) or changed (fields listed; the others are Rajagopal's).
LAI_WRAPS_NEW = {
    "GasLat_at_condyles_r": dict(body="femur_r", rotation=[0.0, 0.0, 0.0], translation=[0.005, -0.41, 0.0],
                                 radius=0.026, length=0.1, quadrant="all"),
    "GasMed_at_condyles_r": dict(body="femur_r", rotation=[0.0, 0.0, 0.0], translation=[0.005, -0.41, 0.0],
                                 radius=0.025, length=0.1, quadrant="all"),
    "KnExtVL_at_fem_r": dict(body="femur_r", rotation=[-0.0623366, 0.0507601, 0.0],
                             translation=[0.00188828, -0.402732, 0.00209111], radius=0.025, length=0.1, quadrant="all"),
}
LAI_WRAPS_CHANGED = {
    "GasMed_at_shank_r": dict(radius=0.059),
    "SM_at_condyles_r": dict(radius=0.0345),
    "BF_at_gastroc_r": dict(translation=[-0.039, -0.06, 0.0], radius=0.029),
}

# ---------------------------------------------------------------- de Leva 1996, Table 4
# (mass fraction, COM fraction from the first endpoint, r_sag (AP axis), r_trans (ML axis), r_long, L [m])
DL = {
    "M": {
        "head_neck": (0.0694, 0.5002, 0.303, 0.315, 0.261, 0.2429),  # vertex -> C7 (alt. def.)
        "trunk": (0.4346, 0.4486, 0.372, 0.347, 0.191, 0.5319),       # suprasternale -> mid-hip
        "trunk_c7": (0.4346, 0.5138, 0.328, 0.306, 0.169, 0.6033),    # C7 -> mid-hip
        "upt": (0.1596, 0.2999, 0.716, 0.454, 0.659, 0.1707),
        "mpt": (0.1633, 0.4502, 0.482, 0.383, 0.468, 0.2155),
        "lpt": (0.1117, 0.6115, 0.615, 0.551, 0.587, 0.1457),
        "upper_arm": (0.0271, 0.5772, 0.285, 0.269, 0.158, 0.2817),
        "forearm": (0.0162, 0.4574, 0.276, 0.265, 0.121, 0.2689),
        "hand": (0.0061, 0.3624, 0.288, 0.235, 0.184, 0.1879),       # wrist -> middle fingertip (alt.)
        "thigh": (0.1416, 0.4095, 0.329, 0.329, 0.149, 0.4222),
        "shank": (0.0433, 0.4395, 0.251, 0.246, 0.102, 0.4403),      # knee JC -> ankle JC (alt.)
        "foot": (0.0137, 0.4415, 0.257, 0.245, 0.124, 0.2581),
    },
    "F": {
        "head_neck": (0.0668, 0.4841, 0.271, 0.295, 0.261, 0.2437),
        "trunk": (0.4257, 0.4151, 0.357, 0.339, 0.171, 0.5293),
        "trunk_c7": (0.4257, 0.4964, 0.307, 0.292, 0.147, 0.6148),
        "upt": (0.1545, 0.2077, 0.746, 0.502, 0.718, 0.1425),
        "mpt": (0.1465, 0.4512, 0.433, 0.354, 0.415, 0.2053),
        "lpt": (0.1247, 0.4920, 0.433, 0.402, 0.444, 0.1815),
        "upper_arm": (0.0255, 0.5754, 0.278, 0.260, 0.148, 0.2751),
        "forearm": (0.0138, 0.4559, 0.261, 0.257, 0.094, 0.2643),
        "hand": (0.0056, 0.3427, 0.244, 0.208, 0.154, 0.1701),
        "thigh": (0.1478, 0.3612, 0.369, 0.364, 0.162, 0.3685),
        "shank": (0.0481, 0.4352, 0.267, 0.263, 0.092, 0.4386),
        "foot": (0.0129, 0.4014, 0.299, 0.279, 0.139, 0.2283),
    },
}
H_REF = {"M": 1.741, "F": 1.735}
M_REF = {"M": 73.0, "F": 61.9}
MASS_REF = M_REF["M"]

# Scaling segments: (mass from de Leva segment, length from de Leva segment). Trunk parts take their
# mass from the upper/middle/lower trunk split but scale in length with the whole trunk, because the
# pelvis and vertebral geometry is not the omphalion/xiphoid landmark distance.
SEGMENTS = {
    "foot": ("foot", "foot"),
    "shank": ("shank", "shank"),
    "thigh": ("thigh", "thigh"),
    "lower_trunk": ("lpt", "trunk_c7"),
    "middle_trunk": ("mpt", "trunk_c7"),
    "upper_trunk": ("upt", "trunk_c7"),
    "head_neck": ("head_neck", "head_neck"),
    "upper_arm": ("upper_arm", "upper_arm"),
    "forearm": ("forearm", "forearm"),
    "hand": ("hand", "hand"),
}


def fmt(x):
    s = f"{x:.6g}"
    return "0" if s in ("-0", "0") else s


def vec(v):
    return "[" + ", ".join(fmt(x) for x in v) + "]"


def add(a, b):
    return [a[i] + b[i] for i in range(3)]


def sub(a, b):
    return [a[i] - b[i] for i in range(3)]


def mul(a, k):
    return [x * k for x in a]


def norm(a):
    return math.sqrt(sum(x * x for x in a))


def q(s):
    return '"' + s.replace('"', "'") + '"'


# ---------------------------------------------------------------- OpenSim readers
def floats(text):
    return [float(x) for x in text.split()]


class Osim:
    def __init__(self, path):
        self.root = ET.parse(path).getroot()

    def frame_field(self, joint, frame, field):
        """A field (translation, orientation) of a joint's PhysicalOffsetFrame, as numbers."""
        for j in self.root.iter():
            if j.get("name") == joint and j.tag.endswith("Joint"):
                for f in j.iter("PhysicalOffsetFrame"):
                    if f.get("name") == frame:
                        return floats(f.findtext(field))
        raise KeyError((joint, frame))

    def offset(self, joint, frame):
        return self.frame_field(joint, frame, "translation")

    def orientation(self, joint, frame):
        return self.frame_field(joint, frame, "orientation")

    def axis(self, joint, axis_name):
        for j in self.root.iter("CustomJoint"):
            if j.get("name") == joint:
                for ta in j.iter("TransformAxis"):
                    if ta.get("name") == axis_name:
                        return floats(ta.findtext("axis"))
        raise KeyError((joint, axis_name))

    def coordinate_range(self, name):
        for c in self.root.iter("Coordinate"):
            if c.get("name") == name:
                return floats(c.findtext("range"))
        raise KeyError(name)

    def wraps(self):
        out = {}
        for b in self.root.iter("Body"):
            for w in b.iter("WrapCylinder"):
                out[w.get("name")] = dict(
                    body=b.get("name"),
                    rotation=floats(w.findtext("xyz_body_rotation")),
                    translation=floats(w.findtext("translation")),
                    radius=float(w.findtext("radius")),
                    length=float(w.findtext("length")),
                    # OpenSim writes "x" for "+x".
                    quadrant={"x": "+x", "y": "+y"}.get((w.findtext("quadrant") or "all").strip(),
                                                      (w.findtext("quadrant") or "all").strip()),
                )
        return out

    def muscle(self, name):
        for m in self.root.iter():
            if m.get("name") == name and m.tag.endswith("Muscle"):
                pts = []
                for p in m.iter():
                    if p.tag in ("PathPoint", "ConditionalPathPoint", "MovingPathPoint"):
                        if p.tag != "PathPoint":
                            raise ValueError(f"{name}: {p.tag} not handled")
                        body = p.findtext("socket_parent_frame").split("/")[-1]
                        pts.append((body, floats(p.findtext("location"))))
                wraps = [w.findtext("wrap_object") for w in m.iter("PathWrap")]
                # The passive curve of the muscle class (OpenSim's FiberForceLengthCurve for Millard's).
                curves = {"Millard2012EquilibriumMuscle": "millard2012"}
                if m.tag not in curves:
                    raise ValueError(f"{name}: muscle class {m.tag} not handled")
                return dict(
                    passive_curve=curves[m.tag],
                    F0=float(m.findtext("max_isometric_force")),
                    lopt=float(m.findtext("optimal_fiber_length")),
                    lts=float(m.findtext("tendon_slack_length")),
                    passive_strain=float(m.findtext("FiberForceLengthCurve/strain_at_one_norm_force") or 0.6),
                    penn=float(m.findtext("pennation_angle_at_optimal")),
                    points=pts,
                    wraps=wraps,
                )
        raise KeyError(name)

    def muscle_force(self, name):
        for m in self.root.iter():
            if m.get("name") == name and m.tag.endswith("Muscle"):
                return float(m.findtext("max_isometric_force"))
        raise KeyError(name)

    def spline(self, joint, axis_name):
        for j in self.root.iter("CustomJoint"):
            if j.get("name") == joint:
                for ta in j.iter("TransformAxis"):
                    if ta.get("name") == axis_name:
                        s = ta.find("SimmSpline")
                        return floats(s.findtext("x")), floats(s.findtext("y"))
        raise KeyError((joint, axis_name))

    def constant(self, joint, axis_name):
        for j in self.root.iter("CustomJoint"):
            if j.get("name") == joint:
                for ta in j.iter("TransformAxis"):
                    if ta.get("name") == axis_name:
                        return float(ta.find("Constant").findtext("value"))
        raise KeyError((joint, axis_name))


def natural_spline(x, y, t):
    """Natural cubic spline through (x, y) at t (Burden & Faires Alg. 3.4), as the engine evaluates."""
    n = len(x)
    h = [x[i + 1] - x[i] for i in range(n - 1)]
    alpha = [0.0] * n
    for i in range(1, n - 1):
        alpha[i] = 3 / h[i] * (y[i + 1] - y[i]) - 3 / h[i - 1] * (y[i] - y[i - 1])
    l, mu, z, c = [1.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    for i in range(1, n - 1):
        l[i] = 2 * (x[i + 1] - x[i - 1]) - h[i - 1] * mu[i - 1]
        mu[i] = h[i] / l[i]
        z[i] = (alpha[i] - h[i - 1] * z[i - 1]) / l[i]
    for j in range(n - 2, -1, -1):
        c[j] = z[j] - mu[j] * c[j + 1]
    j = max(0, min(n - 2, max(i for i in range(n - 1) if x[i] <= t) if t >= x[0] else 0))
    b = (y[j + 1] - y[j]) / h[j] - h[j] * (c[j + 1] + 2 * c[j]) / 3
    d = (c[j + 1] - c[j]) / (3 * h[j])
    s = t - x[j]
    return y[j] + s * (b + s * (c[j] + s * d))


def christophy_lines(path):
    """(fascicle, words) for each non-empty line of Christophy's muscle file, fascicle being the name of
    the last `beginmuscle` (None before the first)."""
    name = None
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == "beginmuscle":
                name = words[1]
            yield name, words


def read_christophy_wrapped(path):
    """Names of the fascicles that Christophy's muscle file wraps over a surface (`wrapobject` lines),
    with the surfaces: {"IL_L1_r": ["Cylinder2"], ...}."""
    wrapped = {}
    for name, words in christophy_lines(path):
        if words[0] == "wrapobject" and name is not None:
            wrapped.setdefault(name, []).append(words[1])
    return wrapped


def read_christophy_passive(path):
    """Each fascicle's Thelen 2003 passive-curve parameters in Christophy's muscle file:
    {"Ps_L1_VB_r": (FmaxMuscleStrain, KshapePassive), ...}."""
    values = {}
    for name, words in christophy_lines(path):
        if words[0] in ("FmaxMuscleStrain", "KshapePassive"):
            values.setdefault(name, {})[words[0]] = float(words[1])
    return {n: (v["FmaxMuscleStrain"], v["KshapePassive"]) for n, v in values.items()}


def read_christophy(path):
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            pts = []
            for p in cols[6].split("|"):
                body, xyz = p.strip().split(":")
                pts.append((body, [float(v) for v in xyz.split(",")]))
            rows.append(dict(name=cols[0], family=cols[1], F0=float(cols[2]), lopt=float(cols[3]),
                             lts=float(cols[4]), penn=float(cols[5]), points=pts))
    return rows


# ---------------------------------------------------------------- the model
def main():
    for a in OPTIONS:
        if not a.startswith("--passive-curves="):
            sys.exit(f"make_lifter.py: unknown option {a} (expected --passive-curves=degroote2016|source)")
    if PASSIVE_CURVES not in ("shipped", "source", "degroote2016"):
        sys.exit(f"make_lifter.py: --passive-curves={PASSIVE_CURVES}: expected shipped, source or degroote2016")
    raj = Osim(os.path.join(REF, "osim", "Rajagopal2016.osim"))
    g2392 = Osim(os.path.join(REF, "osim", "gait2392_thelen.osim"))
    chr_rows = read_christophy(os.path.join(REF, "christophy2012_lumbar_muscles_right.tsv"))
    chr_wrapped = read_christophy_wrapped(os.path.join(REF, "osim", "ChristophyMuscle.txt"))
    chr_passive = read_christophy_passive(os.path.join(REF, "osim", "ChristophyMuscle.txt"))
    out = []
    w = out.append
    M = DL["M"]

    # --- Rajagopal geometry
    hip = raj.offset("hip_r", "pelvis_offset")
    knee_f = raj.offset("walker_knee_r", "femur_r_offset")
    knee_t = raj.offset("walker_knee_r", "tibia_r_offset")
    ankle_t = raj.offset("ankle_r", "tibia_r_offset")
    subtalar = raj.offset("subtalar_r", "talus_r_offset")
    shoulder_raj = raj.offset("acromial_r", "torso_offset")
    back_raj = raj.offset("back", "pelvis_offset")
    elbow_h = raj.offset("elbow_r", "humerus_r_offset")
    radius_u = raj.offset("radioulnar_r", "ulna_r_offset")
    wrist_r = raj.offset("radius_hand_r", "radius_r_offset")
    wrist_u = add(radius_u, wrist_r)
    # The patella moves in the femur with knee flexion as in Rajagopal's patellofemoral_r CustomJoint:
    # parent frame femur_r_offset, child patella_r at its origin, rotation1 (about z) and translation1/2
    # SimmSplines of knee_angle_r_beta (coupled equal to knee_angle_r, flexion positive), translation3
    # constant. A patella point p is at p_femur(beta) = offset + t(beta) + Rz(rot1(beta)) p in the femur.
    # The patella is not a body here: its points become moving path points of the femur sampled at the
    # spline knots, and the quadriceps act on the tibia through the patellar-ligament segment (moving
    # patella point -> tibial tuberosity).
    pf_joint = "patellofemoral_r"
    pf_offset = raj.offset(pf_joint, "femur_r_offset")
    pf_beta, pf_rot = raj.spline(pf_joint, "rotation1")
    pf_t = [raj.spline(pf_joint, "translation1"), raj.spline(pf_joint, "translation2")]
    assert all(x == pf_beta for x, _ in pf_t), "patellofemoral splines on different knots"
    pf_t3 = raj.constant(pf_joint, "translation3")

    def patella_in_femur(p, beta):
        a = natural_spline(pf_beta, pf_rot, beta)
        t = [natural_spline(x, y, beta) for x, y in pf_t] + [pf_t3]
        c, sn = math.cos(a), math.sin(a)
        return add(add(pf_offset, t), [c * p[0] - sn * p[1], sn * p[0] + c * p[1], p[2]])

    # Our knee_angle is negative in flexion: knee_angle = -beta, knots in increasing order.
    pf_knee_knots = [-b for b in reversed(pf_beta)]

    # Tibiofemoral translation: Rajagopal's walker_knee_r (after Walker, Rovick & Robertson 1988) moves
    # the knee centre (origin of tibia_r_offset) in femur_r_offset by its translation1/2 splines of
    # knee flexion along the offset frame's Y and Z axes, i.e. by R_F t(beta) in the femur, with R_F the
    # offset frame's body-fixed X-Y-Z orientation. The lifter keeps the sagittal (femur x, y) part and
    # rotates about the femur z axis (the walker flexion axis is the offset X axis, 4 deg from femur -z;
    # its coupled ab/adduction and rotation are out of plane). This is the tibiofemoral motion the
    # patella track (patellofemoral_r, below) was built with: the Yamaguchi & Zajac 1989 translation of
    # gait2392, used before, drops the tibia 2.1 cm against the femur at 100 deg of flexion and moved
    # the patellar ligament towards the knee centre (scripts/models/knee_extensor_check.py).
    wk_rot = raj.orientation("walker_knee_r", "femur_r_offset")
    wk_beta, _ = raj.spline("walker_knee_r", "translation1")
    wk_t = [(raj.axis("walker_knee_r", a), raj.spline("walker_knee_r", a)) for a in ("translation1", "translation2")]
    assert all(sp[0] == wk_beta for _, sp in wk_t), "walker knee splines on different knots"
    assert raj.constant("walker_knee_r", "translation3") == 0.0

    def body_xyz(a):
        """OpenSim orientation: body-fixed X-Y-Z rotations, R = Rx Ry Rz (rows of the matrix)."""
        cx, sx, cy, sy, cz, sz = (math.cos(a[0]), math.sin(a[0]), math.cos(a[1]), math.sin(a[1]),
                                  math.cos(a[2]), math.sin(a[2]))
        return [[cy * cz, -cy * sz, sy],
                [cx * sz + sx * sy * cz, cx * cz - sx * sy * sz, -sx * cy],
                [sx * sz - cx * sy * cz, sx * cz + cx * sy * sz, cx * cy]]

    wk_R = body_xyz(wk_rot)

    def walker_translation(i):
        """Knee-centre translation in the femur at the walker knots (knee flexion = wk_beta[i])."""
        t = [0.0, 0.0, 0.0]
        for ax, (_, ys) in wk_t:
            t = add(t, mul(ax, ys[i]))
        return [sum(wk_R[r][c] * t[c] for c in range(3)) for r in range(3)]

    k = {
        "thigh": M["thigh"][5] / norm(knee_f),
        "shank": M["shank"][5] / norm(sub(ankle_t, knee_t)),
        "upper_arm": M["upper_arm"][5] / norm(elbow_h),
        "forearm": M["forearm"][5] / norm(wrist_u),
    }
    body_k = {"femur": k["thigh"], "tibia": k["shank"], "humerus": k["upper_arm"], "forearm": k["forearm"]}

    def kb(body):
        return body_k.get(body, 1.0)

    # --- Christophy geometry: sacrum welded 0.049 m below the pelvis origin (both welded to ground)
    sacrum_in_pelvis = [0.0, 0.93 - 0.979, 0.0]
    chr_joints = [  # name, parent, child, location in parent, location in child (Christophy .osim)
        ("L5_S1", "pelvis", "lumbar5", add(sacrum_in_pelvis, [-0.098, 0.071, 0.0]), [0.0, 0.0, 0.0]),
        ("L4_L5", "lumbar5", "lumbar4", [0.010, 0.0296, 0.0], [0.001, -0.0025, 0.0]),
        ("L3_L4", "lumbar4", "lumbar3", [0.0, 0.032, 0.0], [-0.0006, -0.0012, 0.0]),
        ("L2_L3", "lumbar3", "lumbar2", [-0.008, 0.0312, 0.0], [-0.0013, -0.0039, 0.0]),
        ("L1_L2", "lumbar2", "lumbar1", [-0.010, 0.025, 0.0], [0.0014, -0.0038, 0.0]),
    ]
    torso_in_l1 = [0.0025, -0.089, 0.0]
    # T12/L1: above the L1/L2 centre by Bruno's L1 spacing, along L2's axis (Christophy's lumbar1 has
    # no upper joint centre to give L1's own; the L1/L2 disc frame below uses the same axis).
    l2_axis = sub(chr_joints[4][3], chr_joints[3][4])
    l2_axis = mul(l2_axis, 1.0 / norm(l2_axis))
    t12_in_l1 = add(chr_joints[4][4], mul(l2_axis, T12_L1_ABOVE_L1_L2_M))
    t12_joint = ("T12_L1", "lumbar1", "torso", t12_in_l1, sub(t12_in_l1, torso_in_l1))
    spine_joints = chr_joints + [t12_joint]  # the levels with a coordinate, rhythm, stiffness and site
    vert = {  # Christophy .osim: mass (for the split of de Leva's middle trunk), COM, inertia
        "lumbar5": (1.824, [0.053744, 0.020, 0.0], [0.01219, 0.01765, 0.00546]),
        "lumbar4": (1.799, [0.0170296, 0.018, 0.0], [0.01123, 0.01643, 0.00520]),
        "lumbar3": (1.670, [0.0136848, 0.018, 0.0], [0.01066, 0.01608, 0.00551]),
        "lumbar2": (1.689, [0.0245272, 0.018, 0.0], [0.01091, 0.01682, 0.00591]),
        "lumbar1": (1.677, [0.039, 0.017, 0.0], [0.01113, 0.01753, 0.00640]),
    }
    vert_total = sum(v[0] for v in vert.values())

    # Body origins in the pelvis frame at the neutral posture (all frames parallel there).
    origin = {"pelvis": [0.0, 0.0, 0.0]}
    for _, parent, child, lp, lc in chr_joints:
        origin[child] = sub(add(origin[parent], lp), lc)
    origin["torso"] = add(origin["lumbar1"], torso_in_l1)

    def to_pelvis(body, p):
        if body == "sacrum":
            return add(sacrum_in_pelvis, p)
        return add(origin[body], p)

    def from_pelvis(body, p):
        return sub(p, origin[body])

    midhip_in_torso = from_pelvis("torso", [hip[0], hip[1], 0.0])
    # Neck (C7): de Leva trunk (C7 - mid-hip JC) length straight above the mid-hip joint centre,
    # on the antero-posterior line of the lumbar joint centres (Christophy L1/L2).
    c7_in_torso = [from_pelvis("torso", add(origin["lumbar2"], chr_joints[4][3]))[0],
                   midhip_in_torso[1] + M["trunk_c7"][5], 0.0]
    # Shoulder: Rajagopal acromial joint, re-expressed from the Rajagopal torso frame (origin at its
    # back joint in the pelvis) into the Christophy torso frame.
    shoulder_in_torso = add(from_pelvis("torso", back_raj), shoulder_raj)

    # ------------------------------------------------------------ header
    w("# dembones reference lifting model: sagittal, left-right symmetric, feet fixed to the ground.")
    w("# GENERATED by scripts/models/make_lifter.py from published model data; edit the script, not")
    w("# this file. Every number carries its source (author year, table or model file).")
    w("# Frames: OpenSim convention (X anterior, Y superior, Z right), SI units, angles in rad unless")
    w("# the field ends in _deg. Coordinates rotate about +Z: positive = extension of the trunk,")
    w("# flexion of hip/shoulder/elbow, dorsiflexion of the ankle; knee flexion is negative.")
    w("format: dembones-model/1")
    w("name: lifter")
    w("description: " + q("Whole-body sagittal lifting model: Rajagopal 2016 legs, Christophy 2012 "
                          "lumbar spine (five articulated levels) and T12/L1, de Leva 1996 segment inertia."))
    w("references:")
    for key, cite in [
        ("deleva1996", "de Leva P (1996) Adjustments to Zatsiorsky-Seluyanov's segment inertia parameters. J Biomech 29(9):1223-1230"),
        ("rajagopal2016", "Rajagopal A, Dembia CL, DeMers MS, Delp DD, Hicks JL, Delp SL (2016) Full-body musculoskeletal model for muscle-driven simulation of human gait. IEEE Trans Biomed Eng 63(10):2068-2079"),
        ("christophy2012", "Christophy M, Faruk Senan NA, Lotz JC, O'Reilly OM (2012) A musculoskeletal model for the lumbar spine. Biomech Model Mechanobiol 11:19-34"),
        ("delp1990", "Delp SL, Loan JP, Hoy MG, Zajac FE, Topp EL, Rosen JM (1990) An interactive graphics-based model of the lower extremity to study orthopaedic surgical procedures. IEEE Trans Biomed Eng 37(8):757-767"),
        ("walker1988", "Walker PS, Rovick JS, Robertson DD (1988) The effects of knee brace hinge design and placement on joint mechanics. J Biomech 21(11):965-974"),
        ("buff1988", "Buff HU, Jones LC, Hungerford DS (1988) Experimental determination of forces transmitted through the patello-femoral joint. J Biomech 21(1):17-23"),
        ("standring2016", "Standring S (ed.) (2016) Gray's Anatomy, 41st edition. Elsevier"),
        ("lai2017", "Lai AKM, Arnold AS, Wakeling JM (2017) Why are antagonist muscles co-activated in my simulation? A musculoskeletal model for analysing human locomotor tasks. Ann Biomed Eng 45(12):2762-2774"),
        ("uhlrich2023", "Uhlrich SD, Falisse A, Kidzinski L, et al. (2023) OpenCap: Human movement dynamics from smartphone videos. PLoS Comput Biol 19(10):e1011462 (distributes the LaiUhlrich2022 OpenSim model)"),
    ]:
        w(f"  {key}: {q(cite)}")
    w("reference_subject: {height_m: %s, mass_kg: %s, sex: male, source: %s}"
      % (fmt(H_REF["M"]), fmt(MASS_REF), q(DELEVA + ", male reference subject")))

    # ------------------------------------------------------------ segments
    w("segments:")
    for name, (mseg, lseg) in SEGMENTS.items():
        w(f"  - name: {name}")
        w("    source: " + q(f"{DELEVA}: mass fraction of '{mseg}' by sex; length of '{lseg}' / stature of the male reference subject (1.741 m), used for both sexes"))
        # Lengths: the male proportions for both sexes. De Leva's female segment lengths do not chain
        # into a stature (her thigh, 0.3685 m, runs from a hip joint centre placed higher in the
        # lower trunk), which would put the female hip at 0.49 of stature instead of about 0.53
        # (Drillis & Contini 1966, greater trochanter height).
        for sex, key in (("M", "male"), ("F", "female")):
            w(f"    {key}: {{mass_fraction: {fmt(DL[sex][mseg][0])}, length_fraction_of_height: {fmt(DL['M'][lseg][5] / H_REF['M'])}}}")

    # ------------------------------------------------------------ bodies
    def inertia(seg, mass):
        _, _, rs, rt, rl, L = M[seg]
        # Ixx about the AP axis (r_sag), Iyy about the long axis, Izz about the ML axis (r_trans).
        return [mass * (rs * L) ** 2, mass * (rl * L) ** 2, mass * (rt * L) ** 2]

    bodies = []

    def body(name, segment, sides, mass, com, inert, src, share=None):
        bodies.append(name)
        w(f"  - name: {name}")
        w(f"    segment: {segment}")
        if share is not None:
            w(f"    segment_share: {fmt(share)}")
        w(f"    sides: {sides}")
        w("    source: " + q(src))
        w(f"    mass_kg: {fmt(mass)}")
        w(f"    com_m: {vec(com)}")
        w(f"    inertia_kg_m2: {vec(inert)}")

    w("bodies:")
    m = M["foot"][0] * MASS_REF
    # Foot: long axis antero-posterior, so the long-axis radius goes to Ixx and r_sag (assigned to the
    # ML axis as in de Leva's own reading of the foot) to Izz.
    rs, rt, rl, L = M["foot"][2], M["foot"][3], M["foot"][4], M["foot"][5]
    body("foot", "foot", 2, m, [M["foot"][1] * L, 0.03, 0.0],
         [m * (rl * L) ** 2, m * (rt * L) ** 2, m * (rs * L) ** 2],
         f"{DELEVA} (foot: mass 0.0137 x 73.0 kg, COM 0.4415 of heel-toe length 0.2581 m forward of the heel; radii of gyration); frame and COM height 0.03 m: {RAJ} calcaneus; talus and toes merged")
    m = M["shank"][0] * MASS_REF
    knee_tib = mul(knee_t, k["shank"])
    ankle_tib = mul(ankle_t, k["shank"])
    body("tibia", "shank", 2, m, add(knee_tib, mul(sub(ankle_tib, knee_tib), M["shank"][1])), inertia("shank", m),
         f"{DELEVA} (shank knee-ankle JC: mass 0.0433 x 73.0 kg, COM 0.4395 from the knee, radii); frame: {RAJ} tibia scaled x{k['shank']:.4f} to de Leva length 0.4403 m")
    m = M["thigh"][0] * MASS_REF
    knee_fem = mul(knee_f, k["thigh"])
    body("femur", "thigh", 2, m, mul(knee_fem, M["thigh"][1]), inertia("thigh", m),
         f"{DELEVA} (thigh: mass 0.1416 x 73.0 kg, COM 0.4095 from the hip JC, radii); frame: {RAJ} femur scaled x{k['thigh']:.4f} to de Leva length 0.4222 m")
    m = M["lpt"][0] * MASS_REF
    body("pelvis", "lower_trunk", 1, m, [-0.0707, 0.0, 0.0], inertia("lpt", m),
         f"{DELEVA} (lower trunk LPT: mass 0.1117 x 73.0 kg, radii x length 0.1457 m); frame, sacrum and COM: {RAJ} pelvis, {CHR} sacrum")
    for name in ("lumbar5", "lumbar4", "lumbar3", "lumbar2", "lumbar1"):
        mv, com, I = vert[name]
        share = mv / vert_total
        m = M["mpt"][0] * MASS_REF * share
        body(name, "middle_trunk", 1, m, com, mul(I, m / mv),
             f"{DELEVA} (middle trunk MPT 0.1633 x 73.0 kg, shared over L1-L5 in proportion to the {CHR} vertebral masses); COM and inertia (scaled by mass): {CHR}", share)
    m = M["upt"][0] * MASS_REF
    upt_com_y = midhip_in_torso[1] + M["trunk"][5] - M["upt"][1] * M["upt"][5]
    body("torso", "upper_trunk", 1, m, [0.0046, upt_com_y, 0.0], inertia("upt", m),
         f"{DELEVA} (upper trunk UPT: mass 0.1596 x 73.0 kg; COM 0.2999 of 0.1707 m below the suprasternale, itself 0.5319 m above the mid-hip JC; radii); frame and COM x: {CHR} torso")
    m = M["head_neck"][0] * MASS_REF
    body("head", "head_neck", 1, m, [0.0, (1 - M["head_neck"][1]) * M["head_neck"][5], 0.0], inertia("head_neck", m),
         f"{DELEVA} (head+neck vertex-C7: mass 0.0694 x 73.0 kg, COM 0.5002 of 0.2429 m from the vertex; radii); frame origin at C7")
    m = M["upper_arm"][0] * MASS_REF
    elbow_hum = mul(elbow_h, k["upper_arm"])
    body("humerus", "upper_arm", 2, m, mul(elbow_hum, M["upper_arm"][1]), inertia("upper_arm", m),
         f"{DELEVA} (upper arm: mass 0.0271 x 73.0 kg, COM 0.5772 from the shoulder JC, radii); frame: {RAJ} humerus scaled x{k['upper_arm']:.4f} to 0.2817 m")
    m = M["forearm"][0] * MASS_REF
    wrist_fa = mul(wrist_u, k["forearm"])
    body("forearm", "forearm", 2, m, mul(wrist_fa, M["forearm"][1]), inertia("forearm", m),
         f"{DELEVA} (forearm: mass 0.0162 x 73.0 kg, COM 0.4574 from the elbow JC, radii); frame: {RAJ} ulna (radius merged) scaled x{k['forearm']:.4f} to 0.2689 m")
    m = M["hand"][0] * MASS_REF
    body("hand", "hand", 2, m, [0.0, -M["hand"][1] * M["hand"][5], 0.0], inertia("hand", m),
         f"{DELEVA} (hand wrist-fingertip: mass 0.0061 x 73.0 kg, COM 0.3624 of 0.1879 m from the wrist, radii); frame: {RAJ} hand")

    # ------------------------------------------------------------ joints
    def coord(name, lo, hi, src_note):
        return f"{{name: {name}, range_rad: [{fmt(lo)}, {fmt(hi)}]}}", src_note

    w("joints:")
    w("  - name: ground_foot")
    w("    type: fixed")
    w("    parent: ground")
    w("    child: foot")
    w("    source: " + q(f"{RAJ}: calcaneus frame origin at the heel, on the floor (feet flat)"))
    w("    location_in_parent_m: [0, 0, 0]")

    def revolute(name, parent, child, lp, lc, cname, rng, src):
        w(f"  - name: {name}")
        w("    type: revolute")
        w(f"    parent: {parent}")
        w(f"    child: {child}")
        w("    source: " + q(src))
        w(f"    location_in_parent_m: {vec(lp)}")
        w(f"    location_in_child_m: {vec(lc)}")
        w("    axis: [0, 0, 1]")
        w(f"    coordinate: {{name: {cname}, range_rad: [{fmt(rng[0])}, {fmt(rng[1])}]}}")

    revolute("ankle", "tibia", "foot", ankle_tib, mul(subtalar, -1.0), "ankle_angle",
             raj.coordinate_range("ankle_angle_r"),
             f"{RAJ}: ankle centre in the tibia (scaled x{k['shank']:.4f}), talus origin in the calcaneus frame (subtalar offset), range; axis reduced to the sagittal Z axis")
    # Knee: Rajagopal's walker-knee translation of the knee centre in the femur, sagittal part.
    w("  - name: knee")
    w("    type: custom")
    w("    parent: femur")
    w("    child: tibia")
    w("    source: " + q(f"{RAJ}: knee centre in femur (scaled x{k['thigh']:.4f}) and tibia (scaled x{k['shank']:.4f}); tibiofemoral translation: its walker_knee_r translation splines of knee flexion (after {WALKER}) rotated into the femur by the joint's femur_r_offset orientation, sagittal x and y components at the spline knots, scaled with the femur (flexion axis reduced to the sagittal Z axis, coupled ab/adduction and rotation left out); range: {DELP} gait2392 knee (10 deg of hyperextension, the translation held at its full-extension value there)"))
    w(f"    location_in_parent_m: {vec(knee_fem)}")
    w(f"    location_in_child_m: {vec(knee_tib)}")
    w("    axis: [0, 0, 1]")
    kr = g2392.coordinate_range("knee_angle_r")
    w(f"    coordinate: {{name: knee_angle, range_rad: [{fmt(kr[0])}, {fmt(kr[1])}]}}")
    w("    rotation: {type: linear, slope: 1, intercept: 0}")
    # Knots in increasing knee_angle (= -flexion); a knot at the top of the range keeps the translation at
    # its full-extension value (zero) in hyperextension, where the walker knee has no data.
    wk_idx = list(reversed(range(len(wk_beta))))
    wk_x = [-wk_beta[i] for i in wk_idx] + [kr[1]]
    for c, axis in ((0, "x"), (1, "y")):
        ys = [walker_translation(i)[c] * k["thigh"] for i in wk_idx] + [walker_translation(0)[c] * k["thigh"]]
        w(f"    translation_{axis}: {{type: spline, x: {vec(wk_x)}, y: {vec(ys)}}}")
    revolute("hip", "pelvis", "femur", hip, [0, 0, 0], "hip_flexion", raj.coordinate_range("hip_flexion_r"),
             f"{RAJ}: hip joint centre in the pelvis, hip flexion range")
    fe_range = [-70.0 * math.pi / 180, 26.0 * math.pi / 180]
    shares = {"L5_S1": 0.125, "L4_L5": 0.185, "L3_L4": 0.204, "L2_L3": 0.231, "L1_L2": 0.255}
    # T12/L1 moves with the lumbar levels at the ratio to L1/L2 measured in the same subjects (Yao 2020):
    # its share is of the same lumbar (L1-S1) flexion angle, on top of Christophy's five, which sum to 1.
    shares["T12_L1"] = round(shares["L1_L2"] * T12_L1_SHARE_OF_L1_L2, 4)
    for name, parent, child, lp, lc in chr_joints:
        s = shares[name]
        revolute(name, parent, child, lp, lc, name + "_extension", [s * fe_range[0], s * fe_range[1]],
                 f"{CHR}: intervertebral joint centre (sacrum 0.049 m below the pelvis origin), range = level share {s} of the lumbar flexion-extension range -70 to 26 deg")
    name, parent, child, lp, lc = t12_joint
    s = shares[name]
    revolute(name, parent, child, lp, lc, name + "_extension", [s * fe_range[0], s * fe_range[1]],
             f"joint centre: {BRUNO2015}, along the axis of L2 of {CHR} (L1's own axis is not in that model, whose thorax is welded to L1), in the L1 and thorax frames of {CHR}; range = level share {s} of the lumbar flexion-extension range -70 to 26 deg, the share being L1/L2's {shares['L1_L2']} x 4.95/6.85 ({YAO2020})")
    revolute("neck", "torso", "head", c7_in_torso, [0, 0, 0], "neck_flexion", [-math.pi / 2, math.pi / 2],
             f"{DELEVA} trunk C7-mid-hip length 0.6033 m above the mid-hip JC (C7), on the line of the {CHR} L1/L2 centre; range +-90 deg is a non-limiting bound for an actuated joint")
    # Flexion range: Rajagopal's arm_flex_r range (+-90 deg) stops the arms short of hanging
    # vertically once the trunk leans past 90 deg (a stoop to the floor); the normal active range
    # of shoulder flexion is 0-180 deg (AAOS: Greene & Heckman 1994), extension 60 deg.
    revolute("shoulder", "torso", "humerus", shoulder_in_torso, [0, 0, 0], "shoulder_flexion",
             [-math.radians(60), math.pi],
             f"{RAJ}: acromial joint centre re-expressed from the Rajagopal torso frame (back joint) into the {CHR} torso frame; range: normal shoulder flexion 0-180 deg and extension 0-60 deg, Greene & Heckman 1994, The Clinical Measurement of Joint Motion (American Academy of Orthopaedic Surgeons)")
    revolute("elbow", "humerus", "forearm", elbow_hum, [0, 0, 0], "elbow_flexion",
             raj.coordinate_range("elbow_flex_r"),
             f"{RAJ}: elbow centre (scaled x{k['upper_arm']:.4f}) and range; axis reduced to Z")
    w("  - name: wrist")
    w("    type: fixed")
    w("    parent: forearm")
    w("    child: hand")
    w("    source: " + q(f"{RAJ}: wrist centre (radius_hand joint via the radioulnar offset) in the ulna frame, scaled x{k['forearm']:.4f}"))
    w(f"    location_in_parent_m: {vec(wrist_fa)}")

    # ------------------------------------------------------------ wraps
    raj_wraps = raj.wraps()
    body_map = {"pelvis": "pelvis", "femur_r": "femur", "tibia_r": "tibia", "calcn_r": "foot",
                "patella_r": "femur"}
    used_wraps = {}

    def map_point(body, p):
        b = body_map[body]
        if body == "patella_r":
            # A moving point of the femur: samples at the patellofemoral knots, scaled with the thigh.
            return b, dict(coordinate="knee_angle", values=pf_knee_knots,
                           points=[mul(patella_in_femur(p, -qk), kb(b)) for qk in pf_knee_knots])
        return b, mul(p, kb(b))

    leg_muscles = [  # Rajagopal name, model name, groups, nerve roots
        ("iliacus_r", "iliacus", ["hip_flexors", "iliopsoas"], ["L2", "L3"]),
        ("glmax1_r", "gluteus_maximus_1", ["hip_extensors", "glutes"], ["L5", "S1", "S2"]),
        ("glmax2_r", "gluteus_maximus_2", ["hip_extensors", "glutes"], ["L5", "S1", "S2"]),
        ("glmax3_r", "gluteus_maximus_3", ["hip_extensors", "glutes"], ["L5", "S1", "S2"]),
        ("glmed1_r", "gluteus_medius_1", ["hip_abductors", "glutes"], ["L4", "L5", "S1"]),
        ("glmed2_r", "gluteus_medius_2", ["hip_abductors", "glutes"], ["L4", "L5", "S1"]),
        ("glmed3_r", "gluteus_medius_3", ["hip_abductors", "glutes"], ["L4", "L5", "S1"]),
        ("bflh_r", "biceps_femoris_long_head", ["hamstrings", "hip_extensors", "knee_flexors"], ["L5", "S1", "S2"]),
        ("semimem_r", "semimembranosus", ["hamstrings", "hip_extensors", "knee_flexors"], ["L5", "S1", "S2"]),
        ("semiten_r", "semitendinosus", ["hamstrings", "hip_extensors", "knee_flexors"], ["L5", "S1", "S2"]),
        ("bfsh_r", "biceps_femoris_short_head", ["knee_flexors"], ["L5", "S1", "S2"]),
        ("recfem_r", "rectus_femoris", ["quadriceps", "knee_extensors", "hip_flexors"], ["L2", "L3", "L4"]),
        ("vaslat_r", "vastus_lateralis", ["quadriceps", "knee_extensors", "vasti"], ["L2", "L3", "L4"]),
        ("vasmed_r", "vastus_medialis", ["quadriceps", "knee_extensors", "vasti"], ["L2", "L3", "L4"]),
        ("vasint_r", "vastus_intermedius", ["quadriceps", "knee_extensors", "vasti"], ["L2", "L3", "L4"]),
        ("gasmed_r", "gastrocnemius_medialis", ["plantarflexors", "triceps_surae", "knee_flexors"], ["S1", "S2"]),
        ("gaslat_r", "gastrocnemius_lateralis", ["plantarflexors", "triceps_surae", "knee_flexors"], ["S1", "S2"]),
        ("soleus_r", "soleus", ["plantarflexors", "triceps_surae"], ["S1", "S2"]),
        ("tibant_r", "tibialis_anterior", ["dorsiflexors"], ["L4", "L5"]),
        # Adductor magnus: with the hip flexed it is a large hip extensor (its ischial part runs with
        # the hamstrings); the adductor part is supplied by the obturator nerve, the ischial part by
        # the tibial division of the sciatic nerve (Standring 2016).
        ("addmagDist_r", "adductor_magnus_distal", ["hip_adductors", "adductor_magnus"], ["L2", "L3", "L4"]),
        ("addmagIsch_r", "adductor_magnus_ischial", ["hip_adductors", "adductor_magnus"], ["L4"]),
        ("addmagMid_r", "adductor_magnus_middle", ["hip_adductors", "adductor_magnus"], ["L2", "L3", "L4"]),
        ("addmagProx_r", "adductor_magnus_proximal", ["hip_adductors", "adductor_magnus"], ["L2", "L3", "L4"]),
    ]
    muscles_yaml = []

    def emit_muscle(name, F0, lopt, lts, penn_rad, points, wraps, groups, roots, src, passive_strain=None,
                    passive_curve=None, passive_shape=None):
        L = muscles_yaml.append
        L(f"  - name: {name}")
        L("    sides: 2")
        L("    source: " + q(src))
        L(f"    max_isometric_force_N: {fmt(F0)}")
        L(f"    optimal_fiber_length_m: {fmt(lopt)}")
        L(f"    tendon_slack_length_m: {fmt(lts)}")
        L(f"    pennation_at_optimal_rad: {fmt(penn_rad)}")
        if passive_strain is not None:
            L(f"    passive_strain_at_max_force: {fmt(passive_strain)}")
        if passive_curve is not None:
            L(f"    passive_curve: {passive_curve}")
        if passive_shape is not None:
            L(f"    passive_shape: {fmt(passive_shape)}")
        L("    path:")
        for b, p in points:
            if isinstance(p, dict):
                xyz = [vec([pt[c] for pt in p["points"]]) for c in range(3)]
                L(f"      - {{body: {b}, moving: {{coordinate: {p['coordinate']}, coordinate_values_rad: {vec(p['values'])}, "
                  f"x_m: {xyz[0]}, y_m: {xyz[1]}, z_m: {xyz[2]}}}}}")
            else:
                L(f"      - {{body: {b}, location_m: {vec(p)}}}")
        if wraps:
            L(f"    wraps: [{', '.join(wraps)}]")
        L(f"    groups: [{', '.join(groups)}]")
        L(f"    nerve_roots: [{', '.join(roots)}]")

    def use_wrap(raj_name):
        if raj_name in LAI_WRAPS_NEW:
            wr = dict(LAI_WRAPS_NEW[raj_name], source=f"{LAI}: wrap cylinder {raj_name}")
        elif raj_name in LAI_WRAPS_CHANGED:
            changed = LAI_WRAPS_CHANGED[raj_name]
            wr = dict(raj_wraps[raj_name], **changed)
            wr["source"] = (f"{RAJ} wrap cylinder {raj_name}, with {' and '.join(changed)} from {LAI}")
        else:
            wr = dict(raj_wraps[raj_name], source=f"{RAJ} wrap cylinder {raj_name}")
        name = raj_name[:-2] if raj_name.endswith("_r") else raj_name
        used_wraps[name] = wr
        return name

    # Neutral-pose positions (pelvis frame; all frames parallel at zero angles) of Rajagopal points,
    # unscaled (k = 1) or with the segment factors, for the musculotendon-length ratio.
    def raj_global(body, p, scaled):
        s = (lambda key: k[key]) if scaled else (lambda key: 1.0)
        tib = add(hip, sub(mul(knee_f, s("thigh")), mul(knee_t, s("shank"))))
        if body == "pelvis":
            return p
        if body in ("femur_r", "patella_r"):
            return add(hip, mul(patella_in_femur(p, 0.0) if body == "patella_r" else p, s("thigh")))
        if body == "tibia_r":
            return add(tib, mul(p, s("shank")))
        if body == "calcn_r":
            return add(add(tib, mul(ankle_t, s("shank"))), add(subtalar, p))
        raise KeyError(body)

    def path_length(points, scaled):
        g = [raj_global(b, p, scaled) for b, p in points]
        return sum(norm(sub(g[i + 1], g[i])) for i in range(len(g) - 1))

    # Strength rule for the triceps surae (issue #5): a scale to measured strength. Rajagopal's forces
    # (MRI volumes of Handsfield et al. 2014 at 60 N/cm^2) give 2.7-2.9 times the isometric
    # plantarflexion of Anderson, Madigan & Nussbaum 2007 (J Biomech 40:3105-3113, Table 3: young men,
    # c1 = 0.095 m g h at 23.4 deg of dorsiflexion, 118 N m for the de Leva reference subject); the
    # three muscles keep Rajagopal's proportions and are scaled by one factor, chosen so that the
    # model's full-activation plantarflexion there (mean of the knee straight and flexed 90 deg)
    # equals Anderson's mean (tests/models/strength_test.cpp checks it and the other angles). The
    # lifts do not need the excess: with it removed no scenario needs an ankle reserve.
    triceps_surae_factor = TRICEPS_SURAE_FACTOR
    triceps_surae_note = (f"; F0 x{triceps_surae_factor:g}: strength rule scaling the triceps surae to the isometric "
                          f"plantarflexion of young men (Anderson, Madigan & Nussbaum 2007, J Biomech 40:3105-3113, Table 3)")

    for raj_name, name, groups, roots in leg_muscles:
        mu = raj.muscle(raj_name)
        if "triceps_surae" in groups:
            mu = dict(mu, F0=mu["F0"] * triceps_surae_factor)
        lai = LAI_MUSCLES.get(raj_name, {})
        raj_points = list(mu["points"])
        for i, (b, p) in lai.get("points", {}).items():
            assert raj_points[i][0] == b, (raj_name, i)
            raj_points[i] = (b, p)
        pts = [map_point(b, p) for b, p in raj_points]
        f = path_length(raj_points, True) / path_length(raj_points, False)
        wraps = [use_wrap(x) for x in lai.get("wraps", mu["wraps"])]
        lopt, lts = lai.get("lopt", mu["lopt"]), lai.get("lts", mu["lts"])
        patella = ("; patella points as moving points of the femur that follow knee flexion as in its patellofemoral joint (splines sampled at their knots)"
                   if any(b == "patella_r" for b, _ in mu["points"]) else "")
        if lai:
            changed = [n for n, k in (("optimal fibre length", "lopt"), ("tendon slack length", "lts")) if k in lai]
            if "points" in lai:
                changed.append("path points " + ", ".join(f"P{i + 1}" for i in sorted(lai["points"])))
            if "wraps" in lai:
                changed.append("wrap cylinders " + ", ".join(lai["wraps"]))
            what = (f"{RAJ} muscle {raj_name} (F0, pennation, passive fibre strain at F0 {mu['passive_strain']:g} from its "
                    f"FiberForceLengthCurve {LEG_CURVE}, path, wraps{patella}); {', '.join(changed)}: {LAI} "
                    f"(Rajagopal: fibre {mu['lopt']:g} m, tendon {mu['lts']:.5g} m)")
        else:
            what = (f"{RAJ} muscle {raj_name} (F0, fibre, tendon, pennation, passive fibre strain at F0 {mu['passive_strain']:g} "
                    f"from its FiberForceLengthCurve {LEG_CURVE}, path, wraps{patella}; the same in {LAI})")
        emit_muscle(name, mu["F0"], lopt * f, lts * f, mu["penn"], pts, wraps, groups, roots,
                    f"{what}{triceps_surae_note if 'triceps_surae' in groups else ''}; fibre and tendon lengths x{f:.4f}, the musculotendon length ratio at the neutral pose after scaling the segments; nerve roots: {ROOTS}", passive_strain=mu["passive_strain"],
                    passive_curve=mu["passive_curve"] if PASSIVE_CURVES == "source" else "degroote2016")

    # Psoas: Christophy fascicles from each lumbar level to the pelvic brim, then Rajagopal's femoral
    # insertion over the brim cylinder. The added brim-to-trochanter length goes to the tendon (the
    # fascicles join a common tendon to the lesser trochanter).
    psoas_raj = raj.muscle("psoas_r")
    ps_femur = [map_point(b, p) for b, p in psoas_raj["points"] if b == "femur_r"]
    ps_wrap = [use_wrap(x) for x in psoas_raj["wraps"]]
    chr_body = {"sacrum": "pelvis", "pelvis": "pelvis", "lumbar1": "lumbar1", "lumbar2": "lumbar2",
                "lumbar3": "lumbar3", "lumbar4": "lumbar4", "lumbar5": "lumbar5", "torso": "torso"}

    def chr_point(b, p):
        return chr_body[b], (add(sacrum_in_pelvis, p) if b == "sacrum" else p)

    def neutral_global(b, p):
        if b == "femur":
            return add(hip, p)
        return to_pelvis(b, p)

    chain = ["pelvis", "lumbar5", "lumbar4", "lumbar3", "lumbar2", "lumbar1", "torso"]

    def sagittal_moment_arms(pts):
        """Extensor moment arm (m) of a straight-segment path about each lumbar level at the neutral
        posture, r = -dl/dq = -z . ((B - c) x u) for the segment that spans the level (u from its lower
        to its upper point, c the joint centre); levels the path does not span are left out."""
        arms = {}
        for level, parent, child, _, lc in chr_joints:
            k = chain.index(parent)
            c = to_pelvis(child, lc)
            for i in range(len(pts) - 1):
                ia, ib = chain.index(pts[i][0]), chain.index(pts[i + 1][0])
                if min(ia, ib) <= k < max(ia, ib):
                    a, b = neutral_global(*pts[i]), neutral_global(*pts[i + 1])
                    if ia > ib:
                        a, b = b, a
                    u = mul(sub(b, a), 1.0 / norm(sub(b, a)))
                    bc = sub(b, c)
                    arms[level] = -(bc[0] * u[1] - bc[1] * u[0])
        return arms

    def es_via_points(pts):
        """Via points standing in for the wrap surfaces of Christophy's erector spinae fascicles: at each
        level of ES_ARM_M, a point on the upper vertebra at the MRI moment arm behind the intervertebral
        joint centre (along the level's antero-posterior axis, at the height of the joint centre and at
        the fascicle's own lateral position where its path crosses that height). A via point is added
        only where the fascicle's path crosses that height (the MRI slice of the level) and runs closer
        to the joint centre than the MRI value, and only if it lowers the fascicle's moment arm at no
        level it spans: a via point never pulls a fascicle inward (an iliac-crest fascicle attached
        above the L5/S1 joint centre would be tilted by a point behind L4/L5 and lose L5/S1 moment arm).
        Returns (points, path length ratio, levels given a via point)."""
        path = list(pts)
        placed = []
        for level, parent, child, _, lc in chr_joints:
            if level not in ES_ARM_M:
                continue
            k = chain.index(parent)
            for i in range(len(path) - 1):
                ia, ib = chain.index(path[i][0]), chain.index(path[i + 1][0])
                if not (min(ia, ib) <= k < max(ia, ib)):
                    continue  # this segment does not span the level
                a, b = neutral_global(*path[i]), neutral_global(*path[i + 1])
                c = to_pelvis(child, lc)
                t = (c[1] - a[1]) / (b[1] - a[1])
                if not 0.0 <= t <= 1.0 or c[0] - (a[0] + t * (b[0] - a[0])) >= ES_ARM_M[level]:
                    break  # misses the level's transverse plane, or already runs at least as far out
                via = (child, add(lc, [-ES_ARM_M[level], 0.0, a[2] + t * (b[2] - a[2])]))
                trial = path[:i + 1] + [via] + path[i + 1:]
                before, after = sagittal_moment_arms(path), sagittal_moment_arms(trial)
                if all(after[n] >= before[n] for n in before):
                    path = trial
                    placed.append(level)
                break

        def length(ps):
            return sum(norm(sub(neutral_global(*ps[j + 1]), neutral_global(*ps[j]))) for j in range(len(ps) - 1))
        return path, length(path) / length(pts), placed

    families = {
        "psoas": ("psoas_major", ["hip_flexors", "iliopsoas", "psoas", "lumbar"], ["L1", "L2", "L3"]),
        "iliocostalis": ("iliocostalis_lumborum", ["back_extensors", "erector_spinae"], ["L1-L5"]),
        "longissimus_thoracis_pars_thoracis": ("longissimus_thoracis_pars_thoracis", ["back_extensors", "erector_spinae"], ["T1-L5"]),
        "longissimus_thoracis_pars_lumborum": ("longissimus_thoracis_pars_lumborum", ["back_extensors", "erector_spinae"], ["L1-L5"]),
        "multifidus": ("multifidus", ["back_extensors", "multifidus", "core"], ["L1-L5"]),
        "quadratus_lumborum": ("quadratus_lumborum", ["lateral_flexors", "core"], ["T12-L4"]),
        "rectus_abdominis": ("rectus_abdominis", ["abdominals", "trunk_flexors", "core"], ["T7-T12"]),
        "external_oblique": ("external_oblique", ["abdominals", "trunk_flexors", "core"], ["T7-T12"]),
        "internal_oblique": ("internal_oblique", ["abdominals", "trunk_flexors", "core"], ["T7-L1"]),
    }
    # Presumed transcription swap in the public export: each of these two quadratus lumborum fascicles'
    # fibre + tendon length fits the other's path (normalized fibre length at the neutral posture 1.88
    # and 0.35 as exported, 0.83 and 1.12 exchanged). Exchanged here; check against Lumbar_C_210.osim.
    swap = {"QL_post_I.2-L3_r": "QL_post_I.2-L2_r", "QL_post_I.2-L2_r": "QL_post_I.2-L3_r"}
    by_name = {r["name"]: r for r in chr_rows}
    swapped_lengths = {n: (by_name[o]["lopt"], by_name[o]["lts"]) for n, o in swap.items()}
    for n, (lo, lt) in swapped_lengths.items():
        by_name[n]["lopt"], by_name[n]["lts"] = lo, lt
        by_name[n]["swap_note"] = f"; optimal fibre and tendon slack lengths exchanged with {swap[n]} (presumed transcription swap in the exported table: as exported the fibre would sit at 1.88 or 0.35 of its optimal length when standing)"
    # Strength rule for the erector spinae: the Christophy fascicle forces (1285 N per side) are scaled
    # uniformly so that their sum equals the lumped erector spinae of the OpenSim gait2392 and
    # Hamner et al. 2010 models (ercspn_r, max isometric force 2500 N per side).
    ES = ("iliocostalis", "longissimus_thoracis_pars_thoracis", "longissimus_thoracis_pars_lumborum")
    ercspn = Osim(os.path.join(REF, "osim", "hamner.osim")).muscle_force("ercspn_r")
    es_total = sum(r["F0"] for r in chr_rows if r["family"] in ES)
    es_factor = ercspn / es_total
    HAMNER = "Hamner, Seth & Delp 2010, J Biomech 43:2709-2716 (OpenSim model, lumped erector spinae ercspn_r)"
    skipped = []
    abdomen_origin = add(origin["lumbar5"], ABDOMEN_IN_L5)  # pelvis frame, neutral posture
    ra_row = next(r for r in chr_rows if r["family"] == "rectus_abdominis")
    # The rectus abdominis' pubic and thoracic attachments, on the right side like the obliques.
    ra_pubis, ra_thorax = [(chr_body[b], [p[0], p[1], abs(p[2])]) for b, p in ra_row["points"]]

    def abdomen_path(row):
        """Path of an oblique fascicle that ends on Christophy's Abdomen body. The Abdomen point becomes a
        via point on the lumbar vertebra at its height at the neutral posture (the vertebra between
        whose intervertebral joint centres it lies), at its neutral position, so that it follows the
        abdominal wall as the trunk flexes, as the rectus abdominis via points do. From there the
        aponeurosis carries the tension along the abdominal wall (linea alba and rectus sheath) to the
        bone that resists the pull: an external oblique fascicle (ribs above, pulling the wall up) to
        the pubis, an internal oblique fascicle (iliac crest below, pulling the wall down) to the
        xiphoid and costal cartilages; over the rectus abdominis via points of the levels passed, to
        the rectus abdominis' pubic or thoracic attachment. Returns (points, added tendon length,
        vertebra of the Abdomen point)."""
        (b0, p0), (b1, p1) = row["points"]
        abd, other = (p0, (b1, p1)) if b0 == "Abdomen" else (p1, (b0, p0))
        g = add(abdomen_origin, abd)
        below = [(name, child, lc) for name, _, child, _, lc in chr_joints if to_pelvis(child, lc)[1] <= g[1]]
        above = [(name, child, lc) for name, _, child, _, lc in chr_joints if to_pelvis(child, lc)[1] > g[1]]
        vert = below[-1][1] if below else "pelvis"
        via = (vert, from_pelvis(vert, g))
        if other[0] == "torso":  # external oblique: ribs -> wall -> pubis
            wall = [ra_pubis] + [(c, add(lc, [RA_ARM_M[n], 0.0, 0.0])) for n, c, lc in below] + [via]
            pts = wall + [chr_point(*other)]
        else:  # internal oblique: iliac crest -> wall -> thorax
            wall = [via] + [(c, add(lc, [RA_ARM_M[n], 0.0, 0.0])) for n, c, lc in above] + [ra_thorax]
            pts = [chr_point(*other)] + wall
        added = sum(norm(sub(neutral_global(*wall[i + 1]), neutral_global(*wall[i]))) for i in range(len(wall) - 1))
        return pts, added, vert

    for row in chr_rows:
        if row["family"] not in families:
            continue  # latissimus dorsi: an arm muscle, not part of this model
        fam, groups, roots = families[row["family"]]
        lts = row["lts"]
        wraps = []
        note = ""
        lopt = row["lopt"]
        if any(b == "Abdomen" for b, _ in row["points"]):
            pts, added, vert = abdomen_path(row)
            # Fibre and tendon lengths fitted to the fibres' path at the neutral posture: Christophy's
            # Abdomen joint is not public, so how long these fascicles were in their model is unknown;
            # the public oblique fascicles that end on bones (IO4-IO6) measure 1.005-1.007 times their
            # fibre plus tendon length there, so the same fit (1.0) is assumed, keeping the fibre / tendon
            # proportion (the scaling rule of the leg muscles). Unfitted, the MyoTorso Abdomen origin
            # would put EO1-EO4 at 1.16-1.18 and IO1-IO3 at 0.92 times their fibre plus tendon length.
            fibres = norm(sub(neutral_global(*pts[-1]), neutral_global(*pts[-2]))) if row["family"] == "external_oblique" \
                else norm(sub(neutral_global(*pts[1]), neutral_global(*pts[0])))
            fit = fibres / (row["lopt"] + row["lts"])
            lopt *= fit
            lts = row["lts"] * fit + added
            skipped.append(f"{row['name']}->{vert} (x{fit:.3f})")
            note = (f"; fibre and tendon lengths x{fit:.4f} to fit the fibres' path at the neutral posture (Abdomen joint not public; the public IO4-IO6 fit theirs within 1 %)"
                    f"; the Abdomen point (Christophy's Abdomen body, origin {vec(ABDOMEN_IN_L5)} m in the L5 frame as in {MYOTORSO}) "
                    f"is a via point on {vert}, the vertebra at its height at the neutral posture, so that it follows the abdominal wall; "
                    + ("the aponeurosis carries the upward pull of the fibres down the abdominal wall, over the rectus abdominis via points below it "
                       f"({JORGENSEN2005}), to the rectus abdominis' pubic attachment ({CHR}; external oblique aponeurosis to the linea alba and pubis: {ROOTS})"
                       if row["family"] == "external_oblique" else
                       "the aponeurosis carries the downward pull of the fibres up the abdominal wall, over the rectus abdominis via points above it "
                       f"({JORGENSEN2005}), to the rectus abdominis' thoracic attachment ({CHR}; internal oblique aponeurosis to the linea alba, xiphoid and lower costal cartilages: {ROOTS})")
                    + f": tendon slack length + {added:.4f} m, that added path at the neutral posture")
        else:
            pts = [chr_point(b, p) for b, p in row["points"]]
        if row["family"] == "psoas":
            added = 0.0
            prev = neutral_global(*pts[-1])
            for b, p in ps_femur:
                g = neutral_global(b, p)
                added += norm(sub(g, prev))
                prev = g
            pts = pts + ps_femur
            lts += added
            wraps = ps_wrap
            note = f"; continued over the pelvic brim to the femoral insertion of {RAJ} psoas (points, wrap), tendon slack length + {added:.4f} m (added path length at the neutral posture)"
        if row["family"] == "rectus_abdominis":
            # Christophy's rectus abdominis runs straight from the pubis to the ribs (in the full model
            # over its "Abdomen" body, absent from the public skeleton); in the body it follows the
            # abdominal wall. Via points at each lumbar level on the upper vertebra, at the MRI distance
            # of the muscle's centroid in front of the disc centre in upright standing (Jorgensen et
            # al. 2005, in the transverse plane), here in front of the intervertebral joint centre.
            # Fibre and tendon slack lengths keep their share of the longer path (musculotendon length
            # ratio at the neutral posture, the rule of the leg muscles).
            straight = sum(norm(sub(neutral_global(*pts[i + 1]), neutral_global(*pts[i])))
                           for i in range(len(pts) - 1))
            vias = [(child, add(lc, [RA_ARM_M[name], 0.0, 0.0])) for name, _, child, _, lc in chr_joints]
            pts = [pts[0]] + vias + pts[1:]
            f = sum(norm(sub(neutral_global(*pts[i + 1]), neutral_global(*pts[i])))
                    for i in range(len(pts) - 1)) / straight
            lopt *= f
            lts *= f
            note = (f"; via points at each lumbar level on the upper vertebra, in front of the intervertebral joint centre by the "
                    f"upright-standing MRI moment arms of {JORGENSEN2005} (L5/S1 to L1/L2: "
                    + ", ".join(f"{100 * RA_ARM_M[n]:.1f}" for n, *_ in chr_joints)
                    + f" cm); fibre and tendon slack lengths x{f:.4f}, the musculotendon length ratio at the neutral posture")
        if row["family"] in ES and row["name"] in chr_wrapped:
            pts, f, placed = es_via_points(pts)
            if placed:
                lopt *= f
                lts *= f
                note = (f"; Christophy wraps this fascicle over {', '.join(chr_wrapped[row['name']])} (surface geometry not in the "
                        f"public model): via points on the upper vertebra behind the intervertebral joint centre at "
                        + ", ".join(f"{n.replace('_', '/')} {100 * ES_ARM_M[n]:.1f} cm" for n in placed)
                        + f" (middle of the 5-7 cm MRI range of {JORGENSEN2001}), only where the fascicle's own path runs closer and the point lowers none of its moment arms, "
                        f"at its own lateral position; fibre and tendon slack lengths x{f:.4f}, the musculotendon length ratio at the neutral posture")
        F0 = row["F0"]
        if row["family"] in ES:
            F0 *= es_factor
            note += f"; F0 x{es_factor:.4f}: strength rule scaling the erector spinae fascicles (sum {es_total:.0f} N) to the {ercspn:.0f} N per side of {HAMNER}"
        name = row["name"][:-2] if row["name"].endswith("_r") else row["name"]
        name = name.replace(".", "_").replace("-", "_")
        fascicle_roots, roots_source = lumbar_roots(row["family"], name, roots)
        e0, k_pe = chr_passive[row["name"]]
        if PASSIVE_CURVES != "degroote2016":
            curve = (f"passive curve of its OpenSim Thelen2003Muscle_Deprecated (the class whose Vmax0, damping, Af and Flen "
                     f"the fascicle carries), KshapePassive {k_pe:g}, FmaxMuscleStrain {e0:g}")
            curve_fields = dict(passive_strain=e0, passive_curve="thelen2003_deprecated", passive_shape=k_pe)
        else:
            curve = (f"passive fibre strain at F0 {e0:g} (FmaxMuscleStrain) on the passive curve of {DEGROOTE}; Christophy's "
                     f"muscle is Thelen 2003's, KshapePassive {k_pe:g}, zero at optimal length: docs/models.md")
            curve_fields = dict(passive_strain=e0, passive_curve="degroote2016")
        emit_muscle(name, F0, lopt, lts, row["penn"] * math.pi / 180, pts, wraps, groups, fascicle_roots,
                    f"{CHR} fascicle {row['name']} (F0, fibre, tendon, pennation, path; sacrum points in the pelvis frame; "
                    f"{curve}; tendon strain at F0 0.049 of {DEGROOTE}'s tendon curve, not Christophy's FmaxTendonStrain "
                    f"0.033: docs/models.md){note}{row.get('swap_note', '')}; nerve roots: {roots_source}", **curve_fields)

    w("wraps:")
    for name, wr in used_wraps.items():
        b = body_map[wr["body"]]
        s = kb(b)
        w(f"  - name: {name}")
        w("    type: cylinder")
        w(f"    body: {b}")
        w("    source: " + q(wr["source"] + (f", scaled x{s:.4f} with its segment" if s != 1.0 else "")))
        w(f"    location_m: {vec(mul(wr['translation'], s))}")
        w(f"    orientation_rad: {vec(wr['rotation'])}")
        w(f"    radius_m: {fmt(wr['radius'] * s)}")
        w(f"    length_m: {fmt(wr['length'] * s)}")
        w(f"    quadrant: {q(wr['quadrant'])}")

    w("muscles:")
    out.extend(muscles_yaml)

    # ------------------------------------------------------------ joint-load sites
    w("sites:")
    # Disc frames: normal along the axis of the upper vertebra (its inferior endplate is taken as
    # perpendicular to the line from its lower to its upper intervertebral joint centre), so that
    # compression and shear follow the lordosis rather than the pelvis frame. L1's upper joint centre
    # (T12/L1) lies on L2's axis, so L1's axis is L2's; the thorax has no T12 axis: T12/L1 takes L1's.
    upper_centre = {parent: lp for _, parent, _, lp, _ in spine_joints}
    lower_centre = {child: lc for _, _, child, _, lc in spine_joints}
    for name, parent, child, lp, lc in spine_joints:
        vert_axis = child if child in upper_centre else parent
        u = sub(upper_centre[vert_axis], lower_centre[vert_axis])
        tilt = math.atan2(-u[0], u[1])
        note = "" if vert_axis == child else f"; the thorax has no T12 axis here, the axis of L1 (from its lower to its upper joint centre) is used"
        if name == "T12_L1":
            note += f"; joint centre: {BRUNO2015}"
        w(f"  - name: {name}")
        w("    kind: joint_reaction")
        w(f"    joint: {name}")
        w(f"    body: {child}")
        w("    source: " + q(f"{CHR}: disc frame at the intervertebral joint centre, in the upper vertebra; normal = Y along the vertebra's axis (line from its lower to its upper intervertebral joint centre, {math.degrees(tilt):+.1f} deg about Z from the published vertebral frame), standing in for the inferior endplate's normal{note}"))
        w(f"    origin_m: {vec(lc)}")
        w(f"    orientation_rad: [0, 0, {fmt(tilt)}]")
        w("    normal_axis: y")
        w("    anterior_axis: x")
    w("  - name: hip")
    w("    kind: joint_reaction")
    w("    joint: hip")
    w("    body: pelvis")
    w("    per_side: true")
    w("    source: " + q(f"{RAJ}: hip joint centre, reported in the pelvis frame"))
    w(f"    origin_m: {vec(hip)}")
    w("    normal_axis: y")
    w("    anterior_axis: x")
    w("  - name: tibiofemoral")
    w("    kind: joint_reaction")
    w("    joint: knee")
    w("    body: tibia")
    w("    per_side: true")
    w("    source: " + q(f"{RAJ}: knee centre in the tibia frame (tibial plateau frame, normal = tibial long axis Y), scaled x{k['shank']:.4f}"))
    w(f"    origin_m: {vec(knee_tib)}")
    w("    normal_axis: y")
    w("    anterior_axis: x")
    quads = ["rectus_femoris", "vastus_lateralis", "vastus_medialis", "vastus_intermedius"]
    w("  - name: patellofemoral")
    w("    kind: patellofemoral")
    w("    coordinate: knee_angle")
    w("    per_side: true")
    w(f"    muscles: [{', '.join(quads)}]")
    # Patellofemoral force per unit quadriceps force: the patella is in equilibrium under the
    # quadriceps tendon force F_Q (along the thigh) and the patellar ligament force F_P = F_Q / r
    # (along the shank), r = F_Q / F_P measured by Buff et al. 1988 (1.55 at 70 deg, 0.86 at 10 deg of
    # flexion). With the two lines along the segment axes, at knee flexion theta
    #   F_PF / F_Q = sqrt(1 + 1/r^2 - 2 cos(theta) / r).
    pf = []
    for theta_deg, r in ((70.0, 1.55), (10.0, 0.86)):
        c = math.cos(theta_deg * math.pi / 180)
        pf.append(math.sqrt(1 + 1 / r ** 2 - 2 * c / r))
    w("    ratio: {source: %s, coordinate_deg: [-70, -10], ratio: [%s, %s]}"
      % (q(BUFF + ": F_Q/F_P 1.55 at 70 deg and 0.86 at 10 deg of flexion (abstract); patellofemoral / quadriceps force = sqrt(1 + 1/r^2 - 2 cos(flexion)/r) from the equilibrium of the patella with both tendon lines along the segment axes"), fmt(pf[0]), fmt(pf[1])))

    # ------------------------------------------------------------ passive intervertebral moments
    # Discs and ligaments of each level: the lower bound of the flexion-extension stiffness of lumbar
    # motion segments, 6 N m/deg, measured up to 18 deg of rotation (Miller et al. 1986, abstract),
    # linear through the neutral posture; it resists rotation (extension coordinate: a flexed level,
    # q < 0, gets a positive = extending moment).
    MILLER = "Miller, Schultz, Warwick & Spencer 1986, J Biomech 19:79-84 (lumbar motion segments under large loads: stiffness 6-11 N m/deg to flexion-extension moments, rotations up to 18 deg; abstract); lower bound, linear through the neutral posture"
    # Posterior elements: in flexion the ligaments' share of that moment is a tension pulling the two
    # vertebrae together (the engine applies it as a force along the disc normal at the lever arm
    # behind the disc centre, T = share x M / lever arm), so it reaches the disc compression as in
    # OpenSim and AnyBody models with ligaments. Shares of the resistance to full flexion: Adams,
    # Hutton & Stott 1980 (disc 29 %, capsular ligaments 39 %, supraspinous/interspinous 19 %,
    # ligamentum flavum 13 %; the disc's share stays a pure moment). Lever arms: supraspinous and
    # interspinous from Hindle, Pearcy & Cross 1990 (at most 134 N and about 7 N m: 7/134 = 5.2 cm);
    # capsular ligaments and ligamentum flavum from the published ligament geometry of the Remus et
    # al. 2021 lumbosacral spine model (Male Visible Human): the mean distance of each ligament's fibre
    # midpoints behind the disc centre, measured along the disc's mid-plane, where the disc centre is
    # the midpoint of the anterior and posterior longitudinal ligaments' mid-disc points. Their files
    # give L4/L5 and L5/S1 only; the levels above take the L4/L5 values (vertebral size changes little
    # from L1 to L4 compared with the spread of these distances, about +-7 mm between fibres).
    ADAMS = "Adams, Hutton & Stott 1980, Spine 5:245-253 (resistance to full flexion: disc 29 %, capsular ligaments 39 %, supraspinous/interspinous 19 %, ligamentum flavum 13 %, as quoted in the brief of issue #10; neither the paper nor a review quoting these numbers could be read in two searches, so the numbers are unverified; its abstract, quoted in a public literature table, confirms only the order: capsular ligaments and disc resist considerably more than the ligamentum flavum and the supraspinous/interspinous ligaments)"
    HINDLE = "Hindle, Pearcy & Cross 1990, J Biomed Eng 12:340-344 (abstract: the ligaments resist up to 134 N and produce at most about 7 N m of extension moment; lever arm 7/134 = 0.052 m)"
    REMUS = ("Remus, Lipphaus, Neumann & Bender 2021, PLoS ONE 16:e0250456, ligament geometry of their lumbosacral "
             "spine model (public files geometry/{lvl}_Ligs_AS.lig and {lvl}_Ligs_MP.lig of github "
             "RemusR9/artisynth_lumbosacralSpineModel): mean distance of the {n} {lig} fibre midpoints behind the "
             "disc centre along the disc mid-plane, {mm:.1f} mm at {at} (range {lo:.0f}-{hi:.0f} mm){note}")
    # (posterior distance mm, fibre count, min mm, max mm) per level, computed from those files.
    REMUS_MM = {"L4_L5": {"capsular_ligaments": (34.9, 20, 28.0, 42.5), "ligamentum_flavum": (34.5, 11, 26.6, 40.6)},
                "L5_S1": {"capsular_ligaments": (32.8, 20, 24.9, 41.2), "ligamentum_flavum": (32.1, 11, 24.2, 38.2)}}

    def posterior_structures(level):
        at = level if level in REMUS_MM else "L4_L5"
        note = "" if level in REMUS_MM else "; the model's files cover L4/L5 and L5/S1 only, the L4/L5 value is used here"
        out = []
        for struct, share in (("capsular_ligaments", 0.39), ("supraspinous_interspinous", 0.19),
                              ("ligamentum_flavum", 0.13)):
            if struct == "supraspinous_interspinous":
                out.append((struct, share, 0.052, HINDLE))
                continue
            mm, n, lo, hi = REMUS_MM[at][struct]
            lig = "capsular ligament" if struct == "capsular_ligaments" else "ligamentum flavum"
            src = REMUS.format(lvl=at.replace("_", "").replace("L4L5", "L45").replace("L5S1", "L51"), n=n, lig=lig,
                               mm=mm, at=at.replace("_", "/"), lo=lo, hi=hi, note=note)
            out.append((struct, share, round(mm / 1000.0, 4), src))
        return out
    w("passive_moments:")
    for name, *_ in spine_joints:
        w(f"  - name: {name}_disc_ligaments")
        w(f"    coordinate: {name}_extension")
        w("    source: " + q(MILLER if name != "T12_L1" else MILLER + "; applied at T12/L1 as at the lumbar levels, as in the " + AMMR_DISC))
        w("    angle_deg: [-18, 0, 18]")
        w("    moment_Nm: [108, 0, -108]")
        w("    posterior_elements:")
        w(f"      site: {name}")
        w("      structures:")
        for struct, share, arm, src in posterior_structures(name):
            w(f"        - {{name: {struct}, share: {{value: {share}, source: {q(ADAMS)}}}, lever_arm_m: {{value: {arm}, source: {q(src)}}}}}")

    # ------------------------------------------------------------ actuators, markers, couplings
    w("actuators:")
    # Rajagopal's upper-body CoordinateActuators (lumbar, shoulder, elbow) have an optimal force of
    # 10 N m; the model has no neck coordinate, so the neck takes the same value.
    raj_arm = RAJ + ": upper-body CoordinateActuator optimal force 10 N m"
    for name, c, src in (("neck_torque", "neck_flexion", RAJ + ": optimal force 10 N m of its lumbar and arm "
                          "CoordinateActuators (the model has no neck coordinate; the neck takes the same)"),
                         ("shoulder_torque", "shoulder_flexion", raj_arm), ("elbow_torque", "elbow_flexion", raj_arm)):
        w(f"  - {{name: {name}, coordinate: {c}, optimal_force_Nm: 10, source: {q(src)}}}")
    w("markers:")
    w(f"  - {{name: grip, body: hand, location_m: {vec([0.0, -M['hand'][1] * M['hand'][5], 0.0])}, source: {q(DELEVA + ': hand centre of mass, where the load is held')}}}")
    w(f"  - {{name: C7, body: head, location_m: [0, 0, 0], source: {q(DELEVA + ': C7 (trunk C7-mid-hip length above the mid-hip joint centre)')}}}")
    w(f"  - {{name: hip_joint_centre, body: pelvis, location_m: {vec(hip)}, source: {q(RAJ)}}}")
    w("couplings:")
    w("  - name: lumbar_rhythm")
    w("    source: " + q(CHR + ": coordinate couplers, share of lumbar flexion-extension per level (L5/S1 to L1/L2, summing to 1); T12/L1: L1/L2's share x 4.95/6.85, " + YAO2020))
    w("    coordinates: [" + ", ".join(n + "_extension" for n, *_ in spine_joints) + "]")
    w("    ratios: [" + ", ".join(fmt(shares[n]) for n, *_ in spine_joints) + "]")

    print("\n".join(out))
    # Diagnostics on stderr: stature check and what was left out.
    ankle_h = subtalar[1] * -1.0
    hip_h = ankle_h + norm(sub(ankle_tib, knee_tib)) + norm(knee_fem)
    vertex = hip_h + (c7_in_torso[1] - midhip_in_torso[1]) + M["head_neck"][5]
    print(f"# hip JC height {hip_h:.3f} m, vertex {vertex:.3f} m (reference 1.741 m); "
          f"Abdomen points on: {', '.join(skipped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
