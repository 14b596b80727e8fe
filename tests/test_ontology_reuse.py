"""The reuse example (examples/reuse/): another project imports the ontology from the installed
package, extends it for another conflict and validates its data with strikegraph's shapes."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "reuse"
SCRIPT = EXAMPLE / "validate_example.py"
DATA_FOLDERS = ("ontology", "graph", "queries", "validation")


def run(
    args: list[str], *, python: str = sys.executable, pythonpath: str | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STRIKEGRAPH_DATA_DIR", "PYTHONPATH")}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run(
        [python, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_example_data_conforms(tmp_path: Path) -> None:
    result = run([str(SCRIPT)], pythonpath=str(ROOT / "src"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Validation: conforms")
    assert "core-shapes.ttl" in result.stderr and "falklands-shapes.ttl" in result.stderr


def test_example_reports_violations_of_both_shape_sets(tmp_path: Path) -> None:
    text = (EXAMPLE / "data" / "falklands-1982.trig").read_text(encoding="utf-8")
    assert "fk:radiusNauticalMiles 200.0 ;" in text and "oa:start 110" in text
    broken = tmp_path / "broken.trig"
    broken.write_text(
        text.replace("fk:radiusNauticalMiles 200.0 ;", "").replace("oa:start 110", "oa:start 111"),
        encoding="utf-8",
    )
    result = run(
        [str(SCRIPT), "--data", str(broken), "--json"], pythonpath=str(ROOT / "src"), cwd=tmp_path
    )
    assert result.returncode == 1, result.stdout + result.stderr
    import json

    report = json.loads(result.stdout)
    shapes = {r["shape"] for r in report["results"]}
    assert any("EvidenceQuoteShape" in s for s in shapes)  # strikegraph's
    assert any("ExclusionZoneShape" in s for s in shapes)  # the extension's


def test_extension_subclasses_are_checked_as_strikegraph_rules(tmp_path: Path) -> None:
    text = (EXAMPLE / "data" / "falklands-1982.trig").read_text(encoding="utf-8")
    broken = tmp_path / "no-amends.trig"
    broken.write_text(
        text.replace("    sg:amends authorization:uk-total-exclusion-zone-1982 ;\n", "").replace(
            "    sg:grantor state:united-kingdom ;\n    sg:decidedBy", "    sg:decidedBy"
        ),
        encoding="utf-8",
    )
    result = run([str(SCRIPT), "--data", str(broken)], pythonpath=str(ROOT / "src"), cwd=tmp_path)
    assert result.returncode == 1
    assert "sg:amends" in result.stdout  # the extension's shape
    assert "grantor" in result.stdout  # strikegraph's rule shape, reached through rdfs:subClassOf


def _wheel_like_site(site: Path) -> None:
    """The layout the wheel installs: the package, with the data folders as package data."""
    shutil.copytree(
        ROOT / "src" / "strikegraph",
        site / "strikegraph",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for folder in DATA_FOLDERS:
        shutil.copytree(ROOT / folder, site / "strikegraph" / "data" / folder)


def test_example_uses_the_package_data_without_a_checkout(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _wheel_like_site(site)
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    result = run([str(project / "validate_example.py")], pythonpath=str(site), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = site / "strikegraph" / "data" / "ontology" / "strikegraph.ttl"
    assert f"strikegraph ontology: {expected}" in result.stderr
    assert str(site / "strikegraph" / "data" / "validation") in result.stderr


def test_ontology_commands_work_from_the_package_data(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _wheel_like_site(site)
    code = (
        "import typer, sys\n"
        "from typer.testing import CliRunner\n"
        "from strikegraph.cli_ontology import register\n"
        "from strikegraph.resources import data_root\n"
        "app = typer.Typer()\n"
        "@app.callback()\n"
        "def main() -> None: pass\n"
        "register(app)\n"
        "print(data_root())\n"
        "r = CliRunner().invoke(app, ['ontology', 'docs', '-o', 'site-docs'])\n"
        "print(r.exit_code, r.output)\n"
    )
    result = run(["-c", code], pythonpath=str(site), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert str(site / "strikegraph" / "data") in result.stdout
    assert (tmp_path / "site-docs" / "index.html").is_file(), result.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("hatchling") is None,
    reason="the hatchling build backend is not installed",
)
def test_example_runs_against_a_built_wheel(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here: {built.stderr.strip()[-300:]}")
    [wheel] = list((tmp_path / "dist").glob("strikegraph-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = str(env_dir / "bin" / "python")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if installed.returncode != 0:
        pytest.skip(f"cannot install the wheel here: {installed.stderr.strip()[-300:]}")
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    result = run([str(project / "validate_example.py")], python=python, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "site-packages/strikegraph/data/ontology/strikegraph.ttl" in result.stderr
