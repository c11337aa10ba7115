#!/usr/bin/env python3
"""Plots one or more dembones runs: joint loads, muscle forces and joint angles over time, and a stick
figure of the first run (or --figure-run K) at its peak L5/S1 compression.

    scripts/plot.py RUN.h5 [RUN2.h5 …] -o FIG.png [--label NAME …] [--title TEXT] [--time T_S]

Runs are overlaid, one colour each (stoop versus squat, say). A run inside a sweep file is named
SWEEP.h5#N. Missing optional datasets skip their curve with a note on stderr; a file that is not a
dembones run gives a one-line error and exit code 2. See docs/plotting.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import List, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dembones_h5 as dh  # noqa: E402

plt = dh.pyplot()  # Agg backend: files only, works on cluster nodes without a display
import numpy as np  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from matplotlib import patches  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402


RUN_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
               "#17becf"]
STYLES = ["-", "--", ":", "-."]
# Activation colours: plasma without its pale-yellow end, so weak and strong muscles both show on
# white.
ACTIVATION_CMAP = mcolors.LinearSegmentedColormap.from_list(
    "activation", plt.get_cmap("plasma")(np.linspace(0.0, 0.85, 256)))
METRES_PER_BODY_WEIGHT = 0.05  # force arrows on the stick figure
METRES_PER_KN = 0.07  # when the file has no body weight
GROUND_BAND_M = 0.06  # the grey floor under the stick figure

# Muscle groups in the muscle panel: title and the /muscles/groups tags that belong to it.
MUSCLE_PANEL = [("psoas", ("psoas",)), ("glutes", ("glutes",)), ("core", ("core", "abdominals")),
                ("erector spinae", ("erector_spinae",))]

LUMBAR_FLEXION = re.compile(r"^(L[1-5]_S1|L[1-5]_L[1-5]|T12_L1)_flexion$")
# Models in the OpenSim lumbar convention (Christophy 2012) name the same coordinates *_extension.
LUMBAR_EXTENSION = re.compile(r"^(L[1-5]_S1|L[1-5]_L[1-5]|T12_L1)_extension$")


def style_matplotlib() -> None:
    plt.rcParams.update({
        "font.size": 11, "axes.titlesize": 12, "axes.titleweight": "bold", "axes.labelsize": 11,
        "legend.fontsize": 9, "legend.frameon": False, "axes.spines.top": False,
        "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "lines.linewidth": 2.0,
        "savefig.bbox": "tight", "savefig.facecolor": "white", "figure.facecolor": "white",
    })


# -- stick figure ------------------------------------------------------------------------------
def figure_limits(run: dh.Run, frames: Optional[np.ndarray] = None, margin_m: float = 0.2):
    """(xmin, xmax, ymin, ymax) that hold the body, the box and the arrows over `frames`."""
    pos = run.body_positions()
    if pos is None:
        return (-1.0, 1.0, 0.0, 2.0)
    if frames is not None:
        pos = pos[frames]
    pts = [pos.reshape(-1, 3)[:, :2]]
    box = run.box_position()
    if box is not None:
        box = box if frames is None else box[frames]
        half = run.box_size_m() / 2
        pts += [box[:, :2] - half, box[:, :2] + half]
    pts = np.concatenate(pts)
    pts = pts[np.isfinite(pts).all(axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    # room for the head and hands drawn beyond the last body origins, and for the arrows
    lo = lo - np.array([margin_m + 0.15, 0.0])
    hi = hi + np.array([margin_m, margin_m + 0.15])
    # the floor is y = 0, or lower when the model's origins go below it
    lo[1] = min(lo[1], 0.0) - GROUND_BAND_M
    return lo[0], hi[0], lo[1], hi[1]


def _children(parents: np.ndarray) -> List[List[int]]:
    kids: List[List[int]] = [[] for _ in parents]
    for i, p in enumerate(parents):
        if 0 <= p < len(parents):
            kids[p].append(i)
    return kids


def draw_stick_figure(ax, run: dh.Run, frame: int, sites: Sequence[str] = ("L5_S1", "tibiofemoral"),
                      limits=None, show_scale: bool = True) -> ScalarMappable:
    """Draws the sagittal stick figure of `run` at `frame` (x anterior, y up): bodies joined parent
    to child at their origins, muscles as path polylines coloured by activation, the box, and
    the force the upper segment applies at each load site, scaled in body weights."""
    norm = mcolors.Normalize(0.0, 1.0)
    mappable = ScalarMappable(norm=norm, cmap=ACTIVATION_CMAP)
    ax.set_aspect("equal")
    if limits is not None:
        ax.set_xlim(limits[0], limits[1])
        ax.set_ylim(limits[2], limits[3])
    ax.set_xlabel("anterior (m)")
    ax.set_ylabel("height (m)")
    ax.grid(False)

    if limits is None:
        limits = figure_limits(run, np.array([frame]))
        ax.set_xlim(limits[0], limits[1])
        ax.set_ylim(limits[2], limits[3])
    ground = limits[2] + GROUND_BAND_M
    ax.axhline(ground, color="#555555", lw=1.5, zorder=0)
    ax.add_patch(patches.Rectangle((limits[0], limits[2]), limits[1] - limits[0],
                                   GROUND_BAND_M, facecolor="#eeeeee", edgecolor="none", zorder=0))

    pos = run.body_positions(np.s_[frame])
    names = run.body_names()
    parents = run.body_parents()
    if pos is None:
        ax.text(0.5, 0.5, "no /bodies/position in file", transform=ax.transAxes, ha="center")
        return mappable
    pos = np.asarray(pos, dtype=float)
    bone = dict(color="#4d4d4d", lw=6, solid_capstyle="round", zorder=2)
    if parents is None or len(parents) != len(pos):
        run.note(f"{run.file_label}: no /bodies/parent, bodies drawn as points")
        ax.plot(pos[:, 0], pos[:, 1], "o", color="#4d4d4d", ms=7, zorder=2)
    else:
        for i, p in enumerate(parents):
            if p >= 0:
                ax.plot([pos[p, 0], pos[i, 0]], [pos[p, 1], pos[i, 1]], **bone)
        # leaves (head, hands, feet): out to twice the centre of mass, from /model/bodies/com
        coms, rots = run.body_coms(), run.body_rotations(frame)
        if coms is not None and rots is not None:
            for i, kids in enumerate(_children(parents)):
                if kids:
                    continue
                c = pos[i] + rots[i] @ coms[i]
                if "head" in names[i].lower():
                    r = float(np.clip(np.linalg.norm(coms[i]), 0.07, 0.14))
                    ax.add_patch(patches.Circle(c[:2], r, facecolor="#d9d9d9", edgecolor="#4d4d4d",
                                                lw=2.5, zorder=2))
                else:
                    end = pos[i] + 2 * (c - pos[i])
                    ax.plot([pos[i, 0], end[0]], [pos[i, 1], end[1]], **bone)
        ax.plot(pos[:, 0], pos[:, 1], "o", ms=6, mfc="white", mec="#4d4d4d", mew=1.5, zorder=4)

    box = run.box_position(np.s_[frame])
    if box is not None:
        w, h = run.box_size_m()
        ax.add_patch(patches.FancyBboxPatch((box[0] - w / 2, box[1] - h / 2), w, h,
                                            boxstyle="round,pad=0,rounding_size=0.015",
                                            facecolor="#d2a86e", edgecolor="#7a5a2f", lw=1.5,
                                            zorder=1.5))

    pts, act = run.path_points(frame), run.activation(frame)
    if pts is None:
        run.note(f"{run.file_label}: no /muscles/path_points, muscles not drawn")
    else:
        if act is None:
            run.note(f"{run.file_label}: no /muscles/activation, muscles drawn grey")
        for m in range(pts.shape[0]):
            p = pts[m]
            p = p[np.isfinite(p).all(axis=1)]
            if len(p) < 2:
                continue
            colour = "#999999" if act is None else ACTIVATION_CMAP(norm(act[m]))
            ax.plot(p[:, 0], p[:, 1], color=colour, lw=2.6, alpha=0.95, zorder=3,
                    solid_capstyle="round")

    _draw_force_arrows(ax, run, frame, sites)
    if show_scale:
        _draw_scale_note(ax, run)
    return mappable


def _force_scale(run: dh.Run):
    """(metres per newton, unit text) for the force arrows."""
    if run.body_weight_N:
        return METRES_PER_BODY_WEIGHT / run.body_weight_N, "BW"
    return METRES_PER_KN / 1000.0, "kN"


def _site_force(run: dh.Run, site: str, frame: int) -> Optional[np.ndarray]:
    """Force on the upper segment in the site frame (x anterior, y normal, z right) [N]."""
    f = run.dataset(f"loads/{site}/force", index=np.s_[frame], per_frame=(3,))
    if f is not None:
        return np.asarray(f, dtype=float)
    comp = run.dataset(f"loads/{site}/compression", index=np.s_[frame], per_frame=())
    if comp is None:
        return None
    shear = run.dataset(f"loads/{site}/ap_shear", index=np.s_[frame], per_frame=())
    return np.array([0.0 if shear is None else float(shear), float(comp), 0.0])


def force_arrow(run: dh.Run, site: str, frame: int):
    """The arrow drawn for a load site: (tail_xy, head_xy, magnitude_N), or None when the file
    lacks the force or a place for it. The head is on the joint; the arrow is the force the upper
    segment applies to the lower one (−F, F being the force on the upper segment in the site
    frame), its length METRES_PER_BODY_WEIGHT per body weight (METRES_PER_KN per kN without one)."""
    f_site = _site_force(run, site, frame)
    pose = run.site_pose(site, frame)
    if f_site is None or pose is None:
        return None
    joint, rot = pose
    per_newton, _unit = _force_scale(run)
    f_world = rot @ f_site
    return joint[:2] + f_world[:2] * per_newton, joint[:2].copy(), float(np.linalg.norm(f_site))


def _draw_force_arrows(ax, run: dh.Run, frame: int, sites: Sequence[str]) -> None:
    per_newton, unit = _force_scale(run)
    for site in sites:
        if site not in run.sites():
            if site == "tibiofemoral" and "knee" in run.sites():
                site = "knee"
            else:
                run.note(f"{run.file_label}: no /loads/{site}, its arrow is not drawn")
                continue
        arrow = force_arrow(run, site, frame)
        if arrow is None:
            run.note(f"{run.file_label}: cannot place the {dh.SITE_TITLES.get(site, site)} arrow "
                     "(no force or no body pair for it)")
            continue
        tail, head, magnitude = arrow
        ax.annotate("", xy=head, xytext=tail, zorder=6,
                    arrowprops=dict(arrowstyle="-|>,head_width=0.45,head_length=0.9", lw=3.2,
                                    color="#111111", shrinkA=0, shrinkB=0))
        value = magnitude / run.body_weight_N if unit == "BW" else magnitude / 1000.0
        bilateral = site in ("hip", "tibiofemoral", "patellofemoral", "knee")
        name = "knee" if site in ("tibiofemoral", "knee") else dh.SITE_TITLES.get(site, site)
        text = f"{name} {value:.1f} {unit}" + (" per side" if bilateral else "")
        ax.annotate(text, xy=tail, xytext=(0, 7), textcoords="offset points", ha="center",
                    va="bottom", fontsize=10, fontweight="bold", zorder=7,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))


def _draw_scale_note(ax, run: dh.Run) -> None:
    per_newton, unit = _force_scale(run)
    if unit == "BW":
        note = (f"arrows: force of the upper segment on the joint,\n"
                f"{METRES_PER_BODY_WEIGHT * 100:.0f} cm = 1 body weight "
                f"({run.body_weight_N:.0f} N)")
    else:
        note = f"arrows: force of the upper segment on the joint,\n{METRES_PER_KN * 100:.0f} cm = 1 kN"
    ax.text(0.02, 0.98, note, transform=ax.transAxes, va="top", ha="left", fontsize=8.5,
            color="#333333", zorder=8)


# -- time series -------------------------------------------------------------------------------
def lumbar_flexion(run: dh.Run) -> Optional[np.ndarray]:
    """Total spine flexion [rad]: the sum of the intervertebral flexion coordinates (the lifter's
    L5/S1 to L1/L2 and T12/L1, so labelled spine rather than lumbar flexion)."""
    names = [n for n in run.coordinate_names() if LUMBAR_FLEXION.match(n)]
    sign = 1.0
    if not names:
        names = [n for n in run.coordinate_names() if LUMBAR_EXTENSION.match(n)]
        sign = -1.0  # flexion is negative extension
    if not names:
        return run.coordinate("lumbar_flexion")
    angles = [run.coordinate(n) for n in names]
    return None if any(a is None for a in angles) else sign * np.sum(angles, axis=0)


def first_coordinate(run: dh.Run, candidates: Sequence[str]):
    for name in candidates:
        v = run.coordinate(name)
        if v is not None:
            return v
    return None


class Panel:
    """One time-series axis: curves per run (colour) and per quantity (line style)."""

    def __init__(self, ax, title: str, ylabel: str):
        self.ax, self.used_styles, self.missing = ax, {}, {}
        ax.set_title(title, loc="left")
        ax.set_ylabel(ylabel)
        ax.set_xlabel("time (s)")

    def curve(self, run_index: int, run: dh.Run, y, quantity: str = "", style_index: int = 0):
        if y is None:  # said on the figure too, so a missing curve is not read as a zero
            self.missing.setdefault(run.label, []).append(quantity)
            return
        self.ax.plot(run.time, y, color=RUN_COLOURS[run_index % len(RUN_COLOURS)],
                     ls=STYLES[style_index % len(STYLES)],
                     marker="o" if len(run.time) == 1 else None)  # a static posture: one frame
        if quantity:
            self.used_styles[quantity] = STYLES[style_index % len(STYLES)]

    def finish(self, empty_message: Optional[str] = None) -> None:
        if len(self.used_styles) > 1:
            handles = [plt.Line2D([], [], color="#333333", ls=s) for s in self.used_styles.values()]
            self.ax.legend(handles, list(self.used_styles.keys()), loc="best")
        if not self.ax.lines and empty_message:
            self.ax.text(0.5, 0.5, empty_message, transform=self.ax.transAxes, ha="center",
                         va="center", color="#777777")
        elif self.missing:
            parts = [label + (f" ({qs[0]})" if len(qs) == 1 and qs[0] else
                              f" ({len(qs)} curves)" if len(qs) > 1 else "")
                     for label, qs in self.missing.items()]
            text = "not in " + "; ".join(parts)
            if len(text) > 40:
                text = text[:39] + "…"
            self.ax.set_title(text, loc="right", fontsize=8, color="#777777",
                              fontweight="normal")


def add_body_weight_axis(ax, runs: Sequence[dh.Run]) -> None:
    """Right-hand axis in body weights when every run has the same body weight."""
    bws = {r.body_weight_N for r in runs}
    if len(bws) != 1 or None in bws:
        return
    bw = bws.pop()
    sec = ax.secondary_yaxis("right", functions=(lambda n: n / bw, lambda b: b * bw))
    sec.set_ylabel("body weights")
    ax.spines["right"].set_visible(True)


def plot_runs(runs: Sequence[dh.Run], out: str, title: Optional[str], time_s: Optional[float],
              dpi: int, size_in, figure_run: int = 0) -> None:
    style_matplotlib()
    fig = plt.figure(figsize=size_in, constrained_layout=True)
    grid = fig.add_gridspec(3, 3, width_ratios=[1, 1, 1.15])
    axes = [fig.add_subplot(grid[r, c]) for r in range(3) for c in range(2)]
    stick_ax = fig.add_subplot(grid[:, 2])

    shown = runs[figure_run]
    if time_s is not None:
        frame, why = shown.frame_at(time_s), "chosen instant"
    else:
        frame = shown.peak_frame("L5_S1", "compression")
        why = "peak L5/S1 compression"
        if frame is None:
            frame, why = 0, "first frame (no L5/S1 compression in the file)"

    comp = Panel(axes[0], "L5/S1 compression", "force (N)")
    shear = Panel(axes[1], "L5/S1 anterior–posterior shear", "force (N), + anterior")
    hip = Panel(axes[2], "Hip contact force (per side)", "force (N)")
    knee = Panel(axes[3], "Knee forces (per side)", "force (N)")
    musc = Panel(axes[4], "Muscle forces (both sides)", "force (N)")
    ang = Panel(axes[5], "Joint angles", "angle (deg)")

    for i, r in enumerate(runs):
        comp.curve(i, r, r.load("L5_S1", "compression"))
        shear.curve(i, r, r.load("L5_S1", "ap_shear"))
        hip.curve(i, r, r.load("hip", "resultant"))
        knee_site = "tibiofemoral" if "tibiofemoral" in r.sites() or "knee" not in r.sites() else "knee"
        knee.curve(i, r, r.load(knee_site, "resultant"), "tibiofemoral", 0)
        knee.curve(i, r, r.load("patellofemoral", "resultant"), "patellofemoral", 1)
        for k, (name, tags) in enumerate(MUSCLE_PANEL):
            f = r.group_force(tags)
            if f is None and not any(t in g for g in r.muscle_groups() for t in tags):
                r.note(f"{r.file_label}: no muscle tagged {' or '.join(tags)} in /muscles/groups, "
                       f"{name} skipped")
            musc.curve(i, r, f, name, k)
        hipq = first_coordinate(r, ("hip_flexion", "hip_flexion_r"))
        kneeq = first_coordinate(r, ("knee_angle", "knee_angle_r", "knee_flexion"))
        # OpenSim's gait2392 and the lifter count knee flexion negative (knee_angle down to -120 deg),
        # Rajagopal 2016 positive: a knee angle that bends mostly below zero is drawn as its flexion.
        if kneeq is not None and np.nanmin(kneeq) < -abs(np.nanmax(kneeq)):
            kneeq = -kneeq
        lum = lumbar_flexion(r)
        for k, (name, q) in enumerate((("hip flexion", hipq), ("knee flexion", kneeq),
                                       ("spine flexion", lum))):
            if q is None:
                r.note(f"{r.file_label}: no {name} coordinate, its curve skipped")
            ang.curve(i, r, None if q is None else np.degrees(q), name, k)

    # headroom above the curves for the runs' legend
    ylim_top = (max(comp.ax.get_ylim()[1] * (1.12 + 0.08 * len(runs)),
                    dh.NIOSH_ACTION_LIMIT_N * 1.1) if comp.ax.lines else None)
    if comp.ax.lines:
        comp.ax.axhline(dh.NIOSH_ACTION_LIMIT_N, color="#e08a00", ls="--", lw=1.6, zorder=1)
        comp.ax.text(0.01, dh.NIOSH_ACTION_LIMIT_N, " NIOSH action limit 3400 N", color="#b06d00",
                     va="bottom", ha="left", fontsize=9, transform=comp.ax.get_yaxis_transform())
        if comp.ax.get_ylim()[1] > dh.NIOSH_MAX_PERMISSIBLE_N * 0.9:
            comp.ax.axhline(dh.NIOSH_MAX_PERMISSIBLE_N, color="#c00000", ls="--", lw=1.6, zorder=1)
            comp.ax.text(0.01, dh.NIOSH_MAX_PERMISSIBLE_N, " NIOSH maximum permissible 6400 N",
                         color="#c00000", va="bottom", ha="left", fontsize=9,
                         transform=comp.ax.get_yaxis_transform())
            ylim_top = max(ylim_top, dh.NIOSH_MAX_PERMISSIBLE_N * 1.08)
        comp.ax.set_ylim(0, ylim_top)
    if shear.ax.lines:
        lo, hi = shear.ax.get_ylim()
        for lim in (dh.SHEAR_LIMIT_N, -dh.SHEAR_LIMIT_N):
            if lo - 250 < lim < hi + 250:
                shear.ax.axhline(lim, color="#e08a00", ls="--", lw=1.6, zorder=1)
                shear.ax.text(0.01, lim, f" shear limit {lim:+.0f} N", color="#b06d00", fontsize=9,
                              va="bottom", ha="left",
                              transform=shear.ax.get_yaxis_transform())
        shear.ax.axhline(0, color="#888888", lw=0.8)
        lo, hi = shear.ax.get_ylim()
        shear.ax.set_ylim(min(lo, -dh.SHEAR_LIMIT_N * 1.12) if lo < -0.6 * dh.SHEAR_LIMIT_N else lo,
                          max(hi, dh.SHEAR_LIMIT_N * 1.12) if hi > 0.6 * dh.SHEAR_LIMIT_N else hi)
    for p in (comp, shear, hip, knee):
        if p.ax.lines:
            add_body_weight_axis(p.ax, runs)
    for p, what in ((comp, "no L5/S1 compression in the files"), (shear, "no L5/S1 shear"),
                    (hip, "no hip load in the files"), (knee, "no knee loads in the files"),
                    (musc, "no muscle forces in the files"), (ang, "no joint angles in the files")):
        p.finish(what)
        if p.ax.lines:
            p.ax.axvline(shown.time[frame], color="#777777", ls=":", lw=1.2, zorder=0)
        t0, t1 = min(r.time[0] for r in runs), max(r.time[-1] for r in runs)
        if t1 > t0:
            p.ax.set_xlim(t0, t1)

    limits = figure_limits(shown)
    mappable = draw_stick_figure(stick_ax, shown, frame, limits=limits)
    peak = shown.load("L5_S1", "compression")
    sub = f"{shown.label}, t = {shown.time[frame]:.2f} s ({why})"
    if peak is not None and why.startswith("peak"):
        bw = f", {peak[frame] / shown.body_weight_N:.1f} BW" if shown.body_weight_N else ""
        sub += f"\nL5/S1 compression {peak[frame]:.0f} N{bw}"
    stick_ax.set_title(sub, fontsize=11, loc="center")
    cbar = fig.colorbar(mappable, ax=stick_ax, orientation="vertical", fraction=0.05, pad=0.02,
                        shrink=0.6, aspect=25)
    cbar.set_label("muscle activation")

    handles = [plt.Line2D([], [], color=RUN_COLOURS[i % len(RUN_COLOURS)], lw=3)
               for i in range(len(runs))]
    # the runs' colours, once, in the first panel (matplotlib 3.6 has no legend outside the axes
    # under constrained layout)
    axes[0].legend(handles, [legend_label(r) for r in runs], loc="upper right", fontsize=10,
                   frameon=True, framealpha=0.9, edgecolor="none")
    for i, r in enumerate(runs):  # each run's peak compression, marked on its curve
        k = r.peak_frame("L5_S1", "compression")
        if k is not None:
            axes[0].plot(r.time[k], r.load("L5_S1", "compression")[k], "o", ms=6, zorder=5,
                         color=RUN_COLOURS[i % len(RUN_COLOURS)], mec="white", mew=1.2)
    fig.suptitle(title or default_title(runs), fontsize=15, fontweight="bold")
    fig.savefig(out, dpi=dpi)
    plt.close(fig)


def legend_label(run: dh.Run) -> str:
    """The run's label with its peak L5/S1 compression, e.g. 'stoop: peak 5462 N (7.4 BW)'."""
    k = run.peak_frame("L5_S1", "compression")
    if k is None:
        return run.label
    peak = run.load("L5_S1", "compression")[k]
    bw = f" ({peak / run.body_weight_N:.1f} BW)" if run.body_weight_N else ""
    return f"{run.label}: peak {peak:.0f} N{bw}"


def default_title(runs: Sequence[dh.Run]) -> str:
    names = " vs ".join(r.label for r in runs[:4]) + (" …" if len(runs) > 4 else "")
    return f"Spine, hip and knee loading — {names}"


def report_notes(runs: Sequence[dh.Run], prog: str) -> None:
    for r in runs:
        for n in r.notes:
            sys.stderr.write(f"{prog}: note: {n}\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", metavar="RUN.h5", help="result files (SWEEP.h5#N for a sweep run)")
    ap.add_argument("-o", "--output", required=True, metavar="FIG.png",
                    help="output image; the extension picks the format (png, pdf, svg)")
    ap.add_argument("--label", action="append", default=[],
                    help="legend label of each run, in order (default: the scenario name)")
    ap.add_argument("--title", help="figure title")
    ap.add_argument("--time", type=float, metavar="T_S",
                    help="draw the stick figure at this time [s] instead of the peak L5/S1 compression")
    ap.add_argument("--figure-run", type=int, default=1, metavar="K",
                    help="draw the stick figure of the K-th run (default 1, the first)")
    ap.add_argument("--dpi", type=int, default=150, help="resolution (default 150)")
    ap.add_argument("--size", type=float, nargs=2, default=(16.0, 9.0), metavar=("W_IN", "H_IN"),
                    help="figure size in inches (default 16 9, a 16:9 slide)")
    args = ap.parse_args(argv)
    if dh.figure_format_error(args.output):
        ap.error(dh.figure_format_error(args.output))
    if not 1 <= args.figure_run <= len(args.runs):
        ap.error(f"--figure-run must be between 1 and {len(args.runs)}")
    runs = dh.open_runs(args.runs, args.label)
    try:
        plot_runs(runs, args.output, args.title, args.time, args.dpi, tuple(args.size),
                  args.figure_run - 1)
    finally:
        report_notes(runs, "plot.py")
        for r in runs:
            r.close()
    print(f"plot.py: wrote {args.output}")
    return 0


if __name__ == "__main__":
    dh.cli_main(main, "plot.py")
