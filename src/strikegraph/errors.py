"""Exceptions raised by strikegraph.

Every expected failure derives from :class:`StrikegraphError` so that the CLI can catch
one type and print a single line instead of a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strikegraph.validate import ValidationReport

__all__ = [
    "DataError",
    "NetworkAccessError",
    "ParameterError",
    "QueryError",
    "StoreError",
    "StoreLockedError",
    "StrikegraphError",
    "ValidationFailed",
]


class StrikegraphError(Exception):
    """Base class of every error strikegraph reports to its user."""


class DataError(StrikegraphError):
    """A data file cannot be read or parsed; the message names the file (and line)."""


class NetworkAccessError(StrikegraphError):
    """Something asked strikegraph to reach the network and the policy forbids it.

    See :mod:`strikegraph.netguard`: SERVICE, remote JSON-LD contexts, URLs given as files,
    XML external entities and SPARQL ``LOAD`` are refused unless network access is allowed.
    """


class QueryError(StrikegraphError):
    """A SPARQL query is malformed, fails, or a named query does not exist."""


class ParameterError(StrikegraphError):
    """A query parameter is missing, unknown or has an invalid value."""


class StoreError(StrikegraphError):
    """The on-disk store is missing, empty, unreadable or could not be written."""


class StoreLockedError(StoreError):
    """Another process holds the writer lock of the store."""


class ValidationFailed(StrikegraphError):
    """The data does not conform to the SHACL shapes; carries the full report."""

    def __init__(self, report: ValidationReport, message: str | None = None) -> None:
        self.report = report
        super().__init__(message or f"data does not conform to the shapes: {report.summary()}")
