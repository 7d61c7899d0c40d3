"""Fold a 10,000-event incident (goal < 50 ms), and load + fold it from a real journal.

The events are the mix a long incident has: notes, calls, report fields, every
step done, the question answered, a retraction late in the log (which makes the
fold rebuild once), timers.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, table, timed  # noqa: E402

from dutydesk import paths  # noqa: E402
from dutydesk.incident import Record, Who, fold  # noqa: E402
from dutydesk.journal import kinds  # noqa: E402
from dutydesk.plans import load_library  # noqa: E402

N = 10_000


def records(plan) -> list[Record]:
    who = Who("anna", "Anna", "supervisor")
    t0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    out = [Record(1, kinds.OPENED, t0, t0, who, None, {"level": plan.level, "drill": False})]
    actions = [s for s in plan.steps if not s.is_decision]
    question = next(s for s in plan.steps if s.is_decision)
    for seq in range(2, N + 1):
        at = t0 + timedelta(seconds=seq)
        if seq == 3:
            rec = Record(seq, kinds.CHOICE_MADE, at, at, who, question.id, {"choice": 1})
        elif seq < 3 + len(actions):
            rec = Record(seq, kinds.STEP_DONE, at, at, who, actions[seq - 3].id, {})
        elif seq == N - 1:
            rec = Record(seq, kinds.RETRACTED, at, at, who, None, {"seq": 100, "reason": "typo"})
        elif seq % 3 == 0:
            rec = Record(seq, kinds.CALL_MADE, at, at, who, None, {"contact": "police-110", "number": "110", "outcome": "ok"})
        elif seq % 7 == 0:
            rec = Record(seq, kinds.REPORT_FIELD, at, at, who, None, {"field": "trend", "value": f"update {seq}"})
        else:
            rec = Record(seq, kinds.NOTE, at, at, who, None, {"text": f"note {seq}: 客户情绪稳定"})
        out.append(rec)
    return out


def main() -> None:
    library = load_library([paths.bundled_plans_dir()])
    plan = library.get("robbery-hostage-armed")
    recs = records(plan)
    no_retraction = [r for r in recs if r.kind != kinds.RETRACTED]
    plain = timed(lambda: fold(plan, no_retraction), repeat=9)
    rebuilt = timed(lambda: fold(plan, recs), repeat=9)

    from dutydesk.desk import Desk
    from dutydesk.journal import Actor, Journal
    from dutydesk.plans.snapshot import snapshot_text

    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal.open(Path(tmp) / "bench.db")
        actor = Actor("anna", "Anna", "supervisor", "console")
        incident = journal.open_incident(plan_id=plan.id, plan_title_zh=plan.title.zh, plan_title_en=plan.title.en,
                                         plan_snapshot=snapshot_text(plan, library), branch="", place="", level="I",
                                         drill=False, actor=actor)
        for r in recs[1:]:
            if r.kind != kinds.RETRACTED:
                journal.append(incident.id, r.kind, actor=actor, step_id=r.step_id, payload=dict(r.payload))
        loaded = timed(lambda: Desk(journal, journal.incident(incident.id), actor), repeat=5)
        journal.close()

    table(
        [
            (f"fold {N:,} events", f"{median(plain):.1f}", f"{min(plain):.1f}", "< 50"),
            (f"fold {N:,} events with a late retraction (rebuild)", f"{median(rebuilt):.1f}", f"{min(rebuilt):.1f}", "< 50"),
            (f"open a {N:,}-event incident from the journal (read + fold)", f"{median(loaded):.1f}", f"{min(loaded):.1f}", ""),
        ],
        ("what", "median ms", "best ms", "goal ms"),
    )


if __name__ == "__main__":
    main()
