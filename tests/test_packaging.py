"""The package installs as a wheel and works from there: the grammar ships inside it.

A wheel is built from this checkout, installed (without its dependencies, offline) into a fresh virtual
environment, and used from a temporary directory, so neither the checkout nor an editable install can
stand in for it. The fresh environment sees this interpreter's site-packages (for numpy, lark, sympy,
pip) through a ``.pth`` path entry; ``.pth`` files inside that directory, such as an editable install's
pointer to the checkout, are not processed, so ``matcalc`` can only come from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def _run(args, cwd, env=None):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a fresh venv with the wheel installed, its bin directory, a clean environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env_dir = tmp / "venv"
    try:
        venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    except Exception as e:  # pragma: no cover - e.g. no venv module on this system
        pytest.skip(f"cannot create a virtual environment: {e}")
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    if not python.exists():  # pragma: no cover
        pytest.skip("the virtual environment has no python")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONIOENCODING"] = "utf-8"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env)
    assert site.returncode == 0, site.stderr
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "outer_site_packages.pth").write_text("\n".join(sorted(outer)) + "\n")

    wheels = tmp / "dist"
    build = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", str(wheels), str(ROOT)], tmp, env)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = wheels.glob("*.whl")
    install = _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], tmp, env)
    assert install.returncode == 0, install.stdout + install.stderr
    return python, bindir, env, wheel


def test_the_wheel_contains_the_grammar(installed):
    import zipfile

    _, _, _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "matcalc/grammar/matcalc.lark" in names
    assert "matcalc/grammar/latex.lark" in names
    assert "matcalc/__init__.py" in names
    assert not any(name.startswith("tests/") for name in names)


def test_installed_package_parses_from_its_own_grammar(installed, tmp_path):
    python, _, env, _ = installed
    code = (
        "import matcalc, sys; print(matcalc.__file__); print(matcalc.parse('x^T A x'), matcalc.parse(r'x^\\top A x'));"
        "from importlib import resources;"
        "print(resources.files('matcalc').joinpath('grammar/matcalc.lark').is_file())"
    )
    result = _run([str(python), "-c", code], tmp_path, env)
    assert result.returncode == 0, result.stderr
    location, tree, packaged_grammar = result.stdout.splitlines()
    env_dir = python.parent.parent.resolve()
    assert Path(location).resolve().is_relative_to(env_dir), location
    assert not Path(location).resolve().is_relative_to(ROOT)
    assert tree == "x.T @ A @ x x.T @ A @ x"
    assert packaged_grammar == "True"


def test_installed_console_script(installed, tmp_path):
    _, bindir, env, _ = installed
    script = bindir / ("matcalc.exe" if os.name == "nt" else "matcalc")
    assert script.exists()
    result = _run([str(script), "show", "||y - Φθ||^2"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "norm(y - Φ @ θ)**2"
    bad = _run([str(script), "show", "A * B"], tmp_path, env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
