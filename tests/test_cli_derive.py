"""`matcalc derive` (matcalc.cli): the issue's "done when" lines, run as a user runs them.

Exit status: 0 success, 1 user error (one message, no traceback), 2 bad usage.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args: str, timeout: float = 60):
    return subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, text=True,
                           timeout=timeout, encoding="utf-8")


@pytest.fixture(scope="module")
def default():
    return run("derive", "x.T@A@x", "wrt", "x")


def test_derive_prints_the_closed_form_first(default):
    assert default.returncode == 0, default.stderr
    assert default.stdout.splitlines()[0] == "(A + A.T) @ x"
    assert default.stderr == ""


def test_derive_prints_shape_layout_and_assumptions(default):
    out = default.stdout
    assert "shape:" in out and "vector(n)" in out
    assert "layout:" in out and "mixed" in out
    assert "assumes:" in out and "x: vector(n)" in out and "A: matrix(n, n)" in out


def test_numerator_layout():
    r = run("derive", "x.T@A@x", "wrt", "x", "--layout", "numerator")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "x.T @ (A + A.T)"
    assert "covector(n)" in r.stdout and "numerator" in r.stdout


def test_denominator_layout_of_a_jacobian():
    r = run("derive", "A@x", "wrt", "x", "--layout", "denominator")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "A.T"
    assert "matrix(m, n)" in r.stdout


def test_where_symmetric():
    r = run("derive", "x.T@A@x", "wrt", "x", "--where", "A: symmetric")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "2 * A @ x"
    assert "A: matrix(n, n) symmetric" in r.stdout


def test_steps_show_the_lecture_lemma():
    r = run("derive", "x.T@A@x", "wrt", "x", "--steps")
    assert r.returncode == 0, r.stderr
    assert "steps:" in r.stdout
    assert "[L4]" in r.stdout
    assert "[factor-common]" in r.stdout


def test_check_passes():
    r = run("derive", "x.T@A@x", "wrt", "x", "--check")
    assert r.returncode == 0, r.stderr
    assert "check: PASS" in r.stdout
    assert "sizes n=" in r.stdout


def test_latex():
    r = run("derive", "x.T@A@x", "wrt", "x", "--latex")
    assert r.returncode == 0, r.stderr
    assert r"\left(A + A^{\top}\right) x" in r.stdout


def test_all_options_together_on_a_lecture_example():
    r = run("derive", "||y - Phi theta||^2", "wrt", "theta", "--steps", "--check", "--latex")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "-2 * Phi.T @ (y - Phi @ theta)"
    assert "check: PASS" in r.stdout and "[let]" in r.stdout


def test_a_derivative_that_simplifies_to_zero():
    r = run("derive", "sum(step(x))", "wrt", "x", "--steps", "--check")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "vector(0)"
    assert "vector(n)" in lines[1]
    assert "[variable]" in r.stdout and "simplifies to zero" in r.stdout
    assert "check: PASS" in r.stdout


def test_steps_name_a_node_before_its_differential():
    r = run("derive", "sum(sigmoid(A@x))", "wrt", "x", "--steps")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # a short result prints whole; long ones name shared subexpressions (see test_long_results_use_lets)
    assert out.splitlines()[0] == "A.T @ (sigmoid(A @ x) * (1 - sigmoid(A @ x)))"
    let, chain = "[let] let u2 = sigmoid(u1)", "[elementwise-chain] du2 = multiply(multiply(u2, 1 - u2), du1)"
    assert let in out and chain in out
    assert out.index(let) < out.index(chain)


def test_steps_cite_the_quotient_rule():
    r = run("derive", "w / x", "wrt", "x", "--steps", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "diag(-w * x**-2)"
    assert "[quotient-rule]" in r.stdout and "check: PASS" in r.stdout


@pytest.mark.parametrize("args,needle", [
    (["derive", "x.T@A@", "wrt", "x"], "^"),                    # parse error with a caret
    (["derive", "x * y", "wrt", "x"], "∘"),                     # ambiguous '*', both spellings suggested
    (["derive", "kron(A, x)", "wrt", "x"], "kron"),             # unsupported: says which construct
    (["derive", "vec(X).T @ a", "wrt", "X"], "vec"),
    (["derive", "x.T@y", "wrt", "x", "--where", "x: vector(n); y: vector(m)"], "shape mismatch"),
    (["derive", "x.T@A@x", "wrt", "2x"], "name"),               # not a variable name
])
def test_user_errors_exit_1_without_traceback(args, needle):
    r = run(*args)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert r.stderr.startswith("error:")
    assert needle in r.stderr


@pytest.mark.parametrize("args", [
    ["derive", "x.T@A@x", "with", "x"],
    ["derive", "x.T@A@x", "wrt"],
    ["derive", "x.T@A@x", "wrt", "x", "--layout", "diagonal"],
    ["derive", "x.T@A@x", "wrt", "x", "--frobnicate"],
    ["derive"],
])
def test_bad_usage_exits_2(args):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "usage:" in r.stderr
    assert "Traceback" not in r.stderr


def test_help_mentions_the_main_command():
    r = run("derive", "--help")
    assert r.returncode == 0
    for flag in ("--layout", "--where", "--steps", "--latex", "--check"):
        assert flag in r.stdout


def test_long_results_use_lets():
    where = "x, y, b3: scalar; W1: matrix(2, 1); W2: matrix(3, 2); b1: vector(2); b2: vector(3); w3: vector(3)"
    yhat = "sigmoid(w3.T @ sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2) + b3)"
    r = run("derive", f"-(y * log({yhat}) + (1 - y) * log(1 - {yhat}))", "wrt", "W1", "--where", where)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("t1 = ") and lines[1].startswith("t2 = ")


def test_code_prints_a_function_that_computes_the_derivative():
    import numpy as np

    result = run("derive", "x.T@A@x", "wrt", "x", "--code", "numpy")
    assert result.returncode == 0, result.stderr
    namespace: dict = {}
    exec(result.stdout, namespace)
    a, x = np.arange(12.0).reshape(3, 4)[:, :3], np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(namespace["gradient"](x=x, A=a).ravel(), (a + a.T) @ x)


def test_code_of_a_hessian():
    result = run("hessian", "logsumexp(x)", "wrt", "x", "--code", "numpy")
    assert result.returncode == 0 and "def hessian(*, x):" in result.stdout


def test_code_does_not_combine_with_other_output():
    result = run("derive", "x.T@A@x", "wrt", "x", "--code", "numpy", "--steps")
    assert result.returncode == 2 and "--code prints only the code" in result.stderr


def test_code_for_jax():
    result = run("hessian", "x.T@A@x + sum(softplus(x))", "wrt", "x", "--code", "jax")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("import jax.numpy as jnp\n") and "def hessian(*, x, A):" in result.stdout
    assert "np." not in result.stdout.replace("jnp.", "")
