"""The command line (matcalc.cli): `show`, `--help`, `--version`; exit status 0 ok, 1 user error (one message,
a caret, no traceback), 2 bad usage. Run as a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import matcalc

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("matcalc.exe" if os.name == "nt" else "matcalc")

RUNNERS = [pytest.param([sys.executable, "-m", "matcalc"], id="python -m matcalc")]
RUNNERS.append(pytest.param(
    [str(SCRIPT)], id="console script",
    marks=pytest.mark.skipif(not SCRIPT.exists(), reason="no matcalc console script next to this Python"),
))


def run(runner, *args, cwd=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*runner, *args], capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=cwd or ROOT, env=env,
    )


@pytest.fixture(params=RUNNERS)
def cli(request):
    """The command run both ways: ``python -m matcalc`` and the installed console script."""
    return lambda *args, **kw: run(request.param, *args, **kw)


@pytest.fixture
def module_cli():
    """``python -m matcalc`` only, for the long tables (each run builds the parser, ~0.5 s)."""
    return lambda *args, **kw: run([sys.executable, "-m", "matcalc"], *args, **kw)


def test_show_prints_the_tree_its_shape_and_its_assumptions(cli):
    result = cli("show", "x^T A x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "x.T @ A @ x",
        "  math:    xᵀ A x",
        "  shape:   scalar",
        "  assumes: x: vector(n), A: matrix(n, n)",
    ]
    assert result.stderr == ""


def test_show_with_declarations_and_latex(cli):
    result = cli("show", "||y - Φθ||^2", "--where", "y: vector(k)", "--latex")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "norm(y - Φ @ θ)**2"
    assert "  assumes: y: vector(k), Φ: matrix(k, n), θ: vector(n)" in lines
    assert r"  latex:   \left\| y - \Phi \theta \right\|_{2}^{2}" in lines


def test_show_states_declared_properties(cli):
    result = cli("show", "A x", "--where", "A: symmetric")
    assert result.returncode == 0
    assert "  assumes: A: matrix(n, n) symmetric, x: vector(n)" in result.stdout.splitlines()
    assert "  shape:   vector(n)" in result.stdout.splitlines()


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: matcalc")
    assert "show" in result.stdout


def test_show_help(cli):
    result = cli("show", "--help")
    assert result.returncode == 0
    assert "--where" in result.stdout and "--latex" in result.stdout


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"matcalc {matcalc.__version__}"


USER_ERRORS = [
    # (arguments, the message's lines after "error: ")
    (["show", "x +"], ["unexpected end of input", "  x +", "     ^"]),
    (["show", "A + B", "--where", "A: matrix(n, m); B: matrix(m, n)"],
     ["shape mismatch in '+': A is matrix(n, m) but B is matrix(m, n)", "  A + B", "      ^"]),
    (["show", "A*B"], None),
    (["show", "x $ y"], ["unexpected character '$'", "  x $ y", "    ^"]),
    (["show", "x", "--where", "x: blah"], None),
    (["show", "A^20"], ["matrix power A^20: at most ±16", "  A^20", "  ^"]),
    (["show", "||X||"], None),
    (["show", "foo(x)"], None),
    (["show", ""], ["empty expression"]),
    (["show", "x" + "'" * 19990], ["expression too deeply nested"]),
]


@pytest.mark.parametrize(("args", "message"), USER_ERRORS, ids=[" ".join(a)[:30] for a, _ in USER_ERRORS])
def test_user_errors_exit_1_with_one_message_and_no_traceback(module_cli, args, message):
    result = module_cli(*args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    lines = result.stderr.rstrip("\n").split("\n")
    if message is not None:
        assert [lines[0][len("error: "):], *lines[1:]] == message
    elif "^" in result.stderr:  # when there is a position, the caret line is last
        assert lines[-1].strip() == "^"


USAGE_ERRORS = [
    [],
    ["bogus"],
    ["show"],
    ["show", "x", "--bogus"],
    ["--bogus"],
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=[" ".join(a) or "(nothing)" for a in USAGE_ERRORS])
def test_bad_usage_exits_2(cli, args):
    result = cli(*args)
    assert result.returncode == 2
    assert "usage: matcalc" in result.stderr
    assert "Traceback" not in result.stderr


def test_runs_from_any_directory(cli, tmp_path):
    result = cli("show", "A x", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("A @ x")


def test_main_in_process_returns_the_exit_status(capsys):
    from matcalc.cli import main

    assert main(["show", "x'*A*x"]) == 0
    assert capsys.readouterr().out.startswith("x.T @ A @ x\n")
    assert main(["show", "A * B"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: '*' between two non-scalars is ambiguous") and err.rstrip().endswith("^")
    with pytest.raises(SystemExit) as exit_:
        main(["show"])
    assert exit_.value.code == 2


def test_console_script_reports_user_errors_too(cli):
    result = cli("show", "A * B")
    assert result.returncode == 1
    assert result.stderr.startswith("error: '*' between two non-scalars is ambiguous")
    assert result.stderr.rstrip("\n").endswith("^") and "Traceback" not in result.stderr
