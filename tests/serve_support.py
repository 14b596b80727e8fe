"""Helpers for the serve/remote tests: a seed store built once, servers in subprocesses."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from strikegraph.serve import launch
from strikegraph.serve.launch import free_port

__all__ = ["copy_store", "free_port", "in_ci", "running_server", "seed_store"]

_SEED: dict[str, Path] = {}


def seed_store(base: Path) -> Path:
    """The seed built (without validation: test_core_* cover it) into a store, once per run."""
    if "path" not in _SEED:
        from strikegraph.build import build

        target = base / "seed-store"
        build(target, validate=False)
        _SEED["path"] = target
    return _SEED["path"]


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@contextlib.contextmanager
def running_server(store: str, *args: str, startup: float = 90.0) -> Iterator[str]:
    """A server for the tests: updates stay off unless a test passes its own token."""
    env = dict(os.environ)
    env.pop("STRIKEGRAPH_UPDATE_TOKEN", None)
    with launch.running_server(store, *args, startup=startup, env=env) as base:
        yield base


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
