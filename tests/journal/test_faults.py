"""Faults with real processes and real files: kill -9, two writers, full disk,
read-only, corrupt files, a held lock.

Mount-based cases (a small tmpfs, a read-only remount) and the immutable-file case
need root and are skipped where mount/chattr are not allowed.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dutydesk.journal import (
    Actor,
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseReadOnly,
    DiskFull,
    Journal,
    JournalError,
    kinds,
)

WRITER = Path(__file__).with_name("_writer.py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def child_env() -> dict[str, str]:
    """The children import the same dutydesk as this test run."""
    import dutydesk

    src = str(Path(dutydesk.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def spawn(db: Path, incident: str, count: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), incident, str(count), "--wait-go", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


def expect_line(child: subprocess.Popen[str], wanted: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != wanted:
        child.kill()
        raise AssertionError(
            f"child said {line!r}, expected {wanted!r}; stderr: {child.stderr.read() if child.stderr else ''}"
        )


def acknowledged(output: str) -> set[tuple[str, int]]:
    found = set()
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "seq":
            found.add((parts[1], int(parts[2])))
        assert not line.startswith("error"), line
    return found


def make_incident(journal: Journal, actor: Actor, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "plan_id": "fault-test",
        "plan_title_zh": "故障测试",
        "plan_title_en": "Fault test",
        "plan_snapshot": '{"id":"fault-test"}',
        "branch": "b",
        "place": "p",
        "level": "II",
        "drill": False,
        "actor": actor,
    }
    fields.update(overrides)
    return journal.open_incident(**fields)


# -- kill -9 ----------------------------------------------------------------------------


def test_kill_9_at_random_points_loses_no_acknowledged_event(tmp_path: Path, actor: Actor) -> None:
    db = tmp_path / "kill.db"
    with Journal.open(db) as journal:
        shared = make_incident(journal, actor).id
    seed = int(os.environ.get("DUTYDESK_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    rounds = 24
    acked: set[tuple[str, int]] = set()
    per_round: list[int] = []
    queue = [spawn(db, shared, 0, *(["--new-incident"] if i % 3 == 2 else [])) for i in range(2)]
    for i in range(rounds):
        child = queue.pop(0)
        if i + 2 < rounds:  # the next children import while this one runs
            queue.append(spawn(db, shared, 0, *(["--new-incident"] if (i + 2) % 3 == 2 else [])))
        expect_line(child, "loaded")
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        if i % 2 == 0:  # even rounds: kill among the appends; odd rounds: anywhere, opening included
            expect_line(child, "open")
        time.sleep(rng.uniform(0.0, 0.06))  # mid-transaction, mid-commit, between commit and print ...
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, (child.returncode, err)
        seen = acknowledged(out)
        per_round.append(len(seen))
        acked |= seen
    for child in queue:  # pragma: no cover - only if rounds changes
        child.kill()
        child.communicate()

    print(f"kill -9 seed {seed}: acknowledged appends per round {per_round}")
    assert sum(1 for n in per_round if n) >= rounds // 4, f"kills landed too early (seed {seed}): {per_round}"
    with Journal.open(db) as journal:
        report = journal.verify()
        assert report.ok, f"seed {seed}: {report}"
        assert report.integrity_ok
        stored = {(e.incident_id, e.seq) for c in report.incidents for e in journal.events(c.incident_id)}
        lost = acked - stored
        assert not lost, f"seed {seed}: acknowledged but lost: {sorted(lost)[:10]}"
        # and the journal still takes writes
        journal.append(shared, kinds.NOTE, actor=actor, payload={"text": "after the kills"})
        assert journal.verify(shared).ok


# -- two writers ------------------------------------------------------------------------------


def test_two_processes_append_1000_events_to_one_chain(tmp_path: Path, actor: Actor) -> None:
    db = tmp_path / "two.db"
    with Journal.open(db) as journal:
        shared = make_incident(journal, actor).id
    children = [spawn(db, shared, 500, "--jitter") for _ in range(2)]
    for child in children:
        expect_line(child, "loaded")
    for child in children:  # release both at once
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=240) for child in children]
    seqs: list[set[int]] = []
    for child, (out, err) in zip(children, results):
        assert child.returncode == 0, (out[-500:], err[-2000:])
        assert "locked" not in out + err
        mine = acknowledged(out)
        assert len(mine) == 500
        seqs.append({seq for (_, seq) in mine})
    assert not (seqs[0] & seqs[1])
    assert seqs[0] | seqs[1] == set(range(2, 1002))
    switches = sum(1 for seq in range(2, 1001) if (seq in seqs[0]) != (seq + 1 in seqs[0]))
    print(f"two writers: the lock changed hands {switches} times")
    # a precondition, not the behaviour: the two writers must really have interleaved
    assert switches >= 2, f"the writers did not overlap ({switches} switches)"
    with Journal.open(db) as journal:
        events = journal.events(shared)
        assert [e.seq for e in events] == list(range(1, 1002))
        assert len({e.actor_name for e in events[1:]}) == 2
        report = journal.verify()
        assert report.ok and report.incidents[0].events == 1001


# -- full disk ------------------------------------------------------------------------------------


def page_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def test_disk_full_via_page_limit(db_path: Path, actor: Actor) -> None:
    with Journal.open(db_path) as journal:
        iid = make_incident(journal, actor).id
    limit = page_count(db_path) + 4
    done: list[int] = []
    with Journal.open(db_path, max_pages=limit) as journal:
        with pytest.raises(DiskFull) as err:
            for i in range(500):
                done.append(journal.append(iid, kinds.NOTE, actor=actor, payload={"text": f"{i} " + "字" * 600}).seq)
        assert "NOT logged" in err.value.hint
        assert done and journal.last_seq(iid) == done[-1]  # nothing half-written
        with pytest.raises(DiskFull):  # still full, still clear
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x" * 3000})
        assert journal.verify().ok
    with Journal.open(db_path) as journal:  # space freed (no limit)
        assert [e.seq for e in journal.events(iid)] == [1, *done]
        after = journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "logged after freeing"})
        assert after.seq == done[-1] + 1
        assert journal.verify().ok


def _mount(fstype_args: list[str], target: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mount needs root")
    result = subprocess.run(["mount", *fstype_args, str(target)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "small"
    target.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs"], target)
    try:
        yield target
    finally:
        _umount(target)


def test_disk_full_on_a_small_tmpfs(small_tmpfs: Path, actor: Actor) -> None:
    db = small_tmpfs / "journal.db"
    journal = Journal.open(db)
    try:
        iid = make_incident(journal, actor).id
        filler = small_tmpfs / "filler"
        fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
        try:  # take every free byte
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        done: list[int] = []
        with pytest.raises(DiskFull) as err:
            for i in range(5000):
                done.append(journal.append(iid, kinds.NOTE, actor=actor, payload={"text": f"{i} " + "x" * 1500}).seq)
        assert "NOT logged" in err.value.hint
        assert journal.last_seq(iid) == (done[-1] if done else 1)
        assert journal.verify().ok
        filler.unlink()  # free the space
        after = journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "logged after freeing"})
        assert after.seq == journal.last_seq(iid) == (done[-1] if done else 1) + 1
        assert [e.seq for e in journal.events(iid)] == list(range(1, after.seq + 1))
        assert journal.verify().ok
    finally:
        journal.close()


# -- read-only -------------------------------------------------------------------------------------


def test_read_only_open_refuses_writes(db_path: Path, actor: Actor) -> None:
    with Journal.open(db_path) as journal:
        iid = make_incident(journal, actor).id
    before = digest(db_path)
    with Journal.open(db_path, readonly=True) as journal:
        assert journal.incident(iid).id == iid and journal.verify().ok
        with pytest.raises(DatabaseReadOnly) as err:
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"})
        assert "NOT logged" in err.value.hint
        with pytest.raises(DatabaseReadOnly):
            make_incident(journal, actor)
    assert digest(db_path) == before


def test_read_only_connection_is_enforced_by_sqlite(db_path: Path, actor: Actor) -> None:
    """Even past the API's own check, the mode=ro connection itself refuses to write."""
    with Journal.open(db_path) as journal:
        iid = make_incident(journal, actor).id
    with Journal.open(db_path, readonly=True) as journal:
        journal.readonly = False  # pretend the flag were wrong
        with pytest.raises(DatabaseReadOnly) as err:
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"})
        assert "readonly database" in err.value.message
    with Journal.open(db_path) as journal:
        assert journal.last_seq(iid) == 1


@pytest.fixture
def read_only_mount(tmp_path: Path, actor: Actor) -> Iterator[tuple[Path, str]]:
    target = tmp_path / "ro"
    target.mkdir()
    _mount(["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs"], target)
    try:
        db = target / "journal.db"
        with Journal.open(db) as journal:
            iid = make_incident(journal, actor).id
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "before the remount"})
        result = subprocess.run(["mount", "-o", "remount,ro", str(target)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"cannot remount read-only: {result.stderr.strip()}")
        yield db, iid
    finally:
        _umount(target)


def test_read_only_file_system(read_only_mount: tuple[Path, str], actor: Actor) -> None:
    db, iid = read_only_mount
    with pytest.raises(DatabaseReadOnly) as err:
        Journal.open(db)
    assert "read-only" in err.value.message
    with pytest.raises(DatabaseReadOnly):
        Journal.open(db.parent / "new.db")
    with Journal.open(db, readonly=True) as journal:
        assert journal.last_seq(iid) == 2 and journal.verify().ok
        with pytest.raises(DatabaseReadOnly):
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"})


def test_immutable_file_refuses_appends(db_path: Path, actor: Actor) -> None:
    """As root, chmod does not stop writes; the immutable attribute does."""
    with Journal.open(db_path) as journal:
        iid = make_incident(journal, actor).id
    chattr = shutil.which("chattr")
    if not chattr or subprocess.run([chattr, "+i", str(db_path)], capture_output=True, check=False).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        with Journal.open(db_path) as journal:
            assert journal.last_seq(iid) == 1
            with pytest.raises(DatabaseReadOnly) as err:
                journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"})
            assert "NOT logged" in err.value.hint
            assert journal.last_seq(iid) == 1
    finally:
        subprocess.run(["chattr", "-i", str(db_path)], check=True)


# -- corrupt files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated-header", "torn-page", "zero-header"],
)
def test_corrupt_file_is_refused_without_writing(tmp_path: Path, actor: Actor, damage: str) -> None:
    db = tmp_path / "bad.db"
    if damage == "garbage":
        db.write_bytes(random.Random(1).randbytes(16384))
    else:
        with Journal.open(db) as journal:
            make_incident(journal, actor)
        data = db.read_bytes()
        if damage == "truncated-header":
            db.write_bytes(data[:60])
        elif damage == "torn-page":
            db.write_bytes(data[: len(data) - 1000])
        else:
            db.write_bytes(b"\0" * 100 + data[100:])
    before = digest(db)
    for readonly in (False, True):
        with pytest.raises(DatabaseCorrupt) as err:
            Journal.open(db, readonly=readonly)
        assert "Keep the file" in err.value.hint and "dutydesk verify" in err.value.hint
    assert digest(db) == before
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()


def test_damaged_pages_are_found_and_writing_stops(db_path: Path, actor: Actor) -> None:
    with Journal.open(db_path) as journal:
        iid = make_incident(journal, actor).id
        for i in range(300):
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": f"{i} " + "记录" * 40})
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    for page in range(pages // 2, pages // 2 + 6):  # scribble over interior pages, header intact
        data[page * page_size : (page + 1) * page_size] = random.Random(page).randbytes(page_size)
    db_path.write_bytes(bytes(data))
    before = digest(db_path)

    with Journal.open(db_path) as journal:  # the header is fine: open works, reading finds the damage
        report = journal.verify()
        assert not report.ok and not report.integrity_ok and report.integrity_messages
        with pytest.raises(DatabaseCorrupt):
            journal.events(iid)
        with pytest.raises(DatabaseCorrupt) as err:
            journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"})
        assert "Keep the file" in err.value.hint
    assert digest(db_path) == before


# -- a held lock ------------------------------------------------------------------------------------------


def test_lock_held_too_long_is_reported_and_nothing_written(db_path: Path, actor: Actor) -> None:
    with Journal.open(db_path) as journal:
        iid = make_incident(journal, actor).id
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another desk, stuck mid-transaction
    try:
        with Journal.open(db_path, busy_timeout=0.2) as journal:
            start = time.monotonic()
            with pytest.raises(DatabaseLocked) as err:
                journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"})
            assert time.monotonic() - start >= 0.15
            assert "NOT logged" in err.value.hint
            assert journal.last_seq(iid) == 1  # reading is not blocked (WAL)
            other.execute("ROLLBACK")
            assert journal.append(iid, kinds.NOTE, actor=actor, payload={"text": "x"}).seq == 2
    finally:
        other.close()


def test_no_raw_database_exception_leaves_the_api(tmp_path: Path, actor: Actor) -> None:
    folder = tmp_path / "gone"
    with Journal.open(folder / "j.db") as journal:
        iid = make_incident(journal, actor).id
        journal.close()
    shutil.rmtree(folder)
    (tmp_path / "file").write_text("not a folder")
    for path in (tmp_path / "file" / "j.db", folder / "j.db"):
        try:
            with Journal.open(path, readonly=True) as journal:
                journal.events(iid)
        except JournalError as err:
            assert err.message and err.hint
        else:  # pragma: no cover
            raise AssertionError("expected a JournalError")
    with pytest.raises(JournalError):
        Journal.open(tmp_path / "file" / "j.db")
