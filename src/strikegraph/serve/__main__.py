"""``python -m strikegraph.serve [OPTIONS]``: the ``strikegraph serve`` command on its own."""

import typer

from strikegraph.cli_serve import register

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def _main() -> None:
    """strikegraph's SPARQL endpoint."""


register(app)

if __name__ == "__main__":
    app(["serve", *__import__("sys").argv[1:]])
