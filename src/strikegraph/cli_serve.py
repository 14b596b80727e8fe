"""The ``strikegraph serve`` command: ``register(app)`` adds it to the Typer app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "resolve_store_spec"]


def resolve_store_spec(store: str | None) -> str:
    """The store to serve: --store (a directory or a SPARQL URL), the env, the config file."""
    from strikegraph.errors import StoreError
    from strikegraph.remote import is_remote_spec, load_config
    from strikegraph.store import STORE_ENV, default_store_path

    if store:
        if is_remote_spec(store):
            return store
        path = Path(store).expanduser()
    else:
        explicit = os.environ.get(STORE_ENV)
        if explicit and is_remote_spec(explicit):
            return explicit
        config = load_config()
        if not explicit and config is not None:
            return config.query
        path = default_store_path()
    if not path.is_dir():
        raise StoreError(f"no store at {path}: run `strikegraph build` first")
    return str(path)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""

    @app.command("serve")
    def serve_command(
        host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
        store: Annotated[
            str | None,
            typer.Option(
                "--store",
                help="Store directory or SPARQL endpoint URL (http://…/sparql, sparql+http://…) "
                "[default: $STRIKEGRAPH_STORE, strikegraph.toml, or the default directory].",
                show_default=False,
            ),
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", help="Seconds a query may run before it is stopped.")
        ] = 10.0,
        max_rows: Annotated[
            int, typer.Option("--max-rows", help="Result cap (rows or triples); more is truncated.")
        ] = 10_000,
        workers: Annotated[int, typer.Option("--workers", help="Query worker processes.")] = 4,
        enable_update: Annotated[
            bool,
            typer.Option("--enable-update", help="Accept SPARQL Update (needs a token)."),
        ] = False,
        update_token: Annotated[
            str | None,
            typer.Option(
                "--update-token",
                help="Bearer token for updates [default: $STRIKEGRAPH_UPDATE_TOKEN].",
                show_default=False,
            ),
        ] = None,
        allow_service: Annotated[
            list[str] | None,
            typer.Option(
                "--allow-service",
                help="Allow SERVICE calls to this endpoint IRI (repeatable).",
                show_default=False,
            ),
        ] = None,
        cors_origin: Annotated[
            list[str] | None,
            typer.Option(
                "--cors-origin",
                help="Allowed CORS origin (repeatable) [default: *].",
                show_default=False,
            ),
        ] = None,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                "--data-dir", help="Folder holding queries/ (named queries).", show_default=False
            ),
        ] = None,
        log_level: Annotated[str, typer.Option("--log-level")] = "info",
    ) -> None:
        """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a web page (/)."""
        import uvicorn

        from strikegraph.errors import StrikegraphError
        from strikegraph.serve.app import UPDATE_TOKEN_ENV, ServeConfig, create_app
        from strikegraph.serve.limits import Limits

        def fail(message: str) -> typer.Exit:
            typer.echo(f"strikegraph: error: {message}", err=True)
            return typer.Exit(2)

        try:
            spec = resolve_store_spec(store)
        except StrikegraphError as exc:
            raise fail(str(exc)) from None
        token = update_token or os.environ.get(UPDATE_TOKEN_ENV)
        if enable_update and not token:
            raise fail(f"--enable-update needs --update-token or ${UPDATE_TOKEN_ENV}")
        if timeout <= 0 or max_rows <= 0 or workers <= 0:
            raise fail("--timeout, --max-rows and --workers must be positive")
        limits = Limits(
            timeout=timeout,
            max_rows=max_rows,
            workers=workers,
            allow_service=bool(allow_service),
            service_allowlist=tuple(allow_service or ()),
        )
        config = ServeConfig(
            store=spec,
            limits=limits,
            enable_update=enable_update,
            update_token=token if enable_update else None,
            data_dir=str(data_dir) if data_dir else None,
            cors_origins=tuple(cors_origin or ("*",)),
        )
        if host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(f"strikegraph: warning: listening on {host}, not only on loopback", err=True)
        typer.echo(
            f"strikegraph: serving {spec} at http://{host}:{port}/ (SPARQL: /sparql)", err=True
        )
        uvicorn.run(create_app(config), host=host, port=port, log_level=log_level)
