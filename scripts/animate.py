#!/usr/bin/env python3
"""Animates a dembones run as a GIF: the sagittal stick figure of scripts/plot.py (bodies, muscles
coloured by activation, the box, L5/S1 and knee force arrows in body weights) beside the L5/S1
compression and knee force traces with a moving cursor.

    scripts/animate.py RUN.h5 -o LIFT.gif [--fps 25] [--speed 1.0] [--stride N] [--start T_S] [--end T_S]

A run inside a sweep file is named SWEEP.h5#N. See docs/plotting.md.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dembones_h5 as dh  # noqa: E402

plt = dh.pyplot()  # Agg backend: files only, works on cluster nodes without a display
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import plot as plotting  # noqa: E402


def select_frames(run: dh.Run, fps: float, speed: float, stride, start_s, end_s) -> np.ndarray:
    """Frame indices to render: every `stride`-th frame in [start, end]; by default the stride that
    plays the motion at `speed` × real time at `fps` frames per second."""
    t = run.time
    keep = np.ones(len(t), bool)
    if start_s is not None:
        keep &= t >= start_s - 1e-12
    if end_s is not None:
        keep &= t <= end_s + 1e-12
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        raise dh.FileError(f"{run.spec}: no frame between --start and --end "
                           f"(the run spans {t[0]:.3f} to {t[-1]:.3f} s)")
    if stride is None:
        dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
        stride = max(1, int(round(speed / (fps * dt)))) if dt > 0 else 1
    return idx[::stride]


def animate(run: dh.Run, out: str, frames: np.ndarray, fps: float, dpi: int, size_in) -> int:
    plotting.style_matplotlib()
    fig = plt.figure(figsize=size_in, constrained_layout=True)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.15, 1])
    stick_ax = fig.add_subplot(grid[:, 0])
    load_ax = fig.add_subplot(grid[0, 1])
    knee_ax = fig.add_subplot(grid[1, 1], sharex=load_ax)
    limits = plotting.figure_limits(run, frames)

    t = run.time
    comp = run.load("L5_S1", "compression")
    knee_site = "knee" if "knee" in run.sites() and "tibiofemoral" not in run.sites() else "tibiofemoral"
    knee = run.load(knee_site, "resultant")
    cursors = []
    for ax, y, title in ((load_ax, comp, "L5/S1 compression"),
                         (knee_ax, knee, "Knee (tibiofemoral) force, per side")):
        ax.set_title(title, loc="left")
        ax.set_ylabel("force (N)")
        if y is None:
            ax.text(0.5, 0.5, "not in the file", transform=ax.transAxes, ha="center", color="#777")
            cursors.append(None)
            continue
        ax.plot(t, y, color=plotting.RUN_COLOURS[0], marker="o" if len(t) == 1 else None)
        if t[frames[-1]] > t[frames[0]]:
            ax.set_xlim(t[frames[0]], t[frames[-1]])
        plotting.add_body_weight_axis(ax, [run])
        cursors.append((ax.axvline(t[frames[0]], color="#333333", lw=1.2),
                        ax.plot([t[frames[0]]], [y[frames[0]]], "o", color="#111111", ms=7)[0], y))
    if comp is not None:
        load_ax.axhline(dh.NIOSH_ACTION_LIMIT_N, color="#e08a00", ls="--", lw=1.6)
        load_ax.text(0.01, dh.NIOSH_ACTION_LIMIT_N, " NIOSH action limit 3400 N", color="#b06d00",
                     va="bottom", fontsize=9, transform=load_ax.get_yaxis_transform())
        load_ax.set_ylim(0, max(load_ax.get_ylim()[1], dh.NIOSH_ACTION_LIMIT_N * 1.15))
    knee_ax.set_xlabel("time (s)")

    mappable = plotting.draw_stick_figure(stick_ax, run, int(frames[0]), limits=limits)
    cbar = fig.colorbar(mappable, ax=stick_ax, orientation="vertical", fraction=0.05, pad=0.02,
                        shrink=0.6, aspect=25)
    cbar.set_label("muscle activation")
    fig.suptitle(run.label, fontsize=14, fontweight="bold")

    def update(k):
        frame = int(frames[k])
        stick_ax.clear()
        plotting.draw_stick_figure(stick_ax, run, frame, limits=limits)
        stick_ax.set_title(f"t = {t[frame]:.2f} s", fontsize=12)
        for c in cursors:
            if c is not None:
                line, dot, y = c
                line.set_xdata([t[frame], t[frame]])
                dot.set_data([t[frame]], [y[frame]])
        return []

    # One draw per frame: lay out once, then freeze the layout (constrained layout would
    # otherwise redo the text extents on every frame, which dominates the cost).
    fig.set_dpi(dpi)
    fig.canvas.draw()
    fig.set_layout_engine("none")
    images = []
    for k in range(len(frames)):
        update(k)
        fig.canvas.draw()
        rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
        images.append(Image.fromarray(rgb).quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                    dither=Image.Dither.NONE))
    plt.close(fig)
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], loop=0,
                   duration=int(round(1000.0 / fps)), optimize=False)
    return len(frames)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="animate.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("run", metavar="RUN.h5", help="result file (SWEEP.h5#N for a sweep run)")
    ap.add_argument("-o", "--output", required=True, metavar="LIFT.gif", help="output GIF")
    ap.add_argument("--fps", type=float, default=25.0, help="GIF frames per second (default 25)")
    ap.add_argument("--speed", type=float, default=1.0,
                    help="playback speed relative to real time (default 1; 0.5 = slow motion)")
    ap.add_argument("--stride", type=int, help="use every N-th frame (default: from --fps and --speed)")
    ap.add_argument("--start", type=float, metavar="T_S", help="first time to show [s]")
    ap.add_argument("--end", type=float, metavar="T_S", help="last time to show [s]")
    ap.add_argument("--label", help="title (default: the scenario name)")
    ap.add_argument("--dpi", type=int, default=80, help="resolution (default 80: 960×540 pixels)")
    ap.add_argument("--size", type=float, nargs=2, default=(12.0, 6.75), metavar=("W_IN", "H_IN"),
                    help="figure size in inches (default 12 6.75)")
    args = ap.parse_args(argv)
    if os.path.splitext(args.output)[1].lower() != ".gif":
        ap.error(f"-o {args.output}: expected a file name ending in .gif (the animation is a GIF)")
    if args.fps <= 0 or args.speed <= 0 or (args.stride is not None and args.stride < 1):
        ap.error("--fps and --speed must be positive and --stride at least 1")
    run = dh.Run(args.run, args.label)
    try:
        if run.body_positions(np.s_[0]) is None:
            raise dh.FileError(f"{run.spec}: no /bodies/position, nothing to animate")
        frames = select_frames(run, args.fps, args.speed, args.stride, args.start, args.end)
        n = animate(run, args.output, frames, args.fps, args.dpi, tuple(args.size))
    finally:
        plotting.report_notes([run], "animate.py")
        run.close()
    print(f"animate.py: wrote {args.output} ({n} frames)")
    return 0


if __name__ == "__main__":
    dh.cli_main(main, "animate.py")
