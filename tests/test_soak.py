"""A short soak of the endpoint: well-formed load with hostile requests mixed in.

Zero errors for well-formed requests, every hostile request gets its expected status, and
the server process's RSS stays within start + 64 MiB (see benchmarks/soak.py for the long
run and strikegraph.serve.soak for what is sent).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from serve_support import seed_store

from strikegraph.serve.launch import server_process
from strikegraph.serve.soak import HOSTILE, soak


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_store(tmp_path_factory.mktemp("soak"))


def test_short_soak(store: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STRIKEGRAPH_UPDATE_TOKEN"}
    with server_process(
        str(store), "--workers", "2", "--timeout", "4", "--max-rows", "200", env=env
    ) as server:
        report = soak(
            server.url,
            server.pid,
            clients=4,
            hostile_clients=1,
            duration=8,
            warmup=2,
            rss_growth_mib=64,
            hostile_pause=0.1,
        )
    summary = report.summary()
    assert report.well_formed_errors == 0, summary
    assert report.well_formed_ok == report.well_formed_sent > 30, summary
    assert report.hostile_unexpected == 0, summary
    assert set(report.hostile_statuses) == {h.name for h in HOSTILE}, summary
    assert len(report.rss_samples) >= 8, summary
    assert report.rss_peak_mib <= report.rss_start_mib + 64, summary
    assert report.ok
