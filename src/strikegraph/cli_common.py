"""What every command module of the CLI shares: the common options and the error guard.

Errors are exception classes of the package; they are turned into the documented output in
one place, :func:`guarded`: a :class:`ValidationFailed` prints its report and exits 1, any
other :class:`StrikegraphError` prints one line on stderr and exits 2.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from strikegraph.errors import StrikegraphError, ValidationFailed
from strikegraph.sparqltext import one_line

__all__ = ["DataDirOption", "StoreOption", "fail", "guarded"]

F = TypeVar("F", bound=Callable[..., Any])

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Store directory or SPARQL endpoint URL "
        "[default: $STRIKEGRAPH_STORE, strikegraph.toml, or ~/.local/share/strikegraph/store].",
        show_default=False,
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder holding ontology/, graph/, queries/, validation/ "
        "[default: $STRIKEGRAPH_DATA_DIR, the checkout, or the installed package data].",
        show_default=False,
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``strikegraph: error: MESSAGE`` on one line and return the exit to raise."""
    typer.echo(f"strikegraph: error: {one_line(message)}", err=True)
    return typer.Exit(code)


def guarded(func: F) -> F:
    """Turn strikegraph errors into one line on stderr and the documented exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            fmt = kwargs.get("fmt") or "text"
            report = exc.report
            typer.echo(report.to_json() if fmt == "json" else report.render_text(), nl=False)
            typer.echo(f"strikegraph: {one_line(exc)}", err=True)
            raise typer.Exit(1) from None
        except StrikegraphError as exc:
            raise fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]
