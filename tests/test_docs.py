"""The complete example in docs/writing-plans.md is a valid plan, and its error example is true."""

from __future__ import annotations

import re
from pathlib import Path

from dutydesk import paths
from dutydesk.plans import load_library

DOC = (Path(__file__).resolve().parents[1] / "docs" / "writing-plans.md").read_text(encoding="utf-8")


def example_plan() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC, flags=re.S)
    return next(b for b in blocks if b.startswith("# Our branch"))


def test_documented_example_is_valid(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "atm-room-water-leak.yaml").write_text(example_plan(), encoding="utf-8")
    library = load_library([paths.bundled_plans_dir(), folder])
    assert [p for p in library.problems if p.path.parent == folder] == []
    assert library.plans["atm-room-water-leak"].origin == "branch"


def test_documented_error_message_is_what_validate_prints(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    path = folder / "atm-room-water-leak.yaml"
    path.write_text(example_plan().replace("goto: cash-check", "goto: cash-chek"), encoding="utf-8")
    library = load_library([paths.bundled_plans_dir(), folder])
    line = re.search(r"^plans/atm-room-water-leak\.yaml:(\d+): (.*)$", DOC, flags=re.M)
    assert [(p.line, p.message) for p in library.problems if p.path == path] == [(int(line.group(1)), line.group(2))]
