"""Calling a student's gradient function: its arguments by name, its result as numbers, where it raised.

:func:`matcalc.grading.function.check_function` calls a Python function given to it here, in its own
process, and a function in a file (``"student.py:grad"``) through this module run as a script in a child
process, ``python runner.py DIRECTORY``: the child loads the file named in ``DIRECTORY/request.json``
(with the file's directory as its working directory and first import path), calls the function at the
points of ``DIRECTORY/points.npz``, and writes ``results.npz`` (the results, as float arrays) and
``results.json`` (what each call gave, or why the file could not be used). Neither side unpickles
anything the other wrote: arrays are read with ``allow_pickle=False`` and the rest is JSON.

The module imports only the standard library and NumPy, and nothing relative, so that the child starts
without importing matcalc.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


class SignatureError(Exception):
    """The function's parameters cannot be matched with the question's names."""


@dataclass
class Outcome:
    """What one call gave: its result as float numbers, or what it returned instead, or the exception."""

    value: np.ndarray | None = None  # the result, as a float array
    integers: str = ""  # the dtype of a result made of integers (its entries may have been truncated)
    returned: str = ""  # what it returned instead of numbers ("None", "a str", …)
    raised: dict | None = None  # the exception: type, message, file, line, code

    def report(self) -> dict:
        """The outcome without its value, for JSON."""
        out = asdict(self)
        del out["value"]
        return out


def parameters(fn, names) -> tuple[list[str], list[str]]:
    """(the names passed by position, the names passed by keyword): each parameter of `fn` named after one of
    the question's `names` gets that name's value; a parameter with a default that is not a name keeps its
    default. A required parameter that is no name of the question raises SignatureError."""
    names = list(names)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        raise SignatureError("its parameters cannot be read") from None
    positional: list[str] = []
    keywords: list[str] = []
    skipped = False
    for p in signature.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            keywords += [n for n in names if n not in positional and n not in keywords]
        elif p.kind is p.VAR_POSITIONAL:
            continue
        elif p.name in names:
            if p.kind is p.POSITIONAL_ONLY and skipped:
                raise SignatureError(f"its positional-only parameter {p.name} follows one that is not a name of the "
                                     "question")
            (positional if p.kind is p.POSITIONAL_ONLY else keywords).append(p.name)
        elif p.default is p.empty:
            raise SignatureError(f"its parameter {p.name} is not a name of the question ({', '.join(names)}); name "
                                 "the parameters after the question's names")
        else:
            skipped = True
    return positional, keywords


def label(name: str, positional: list[str], keywords: list[str]) -> str:
    """The call as the verdict shows it: ``grad(w, X, y)``."""
    return f"{'lambda' if name == '<lambda>' else name}({', '.join(positional + keywords)})"


def call(fn, positional: list[str], keywords: list[str], values: dict, filename: str) -> Outcome:
    """Call `fn` with copies of `values` (a scalar as a float): the outcome. `filename`: the student's file,
    whose last line in the traceback is the one reported when the call raises."""
    def fresh(name):
        v = values[name]
        return float(v) if np.ndim(v) == 0 else np.array(v, dtype=float, copy=True)

    try:
        with np.errstate(all="ignore"):
            result = fn(*[fresh(n) for n in positional], **{n: fresh(n) for n in keywords})
            return as_numbers(result)
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 - the student's code: whatever it raises is the verdict
        return Outcome(raised=raised(err, filename))


def as_numbers(result) -> Outcome:
    """The result as a float array, or what it is instead."""
    if result is None:
        return Outcome(returned="None")
    try:
        array = np.asarray(result)
        if array.dtype.kind == "c":
            if np.any(array.imag != 0):
                return Outcome(returned="complex numbers")
            array = array.real
        integers = array.dtype.name if array.dtype.kind in "iu" else ""
        return Outcome(value=np.array(array, dtype=float), integers=integers)
    except Exception:  # noqa: BLE001 - whatever the result is, it is not an array of numbers
        kind = type(result).__name__
        return Outcome(returned=f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}")


def raised(err: BaseException, filename: str) -> dict:
    """The exception's type and message, and the last line of the student's file the traceback passed."""
    frames = traceback.extract_tb(err.__traceback__)
    mine = [f for f in frames if filename and _same_file(f.filename, filename)]
    frame = mine[-1] if mine else None
    message = str(err).strip().split("\n", 1)[0]
    return {"type": type(err).__name__, "message": message, "file": Path(frame.filename).name if frame else "",
            "line": frame.lineno if frame else 0, "code": (frame.line or "").strip() if frame else ""}


def _same_file(a: str, b: str) -> bool:
    try:
        return a == b or Path(a).resolve() == Path(b).resolve()
    except (OSError, ValueError):
        return False


# ----------------------------------------------------------------------------------------- the child


def load(path: Path, function: str):
    """The function `function` defined in the file at `path`, which is imported as a module (its
    ``if __name__ == "__main__":`` block does not run)."""
    name = path.stem if path.stem.isidentifier() and path.stem not in sys.modules else "_matcalc_student"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SignatureError(f"{path.name} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)  # safe: the student's own file, in this time-limited child; not text typed to matcalc
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 - the student's file
        info = raised(err, str(path))
        where = f" (line {info['line']})" if info["line"] else ""
        raise SignatureError(f"importing {path.name} raised {info['type']}: {info['message']}{where}") from None
    fn = getattr(module, function, None)
    if fn is None:
        defined = sorted(n for n, v in vars(module).items() if inspect.isfunction(v) and v.__module__ == spec.name)
        also = f" (it defines {', '.join(defined)})" if defined else ""
        raise SignatureError(f"{path.name} defines no function {function}{also}")
    if not callable(fn):
        raise SignatureError(f"{function} in {path.name} is a {type(fn).__name__}, not a function")
    return fn


def main(argv: list[str]) -> int:
    work = Path(argv[1])
    request = json.loads((work / "request.json").read_text(encoding="utf-8"))
    path = Path(request["file"])
    sys.path[0:1] = [str(path.parent)]  # the student's directory, not this one
    try:
        fn = load(path, request["function"])
    except SignatureError as err:
        return _refuse(work, err, "load")
    try:
        positional, keywords = parameters(fn, request["names"])
    except SignatureError as err:
        return _refuse(work, err, "signature")
    points = np.load(work / "points.npz", allow_pickle=False)
    results, reports = {}, []
    for k, draw in enumerate(request["draws"]):
        outcome = call(fn, positional, keywords, {n: points[key] for n, key in draw.items()}, str(path))
        if outcome.value is not None:
            results[f"r{k}"] = outcome.value
        reports.append(outcome.report())
    np.savez(work / "results.npz", **results)
    report = {"outcomes": reports, "label": label(request["function"], positional, keywords)}
    (work / "results.json").write_text(json.dumps(report), encoding="utf-8")
    return 0


def _refuse(work: Path, err: SignatureError, step: str) -> int:
    """Say why the function cannot be called (its file cannot be loaded, or its parameters do not fit)."""
    (work / "results.json").write_text(json.dumps({"error": str(err), "step": step}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
