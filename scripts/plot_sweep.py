#!/usr/bin/env python3
"""Plots a parameter sweep: a peak (or any summary column) against a varied parameter, one line per
value of another column, from the /summary table of one or more sweep files (shards are combined).

    scripts/plot_sweep.py SWEEP.h5 [SHARD2.h5 …] -o FIG.png \\
        --x task.box.mass_kg --y L5_S1_compression_peak_N [--y tibiofemoral_resultant_peak_N] \\
        [--by task.technique] [--where subject.sex=male …] [--title TEXT]
    scripts/plot_sweep.py SWEEP.h5 --list          # the columns, with their ranges

Runs whose status is not ok are left out (counted in a note). When parameters other than --x and
--by vary too, each line is their median with a min–max band. See docs/plotting.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dembones_h5 as dh  # noqa: E402

plt = dh.pyplot()  # Agg backend: files only, works on cluster nodes without a display
import numpy as np  # noqa: E402

import plot as plotting  # noqa: E402

OK_STATUS = {"ok", "0", "solved", "done", "complete", "completed", "success"}
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def sweep_fingerprint(path: str) -> str:
    """The file's sweep_fingerprint root attribute ("" when absent): what defines its runs."""
    f = dh.open_h5(path)
    try:
        v = f.attrs.get("sweep_fingerprint", b"")
    finally:
        f.close()
    return v.decode() if isinstance(v, bytes) else str(v)


def combine(tables: Sequence[Dict[str, np.ndarray]], paths: Sequence[str],
            fingerprints: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    """Rows of several shard summaries of one sweep, on the columns they share, each run once.
    Files of different sweeps are refused (their runs' numbers and parameters mean different things)."""
    if len(tables) == 1:
        return tables[0]
    if fingerprints:
        for path, fp in zip(paths[1:], fingerprints[1:]):
            if fp and fingerprints[0] and fp != fingerprints[0]:
                raise dh.FileError(f"{path}: a file of another sweep than {paths[0]} (sweep_fingerprint differs): "
                                   "plot_sweep.py combines shards of one sweep; plot other sweeps one at a time")
    common = [c for c in tables[0] if all(c in t for t in tables[1:])]
    dropped = sorted({c for t in tables for c in t} - set(common))
    if dropped:
        sys.stderr.write(f"plot_sweep.py: note: columns not in every file left out: "
                         f"{', '.join(dropped)}\n")
    out = {c: np.concatenate([t[c] for t in tables]) for c in common}
    if "run" in out:
        # a shard given twice, or a shard with the merged file it went into: each run counted once
        _, first = np.unique(out["run"], return_index=True)
        if len(first) < len(out["run"]):
            sys.stderr.write(f"plot_sweep.py: note: {len(out['run']) - len(first)} rows of runs found in more "
                             "than one file counted once\n")
            keep = np.sort(first)
            out = {c: v[keep] for c, v in out.items()}
    return out


def is_text(col: np.ndarray) -> bool:
    return col.dtype.kind in "OSU"


def status_ok(table: Dict[str, np.ndarray]) -> np.ndarray:
    n = len(next(iter(table.values())))
    if "status" not in table:
        return np.ones(n, bool)
    st = table["status"]
    if is_text(st):
        return np.array([s.strip().lower() in OK_STATUS for s in st])
    return np.asarray(st) == 0


def left_out_note(table: Dict[str, np.ndarray], ok: np.ndarray) -> str:
    bad = table["status"][~ok].tolist()
    counts = ", ".join(f"{s} ({bad.count(s)})" for s in sorted(set(bad), key=str))
    return f"{len(bad)} of {len(ok)} runs left out, status: {counts}"


def parameter_columns(table: Dict[str, np.ndarray]) -> List[str]:
    """The varied parameters: dotted scenario paths (task.box.mass_kg, subject.sex, …)."""
    return [c for c in table if "." in c]


def describe(table: Dict[str, np.ndarray]) -> str:
    lines = []
    n = len(next(iter(table.values()))) if table else 0
    lines.append(f"{n} runs; columns:")
    for c, v in table.items():
        if is_text(v):
            vals = sorted(set(v.tolist()))
            shown = ", ".join(vals[:8]) + (" …" if len(vals) > 8 else "")
            lines.append(f"  {c:40s} text     {len(vals)} values: {shown}")
        else:
            finite = v[np.isfinite(v)] if v.dtype.kind == "f" else v
            rng = f"{finite.min():.6g} … {finite.max():.6g}" if len(finite) else "all NaN"
            lines.append(f"  {c:40s} {v.dtype.name:8s} {rng}")
    return "\n".join(lines)


def require(table: Dict[str, np.ndarray], column: str, path: str) -> np.ndarray:
    if column not in table:
        raise dh.FileError(f"{path}: no column {column!r} in /summary (available: "
                           f"{', '.join(table)})")
    return table[column]


def apply_where(table, conditions: Sequence[str], path: str):
    keep = np.ones(len(next(iter(table.values()))), bool)
    for cond in conditions:
        col, sep, value = cond.partition("=")
        if not sep:
            raise dh.FileError(f"--where {cond!r}: expected COLUMN=VALUE")
        v = require(table, col, path)
        if is_text(v):
            keep &= v == value
        else:
            try:
                keep &= np.isclose(v.astype(float), float(value))
            except ValueError:
                raise dh.FileError(f"--where {cond!r}: {col} is numeric, got {value!r}") from None
    return {c: v[keep] for c, v in table.items()}


def plot_sweep(table, path: str, out: str, x: str, ys: Sequence[str], by: Optional[str],
               title: Optional[str], dpi: int, size_in) -> List[str]:
    notes: List[str] = []
    units = dh.SUMMARY_UNITS.get(path, {})

    def axis_label(column: str) -> str:
        return dh.column_label(column, units.get(column))

    xv = require(table, x, path)
    yvs = [require(table, y, path) for y in ys]
    bv = require(table, by, path) if by else None
    ok = status_ok(table)
    if (~ok).any():
        notes.append(left_out_note(table, ok))
    others = [c for c in parameter_columns(table) if c not in (x, by)
              and len(set(table[c][ok].tolist())) > 1]
    if others:
        notes.append(f"also varied: {', '.join(others)}; each point is their median, "
                     "the band or bar spans min to max")

    plotting.style_matplotlib()
    fig, axes = plt.subplots(1, len(ys), figsize=size_in, constrained_layout=True, squeeze=False)
    axes = axes[0]
    groups = sorted(set(bv[ok].tolist()), key=_sort_key) if bv is not None else [None]
    categories = sorted(set(xv[ok].tolist()), key=_sort_key) if is_text(xv) else None

    any_flagged = [False]
    for ax, y, yv in zip(axes, ys, yvs):
        for gi, g in enumerate(groups):
            sel = ok & (True if g is None else (bv == g))
            xs_all = xv[sel]
            ys_all = np.asarray(yv[sel], dtype=float)
            finite = np.isfinite(ys_all)
            if (~finite).any():
                notes.append(f"{int((~finite).sum())} runs with no {y} value left out")
            xs_all, ys_all = xs_all[finite], ys_all[finite]
            if len(xs_all) == 0:
                continue
            keys = sorted(set(xs_all.tolist()), key=_sort_key)
            xpos = np.array([categories.index(k) if categories else float(k) for k in keys])
            med = np.array([np.median(ys_all[xs_all == k]) for k in keys])
            counts = [int((xs_all == k).sum()) for k in keys]
            if len(set(counts)) > 1:
                notes.append(f"{y}{'' if g is None else f', {g}'}: runs behind each point "
                             + ", ".join(f"{k}: {n}" for k, n in zip(keys, counts)))
            lo = np.array([np.min(ys_all[xs_all == k]) for k in keys])
            hi = np.array([np.max(ys_all[xs_all == k]) for k in keys])
            colour = plotting.RUN_COLOURS[gi % len(plotting.RUN_COLOURS)]
            label = None if g is None else str(g)
            marker = MARKERS[gi % len(MARKERS)]
            if categories:
                # categories are not a continuum: points (side by side per group) with min–max
                # bars, no connecting lines
                shift = (gi - (len(groups) - 1) / 2) * 0.12
                ax.errorbar(xpos + shift, med, yerr=[med - lo, hi - med], color=colour, fmt=marker,
                            ms=8, capsize=4, lw=1.6, label=label)
            else:
                ax.plot(xpos, med, color=colour, marker=marker, ms=7, lw=2.2, label=label)
                if (hi > lo).any():
                    ax.fill_between(xpos, lo, hi, color=colour, alpha=0.18, lw=0)
            # Points with a run that needed reserve actuators or left the feet: ringed, so that a
            # plateau the reserves made (the muscles at their limit) is not read as the muscles' load.
            flagged = flagged_runs(table)[sel][finite]
            bad = np.array([flagged[xs_all == k].any() for k in keys])
            if bad.any():
                shift = (gi - (len(groups) - 1) / 2) * 0.12 if categories else 0.0
                ax.plot(xpos[bad] + shift, med[bad], ls="none", marker="o", ms=15, mfc="none", mec="#c00000",
                        mew=1.8, zorder=5, label=None if any_flagged[0] else "with reserves or off the feet")
                any_flagged[0] = True
        if y.endswith("_N") and ax.get_ylim()[0] > 0:
            ax.set_ylim(bottom=0)  # forces from zero, so differences are not exaggerated
        _limit_lines(ax, y)
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(axis_label(y))
        if len(ys) > 1:
            ax.set_title(axis_label(y).split(" (")[0], loc="left")
        if categories:
            ax.set_xticks(range(len(categories)), categories)
            ax.set_xlim(-0.6, len(categories) - 0.4)
        if (by or any_flagged[0]) and ax is axes[0]:
            ax.legend(title=axis_label(by).split(" (")[0].split()[-1] if by else None, loc="best")
    n_flagged = int((flagged_runs(table) & ok).sum())
    if n_flagged:
        notes.append(f"{n_flagged} of {int(ok.sum())} runs needed reserve actuators or left the feet "
                     "(reserve_frames, cop_outside_frames): their points are ringed")
    n_ok = int(ok.sum())
    fig.suptitle(title or f"{axis_label(ys[0]).split(' (')[0]} against "
                 f"{axis_label(x).split(' (')[0]} ({n_ok} runs)",
                 fontsize=14, fontweight="bold")
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return notes


def flagged_runs(table) -> np.ndarray:
    """Runs with frames needing reserve actuators or with the centre of pressure off the feet."""
    n = len(next(iter(table.values())))
    out = np.zeros(n, dtype=bool)
    for column in ("reserve_frames", "cop_outside_frames"):
        if column in table:
            out |= np.asarray(table[column], dtype=float) > 0
    return out


def _limit_lines(ax, y: str) -> None:
    if not y.endswith("_N"):
        return
    if y.startswith("L5_S1_compression"):
        ax.axhline(dh.NIOSH_ACTION_LIMIT_N, color="#e08a00", ls="--", lw=1.6, zorder=1)
        ax.text(0.01, dh.NIOSH_ACTION_LIMIT_N, " NIOSH action limit 3400 N", color="#b06d00",
                va="bottom", fontsize=9, transform=ax.get_yaxis_transform())
        if ax.get_ylim()[1] > 0.9 * dh.NIOSH_MAX_PERMISSIBLE_N:
            ax.set_ylim(top=max(ax.get_ylim()[1], 1.05 * dh.NIOSH_MAX_PERMISSIBLE_N))  # line and label inside
            ax.axhline(dh.NIOSH_MAX_PERMISSIBLE_N, color="#c00000", ls="--", lw=1.6, zorder=1)
            ax.text(0.01, dh.NIOSH_MAX_PERMISSIBLE_N, " NIOSH maximum permissible 6400 N",
                    color="#c00000", va="bottom", fontsize=9, transform=ax.get_yaxis_transform())
    elif "shear" in y:
        lo, hi = ax.get_ylim()
        for lim in (dh.SHEAR_LIMIT_N, -dh.SHEAR_LIMIT_N):
            if lo < lim < hi:
                ax.axhline(lim, color="#e08a00", ls="--", lw=1.6, zorder=1)


def _sort_key(v):
    try:
        return (0, float(v), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(v))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="plot_sweep.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("sweeps", nargs="+", metavar="SWEEP.h5", help="sweep files (or shards)")
    ap.add_argument("-o", "--output", metavar="FIG.png", help="output image (png, pdf, svg)")
    ap.add_argument("--x", default="task.box.mass_kg", help="column on the x axis "
                    "(default task.box.mass_kg)")
    ap.add_argument("--y", action="append", help="column on the y axis; repeat for side-by-side "
                    "panels (default L5_S1_compression_peak_N)")
    ap.add_argument("--by", help="one line per value of this column (e.g. task.technique)")
    ap.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                    help="keep only rows where COLUMN equals VALUE (repeatable)")
    ap.add_argument("--exclude-flagged", action="store_true",
                    help="leave out the runs that needed reserve actuators or left the feet (reserve_frames, "
                         "cop_outside_frames > 0) instead of ringing their points; the figure then shows only "
                         "what the muscles did alone, and the note says how many runs each point kept")
    ap.add_argument("--list", action="store_true", help="print the summary columns and exit")
    ap.add_argument("--title", help="figure title")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--size", type=float, nargs=2, metavar=("W_IN", "H_IN"),
                    help="figure size in inches (default 8 5.5 per panel)")
    args = ap.parse_args(argv)
    table = combine([dh.read_sweep_summary(p) for p in args.sweeps], args.sweeps,
                    [sweep_fingerprint(p) for p in args.sweeps] if len(args.sweeps) > 1 else None)
    if args.list:
        print(describe(table))
        return 0
    if not args.output:
        ap.error("-o/--output is required (or use --list)")
    if dh.figure_format_error(args.output):
        ap.error(dh.figure_format_error(args.output))
    ys = args.y or ["L5_S1_compression_peak_N"]
    if len(next(iter(table.values()), [])) == 0:
        raise dh.FileError(f"{args.sweeps[0]}: no runs in its /summary (a shard with no run of the sweep?)")
    table = apply_where(table, args.where, args.sweeps[0])
    if len(next(iter(table.values()))) == 0:
        raise dh.FileError(f"{args.sweeps[0]}: no rows left after --where")
    excluded = 0
    if args.exclude_flagged:
        bad = flagged_runs(table)
        excluded = int(bad.sum())
        table = {c: v[~bad] for c, v in table.items()}
        if len(next(iter(table.values()))) == 0:
            raise dh.FileError(f"{args.sweeps[0]}: every run needed reserves or left the feet (--exclude-flagged)")
    size = tuple(args.size) if args.size else (8.0 * len(ys), 5.5)
    notes = plot_sweep(table, args.sweeps[0], args.output, args.x, ys, args.by, args.title,
                       args.dpi, size)
    if excluded:
        notes.insert(0, f"{excluded} runs that needed reserve actuators or left the feet left out "
                        "(--exclude-flagged): the points keep the lighter tasks and the stronger subjects")
    for n in dict.fromkeys(notes):
        sys.stderr.write(f"plot_sweep.py: note: {n}\n")
    print(f"plot_sweep.py: wrote {args.output}")
    return 0


if __name__ == "__main__":
    dh.cli_main(main, "plot_sweep.py")
