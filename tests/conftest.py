"""Shared pytest setup: keep every test away from the user's real store."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:  # an editable install is the normal way; fall back to the source tree
    import strikegraph  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(ROOT / "src"))

CORE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "core"


@pytest.fixture(autouse=True)
def _isolated_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default store location points into a temporary directory for every test."""
    home = tmp_path_factory.mktemp("xdg-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("STRIKEGRAPH_STORE", str(home / "strikegraph" / "store"))


@pytest.fixture
def core_fixtures() -> Path:
    """The read-only fixture folder of the core tests."""
    return CORE_FIXTURES


@pytest.fixture
def core_tree(tmp_path: Path) -> Path:
    """A private, writable copy of the miniature data tree (ontology/, graph/, ...)."""
    target = tmp_path / "tree"
    shutil.copytree(CORE_FIXTURES / "tree", target)
    return target


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's store lives."""
    return tmp_path / "stores" / "store"


def pytest_configure(config: pytest.Config) -> None:
    # rdflib 7 itself uses its deprecated Dataset.default_context / .contexts internally.
    for message in (
        "Dataset.default_context is deprecated",
        "Dataset.contexts is deprecated",
        "ConjunctiveGraph is deprecated",
    ):
        config.addinivalue_line("filterwarnings", f"ignore:{message}:DeprecationWarning")
