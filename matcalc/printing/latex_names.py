"""How a name prints in LaTeX: Greek names and letters as their commands (``theta`` and ``θ`` as ``\\theta``),
trailing digits and ``_`` parts as subscripts (``W1`` → ``W_{1}``), other multi-letter names in ``\\mathit``.
Two names are one name when they print the same (:func:`matcalc.names.one_spelling`)."""

from __future__ import annotations

import re

GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon "
    "phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
UNICODE_GREEK = dict(zip(
    "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ",
    [rf"\{g}" for g in GREEK],
))
def latex_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+|[\u0391-\u03a9\u03b1-\u03c9])_?([0-9]*)", name)
    if m is None:
        base, sub = name.split("_", 1) if "_" in name else (name, "")
        return _latex_base(base) + (f"_{{{sub}}}" if sub else "")
    base, sub = m.groups()
    return _latex_base(base) + (f"_{{{sub}}}" if sub else "")


def _latex_base(base: str) -> str:
    if base in UNICODE_GREEK:
        return UNICODE_GREEK[base]
    if base in GREEK:
        return "\\" + base
    if len(base) == 1:
        return base
    return rf"\mathit{{{base}}}"
