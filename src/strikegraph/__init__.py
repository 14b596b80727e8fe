"""strikegraph: an evidence-backed knowledge graph of wartime weapons-use authorizations."""

from __future__ import annotations

import sys
import types
from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

from strikegraph.errors import (
    DataError,
    ParameterError,
    QueryError,
    StoreError,
    StoreLockedError,
    StrikegraphError,
    ValidationFailed,
)
from strikegraph.export import export
from strikegraph.queries import NamedQuery, bind_parameters, get_query, list_queries, run_query
from strikegraph.results import QueryResult
from strikegraph.store import Store, open_store

if TYPE_CHECKING:  # the lazily imported names below, for type checkers
    from strikegraph.build import BuildSummary, build
    from strikegraph.load import load_file, load_project
    from strikegraph.validate import ValidationReport, validate_dataset, validate_files

# Building, loading and validating pull in pyshacl and rdflib's SPARQL parser (most of a
# second); `strikegraph query` needs none of them, so they are imported on first use (PEP 562).
# `export` stays eager. `build` is a function named like its module: importing the submodule
# would set the package attribute to the module, so the package ignores that assignment and
# `strikegraph.build` stays the function, as it was when everything was imported eagerly.
_LAZY = {
    "BuildSummary": "strikegraph.build",
    "build": "strikegraph.build",
    "load_file": "strikegraph.load",
    "load_project": "strikegraph.load",
    "ValidationReport": "strikegraph.validate",
    "validate_dataset": "strikegraph.validate",
    "validate_files": "strikegraph.validate",
}


def __getattr__(name: str) -> Any:
    """Import a heavy part of the public API on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'strikegraph' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package module, keeping lazily imported functions over same-named submodules."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


try:
    __version__ = metadata.version("strikegraph")
except metadata.PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.1.0"

__all__ = [
    "BuildSummary",
    "DataError",
    "NamedQuery",
    "ParameterError",
    "QueryError",
    "QueryResult",
    "Store",
    "StoreError",
    "StoreLockedError",
    "StrikegraphError",
    "ValidationFailed",
    "ValidationReport",
    "__version__",
    "bind_parameters",
    "build",
    "export",
    "get_query",
    "list_queries",
    "load_file",
    "load_project",
    "open_store",
    "run_query",
    "validate_dataset",
    "validate_files",
]
