"""Fixtures shared by the test modules: the libraries of the other code targets, in float64, and the documented
text and size limits raised for deep inputs.

JAX and PyTorch are optional (the ``targets`` extra). A test that asks for them is skipped when they are
not installed, unless MATCALC_REQUIRE_TARGETS=1 (as in CI), which makes a missing library a failure.
"""

from __future__ import annotations

import os

import pytest


def target_library(name: str):
    """The library `name`, or a skip (a failure when MATCALC_REQUIRE_TARGETS=1)."""
    if os.environ.get("MATCALC_REQUIRE_TARGETS") == "1":
        return __import__(name)
    return pytest.importorskip(name)


@pytest.fixture()
def torch():
    """PyTorch with float64 as its default type for the test (restored after it)."""
    torch = target_library("torch")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


@pytest.fixture(scope="session")
def jax():
    """JAX with 64-bit floats enabled."""
    jax = target_library("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


@pytest.fixture
def raised(monkeypatch):
    """The text and size limits raised for a deep input (as benchmarks/scaling.py raises them)."""
    from matcalc import limits

    monkeypatch.setattr(limits, "MAX_INPUT_LENGTH", 10**7)
    monkeypatch.setattr(limits, "MAX_NESTING_DEPTH", 10**5)
    monkeypatch.setattr(limits, "MAX_TREE_SIZE", 10**9)
