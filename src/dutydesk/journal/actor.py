"""Who writes an event: the OS user, a display name, a role and where they sit."""

from __future__ import annotations

import getpass
import ipaddress
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_ROLE = "supervisor"  # a role id of data/plans/roles.yaml (值班主管)


@dataclass(frozen=True)
class Actor:
    """The author of an event.

    ``user`` is the OS account, ``name`` the display name typed or configured,
    ``role`` a role id (``supervisor``, ``duty-leader`` ...) and ``origin`` where the
    process runs: ``console@<host>`` or ``ssh:<client ip>@<host>``.
    """

    user: str
    name: str
    role: str
    origin: str

    def __post_init__(self) -> None:
        for attr in ("user", "name", "role", "origin"):
            value = getattr(self, attr)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Actor.{attr} must be a non-empty text, got {value!r}")

    @classmethod
    def from_environment(
        cls,
        name: str | None = None,
        role: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> Actor:
        """The actor of this process: OS user (getpass), SSH client address or console, host name."""
        env = os.environ if environ is None else environ
        user = _os_user(env)
        return cls(
            user=user,
            name=(name or "").strip() or user,
            role=(role or "").strip() or DEFAULT_ROLE,
            origin=origin_from_environment(env),
        )


def _os_user(env: Mapping[str, str]) -> str:
    """The account of the real uid (from the password database, not from $USER,
    which anyone can set); ``getpass.getuser()`` only where there is no such entry."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError, AttributeError):
        pass
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        value = env.get(var, "").strip()
        if value:
            return value
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def _host() -> str:
    try:
        return socket.gethostname() or "localhost"
    except OSError:
        return "localhost"


def ssh_client_ip(env: Mapping[str, str]) -> str | None:
    """The SSH client address from ``SSH_CONNECTION`` or ``SSH_CLIENT``, if it is an IP."""
    for var in ("SSH_CONNECTION", "SSH_CLIENT"):
        parts = env.get(var, "").split()
        if parts:
            try:
                return str(ipaddress.ip_address(parts[0]))
            except ValueError:
                continue
    return None


def origin_from_environment(env: Mapping[str, str] | None = None) -> str:
    """``ssh:<ip>@<host>`` (IPv6 in brackets) over SSH, else ``console@<host>``."""
    env = os.environ if env is None else env
    host = _host()
    ip = ssh_client_ip(env)
    if ip is None:
        return f"console@{host}"
    if ":" in ip:
        ip = f"[{ip}]"
    return f"ssh:{ip}@{host}"
