"""Benchmarks of the incident journal; prints a table.

1. Durable append latency (``Journal.append``, returns after COMMIT with
   ``synchronous=FULL``) against a bare ``sqlite3`` ``BEGIN IMMEDIATE`` + INSERT +
   COMMIT of a similar row with the same pragmas (WAL, synchronous=FULL), in the same
   run, on the same disk: p50, p99 and their ratio (aim: <= 3x).
2. ``Journal.incidents(...)`` first page (newest first) over 100,000 incidents
   (aim: < 100 ms), the incidents bulk-filled with ``executemany`` in one transaction
   (chain bypassed: it only serves the list query).

Run: ``python benchmarks/bench_journal.py [--n 500] [--incidents 100000] [--dir DIR]``.
Nothing here asserts timings; tests do not run it.
"""

from __future__ import annotations

import argparse
import functools
import json
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

PLAN = {"id": "bench-plan", "title": {"zh": "基准", "en": "Benchmark"}, "steps": [{"id": "s1"}, {"id": "s2"}]}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[int], object], n: int, warmup: int = 20) -> list[float]:
    for i in range(warmup):
        fn(i)
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def bench_append(folder: Path, n: int) -> dict[str, float]:
    from dutydesk.journal import Actor, Journal, kinds
    from dutydesk.journal.chain import canonical_json

    actor = Actor("bench", "基准测试", "supervisor", "console@bench")
    journal = Journal.open(folder / "append.db")
    incident = journal.open_incident(
        plan_id="bench-plan",
        plan_title_zh="基准",
        plan_title_en="Benchmark",
        plan_snapshot=canonical_json(PLAN),
        branch="b",
        place="hall",
        level="II",
        drill=True,
        actor=actor,
    )

    def journal_append(i: int) -> object:
        return journal.append(incident.id, kinds.NOTE, actor=actor, payload={"text": f"note {i} 嫌疑人离开"})

    # the bare baseline: same pragmas, a row of the same shape, one transaction each
    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("PRAGMA busy_timeout = 10000")
    bare.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT, seq INTEGER, "
        "recorded_at TEXT, happened_at TEXT, actor_user TEXT, actor_name TEXT, actor_role TEXT, "
        "actor_origin TEXT, kind TEXT, step_id TEXT, payload TEXT, hash_version INTEGER, prev_hash TEXT, hash TEXT)"
    )
    bare.execute("CREATE UNIQUE INDEX ux ON events (incident_id, seq)")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def bare_insert(i: int) -> object:
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(
            "INSERT INTO events (incident_id, seq, recorded_at, happened_at, actor_user, actor_name, actor_role,"
            " actor_origin, kind, step_id, payload, hash_version, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "0123456789ab",
                i + 1,
                stamp,
                stamp,
                "bench",
                "基准测试",
                "supervisor",
                "console@bench",
                "note",
                None,
                json.dumps({"text": f"note {i}"}),
                2,
                "0" * 64,
                "f" * 64,
            ),
        )
        bare.execute("COMMIT")
        return None

    counter = iter(range(10**9))
    bare_ms = timed(lambda i: bare_insert(next(counter)), n)
    journal_ms = timed(journal_append, n)
    # second round, other order, to even out disk and cache effects
    bare_ms += timed(lambda i: bare_insert(next(counter)), n, warmup=0)
    journal_ms += timed(journal_append, n, warmup=0)
    bare.close()
    report = journal.verify(incident.id)
    journal.close()
    assert report.ok, report
    return {
        "journal_p50": percentile(journal_ms, 50),
        "journal_p99": percentile(journal_ms, 99),
        "journal_mean": statistics.fmean(journal_ms),
        "bare_p50": percentile(bare_ms, 50),
        "bare_p99": percentile(bare_ms, 99),
        "bare_mean": statistics.fmean(bare_ms),
    }


def fill_incidents(path: Path, count: int) -> float:
    """Create a journal and bulk-insert ``count`` incidents; returns seconds taken."""
    from dutydesk.journal import Journal

    Journal.open(path).close()  # schema
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    base = datetime(2020, 1, 1, tzinfo=timezone.utc)
    rows = []
    for i in range(count):
        opened = (base + timedelta(minutes=37 * i, microseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        closed = None if i % 20 == 0 else opened
        rows.append(
            (
                secrets.token_hex(6),
                f"plan-{i % 40}",
                "抢劫",
                "Robbery",
                '{"id":"plan"}',
                "0" * 64,
                "总行营业部",
                "大厅",
                "II",
                int(i % 3 == 0),
                opened,
                "王芳",
                closed,
                None if closed is None else "resolved",
                "0" * 64,
            )
        )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO incidents (id, plan_id, plan_title_zh, plan_title_en, plan_snapshot, plan_hash,"
        " branch, place, level, drill, opened_at, opened_by, closed_at, outcome, genesis_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def _list_page(journal: Any, kwargs: dict[str, Any], _i: int) -> object:
    return journal.incidents(**kwargs)


def bench_list(folder: Path, count: int, repeat: int = 20) -> dict[str, tuple[float, float]]:
    from dutydesk.journal import Journal

    path = folder / "list.db"
    fill_incidents(path, count)
    results: dict[str, tuple[float, float]] = {}
    journal = Journal.open(path)
    cases: dict[str, dict[str, Any]] = {
        "incidents()": {},
        "incidents(open_only=True)": {"open_only": True},
        "incidents(drill=False)": {"drill": False},
        "incidents(drill=True, open_only=True)": {"drill": True, "open_only": True},
        "incidents(plan_id=...)": {"plan_id": "plan-7"},
        "incidents(offset=5000)": {"offset": 5000},
    }
    for label, kwargs in cases.items():
        start = time.perf_counter()
        first = journal.incidents(**kwargs)  # the very first query on this engine is cold
        cold = (time.perf_counter() - start) * 1000
        if count >= 100_000:
            assert len(first) == 50, (label, len(first))
        warm = timed(functools.partial(_list_page, journal, kwargs), repeat, warmup=2)
        results[label] = (cold, percentile(warm, 50))
    journal.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="appends per round (two rounds each)")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="folder for the databases (default: a temporary one on /tmp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        append = bench_append(folder, args.n)
        fill_s = fill_incidents(folder / "fill-timing.db", args.incidents)
        listing = bench_list(folder, args.incidents)
    ratio50 = append["journal_p50"] / append["bare_p50"]
    ratio99 = append["journal_p99"] / append["bare_p99"]
    print(f"dutydesk journal benchmark (sqlite {sqlite3.sqlite_version}, python {sys.version.split()[0]})")
    print()
    print(f"durable append, {2 * args.n} events        p50 ms    p99 ms   mean ms")
    print(
        f"  Journal.append               {append['journal_p50']:9.3f} {append['journal_p99']:9.3f} {append['journal_mean']:9.3f}"
    )
    print(
        f"  bare sqlite3 insert+commit   {append['bare_p50']:9.3f} {append['bare_p99']:9.3f} {append['bare_mean']:9.3f}"
    )
    verdict = "ok" if ratio50 <= 3 else "ABOVE AIM"
    print(f"  ratio                        {ratio50:8.2f}x {ratio99:8.2f}x            (aim <= 3x: {verdict})")
    print()
    print(f"incident list over {args.incidents:,} incidents (bulk fill {fill_s:.2f} s)   cold ms   warm p50 ms")
    for label, (cold, warm) in listing.items():
        flag = "" if max(cold, warm) < 100 else "   ABOVE AIM (100 ms)"
        print(f"  {label:<40} {cold:8.2f} {warm:12.2f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
