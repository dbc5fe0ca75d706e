"""A student's function in a file, called in a child process within a time limit: ``"student.py:grad"``.

The points the table of diagnoses may need (the question's, and those where some matrices are symmetric,
for the symmetric slip) are sent at once: the child (:mod:`matcalc.grading.runner`, run as a script)
loads the file with its directory as working directory and first import path, calls the function at every
point, and sends the results back; the whole run has `timeout` seconds. The arrays go both ways as
``.npz`` files read with ``allow_pickle=False``, the rest as JSON, in a temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..errors import MatcalcError
from ..shapes import ONE
from . import runner
from .question import Draw, Question
from .runner import Outcome


def split_spec(spec: str) -> tuple[Path, str]:
    """``"FILE:FUNCTION"`` → (the file, the function's name); MatcalcError when either is missing."""
    path_text, _, function = spec.rpartition(":")
    if not path_text or not function.isidentifier():
        raise MatcalcError(f"give the function as FILE:FUNCTION, e.g. student.py:grad, not {spec!r}")
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise MatcalcError(f"{path_text}: no such file")
    return path.resolve(), function


class InFile:
    """A function in a file, called in a child process at every point the diagnoses may need."""

    def __init__(self, spec: str, q: Question, timeout: float):
        self.path, self.name = split_spec(spec)
        if not timeout > 0:
            raise MatcalcError(f"the time limit must be a positive number of seconds, not {timeout!r}")
        self.failure, self.timeout = "", timeout
        batches = [q.draws] + [q.symmetric_points(s)[0] for s in q.symmetric_candidates()]
        self._memo: dict[int, list[Outcome]] = {}
        self.label = f"{self.path.name}:{self.name}"
        results = self._run(q, [d for batch in batches for d in batch])
        for batch in batches:
            self._memo[id(batch)], results = results[:len(batch)], results[len(batch):]

    def outcomes(self, draws: list[Draw]) -> list[Outcome]:
        return self._memo.get(id(draws)) or [Outcome(returned="nothing")] * len(draws)

    def _run(self, q: Question, draws: list[Draw]) -> list[Outcome]:
        with tempfile.TemporaryDirectory(prefix="matcalc-") as tmp:
            work = Path(tmp)
            points, keys = {}, []
            for k, d in enumerate(draws):
                values = arguments(q, d)
                keys.append({name: f"p{k}_{j}" for j, name in enumerate(values)})
                points.update({keys[-1][name]: v for name, v in values.items()})
            np.savez(work / "points.npz", **points)
            request = {"file": str(self.path), "function": self.name, "names": list(q.names), "draws": keys}
            (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
            with open(work / "stderr.txt", "wb") as stderr:
                try:
                    subprocess.run([sys.executable, runner.__file__, str(work)], cwd=self.path.parent, timeout=self.timeout,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=_environment())
                except subprocess.TimeoutExpired:
                    self.failure = f"{self.label} did not return within {self.timeout:g} s (an endless loop?)"
                    return [Outcome(returned="nothing")] * len(draws)
            return self._read(work, len(draws))

    def _read(self, work: Path, count: int) -> list[Outcome]:
        try:
            report = json.loads((work / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise MatcalcError(f"{self.path.name}:{self.name}: the process running it ended without results"
                               + (": " + " / ".join(tail) if tail else "")) from None
        if "error" in report:
            if report.get("step") == "signature":
                raise MatcalcError(f"{self.path.name}:{self.name} cannot be given the question's values: {report['error']}")
            raise MatcalcError(str(report["error"]))
        self.label = str(report.get("label", self.name))
        try:
            with np.load(work / "results.npz", allow_pickle=False) as arrays:
                values = {key: np.array(arrays[key], dtype=float) for key in arrays.files}
        except (OSError, ValueError, zipfile.BadZipFile) as err:
            raise MatcalcError(f"{self.path.name}:{self.name}: unreadable results ({err})") from None
        outcomes = []
        for k, r in enumerate(report["outcomes"][:count]):
            raised = r.get("raised")
            outcomes.append(Outcome(value=values.get(f"r{k}"), integers=str(r.get("integers") or ""),
                                    returned=str(r.get("returned") or ("nothing" if f"r{k}" not in values else "")),
                                    raised=dict(raised) if isinstance(raised, dict) else None))
        return outcomes + [Outcome(returned="nothing")] * (count - len(outcomes))


def arguments(q: Question, d: Draw) -> dict[str, np.ndarray]:
    """The question's values at a point as NumPy code takes them: a vector 1-D, a matrix 2-D, a scalar 0-D."""
    out = {}
    for name, s in q.names.items():
        v = d.arrays[name]
        rows, cols = s.shape
        out[name] = v.reshape(()) if rows == ONE and cols == ONE else v.reshape(-1) if ONE in (rows, cols) else v
    return out


def _environment() -> dict[str, str]:
    """The child's environment: this one, with output unbuffered and NumPy's threads kept to one."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}


__all__ = ["InFile", "arguments", "split_spec"]
