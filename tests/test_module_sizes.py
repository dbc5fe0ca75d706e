"""Small modules with one job: no module of matcalc over ~400 lines, no class over ~200 (a little slack each),
so that a module can be read whole and a class holds one idea. Split along the jobs when one grows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "matcalc"
MODULES = sorted(PACKAGE.rglob("*.py"))
MODULE_LINES = 420
CLASS_LINES = 220


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_modules_and_classes_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MODULE_LINES, f"{path.name}: {text.count(chr(10))} lines; split it along its jobs"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            lines = node.end_lineno - node.lineno + 1
            assert lines <= CLASS_LINES, f"{path.name}: class {node.name} has {lines} lines; split it along its jobs"
