"""Shared, cached seed data for the tests of strikegraph.views (imported by test_views_*.py)."""

from __future__ import annotations

import functools
import json
from typing import Any

import networkx as nx
from rdflib import Dataset

from strikegraph.load import load_project
from strikegraph.namespaces import SGID
from strikegraph.store import Store, open_store
from strikegraph.views import build_view


@functools.lru_cache(maxsize=1)
def seed_dataset() -> Dataset:
    """The project's data folders, loaded in memory with rdflib (read-only use only)."""
    return load_project()


@functools.lru_cache(maxsize=1)
def seed_store() -> Store:
    """The same data in an in-memory Oxigraph store (read-only use only)."""
    store = open_store(memory=True)
    store.replace_all(seed_dataset())
    return store


@functools.cache
def seed_view(name: str) -> nx.MultiDiGraph:
    """A view of the seed without filters; copy it before changing it."""
    return build_view(seed_store(), name)


def iri(kind_slug: str) -> str:
    """``state/ukraine`` -> its full IRI, as a node id."""
    return str(SGID[kind_slug])


def edges_between(
    view: nx.MultiDiGraph, a: str, b: str, relation: str | None = None
) -> list[dict[str, Any]]:
    """The data of every edge between two nodes (either direction), optionally of one relation."""
    found = []
    for u, v in ((a, b), (b, a)):
        if view.has_edge(u, v):
            for data in view[u][v].values():
                if relation is None or data["relation"] == relation:
                    found.append(data)
    return found


def sources(data: dict[str, Any]) -> list[str]:
    return json.loads(data["sources"])
