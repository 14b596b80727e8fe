"""strikegraph: an evidence-backed knowledge graph of wartime weapons-use authorizations."""

from __future__ import annotations

from importlib import metadata

from strikegraph.build import BuildSummary, build
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
from strikegraph.load import load_file, load_project
from strikegraph.queries import NamedQuery, bind_parameters, get_query, list_queries, run_query
from strikegraph.results import QueryResult
from strikegraph.store import Store, open_store
from strikegraph.validate import ValidationReport, validate_dataset, validate_files

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
