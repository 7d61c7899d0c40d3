"""A writer process for the fault tests (run as a script, not collected by pytest).

    python _writer.py DB INCIDENT COUNT [--new-incident] [--wait-go] [--jitter]

Imports the journal, prints ``loaded``; with ``--wait-go`` waits for a line on stdin;
opens the journal and prints ``open``; with ``--new-incident`` opens an incident and
prints ``incident <id>``; then appends COUNT notes (0 = until killed), printing
``seq <incident> <seq>`` after each append has RETURNED (flushed at once, so the
parent knows exactly which appends were durable when it kills this process).
With ``--jitter`` it pauses 0-2 ms after each append, as a desk would between
actions (a tight loop lets one process re-take the lock before the other wakes).
Errors are printed as ``error <Class> <message>`` and end the process with code 2.
"""

from __future__ import annotations

import os
import random
import sys
import time


def main(argv: list[str]) -> int:
    db, incident, count = argv[0], argv[1], int(argv[2])
    new_incident = "--new-incident" in argv
    wait_go = "--wait-go" in argv
    jitter = "--jitter" in argv

    from dutydesk.journal import Actor, Journal, JournalError, kinds

    out = sys.stdout
    out.write("loaded\n")
    out.flush()
    if wait_go and sys.stdin.readline().strip() != "go":
        return 0
    actor = Actor(user="writer", name=f"写入进程 {os.getpid()}", role="supervisor", origin="console@test")
    try:
        journal = Journal.open(db)
        out.write("open\n")
        out.flush()
        if new_incident:
            inc = journal.open_incident(
                plan_id="kill-test",
                plan_title_zh="测试",
                plan_title_en="Test",
                plan_snapshot='{"id":"kill-test","steps":[]}',
                branch="b",
                place="p",
                level="III",
                drill=True,
                actor=actor,
            )
            incident = inc.id
            out.write(f"incident {incident}\n")
            out.write(f"seq {incident} 1\n")
            out.flush()
        i = 0
        while count == 0 or i < count:
            event = journal.append(incident, kinds.NOTE, actor=actor, payload={"text": f"pid {os.getpid()} #{i}"})
            out.write(f"seq {incident} {event.seq}\n")
            out.flush()
            i += 1
            if jitter:
                time.sleep(random.uniform(0.0, 0.002))
        journal.close()
    except JournalError as err:
        out.write(f"error {type(err).__name__} {err}\n")
        out.flush()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
