"""Reading dembones result files (docs/hdf5-layout.md) for the plotting scripts.

Shared by scripts/plot.py, scripts/animate.py and scripts/plot_sweep.py so that the layout is read in
one place. Only h5py and numpy are needed (no pandas).

A run is named by a path, or by `SWEEP.h5#N` for run N of a sweep file (its group /runs/NNNNN).
Optional datasets that are missing are reported in `Run.notes` (one line each) rather than raised;
a file that is not a dembones file, or lacks what every plot needs (/time), raises `FileError`, which
`cli_main` turns into a one-line message and exit code 2.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Dict, List, Optional, Sequence

try:
    import h5py
    import numpy as np
except ImportError as _e:  # e.g. a pyenv python without h5py
    # Our scripts start with `#!/usr/bin/env python3`; when that finds a Python without h5py, rerun
    # them once with Debian's, which has it (python3-h5py), before giving up with a message.
    _system = "/usr/bin/python3"
    if (os.path.basename(sys.argv[0]) in ("plot.py", "animate.py", "plot_sweep.py")
            and os.path.exists(_system)
            and os.path.realpath(sys.executable) != os.path.realpath(_system)
            and not os.environ.get("DEMBONES_PLOT_REEXEC")):
        os.environ["DEMBONES_PLOT_REEXEC"] = "1"
        os.execv(_system, [_system] + sys.argv)
    sys.stderr.write(f"error: {_e.name} is not installed for {sys.executable}; run the script with "
                     "/usr/bin/python3 (Debian packages python3-h5py, python3-numpy)\n")
    sys.exit(2)

GRAVITY_M_S2 = 9.81
# NIOSH Work Practices Guide for Manual Lifting (1981); revised equation, Waters et al. (1993),
# Ergonomics 36:749-776: L5/S1 compression action limit and maximum permissible limit.
NIOSH_ACTION_LIMIT_N = 3400.0
NIOSH_MAX_PERMISSIBLE_N = 6400.0
# Shear limit for occasional loading: Gallagher & Marras (2012), Clin Biomech 27:973-978.
SHEAR_LIMIT_N = 1000.0

# Where a load site sits on the stick figure: the joint between these two bodies (the first name
# found in the file is used). Its position is the origin of whichever of the two is the child, its
# frame that child's rotation. `/loads/<site>/position` (F×3, world) and `rotation` (F×3×3), when a
# file has them, take precedence.
SITE_BODIES: Dict[str, Sequence[Sequence[str]]] = {
    "L5_S1": (("pelvis", "sacrum"), ("L5", "lumbar5")),
    "L4_L5": (("L5", "lumbar5"), ("L4", "lumbar4")),
    "L3_L4": (("L4", "lumbar4"), ("L3", "lumbar3")),
    "L2_L3": (("L3", "lumbar3"), ("L2", "lumbar2")),
    "L1_L2": (("L2", "lumbar2"), ("L1", "lumbar1")),
    "hip": (("pelvis",), ("thigh", "femur_r", "femur")),
    "tibiofemoral": (("thigh", "femur_r", "femur"), ("shank", "tibia_r", "tibia")),
    "knee": (("thigh", "femur_r", "femur"), ("shank", "tibia_r", "tibia")),
}

SITE_TITLES = {"L5_S1": "L5/S1", "L4_L5": "L4/L5", "L3_L4": "L3/L4", "L2_L3": "L2/L3",
               "L1_L2": "L1/L2", "T12_L1": "T12/L1", "hip": "hip", "tibiofemoral": "tibiofemoral",
               "patellofemoral": "patellofemoral"}


def pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend (files only, no display needed), or a
    one-line error and exit code 2 when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.stderr.write(f"error: matplotlib is not installed for {sys.executable}; run the script "
                         "with /usr/bin/python3 (Debian package python3-matplotlib)\n")
        sys.exit(2)
    return plt


def figure_format_error(output: str) -> Optional[str]:
    """Why `output` cannot name a figure (matplotlib picks the format from the extension, and without
    one writes OUTPUT.png under another name than the one asked for), or None."""
    ext = os.path.splitext(output)[1].lower().lstrip(".")
    supported = pyplot().figure().canvas.get_supported_filetypes()
    pyplot().close("all")
    if ext in supported:
        return None
    return (f"-o {output}: expected a figure file ending in .png, .pdf or .svg (or {', '.join('.' + e for e in sorted(supported) if e not in ('png', 'pdf', 'svg'))})")


def short_field_names(fields: Sequence[str]) -> List[str]:
    """Each dotted field by its shortest unique ending: task.box.mass_kg and subject.mass_kg become
    box.mass_kg and subject.mass_kg, task.technique technique."""
    parts = [f.split(".") for f in fields]
    out = []
    for p in parts:
        for k in range(1, len(p) + 1):
            name = ".".join(p[-k:])
            if sum(".".join(q[-k:]) == name for q in parts) == 1:
                break
        out.append(name)
    return out


def short_value(text: str) -> str:
    """A sampled number in 4 significant digits (1.6564334455328238 -> 1.656); other text as is."""
    try:
        return f"{float(text):.4g}"
    except ValueError:
        return text


class FileError(Exception):
    """A file that cannot be plotted; the message is one line naming the file."""


def _decode(values) -> List[str]:
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values]


def split_run_spec(spec: str):
    """'a.h5' → ('a.h5', None); 'sweep.h5#12' → ('sweep.h5', 12)."""
    path, sep, run = spec.rpartition("#")
    if sep and run.isdigit() and path:
        return path, int(run)
    return spec, None


def open_h5(path: str):
    """Opens a file read-only, or raises FileError with a one-line reason."""
    if not os.path.exists(path):
        raise FileError(f"{path}: no such file")
    if os.path.isdir(path):
        raise FileError(f"{path}: is a directory, expected a dembones HDF5 file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        if path.endswith(".partial"):
            raise FileError(f"{path}: an unfinished output file that cannot be read (being written, or its writer "
                            "stopped while HDF5 wrote its metadata): wait for the run to finish, run the scenario "
                            "again, or continue the sweep with --resume") from None
        reason = str(e).split("(")[0].strip().rstrip(",") or "not an HDF5 file"
        raise FileError(f"{path}: cannot be read as HDF5 ({reason})") from None


class Run:
    """One run's datasets, read on demand from an open file (or a sweep's /runs/NNNNN group)."""

    @staticmethod
    def _text_attr(obj, name: str) -> str:
        v = obj.attrs.get(name)
        if v is None:
            return ""
        v = v.decode() if isinstance(v, bytes) else v
        return str(np.asarray(v).ravel()[0]) if not isinstance(v, str) else v

    def __init__(self, spec: str, label: Optional[str] = None):
        self.spec = spec
        path, run_number = split_run_spec(spec)
        self.path = path
        self.file = open_h5(path)
        try:
            fmt = self.file.attrs.get("format")
        except (OSError, RuntimeError, KeyError):
            # a file whose writer was killed while HDF5 wrote its metadata (a .partial file)
            self.close()
            raise FileError(f"{path}: cannot be read: an unfinished output file, its writer stopped while HDF5 "
                            "wrote its metadata? Run the scenario again, or continue the sweep with --resume") from None
        fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
        if path.endswith(".partial") and "runs" not in self.file:
            # a run renames its file when it is complete: its .partial is unfinished, whatever it holds
            self.close()
            raise FileError(f"{path}: a run's unfinished output file (renamed to {path[:-len('.partial')]} when "
                            "complete): plot the finished file, or run the scenario again")
        if run_number is not None:
            key = f"runs/{run_number:05d}"
            link = self.file.get(key, getlink=True) if "runs" in self.file else None
            if link is None:
                self.close()
                raise FileError(f"{path}: no run {run_number} (expected group /{key})")
            try:
                self.group = self.file[key]
            except (KeyError, OSError):
                # a `dembones merge --link` file moved away from its shards: the link dangles
                self.close()
                target = getattr(link, "filename", "?")
                raise FileError(f"{path}: run {run_number} is an external link to '{target}' (a `dembones merge "
                                "--link` file), which cannot be opened from here: keep the shards next to the "
                                "merged file, or merge them again without --link") from None
            # a sweep marks a run complete last (engine/io/completion_marker.hpp); a group without
            # the marker is a run that was cut off and will be redone on resume
            if int(np.asarray(self.group.attrs.get("complete", 0)).ravel()[0]) != 1:
                self.close()
                raise FileError(f"{path}: run {run_number} is incomplete (no 'complete' marker; "
                                "the sweep was interrupted and will redo it on resume)")
        else:
            if fmt == "dembones-sweep" or ("runs" in self.file and "time" not in self.file):
                self.close()
                raise FileError(f"{path}: is a sweep file; name one run as {path}#N "
                                "(or plot the sweep with plot_sweep.py)")
            self.group = self.file
        if "time" not in self.group and run_number is not None and self._text_attr(self.group, "status") == "failed":
            error = self._text_attr(self.group, "error") or "(no error stored)"
            self.close()
            raise FileError(f"{spec}: run {run_number} failed, so it has no time series: {error}")
        if "time" not in self.group and run_number is not None:
            series = self.file.attrs.get("sweep_series", b"")
            series = series.decode() if isinstance(series, bytes) else str(series)
            self.close()
            raise FileError(f"{spec}: run {run_number} has no time series (the sweep stored "
                            f"{series or 'summaries'} only): rerun the sweep with `series: full` or "
                            "--series full (a --shard of it keeps it short)")
        if "time" not in self.group:
            self.close()
            what = f"format {fmt!r}" if fmt else "no 'format' attribute"
            raise FileError(f"{spec}: not a dembones run file ({what}, no /time dataset)")
        self.notes: List[str] = []
        time = self.group["time"]
        if not isinstance(time, h5py.Dataset) or len(time.shape) != 1 or time.shape[0] < 1:
            self.close()
            raise FileError(f"{spec}: /time is not a list of frame times "
                            f"(shape {getattr(time, 'shape', 'group')})")
        self.time = np.asarray(time[()], dtype=float)
        self.n_frames = len(self.time)
        base = os.path.splitext(os.path.basename(path))[0]
        name = self.attr("scenario_name")
        if run_number is not None:
            base = f"{base}#{run_number}"
        if run_number is not None:
            # a sweep run's scenario name is its base scenario's (a squat run of a stoop base read
            # "stoop_lift"): the run and the values it varied say which it is
            values = [str(v.decode() if isinstance(v, bytes) else v)
                      for v in np.asarray(self.group.attrs.get("parameter_values", [])).ravel()]
            fields = [str(v.decode() if isinstance(v, bytes) else v)
                      for v in np.asarray(self.file.attrs.get("sweep_parameters", [])).ravel()]
            varied = ", ".join(f"{f} {short_value(v)}" for f, v in zip(short_field_names(fields), values))
            name = f"{base} ({varied})" if varied else base
        self.label = label or (name if name else base)
        self.file_label = base
        bw = self.attr("body_weight_N")
        if bw is None and self.attr("subject_mass_kg") is not None:
            bw = float(self.attr("subject_mass_kg")) * GRAVITY_M_S2
        self.body_weight_N: Optional[float] = float(bw) if bw is not None else None

    # -- generic access ------------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.file.close()
        except Exception:
            pass

    def attr(self, name: str):
        """A root attribute (a sweep run falls back to the sweep file's root), decoded; or None."""
        for holder in (getattr(self, "group", self.file), self.file):
            if name in holder.attrs:
                v = holder.attrs[name]
                if isinstance(v, bytes):
                    return v.decode("utf-8")
                if isinstance(v, np.ndarray) and v.shape == ():
                    return v.item()
                return v
        return None

    def has(self, path: str) -> bool:
        return path in self.group

    def dataset(self, path: str, what: Optional[str] = None, index=None,
                per_frame: Optional[Sequence[Optional[int]]] = None) -> Optional[np.ndarray]:
        """The dataset at `path` (optionally sliced by `index`), or None with a note when absent.
        With `per_frame` (the dims after the frame axis, None = any) a dataset of another shape is
        noted and treated as absent, so a malformed file skips a curve instead of crashing."""
        if path not in self.group:
            if what is not None:
                self.note(f"{self.file_label}: no /{path}, {what} skipped")
            return None
        ds = self.group[path]
        if not isinstance(ds, h5py.Dataset):
            self.note(f"{self.file_label}: /{path} is a group, expected a dataset; skipped")
            return None
        if per_frame is not None and not self._shape_ok(path, ds.shape, per_frame):
            return None
        return np.asarray(ds[()] if index is None else ds[index])

    def _shape_ok(self, path: str, shape, per_frame: Sequence[Optional[int]]) -> bool:
        ok = (len(shape) == 1 + len(per_frame) and shape[0] == self.n_frames
              and all(want is None or want == got for want, got in zip(per_frame, shape[1:])))
        if not ok:
            want = ", ".join([str(self.n_frames)] + ["any" if w is None else str(w)
                                                      for w in per_frame])
            self.note(f"{self.file_label}: /{path} has shape {tuple(shape)}, expected ({want}); "
                      "skipped")
        return ok

    def strings(self, path: str) -> Optional[List[str]]:
        if path not in self.group:
            return None
        return _decode(self.group[path][()])

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    # -- loads ---------------------------------------------------------------------------------
    def sites(self) -> List[str]:
        return sorted(self.group["loads"].keys()) if "loads" in self.group else []

    def load(self, site: str, quantity: str) -> Optional[np.ndarray]:
        """/loads/<site>/<quantity> [N], or None with a note ('resultant' falls back to |force|)."""
        key = f"loads/{site}/{quantity}"
        if key in self.group:
            v = self.dataset(key, per_frame=(3,) if quantity in ("force", "moment") else ())
            return None if v is None else v.astype(float)
        if quantity == "resultant" and f"loads/{site}/force" in self.group:
            f = self.dataset(f"loads/{site}/force", per_frame=(3,))
            return None if f is None else np.linalg.norm(f.astype(float), axis=1)
        self.note(f"{self.file_label}: no /{key}, {SITE_TITLES.get(site, site)} {quantity} skipped")
        return None

    def peak_frame(self, site: str = "L5_S1", quantity: str = "compression") -> Optional[int]:
        v = self.load(site, quantity)
        if v is None or not np.isfinite(v).any():
            return None
        return int(np.nanargmax(v))

    def frame_at(self, time_s: float) -> int:
        return int(np.argmin(np.abs(self.time - time_s)))

    # -- coordinates ---------------------------------------------------------------------------
    def coordinate(self, name: str) -> Optional[np.ndarray]:
        names = self.strings("coordinates/names")
        if names is None or name not in names:
            return None
        q = self.dataset("coordinates/q", per_frame=(len(names),))
        return None if q is None else q[:, names.index(name)].astype(float)

    def coordinate_names(self) -> List[str]:
        return self.strings("coordinates/names") or []

    # -- muscles -------------------------------------------------------------------------------
    def muscle_names(self) -> List[str]:
        return self.strings("muscles/names") or []

    def muscle_groups(self) -> List[List[str]]:
        groups = self.strings("muscles/groups")
        if groups is None:
            return [[] for _ in self.muscle_names()]
        return [[g.strip() for g in s.split(",") if g.strip()] for s in groups]

    def muscle_sides(self) -> np.ndarray:
        n = len(self.muscle_names())
        sides = self.dataset("muscles/sides")
        if sides is None or sides.size != n:
            if sides is not None:
                self.note(f"{self.file_label}: /muscles/sides has {sides.size} entries for {n} "
                          "muscles; forces counted once")
            return np.ones(n)
        return np.asarray(sides, dtype=float).reshape(n)

    def group_force(self, tags: Sequence[str]) -> Optional[np.ndarray]:
        """Total force [N] of the muscles carrying any of `tags` in /muscles/groups, both sides
        counted (force is stored per side; /muscles/sides gives the multiplicity). None when no
        muscle carries the tag or the forces are missing."""
        groups = self.muscle_groups()
        picked = [i for i, g in enumerate(groups) if any(t in g for t in tags)]
        if not picked:
            return None
        force = self.dataset("muscles/force", "muscle forces", per_frame=(len(groups),))
        if force is None:
            return None
        return (force[:, picked].astype(float) * self.muscle_sides()[picked]).sum(axis=1)

    def activation(self, frame: int) -> Optional[np.ndarray]:
        return self.dataset("muscles/activation", index=np.s_[frame, :],
                            per_frame=(len(self.muscle_names()),))

    def path_points(self, frame: int) -> Optional[np.ndarray]:
        """[M×P×3] world path points of one frame (NaN = unused), or None."""
        return self.dataset("muscles/path_points", index=np.s_[frame],
                            per_frame=(len(self.muscle_names()), None, 3))

    # -- bodies --------------------------------------------------------------------------------
    def body_names(self) -> List[str]:
        return self.strings("bodies/names") or []

    def body_parents(self) -> Optional[np.ndarray]:
        p = self.dataset("bodies/parent")
        return None if p is None else np.asarray(p, dtype=int)

    def body_positions(self, frames=None) -> Optional[np.ndarray]:
        """[F×B×3] (or [B×3] for one frame) world origins."""
        return self.dataset("bodies/position", index=frames,
                            per_frame=(len(self.body_names()), 3))

    def body_rotations(self, frame: int) -> Optional[np.ndarray]:
        return self.dataset("bodies/rotation", index=np.s_[frame],
                            per_frame=(len(self.body_names()), 3, 3))

    def body_coms(self) -> Optional[np.ndarray]:
        """[B×3] centres of mass in each body's frame, from /model/bodies/com, or None."""
        com = self.dataset("model/bodies/com")
        if com is None or com.shape != (len(self.body_names()), 3):
            return None
        return np.asarray(com, dtype=float)

    def box_position(self, frames=None) -> Optional[np.ndarray]:
        return self.dataset("box/position", index=frames, per_frame=(3,))

    def box_size_m(self) -> np.ndarray:
        """(depth x, height y) of the held box: the `size_m` attribute of /box if the writer gives
        one, else a typical 0.35 m × 0.25 m tote."""
        if "box" in self.group and "size_m" in self.group["box"].attrs:
            s = np.asarray(self.group["box"].attrs["size_m"], dtype=float).ravel()
            if s.size >= 2:
                return s[:2]
        return np.array([0.35, 0.25])

    def site_pose(self, site: str, frame: int):
        """(position [3], rotation [3×3]) of a load site in the world at `frame`, or None."""
        p = self.dataset(f"loads/{site}/position", index=np.s_[frame], per_frame=(3,))
        if p is not None:
            r = self.dataset(f"loads/{site}/rotation", index=np.s_[frame], per_frame=(3, 3))
            return p.astype(float), (np.eye(3) if r is None else r.astype(float))
        names = self.body_names()
        parents = self.body_parents()
        if site not in SITE_BODIES or parents is None or len(parents) != len(names):
            return None
        a_opts, b_opts = SITE_BODIES[site]
        a = next((names.index(n) for n in a_opts if n in names), None)
        b = next((names.index(n) for n in b_opts if n in names), None)
        if a is None or b is None:
            return None
        if parents[b] == a:
            child = b
        elif parents[a] == b:
            child = a
        else:
            return None
        pos = self.body_positions(np.s_[frame, child])
        rot = self.body_rotations(frame)
        return np.asarray(pos, dtype=float), (np.eye(3) if rot is None else rot[child])


def open_runs(specs: Sequence[str], labels: Optional[Sequence[str]] = None) -> List[Run]:
    labels = list(labels or [])
    runs = []
    for i, spec in enumerate(specs):
        runs.append(Run(spec, labels[i] if i < len(labels) else None))
    # two runs with the same scenario name: tell them apart by file name
    seen: Dict[str, int] = {}
    for r in runs:
        seen[r.label] = seen.get(r.label, 0) + 1
    for r in runs:
        if seen[r.label] > 1:
            r.label = f"{r.label} ({r.file_label})"
    return runs


# -- sweep summaries ---------------------------------------------------------------------------
def read_sweep_summary(path: str) -> Dict[str, np.ndarray]:
    """The /summary compound table of a sweep file as {column: array}; string columns come back as
    numpy arrays of str. Raises FileError when the file has no such table."""
    f = open_h5(path)
    try:
        if "summary" not in f or not isinstance(f["summary"], h5py.Dataset) \
                or f["summary"].dtype.names is None:
            fmt = f.attrs.get("format")
            fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
            raise FileError(f"{path}: no /summary table (a sweep file has one; this file's format "
                            f"is {fmt!r})")
        table = f["summary"][()]
        units = f["summary"].attrs.get("units")
    finally:
        f.close()
    out: Dict[str, np.ndarray] = {}
    for name in table.dtype.names:
        col = table[name]
        if col.dtype.kind in "OSU":
            out[name] = np.array(_decode(col), dtype=str)
        else:
            out[name] = np.asarray(col)
    SUMMARY_UNITS[path] = {}
    if units is not None and len(units) == len(table.dtype.names):
        SUMMARY_UNITS[path] = dict(zip(table.dtype.names, _decode(units)))
    return out


# Units of the summary columns, per file read by read_sweep_summary (the writer stores one entry per
# column in the table's `units` attribute).
SUMMARY_UNITS: Dict[str, Dict[str, str]] = {}


# -- presentation helpers ----------------------------------------------------------------------
UNIT_SUFFIXES = (("_N", "N"), ("_kg", "kg"), ("_m", "m"), ("_s", "s"), ("_deg", "deg"),
                 ("_rad", "rad"), ("_Nm", "N·m"), ("_bw", "body weights"), ("_pct", "%"))


def column_label(column: str, units: Optional[str] = None) -> str:
    """Axis label of a summary column: 'L5_S1_compression_peak_N' → 'L5/S1 compression peak (N)',
    'task.box.mass_kg' → 'box mass (kg)', 'subject.mass_kg' → 'subject mass (kg)'. `units`
    (from the table's attribute) is used when the name carries none."""
    unit = None
    text = column
    for suffix, u in UNIT_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            unit, text = u, text[: -len(suffix)]
            break
    parts = text.split(".")
    if len(parts) > 2:  # task.box.mass → box mass: the section name adds nothing
        parts = parts[1:]
    text = " ".join(parts)
    for site, title in SITE_TITLES.items():
        if text.startswith(site + "_"):
            text = title + " " + text[len(site) + 1:]
            break
    text = text.replace("_", " ")
    if unit is None and units and units not in ("-", "1", ""):
        unit = units
    return f"{text} ({unit})" if unit else text


def cli_main(main: Callable[[Optional[Sequence[str]]], int], prog: str) -> None:
    """Runs `main` and exits: FileError → one line on stderr and exit code 2."""
    try:
        code = main(None)
    except FileError as e:
        sys.stderr.write(f"{prog}: error: {e}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # e.g. `plot_sweep.py --list | head`
        sys.stderr.close()
        os._exit(0)
    sys.exit(code)
