"""A throwaway sshd on 127.0.0.1 and tmux sessions, for tests that follow a desk over SSH.

Everything lives in one temporary folder (keys, config, logs, the tmux socket)
and is torn down afterwards: sshd is stopped, tmux's server killed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def missing_tools() -> list[str]:
    tools = {"sshd": SSHD if Path(SSHD).exists() else None, "ssh": shutil.which("ssh"),
             "ssh-keygen": shutil.which("ssh-keygen"), "tmux": shutil.which("tmux")}
    return [name for name, found in tools.items() if not found]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Sshd:
    folder: Path
    port: int
    user_key: Path
    process: subprocess.Popen

    def ssh_command(self, remote: str) -> list[str]:
        return [
            "ssh", "-t", "-i", str(self.user_key), "-p", str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
            f"{os.environ.get('USER') or 'root'}@127.0.0.1", remote,
        ]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_sshd(folder: Path) -> Sshd:
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    host_key, user_key = folder / "host_ed25519", folder / "user_ed25519"
    for key in (host_key, user_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    authorized = folder / "authorized_keys"
    authorized.write_text((folder / "user_ed25519.pub").read_text())
    os.chmod(authorized, 0o600)
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation folder sshd insists on
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {folder / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {authorized}\nStrictModes no\nUsePAM no\nPermitRootLogin yes\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
        "PermitUserEnvironment no\nAcceptEnv LANG LC_*\nPrintMotd no\n"
    )
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL,
                               stderr=open(folder / "sshd.log", "w"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return Sshd(folder, port, user_key, process)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"sshd did not start: {(folder / 'sshd.log').read_text()}")


@dataclass
class Tmux:
    socket: Path

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, check=check)
        return result.stdout

    def new(self, name: str, command: list[str] | str, *, width: int = 80, height: int = 24, env: dict[str, str] | None = None) -> None:
        cmd = command if isinstance(command, str) else subprocess.list2cmdline(command)
        if env:
            cmd = "env " + " ".join(f"{k}={subprocess.list2cmdline([v])}" for k, v in env.items()) + " " + cmd
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), cmd)

    def keys(self, name: str, *keys: str) -> None:
        self.run("send-keys", "-t", name, *keys)

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(name)
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear on {name} within {timeout}s; screen:\n{screen}")

    def kill(self) -> None:
        self.run("kill-server", check=False)
