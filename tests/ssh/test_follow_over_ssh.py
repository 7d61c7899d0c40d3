"""The real thing (issue 7): the on-call leader runs ``dutydesk`` through ``ssh``, the
supervisor runs it at the console, both on one journal, each in tmux at 80x24.

A throwaway sshd on 127.0.0.1 (its own host key and user key, in a temporary
folder) serves the leader's session; ``capture-pane`` reads both screens. The
test checks that each screen shows the other's actions (a step, an instruction
and its acknowledgement, a handover offered and accepted), that the leader's
events carry the SSH origin, that dropping the SSH session loses nothing and
reopening resumes where the incident stands now, including what the console did
meanwhile. Everything is cleaned up: tmux's server killed, sshd stopped, the
folder removed, and no desk process left behind.

It needs sshd, ssh, ssh-keygen and tmux (``.ci/run`` installs them on CI). It is
skipped only when they are truly absent, and then says so loudly.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from .harness import Sshd, Tmux, missing_tools, start_sshd

MISSING = missing_tools()
if MISSING:
    warnings.warn(f"THE SSH TEST DID NOT RUN: {', '.join(MISSING)} not installed "
                  "(apt-get install openssh-server openssh-client tmux)", stacklevel=1)
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"THE SSH TEST DID NOT RUN: {', '.join(MISSING)} not installed "
           "(apt-get install openssh-server openssh-client tmux)",
)

SUPERVISOR = ("王芳", "supervisor")
LEADER = ("李强", "duty-leader")


def _shift(folder: Path, name: str, role: str) -> Path:
    """A config folder whose operator of the shift is already set (asked once per shift)."""
    folder.mkdir(parents=True)
    (folder / "shift.json").write_text(json.dumps(
        {"name": name, "role": role, "at": datetime.now(timezone.utc).isoformat()}, ensure_ascii=False),
        encoding="utf-8")
    return folder


def _desk_processes(folder: Path, desk: str = "") -> list[int]:
    """Live processes whose environment points into our folder (``DUTYDESK_CONFIG``, of one
    ``desk``: "console" or "leader", or any): the desks this test started."""
    found = []
    needle = f"DUTYDESK_CONFIG={folder}/{desk}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if b"\nState:\tZ" in (entry / "status").read_bytes():
                continue  # a zombie: ended, waiting to be reaped
            if needle in (entry / "environ").read_bytes() and b"dutydesk" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _describe(pids: list[int]) -> list[str]:
    out = []
    for pid in pids:
        try:
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            out.append(f"{pid}: {command}")
        except OSError:
            out.append(f"{pid}: (gone)")
    return out


def _wait_gone(folder: Path, keep: set[int], timeout: float = 20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    left = [p for p in _desk_processes(folder) if p not in keep]
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = [p for p in _desk_processes(folder) if p not in keep]
    return left


def _events(db: Path) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY incident_id, seq")]
    finally:
        conn.close()


def _until(predicate, timeout: float = 20.0, what: str = "") -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def flat(screen: str) -> str:
    """The screen's text with lines joined and spaces collapsed (an alert may wrap at 80 columns)."""
    return " ".join(screen.split())


def see(tmux: Tmux, name: str, text: str, timeout: float = 20.0) -> str:
    """Wait until ``text`` shows on ``name`` (wrapped or not); return the flattened screen."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux.screen(name)
        if text in flat(screen):
            return flat(screen)
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear on {name} within {timeout}s; screen:\n{screen}")


class Desks:
    """The two desks: ``local`` (console) and ``remote`` (through ssh), in one tmux server."""

    def __init__(self, folder: Path, sshd: Sshd, tmux: Tmux):
        self.folder, self.sshd, self.tmux = folder, sshd, tmux
        self.db = folder / "journal.db"
        self.console = _shift(folder / "console", *SUPERVISOR)
        self.leader = _shift(folder / "leader", *LEADER)

    def _command(self, config: Path, *args: str) -> list[str]:
        return ["env", f"DUTYDESK_CONFIG={config}", "LANG=C.UTF-8", sys.executable, "-m", "dutydesk",
                "--db", str(self.db), "--lang", "en", *args]

    def start_local(self, *args: str) -> None:
        self.tmux.new("local", self._command(self.console, *args))

    def start_remote(self, name: str, *args: str) -> None:
        remote = "exec " + subprocess.list2cmdline(self._command(self.leader, *args))
        self.tmux.new(name, self.sshd.ssh_command(remote))

    def screen(self, name: str) -> str:
        return self.tmux.screen(name)


@pytest.fixture
def desks() -> Iterator[Desks]:
    folder = Path(tempfile.mkdtemp(prefix="dd-ssh-"))
    sshd = start_sshd(folder / "sshd")
    tmux = Tmux(folder / "tmux.sock")
    try:
        yield Desks(folder, sshd, tmux)
    finally:
        tmux.kill()
        sshd.stop()
        left = _wait_gone(folder, set(), timeout=15)
        described = _describe(left)
        for pid in left:  # a desk that outlived its terminal: ours, ended, and reported below
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
        assert sshd.process.poll() is not None, "sshd still running"
        assert not left, f"desk processes left behind: {described}"
        assert not folder.exists()


def test_two_desks_one_over_ssh_see_each_other(desks: Desks) -> None:
    tmux = desks.tmux
    # the leader's desk over SSH waits on the home list; the supervisor opens an incident
    desks.start_remote("remote")
    tmux.wait_for("remote", "no open incident")
    desks.start_local()
    tmux.wait_for("local", "Start an incident")
    tmux.keys("local", "n")
    tmux.wait_for("local", "Start an incident: pick the plan")
    tmux.keys("local", "-l", "robbery-hostage-armed")
    time.sleep(0.5)
    tmux.keys("local", "Enter")
    tmux.wait_for("local", "Step 1/11")
    incident = _events(desks.db)[0]["incident_id"]

    # the new incident reaches the leader's home list by itself; the leader opens it
    tmux.wait_for("remote", incident[:6])
    tmux.keys("remote", "Up")
    time.sleep(0.3)
    tmux.keys("remote", "Enter")
    tmux.wait_for("remote", "Step 1/11")

    # the console marks a step: the SSH desk shows it, with who did it
    tmux.keys("local", "d")
    screen = tmux.wait_for("remote", "done 1. Stay calm")
    assert "王芳" in screen and "in charge 王芳" in screen

    # the leader posts an instruction: it stands out on the console until acknowledged
    tmux.keys("remote", "i")
    tmux.wait_for("remote", "Instruction")
    tmux.keys("remote", "-l", "Hold the door")
    tmux.keys("remote", "Enter")
    tmux.wait_for("remote", "Your instruction #3")
    screen = see(tmux, "local", "INSTRUCTION #3 from 李强 (Duty leader, ssh 127.0.0.1)")
    assert "Hold the door" in screen and "[a acknowledge]" in screen
    assert "↗李强" in screen  # the timeline marks what came over SSH
    tmux.keys("local", "a")
    tmux.wait_for("remote", "acknowledged #3")
    _until(lambda: "INSTRUCTION" not in tmux.screen("local"), what="the instruction alert to go")
    _until(lambda: "Your instruction" not in tmux.screen("remote"), what="the leader's own alert to go")

    # handover: the console offers command to the leader (the form proposes him), the leader accepts
    tmux.keys("local", "h")
    tmux.wait_for("local", "Hand over command")
    tmux.keys("local", "Enter")
    time.sleep(0.3)
    tmux.keys("local", "Enter")
    screen = see(tmux, "remote", "[h accept]")
    assert "offers command to 李强 (Duty leader)" in screen
    tmux.keys("remote", "h")
    tmux.wait_for("remote", "in charge 李强 (Duty leader) ↗")
    tmux.wait_for("local", "in charge 李强 (Duty leader) ↗")

    # the SSH session drops: the leader's desk dies with it, nothing committed is lost
    console, leader = _desk_processes(desks.folder, "console"), _desk_processes(desks.folder, "leader")
    assert len(console) == 1 and len(leader) == 1, _describe(console + leader)
    tmux.run("kill-session", "-t", "remote")
    _until(lambda: not _desk_processes(desks.folder, "leader"), what="the leader's desk to end with its SSH session")
    now = _desk_processes(desks.folder, "console")
    assert now == console, _describe(now)  # the console's desk runs on
    # meanwhile the console goes on
    tmux.keys("local", "d")
    tmux.wait_for("local", "done 2. ")

    # the leader logs in again: the desk resumes where the incident stands now
    desks.start_remote("again", "resume", incident[:6])
    screen = tmux.wait_for("again", "done 2. ")
    assert "in charge 李强" in screen and "Step 3/11" in screen

    stored = [e for e in _events(desks.db) if e["incident_id"] == incident]
    kinds = [(e["kind"], e["actor_name"]) for e in stored]
    assert kinds == [
        ("opened", "王芳"), ("step_done", "王芳"), ("instruction", "李强"), ("acknowledged", "王芳"),
        ("handover", "王芳"), ("handover", "李强"), ("step_done", "王芳"),
    ]
    origins = {e["actor_name"]: e["actor_origin"] for e in stored}
    assert origins["李强"].startswith("ssh:127.0.0.1@") and origins["王芳"].startswith("console@")
    assert [e["seq"] for e in stored] == list(range(1, len(stored) + 1))
    verify = subprocess.run([sys.executable, "-m", "dutydesk", "--db", str(desks.db), "verify", incident],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
