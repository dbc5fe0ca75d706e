"""What the scaling tests share: deep inputs as text (a tanh network, a nested element-wise function) and a count
of the Python calls a function makes (work counted exactly, not timed on a noisy machine)."""

from __future__ import annotations

import cProfile
import pstats


def mlp_text(depth: int) -> str:
    """norm(W{L+1} @ tanh(W_L @ … tanh(W1 @ x)) - y)**2: a tanh network of `depth` layers."""
    h = "x"
    for k in range(1, depth + 1):
        h = f"tanh(W{k} @ {h})"
    return f"norm(W{depth + 1} @ {h} - y)**2"


def nested_text(depth: int) -> str:
    """sum(tanh(tanh(… tanh(x) …))): `depth` element-wise functions inside each other."""
    return "sum(" + "tanh(" * depth + "x" + ")" * depth + ")"


def python_calls(fn) -> tuple[int, dict[str, int]]:
    """(Python calls made by `fn()`, calls per function name), counted by cProfile: exact, not timed."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        fn()
    finally:
        profile.disable()
    stats = pstats.Stats(profile)
    per_name: dict[str, int] = {}
    for (_file, _line, name), (_primitive, calls, *_rest) in stats.stats.items():
        per_name[name] = per_name.get(name, 0) + calls
    return stats.total_calls, per_name
