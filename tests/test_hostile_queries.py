"""Hostile requests at the endpoint are stopped or refused in bounded time, with the right
status, while other clients keep getting answers.

Statuses: 400 for text nested too deeply (or malformed), 413 for a body over the limit
(refused before it is read), 503 + Retry-After for a query stopped at the time limit or
refused because every worker stayed busy, 200 + X-Strikegraph-Truncated for a huge result.
Each test fails without its protection (see the comment on each).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serve_support import running_server, seed_store

from strikegraph.serve.limits import WorkerCrashed, WorkerPool, nesting_depth

TIMEOUT = 2.0
MAX_ROWS = 100
STATES = "SELECT ?s WHERE { ?s a <https://w3id.org/strikegraph/ontology#State> } ORDER BY ?s"
CARTESIAN = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
PATHS = (
    "SELECT (COUNT(*) AS ?c) WHERE { ?s (rdf:type|!rdf:type)* ?o . ?o (rdf:type|!rdf:type)* ?z }"
)
DEEP = {
    "braces": "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "parens": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "brackets": "SELECT * WHERE { ?s ?p " + "[ ?p " * 5000 + "1" + " ]" * 5000 + " }",
    "service": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> " + "{" * 5000 + "}" * 5001,
}


def _doubling(times: int) -> str:
    """A query whose one string doubles ``times`` times (16 bytes * 2**times)."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?x{times}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?x0) {binds} }}'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_store(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def base(store: Path) -> Iterator[str]:
    with running_server(
        str(store), "--workers", "2", "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS)
    ) as url:
        yield url


def _post(base: str, query: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.post(base + "/sparql", data={"query": query}, timeout=60)
    return response, time.monotonic() - started


def _answers_normally(base: str, within: float) -> None:
    """A well-formed query gets its answer (waiting for a respawned worker if need be)."""
    deadline = time.monotonic() + within
    while True:
        response, _ = _post(base, STATES)
        if response.status_code == 200:
            assert response.json()["results"]["bindings"]
            return
        assert response.status_code == 503, response.text
        assert time.monotonic() < deadline, "the server stopped answering"
        time.sleep(0.3)


def _raw(base: str, data: bytes, timeout: float = 10.0) -> tuple[int, float]:
    """Send raw bytes; the status of the reply and how long it took."""
    port = int(base.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # refused while we were still sending: the reply is waiting all the same
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        status_line = sock.recv(200).split(b"\r\n", 1)[0]
    return int(status_line.split()[1]), time.monotonic() - started


# -- queries that would run for ever -------------------------------------------------------


@pytest.mark.parametrize("query", [CARTESIAN, PATHS], ids=["cartesian", "property-path"])
def test_runaway_query_is_stopped_at_the_time_limit(base: str, query: str) -> None:
    # without the worker timeout the request would not come back within the client's 60 s
    response, took = _post(base, query)
    assert response.status_code == 503, response.text
    assert f"longer than {TIMEOUT:g} s" in response.text
    assert response.headers["retry-after"]
    assert took < TIMEOUT + 5
    _answers_normally(base, within=60)
    assert httpx.get(base + "/health").json()["killed"] >= 1


def test_other_clients_are_answered_during_a_runaway_query(base: str) -> None:
    # queries run in worker processes, not in the server's event loop: one runaway query
    # holds one worker; the other worker answers everybody else meanwhile. Checked by
    # order, not by a time bound: normal answers arrive while the runaway is still running
    _answers_normally(base, within=60)  # both workers up
    answered_meanwhile = 0
    with ThreadPoolExecutor(1) as pool:
        hostile = pool.submit(_post, base, CARTESIAN)
        time.sleep(0.2)
        while not hostile.done():
            response, _ = _post(base, STATES)
            assert response.status_code == 200, response.text
            if not hostile.done():
                answered_meanwhile += 1
        assert hostile.result()[0].status_code == 503
    assert answered_meanwhile >= 1


def test_a_flood_of_runaway_queries_is_refused_in_bounded_time(base: str) -> None:
    # fourteen runaway queries on two workers: without the bound on waiting for a worker
    # the last ones would queue behind six rounds of the timeout (14 s); with it (2 x
    # timeout) every request ends within three timeouts (wait + run) and some slack
    _answers_normally(base, within=60)

    async def flood() -> list[tuple[int, float, str]]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:

            async def one() -> tuple[int, float, str]:
                started = time.monotonic()
                response = await client.post("/sparql", data={"query": CARTESIAN})
                return response.status_code, time.monotonic() - started, response.text

            return await asyncio.gather(*(one() for _ in range(14)))

    results = asyncio.run(flood())
    assert all(status == 503 for status, _, _ in results), results
    assert max(took for _, took, _ in results) < 3 * TIMEOUT + 4, results
    assert any("busy" in text for _, _, text in results), results
    _answers_normally(base, within=60)


# -- huge results ----------------------------------------------------------------------------


def test_huge_result_is_cut_at_the_row_limit(base: str) -> None:
    # without the row cap: 25 million rows (the seed squared) or a timeout
    response, took = _post(base, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers["x-strikegraph-truncated"] == "true"
    assert took < TIMEOUT + 3


def test_memory_hog_kills_only_its_worker(store: Path) -> None:
    # a 256 MiB string (about 800 MiB of peak memory): without the worker's RLIMIT_DATA
    # the query succeeds (and 30 doublings would take the machine's memory)
    async def scenario() -> None:
        pool = WorkerPool(str(store), 1, max_memory_mb=300)
        await pool.start()
        try:
            with pytest.raises(WorkerCrashed):
                await pool.run("sparql", {"query": _doubling(24)}, timeout=60)
            answer = await pool.run("sparql", {"query": STATES}, timeout=60)
            assert answer["count"] > 0
        finally:
            await pool.close()

    asyncio.run(scenario())


# -- deep and enormous text ------------------------------------------------------------------


def test_nesting_depth_counts_only_real_brackets() -> None:
    assert nesting_depth('SELECT * WHERE { ?s ?p "{{{{((((" . <urn:x:(((> ?q ?r } # {{{{') == 1
    assert nesting_depth(DEEP["brackets"]) == 5001


@pytest.mark.parametrize("name", list(DEEP))
def test_deeply_nested_query_is_refused(base: str, name: str) -> None:
    # without the depth check Oxigraph's recursive parser overflows the worker's stack
    # (503, worker crashed), and rdflib's parser (used to find SERVICE) recurses in the
    # server process itself
    response, took = _post(base, DEEP[name])
    assert response.status_code == 400, response.text
    assert "nests deeper than" in response.text
    assert took < 5
    _answers_normally(base, within=30)


def test_enormous_body_is_refused_with_413(base: str) -> None:
    response = httpx.post(
        base + "/sparql",
        content=b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 10_000_000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert response.status_code == 413
    assert "larger than" in response.text


def test_declared_huge_body_is_refused_before_it_is_read(base: str) -> None:
    # without the Content-Length check the server waits for a gigabyte that never comes
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nContent-Length: 1000000000\r\n\r\n"
    )
    status, took = _raw(base, head + b"SELECT")
    assert status == 413
    assert took < 3


def test_chunked_body_is_cut_at_the_limit(base: str) -> None:
    # a chunked body has no length up front: it is read only up to the limit
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
    status, took = _raw(base, head + chunk * 2)
    assert status == 413
    assert took < 3


def test_enormous_url_is_refused(base: str) -> None:
    # uvicorn's HTTP parser refuses a request line over its buffer (16 KiB) with 400
    status, took = _raw(base, b"GET /sparql?query=" + b"x" * 10_000_000 + b" HTTP/1.1\r\n\r\n")
    assert status in (400, 413, 414)
    assert took < 5
    _answers_normally(base, within=30)
