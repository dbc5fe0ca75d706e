"""What names mean before any shape is known: Greek letters written out, and the name probably meant.

``theta`` and ``θ`` are one letter written two ways; a multi-letter name that is a written-out Greek
letter (or ``lam``, ``eps``) is never split into a product of letters and counts as a scalar's name;
deriving by a name the expression does not contain gets a message with the name probably meant.
"""

from __future__ import annotations

# multi-letter names never split into a product of letters (Greek letters written out, usual scalars)
WORDS = frozenset("""
alpha beta gamma delta epsilon eps varepsilon zeta eta theta vartheta iota kappa lambda lam lamda lmbda mu nu xi
omicron pi rho sigma varsigma tau upsilon phi varphi chi psi omega Alpha Beta Gamma Delta Epsilon Zeta Eta Theta
Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi Chi Psi Omega
""".split())

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
}
GREEK_NAMES = {v: k for k, v in GREEK.items()}


def is_greek(name: str) -> bool:
    """A Greek letter, as a symbol or written out (``λ``, ``lambda``, ``lam``, ``lambda2``, ``σ1``)."""
    stem = name.rstrip("0123456789_")
    return stem in WORDS or (len(stem) == 1 and not stem.isascii() and stem.isalpha())


def not_occurring(name: str, expr, text) -> str:
    """The message for a variable the expression does not contain, with the name probably meant."""
    import difflib

    from .expr import symbols

    names = [s.name for s in symbols(expr)]
    shown = text if isinstance(text, str) else "the expression"
    message = f"{name} does not occur in {shown}"
    if not names:
        return message + "; it has no names to differentiate by"
    guesses = []
    for other in names:
        if GREEK.get(name) == other or GREEK_NAMES.get(name) == other:
            guesses.append(f"{other} (the same letter written {'out' if len(other) > 1 else 'as a symbol'})")
    for other in names:
        if name in other and other != name and len(other) > len(name):
            guesses.append(f"{other} split into a product (write the factors apart, e.g. {' '.join(other)})")
    guesses += [g for g in difflib.get_close_matches(name, names, n=2, cutoff=0.5) if not any(g in x for x in guesses)]
    message += f" (its names: {', '.join(names)})"
    if guesses:
        message += "; did you mean " + " or ".join(guesses) + "?"
    return message
