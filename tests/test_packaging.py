"""The wheel carries the bundled plans, so a plain ``pip install .`` finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_every_bundled_plan(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("dutydesk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {Path(n).name for n in names if n.startswith("dutydesk/data/plans/")}
    expected = {p.name for p in (ROOT / "data" / "plans").glob("*.yaml")}
    assert expected and expected == shipped
    scenarios = {Path(n).name for n in names if n.startswith("dutydesk/data/scenarios/")}
    assert scenarios and scenarios == {p.name for p in (ROOT / "data" / "scenarios").glob("*.yaml")}
    assert "dutydesk/cli.py" in names
