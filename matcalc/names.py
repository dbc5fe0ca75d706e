"""What names mean before any shape is known: Greek letters written out, one spelling per name, and the name
probably meant.

``theta``, ``θ`` and ``\theta`` are one letter written three ways, and ``W1``, ``W_1``, ``W_{1}`` one name
(they print the same in LaTeX): :func:`one_spelling` makes them one name. A multi-letter name that is a
written-out Greek letter (or ``lam``, ``eps``) is never split into a product of letters and counts as a
scalar's name; deriving by a name the expression does not contain gets a message with the name probably meant.
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


def is_greek(name: str) -> bool:
    """A Greek letter, as a symbol or written out (``λ``, ``lambda``, ``lam``, ``lambda2``, ``σ1``)."""
    stem = name.rstrip("0123456789_")
    return stem in WORDS or (len(stem) == 1 and not stem.isascii() and stem.isalpha())


def one_spelling(node, decls: dict, known=()):
    r"""Names that print the same in LaTeX are one name (``theta``, ``θ`` and ``\theta``; ``W1``, ``W_1`` and
    ``W_{1}``), spelled as the variable or the question spells it, else as declared, else as first written:
    a question in one notation can be answered, declared and derived in another. Returns (tree, declarations)."""
    from dataclasses import replace

    from .printing.latex import latex_name

    written = [n.data for n in _walk(node) if n.op == "name"]
    groups: dict[str, list[str]] = {}
    for name in [*known, *decls, *written]:
        spellings = groups.setdefault(latex_name(name), [])
        if name not in spellings:
            spellings.append(name)
    rename = {other: spellings[0] for spellings in groups.values() for other in spellings[1:]}
    if not rename:
        return node, decls
    from .syntax_tree import Syntax
    from .syntax_walks import _copy, rewrite

    def renamed(n, args):  # a new tree: syntax trees are shared (matcalc.syntax keeps them by text)
        if n.op == "name" and n.data in rename:
            return Syntax("name", args, rename[n.data], n.pos, n.end)
        return _copy(n, args)

    node = rewrite(node, renamed)
    merged: dict = {}
    for name, decl in decls.items():
        name = rename.get(name, name)
        if name in merged and merged[name] != replace(decl, name=name):
            from .errors import DeclarationError

            raise DeclarationError(f"{name} is declared twice (as {decl.name} and {merged[name].name})")
        merged[name] = replace(decl, name=name)
    return node, merged


def _walk(node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.args)


def not_occurring(name: str, expr, text) -> str:
    """The message for a variable the expression does not contain, with the name probably meant."""
    import difflib

    from .expr import symbols

    names = [s.name for s in symbols(expr)]
    shown = text if isinstance(text, str) else "the expression"
    message = f"{name} does not occur in {shown}"
    if not names:
        return message + "; it has no names to differentiate by"
    guesses = []  # θ for theta is not a guess: one_spelling has made them one name
    for other in names:
        if name in other and other != name and len(other) > len(name):
            guesses.append(f"{other} split into a product (write the factors apart, e.g. {' '.join(other)})")
    guesses += [g for g in difflib.get_close_matches(name, names, n=2, cutoff=0.5) if not any(g in x for x in guesses)]
    message += f" (its names: {', '.join(names)})"
    if guesses:
        message += "; did you mean " + " or ".join(guesses) + "?"
    return message
