"""Executing the notebooks, and the outputs that are compared: what a student sees on the repository page.

The notebooks are committed executed, with their outputs, so that they read on a repository page as they
run. ``python tests/notebook_outputs.py`` re-executes every notebook in place (after a change to matcalc or
to a notebook); ``tests/test_notebooks.py`` re-executes them in CI and fails when an output differs from
the committed one. matcalc's output is deterministic, so outputs compare exactly, except for the figures
that depend on the machine's floating-point arithmetic (a numeric check's error), which are normalised.
Execution metadata (timestamps) is not kept.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbclient
import nbformat

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
MACHINE_FIGURES = [  # (pattern, replacement): text that varies with the machine, not with matcalc
    (re.compile(r"max relative error [0-9.eE+-]+"), "max relative error …"),
    (re.compile(r"relative error [0-9.eE+-]+"), "relative error …"),
]


def execute(path: Path):
    """The notebook at `path`, executed top to bottom in a fresh kernel, without execution metadata."""
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps: they would change on every run
    return nb


def shown(nb) -> list[list[dict]]:
    """Per code cell, its outputs as compared: stream text (consecutive chunks of one stream joined, as they
    arrive split by timing) and every MIME type's data, machine figures normalised."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream":  # one print may arrive in several chunks: joined
                if outputs and outputs[-1].get("stream") == output.name:
                    outputs[-1]["text"] = _normalise(outputs[-1]["text"] + output.text)
                else:
                    outputs.append({"stream": output.name, "text": _normalise(output.text)})
            elif output.output_type in ("display_data", "execute_result"):
                outputs.append({k: _normalise(v if isinstance(v, str) else "".join(v)) for k, v in output.data.items()})
            else:  # an error
                outputs.append({"error": output.get("ename", ""), "value": output.get("evalue", "")})
        cells.append(outputs)
    return cells


def _normalise(text: str) -> str:
    for pattern, replacement in MACHINE_FIGURES:
        text = pattern.sub(replacement, text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Execute the notebooks (all, or the paths given) and write them back with their outputs."""
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or NOTEBOOKS
    for path in paths:
        nb = execute(path)
        nbformat.write(nb, path)
        print(f"executed {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
