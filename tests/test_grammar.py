"""The one lark grammar (grammar/matcalc.lark): conflict-free, and found from a checkout and via the package."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark

import matcalc
from matcalc import syntax

ROOT = Path(__file__).resolve().parent.parent
GRAMMAR_FILE = ROOT / "grammar" / "matcalc.lark"


def test_grammar_builds_with_strict_conflict_and_collision_checks():
    pytest.importorskip("interegular")  # lark needs it to look for terminal collisions
    parser = Lark(syntax.grammar_text(), parser="lalr", start=["expr", "where"], strict=True)
    assert parser.parse("x^T A x", start="expr").data == "juxt"


def test_grammar_text_is_the_file_at_the_top_of_the_checkout():
    assert GRAMMAR_FILE.is_file()
    assert syntax.grammar_text() == GRAMMAR_FILE.read_text(encoding="utf-8")


def test_grammar_is_found_from_the_source_tree_when_not_installed(monkeypatch):
    """Without a packaged copy (an editable or plain checkout), the file next to the package is read."""

    class Missing:
        def joinpath(self, *_):
            return self

        def is_file(self):
            return False

    monkeypatch.setattr(syntax.resources, "files", lambda _pkg: Missing())
    assert syntax.grammar_text() == GRAMMAR_FILE.read_text(encoding="utf-8")


def test_grammar_is_read_from_the_package_when_it_ships_there(monkeypatch, tmp_path):
    packaged = tmp_path / "grammar" / "matcalc.lark"
    packaged.parent.mkdir()
    packaged.write_text("// packaged copy\n" + GRAMMAR_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(syntax.resources, "files", lambda pkg: tmp_path if pkg == "matcalc" else None)
    assert syntax.grammar_text().startswith("// packaged copy")


def test_the_package_declares_the_grammar_inside_the_wheel():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"grammar" = "matcalc/grammar"' in pyproject


def test_parser_is_built_once():
    assert syntax.lark_parser() is syntax.lark_parser()


@pytest.mark.parametrize("start", ["expr", "where"])
def test_both_start_rules_exist(start):
    text = {"expr": "A @ x", "where": "A: symmetric"}[start]
    assert syntax.lark_parser().parse(text, start=start) is not None


def test_version_is_a_string():
    assert isinstance(matcalc.__version__, str) and matcalc.__version__.count(".") >= 1


def test_the_grammar_knows_every_declared_property_and_no_other():
    """The property vocabulary is defined once (matcalc.properties.PROPERTIES); the grammar's PROPERTY terminal lists it."""
    import re

    from matcalc.properties import PROPERTIES

    line = next(row for row in GRAMMAR_FILE.read_text(encoding="utf-8").splitlines() if row.startswith("PROPERTY"))
    listed = re.search(r"/\((.*?)\)", line).group(1).split("|")
    assert sorted(listed) == sorted(PROPERTIES)
