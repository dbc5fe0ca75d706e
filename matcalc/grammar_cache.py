"""Where the LALR parser tables of a grammar are cached: a private per-user file, keyed by the grammar's text and
lark's version (building the tables takes ~0.5 s, loading them ~10 ms)."""

from __future__ import annotations

from pathlib import Path


def cache_file(grammar: str) -> Path | None:
    """A private per-user cache file for the parser tables, keyed by grammar and lark version."""
    import hashlib
    import os

    import lark

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "matcalc"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    key = hashlib.sha256(f"{lark.__version__}\n{grammar}".encode()).hexdigest()[:24]
    return folder / f"parser-{key}.lark"
