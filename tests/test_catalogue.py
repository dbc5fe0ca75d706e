"""docs/lemmas.md is generated from the rule table; it must not go stale."""

from pathlib import Path

from matcalc.catalogue import catalogue
from matcalc.rewrite import LEMMAS, PRESENTATION
from matcalc.rules import RULES

DOC = Path(__file__).resolve().parent.parent / "docs" / "lemmas.md"


def test_lemmas_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == catalogue(), "run: python -m matcalc.catalogue > docs/lemmas.md"


def test_every_rule_and_lemma_is_listed():
    text = catalogue()
    for name in [*RULES, *(lemma.name for lemma in LEMMAS), *(lemma.name for lemma in PRESENTATION)]:
        assert f"`{name}`" in text


def test_lecture_lemmas_present():
    for name in ("L1", "L2", "L3", "L4", "L5", "L6", "L7"):
        assert name in RULES
