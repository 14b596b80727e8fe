"""The embedded store: persistence, atomic replacement, transactional graph replacement, locks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

import strikegraph
import strikegraph.store as store_module
from strikegraph.errors import StoreError, StoreLockedError
from strikegraph.load import load_project
from strikegraph.namespaces import SGG, SGID
from strikegraph.rdfterms import Quad, dataset_from_quads
from strikegraph.store import Store, default_store_path, open_store

P = URIRef("https://example.org/p")
G1 = SGG["one"]
G2 = SGG["two"]


def _quads(tag: str, n: int = 3) -> list[Quad]:
    return [
        (SGID[f"thing/{tag}-{i}"], P, Literal(f"{tag} {i}\n"), G1 if i % 2 else G2)
        for i in range(n)
    ]


def _leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}."))


def test_persistence_across_reopen(store_path: Path) -> None:
    quads = _quads("a") + [(BNode(), P, Literal("blank", lang="en"), None)]
    with open_store(store_path) as store:
        assert store.triple_count() == 0 and store.dump_nquads() == ""
        assert store.replace_all(dataset_from_quads(quads)) == 4
        before = store.dump_nquads()
        assert store.graph_names() == [G1, G2]
    with open_store(store_path, read_only=True) as store:
        assert store.dump_nquads() == before
        assert store.triple_count() == 4
        assert store.graph_triple_counts() == {"": 1, str(G1): 1, str(G2): 2}
    with open_store(store_path) as store:
        assert store.dump_nquads() == before
        rows = store.query("SELECT ?o WHERE { GRAPH sgg:one { ?s ?p ?o } }").rows
        assert rows == [(Literal("a 1\n"),)]
        assert len(list(store.dataset.quads((None, None, None, None)))) == 4
    assert _leftovers(store_path) == []


def test_default_store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STRIKEGRAPH_STORE", str(tmp_path / "explicit"))
    assert default_store_path() == tmp_path / "explicit"
    monkeypatch.delenv("STRIKEGRAPH_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "strikegraph" / "store"


def _failing(quads: list[Quad], after: int) -> Iterator[Quad]:
    for index, quad in enumerate(quads):
        if index == after:
            raise RuntimeError("simulated failure while writing the new store")
        yield quad


def test_replace_all_failure_keeps_old_store(store_path: Path) -> None:
    with open_store(store_path) as store:
        store.replace_all(_quads("old"))
        before = store.dump_nquads()
        with pytest.raises(RuntimeError, match="simulated"):
            store.replace_all(_failing(_quads("new", 10), after=5))
        assert store.dump_nquads() == before
    with open_store(store_path, read_only=True) as store:
        assert store.dump_nquads() == before
    assert _leftovers(store_path) == []


def test_replace_all_failed_swap_rolls_back(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(store_path) as store:
        store.replace_all(_quads("old"))
        before = store.dump_nquads()
        # the two-rename fallback (file systems without renameat2 RENAME_EXCHANGE)
        monkeypatch.setattr(store_module, "_exchange", lambda first, second: False)
        real_rename = os.rename
        calls: list[object] = []

        def flaky_rename(src: object, dst: object) -> None:
            calls.append(src)
            if len(calls) == 2:  # old store moved aside, new one not yet in place
                raise OSError(28, "No space left on device")
            real_rename(src, dst)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "rename", flaky_rename)
        with pytest.raises(StoreError, match="cannot swap"):
            store.replace_all(_quads("new"))
        monkeypatch.setattr(os, "rename", real_rename)
        assert store.dump_nquads() == before
    assert _leftovers(store_path) == []


def test_failed_exchange_keeps_old_store(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(store_path) as store:
        store.replace_all(_quads("old"))
        before = store.dump_nquads()

        def broken(first: Path, second: Path) -> bool:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(store_module, "_exchange", broken)
        with pytest.raises(StoreError, match="cannot swap"):
            store.replace_all(_quads("new"))
        assert store.dump_nquads() == before
    assert _leftovers(store_path) == []


def test_swap_is_one_exchange_when_the_kernel_offers_it(store_path: Path) -> None:
    """With renameat2 the store path never disappears, so a reader never sees it missing."""
    probe = store_path.parent / "probe"
    (probe / "a").mkdir(parents=True)
    (probe / "b").mkdir()
    (probe / "a" / "marker").touch()
    assert store_module._exchange(probe / "a", probe / "b")  # Linux >= 3.15, ext4/tmpfs/xfs
    assert (probe / "b" / "marker").exists() and not (probe / "a" / "marker").exists()


def test_crash_between_renames_is_recovered(store_path: Path) -> None:
    with open_store(store_path) as store:
        store.replace_all(_quads("old"))
        before = store.dump_nquads()
    # A crash after "store -> .store.old-X" and before ".store.new-X -> store".
    os.rename(store_path, store_path.with_name(".store.old-123-abc"))
    (store_path.with_name(".store.new-123-abc")).mkdir()
    with open_store(store_path) as store:
        assert store.dump_nquads() == before
    assert _leftovers(store_path) == []


def test_reader_after_crash_between_renames_sees_the_old_store(store_path: Path) -> None:
    """`query`/`validate`/`serve` open read-only: they too must find the store after a crash."""
    with open_store(store_path) as store:
        store.replace_all(_quads("old"))
        before = store.dump_nquads()
    os.rename(store_path, store_path.with_name(".store.old-123-abc"))
    (store_path.with_name(".store.new-123-abc")).mkdir()
    with open_store(store_path, read_only=True) as store:
        assert store.dump_nquads() == before
    assert _leftovers(store_path) == []


def test_replace_all_success_replaces_everything(store_path: Path) -> None:
    with open_store(store_path) as store:
        store.replace_all(_quads("old"))
        store.replace_all(_quads("new", 2))
        text = store.dump_nquads()
        assert "old" not in text and text.count("\n") == 2


def test_refuses_to_replace_a_foreign_directory(tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with open_store(precious) as store, pytest.raises(StoreError, match="not a strikegraph store"):
        store.replace_all(_quads("x"))
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_replace_graphs_is_transactional(store_path: Path) -> None:
    with open_store(store_path) as store:
        store.replace_all(_quads("old", 4))
        other = store.query("SELECT ?s ?o WHERE { GRAPH sgg:two { ?s ?p ?o } } ORDER BY ?s").rows
        new = [(SGID["thing/x"], P, Literal('tab\tquote" newline\n')), (BNode(), P, Literal(1))]
        store.replace_graphs({G1: new, SGG["three"]: [(SGID["thing/y"], P, SGID["thing/x"])]})
        one = store.query("SELECT ?o WHERE { GRAPH sgg:one { ?s ?p ?o } }").rows
        assert sorted(str(o) for (o,) in one) == ["1", 'tab\tquote" newline\n']
        assert (
            store.query("SELECT ?s ?o WHERE { GRAPH sgg:two { ?s ?p ?o } } ORDER BY ?s").rows
            == other
        )
        assert SGG["three"] in store.graph_names()

        before = store.dump_nquads()
        bad = [(URIRef("https://example.org/has space"), P, Literal("x"))]
        with pytest.raises(StoreError):
            store.replace_graphs({G2: [], G1: bad})
        assert store.dump_nquads() == before, "nothing changed, not even the DROP of sgg:two"

        store.replace_graphs({SGG["three"]: []})
        assert SGG["three"] not in store.graph_names()


def test_writer_lock_in_process(store_path: Path) -> None:
    with open_store(store_path) as writer:
        writer.replace_all(_quads("a"))
        with pytest.raises(
            StoreLockedError, match=rf"locked by another writer \(pid {os.getpid()}\)"
        ):
            open_store(store_path)
        with open_store(store_path, read_only=True) as reader:  # readers need no lock
            assert reader.triple_count() == 3
    with open_store(store_path) as again:
        assert again.triple_count() == 3


def test_writer_lock_across_processes(store_path: Path) -> None:
    src = Path(strikegraph.__file__).resolve().parents[1]
    script = (
        "import sys\n"
        "from strikegraph.store import open_store\n"
        f"store = open_store({str(store_path)!r})\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "store.close()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=rf"\(pid {child.pid}\)"):
            open_store(store_path)
    finally:
        child.communicate("\n", timeout=60)
    with open_store(store_path):
        pass


def test_read_only_and_closed_stores(store_path: Path) -> None:
    with pytest.raises(StoreError, match="run `strikegraph build` first"):
        open_store(store_path, read_only=True)
    with open_store(store_path) as store:
        store.replace_all(_quads("a"))
    reader = open_store(store_path, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.replace_all(_quads("b"))
    reader.close()
    reader.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        reader.triple_count()


def test_memory_store_and_dataset_view(core_tree: Path) -> None:
    dataset = load_project(core_tree)
    with open_store(memory=True) as store:
        assert isinstance(store, Store) and store.path is None
        count = store.replace_all(dataset)
        assert count == store.triple_count() == len(list(dataset.quads()))
        plain = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a sg:Document }").rows
        graph = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a sg:Document } }").rows
        assert plain == graph == [(Literal(1),)]
        # The rdflib view sees the union; plain literals come back without xsd:string.
        view = store.dataset
        assert view.value(SGID["document/doc-a"], URIRef(str(SGID) + "nope")) is None
        # init_bindings pre-bind (FILTERs see the value, unlike Oxigraph's substitutions).
        bound = store.query(
            "SELECT ?l WHERE { ?s rdfs:label ?l FILTER (!BOUND(?who) || ?s = ?who) }",
            init_bindings={"who": SGID["state/russia"]},
        )
        assert bound.rows == [(Literal("Russia", lang="en"),)]
        labels = set(store.query("SELECT ?l WHERE { ?s rdfs:label ?l }").rows)
        assert (Literal("Wire Service (Intl.)"),) in labels
