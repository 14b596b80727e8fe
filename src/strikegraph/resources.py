"""Locate the data folders (ontology/, graph/, queries/, validation/).

From a checkout they are the repository's top-level folders, so edits are picked up without
reinstalling; from a wheel they are the package data under ``strikegraph/data``.
``STRIKEGRAPH_DATA_DIR`` (or an explicit ``data_root``) overrides both, which is how tests
point the code at a fixture tree.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from strikegraph.errors import DataError

__all__ = [
    "DATA_DIR_ENV",
    "FOLDERS",
    "data_dir",
    "data_root",
    "ontology_file",
]

DATA_DIR_ENV = "STRIKEGRAPH_DATA_DIR"
FOLDERS = ("ontology", "graph", "queries", "validation")


def _checkout_root() -> Path | None:
    """The repository root when running from a source checkout, else ``None``."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
        return root
    return None


def _package_root() -> Path | None:
    """The wheel's ``strikegraph/data`` folder, if it is a real directory."""
    try:
        candidate = resources.files("strikegraph").joinpath("data")
    except ModuleNotFoundError:  # pragma: no cover - the package is always importable here
        return None
    path = Path(str(candidate))
    return path if path.is_dir() else None


def data_root(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder holding ontology/, graph/, queries/ and validation/.

    Precedence: ``override`` > ``$STRIKEGRAPH_DATA_DIR`` > checkout > installed package data.
    """
    chosen = override if override is not None else os.environ.get(DATA_DIR_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser()
        if not root.is_dir():
            raise DataError(f"data directory {root} does not exist")
        return root
    for root_or_none in (_checkout_root(), _package_root()):
        if root_or_none is not None:
            return root_or_none
    raise DataError(
        f"cannot find the strikegraph data folders; set {DATA_DIR_ENV} to a directory "
        "holding ontology/, graph/, queries/ and validation/"
    )


def data_dir(folder: str, root: str | os.PathLike[str] | None = None) -> Path:
    """Return one data folder (it may not exist: callers treat a missing folder as empty)."""
    if folder not in FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}")
    return data_root(root) / folder


def ontology_file(root: str | os.PathLike[str] | None = None) -> Path:
    """Return ``ontology/strikegraph.ttl``, the only ontology file that is loaded."""
    return data_dir("ontology", root) / "strikegraph.ttl"
