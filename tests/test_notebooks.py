"""The notebooks run top to bottom on a fresh install and show what is committed (tests/notebook_outputs.py)."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

from notebook_outputs import NOTEBOOKS, execute, shown  # noqa: E402


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_committed_outputs(path):
    committed = nbformat.read(path, as_version=4)
    executed = execute(path)
    assert not any(o.output_type == "error" for c in executed.cells for o in c.get("outputs", [])), "a cell failed"
    got, want = shown(executed), shown(committed)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"code cell {i + 1} of {path.name} shows other output than committed; " \
                       f"run python tests/notebook_outputs.py {path.relative_to(path.parent.parent)}"


def test_every_notebook_is_committed_executed():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.get("execution_count") for c in code), f"{path.name}: run python tests/notebook_outputs.py"
