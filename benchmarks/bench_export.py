"""Benchmark of ``dutydesk export``: a 10,000-event incident to each format; prints a table.

For each format: wall time of the whole export as the command does it
(``write_report``: read the rows, check the chain, fold, mask, render, write the
file), median of ``--repeat`` runs, and peak memory of one run (``tracemalloc``,
in a run of its own: tracing slows Python down). The baseline, in the same run,
is a plain ``json.dumps`` of the same event rows (already in memory): the ratio
column says how many times that each export costs.

The incident is written straight into a real journal file: ``open_incident`` for
the incident, then the events, hash-chained exactly as ``Journal.append`` would,
in one ``executemany`` transaction (10,000 durable appends would only measure the
disk). A mix of notes (some with customer data to mask), calls, report fields,
steps, instructions, acknowledgements and a few retractions.

Run: ``python benchmarks/bench_export.py [--events 10000] [--repeat 3] [--dir DIR]``.
Nothing here asserts timings; tests do not run it.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import table  # noqa: E402

FORMATS = ("terminal", "html", "svg", "txt", "md", "json")
SUFFIX = {"terminal": ".ans", "html": ".html", "svg": ".svg", "txt": ".txt", "md": ".md", "json": ".json"}


def build(path: Path, n: int) -> str:
    """A journal at ``path`` with one incident of ``n`` events; its id."""
    from dutydesk.journal import Actor, Journal
    from dutydesk.journal.chain import CURRENT_HASH_VERSION, canonical_json, event_document, link_hash
    from dutydesk.journal.times import format_utc
    from dutydesk.plans import load_library
    from dutydesk.plans.snapshot import snapshot_text

    library = load_library()
    plan = library.get("robbery-hostage-armed")
    start = datetime(2024, 6, 3, 2, 0, tzinfo=timezone.utc)
    wang = Actor("wangfang", "王芳", "supervisor", "console@branch-01")
    with Journal.open(path) as journal:
        incident = journal.open_incident(
            plan_id=plan.id, plan_title_zh=plan.title.zh, plan_title_en=plan.title.en,
            plan_snapshot=snapshot_text(plan, library), branch="城东支行", place="营业大厅", level="I", drill=True,
            actor=wang, happened_at=start,
        )
        first = journal.events(incident.id)[0]
    steps = [s.id for s in plan.steps if not s.is_decision]
    rows = []
    prev = first.hash
    for seq in range(2, n + 1):
        moment = start + timedelta(seconds=seq)
        i = seq % 20
        step_id = None
        if seq - 2 < len(steps):
            kind, payload, step_id = "step_done", {}, steps[seq - 2]
        elif i == 0:
            kind, payload = "call_made", {"contact": "police-110", "number": "110", "outcome": f"第{seq}次回电,警情更新"}
        elif i == 1:
            kind, payload = "report_field", {"field": "measures", "value": f"措施更新 {seq}:疏散、报警、保护现场"}
        elif i == 2:
            kind, payload = "instruction", {"text": f"请核实第 {seq} 号情况"}
        elif i == 3:
            kind, payload = "acknowledged", {"seq": seq - 1}
        elif i == 4 and seq > 100:
            kind, payload = "retracted", {"seq": seq - 3, "reason": "记错了"}
        elif i in (5, 6):
            kind, payload = "note", {"text": f"客户张伟 身份证 11010519850312123X 手机 138 1234 {seq % 10000:04d},卡号 6222 0212 3456 7890 128"}
        else:
            kind, payload = "note", {"text": f"现场情况 {seq}:歹徒 2 人,¥52,300.00,10:0{i % 10},第{i}步 — the situation is stable"}
        row = {
            "incident_id": incident.id, "seq": seq, "recorded_at": format_utc(moment), "happened_at": format_utc(moment),
            "actor_user": "wangfang", "actor_name": "王芳", "actor_role": "supervisor", "actor_origin": "console@branch-01",
            "kind": kind, "step_id": step_id, "payload": canonical_json(payload), "hash_version": CURRENT_HASH_VERSION,
            "prev_hash": prev,
        }
        row["hash"] = prev = link_hash(prev, event_document(row, CURRENT_HASH_VERSION))
        rows.append(row)
    columns = list(rows[0])
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         [tuple(r[c] for c in columns) for r in rows])
        conn.execute("COMMIT")
    finally:
        conn.close()
    return incident.id


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak(fn: Callable[[], object]) -> float:
    """Peak traced memory of one call, in MiB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the journal (default: a temp dir)")
    args = parser.parse_args(argv)

    from dutydesk.export import write_report
    from dutydesk.export.source import load
    from dutydesk.journal import Journal

    folder = Path(tempfile.mkdtemp(prefix="dutydesk-bench-export-", dir=args.dir))
    db = folder / "journal.db"
    started = time.perf_counter()
    incident_id = build(db, args.events)
    print(f"built a {args.events}-event incident in {time.perf_counter() - started:.1f} s ({db})")

    with Journal.open(db, readonly=True) as journal:
        events = load(journal, incident_id).events
        assert len(events) == args.events
        base_ms = timed(lambda: json.dumps(events, ensure_ascii=False), max(args.repeat, 5))
        base_mib = peak(lambda: json.dumps(events, ensure_ascii=False))
        rows = [("json.dumps (baseline)", f"{base_ms:.1f}", "1.0", f"{base_mib:.1f}", "1.0",
                 f"{len(json.dumps(events, ensure_ascii=False).encode()) / 2**20:.1f}")]
        for fmt in FORMATS:
            out = folder / f"report{SUFFIX[fmt]}"

            def run(fmt: str = fmt, out: Path = out) -> None:
                write_report(journal, incident_id, fmt, out, "zh")

            ms = timed(run, args.repeat)
            mib = peak(run)
            rows.append((f"export --format {fmt}", f"{ms:.0f}", f"{ms / base_ms:.0f}", f"{mib:.1f}",
                         f"{mib / base_mib:.1f}", f"{out.stat().st_size / 2**20:.1f}"))
    print()
    table(rows, ("what (10,000 events)" if args.events == 10_000 else f"what ({args.events} events)",
                 "median ms", "x time", "peak MiB", "x memory", "output MiB"))
    print("\nexport = read rows + verify chain + fold + mask + render + write (0600/0644, fsync);"
          " baseline = json.dumps of the same rows, in memory")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
