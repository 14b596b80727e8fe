"""`--engine` picks the validator; both give the same verdict and name the same shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from strikegraph.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "shapes" / "exclusion-outside-scope.trig"


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_both_engines_report_the_broken_fixture(engine: str) -> None:
    result = CliRunner().invoke(app, ["validate", "--engine", engine, str(FIXTURE)])
    assert result.exit_code == 1, result.output
    assert "ExcludedWeaponInScopeShape" in result.stdout
    assert "does not conform (1 violation)" in result.stdout


def test_unknown_engine_is_a_one_line_error() -> None:
    result = CliRunner().invoke(app, ["validate", "--engine", "bogus", str(FIXTURE)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "strikegraph: error: unknown validation engine 'bogus' (use pyshacl, fast)"
    )
