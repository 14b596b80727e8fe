"""``python -m strikegraph`` runs the command line."""

from strikegraph.cli import main

main()
