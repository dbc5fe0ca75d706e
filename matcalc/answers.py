"""The homework checker's public names, kept importable from here: see :mod:`matcalc.grading`."""

from .grading import DIAGNOSES, DRAWS, TOLERANCE, Verdict, check_answer

__all__ = ["check_answer", "Verdict", "DIAGNOSES", "TOLERANCE", "DRAWS"]
