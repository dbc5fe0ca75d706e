"""The same input prints the same answer, byte for byte, whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CASES = [
    ["derive", "x.T@A@x", "wrt", "x", "--steps", "--check"],
    ["derive", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "wrt", "w", "--steps"],
    ["derive", "A.T @ A", "wrt", "A", "--vec", "col,row"],
    ["hessian", "logsumexp(x)", "wrt", "x"],
    ["check", "x.T@A@x", "wrt", "x", "--answer", "2*A@x"],
    ["derive", "tr(X^T A X) + logdet(S)", "wrt", "X", "--latex"],
    ["derive", "sum(softplus(W2 @ tanh(W1 @ x)))", "wrt", "W1", "--code", "numpy"],
    ["hessian", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "wrt", "w", "--code", "numpy"],
]


@pytest.mark.parametrize("args", CASES, ids=[" ".join(a[:2] + a[4:]) for a in CASES])
def test_output_is_identical_across_hash_seeds(args):
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, env=env, timeout=120)
        outputs.add((result.returncode, result.stdout, result.stderr))
    assert len(outputs) == 1
