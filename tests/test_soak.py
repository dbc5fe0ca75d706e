"""A 300-case run of the differential soak (benchmarks/soak.py): no wrong derivative, no crash."""

import importlib.util
from pathlib import Path

SOAK = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"


def test_short_soak_finds_nothing_wrong(capsys):
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    status = soak.main(["--n", "300", "--seed", "7", "--depth", "3"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "wrong         0" in out and "crash         0" in out
