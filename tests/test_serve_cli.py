"""The `serve` command's options: loopback by default, refuses unsafe or impossible setups."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from strikegraph.cli_serve import register, resolve_store_spec


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _main() -> None:
        """test app"""

    register(app)
    return app


def test_binds_to_loopback_by_default() -> None:
    result = CliRunner().invoke(_app(), ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "127.0.0.1" in result.stdout


def test_update_needs_a_token(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("STRIKEGRAPH_UPDATE_TOKEN", raising=False)
    (tmp_path / "store").mkdir()
    result = CliRunner().invoke(
        _app(), ["serve", "--store", str(tmp_path / "store"), "--enable-update"]
    )
    assert result.exit_code == 2
    assert "--update-token" in result.output


def test_missing_store_is_reported(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["serve", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no store at" in result.output


def test_store_spec_resolution(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert resolve_store_spec("http://127.0.0.1:9/sparql") == "http://127.0.0.1:9/sparql"
    monkeypatch.setenv("STRIKEGRAPH_STORE", "sparql+http://127.0.0.1:9/sparql")
    assert resolve_store_spec(None) == "sparql+http://127.0.0.1:9/sparql"
    monkeypatch.setenv("STRIKEGRAPH_STORE", str(tmp_path))
    assert resolve_store_spec(None) == str(tmp_path)
