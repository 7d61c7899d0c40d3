"""``dutydesk plans list|show|validate`` as a branch would use them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dutydesk.cli import main

BRANCH_PLAN = """\
id: branch-drill
title: {zh: 本行演练预案, en: Our own drill plan}
category: fire-disaster
level: III
source: "branch manual 3.2"
keywords: [演练, drill]
steps:
  - id: start
    call: duty-leader
    critical: true
    text: {zh: 通知带班领导, en: Tell the duty leader}
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_has_every_plan(capsys) -> None:
    code, out, _ = run(capsys, "plans", "list", "--json")
    rows = json.loads(out)
    assert code == 0
    assert len(rows) >= 40
    robbery = next(r for r in rows if r["id"] == "robbery-hostage-armed")
    assert robbery["title"]["zh"] == "营业期间歹徒持枪劫持人质抢劫"
    assert robbery["category"] == "security" and robbery["level"] == "I"


def test_list_filters_by_category_and_language(capsys) -> None:
    code, out, _ = run(capsys, "plans", "list", "--category", "atm", "--lang", "zh")
    assert code == 0
    assert "自助设备" in out and "atm-skimmer" in out
    assert "robbery-hostage-armed" not in out


def test_show_draws_the_decision_tree(capsys) -> None:
    code, out, _ = run(capsys, "--lang", "en", "plans", "show", "robbery-hostage-armed")
    assert code == 0
    assert "7. Is anyone injured?" in out
    assert "1) Yes  → 8. Call 120" in out
    assert "☎ call Police 110" in out
    assert "remind after 2h" in out


def test_show_unknown_plan_suggests(capsys) -> None:
    code, _, err = run(capsys, "plans", "show", "robbery-hostage-arm")
    assert code == 1
    assert "did you mean 'robbery-hostage-armed'" in err


def test_validate_all_bundled(capsys) -> None:
    code, out, _ = run(capsys, "plans", "validate")
    assert code == 0
    assert out.strip().endswith("plan(s) valid")


def test_validate_reports_problems_with_exit_1(capsys, tmp_path: Path) -> None:
    good = tmp_path / "branch-drill.yaml"
    good.write_text(BRANCH_PLAN, encoding="utf-8")
    bad = tmp_path / "broken.yaml"
    bad.write_text(BRANCH_PLAN.replace("branch-drill", "broken").replace("duty-leader", "duty-leadr"), encoding="utf-8")
    code, out, err = run(capsys, "plans", "validate", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [f"{bad}:9: unknown contact 'duty-leadr' (did you mean 'duty-leader'?)"]
    assert "1 plan(s) valid" in err
    code, out, _ = run(capsys, "plans", "validate", str(good))
    assert code == 0 and out.strip() == "1 plan(s) valid"


def test_branch_plans_and_numbers_add_and_override(capsys, tmp_path: Path, monkeypatch) -> None:
    branch = tmp_path / "myplans"
    branch.mkdir()
    (branch / "branch-drill.yaml").write_text(BRANCH_PLAN, encoding="utf-8")
    (branch / "contacts.yaml").write_text('contacts:\n  - {id: duty-leader, number: "13800000000"}\n', encoding="utf-8")
    override = (Path(__file__).parents[2] / "data/plans/theft.yaml").read_text(encoding="utf-8")
    (branch / "theft.yaml").write_text(override.replace("source:", "source: \"branch copy\"\nx_source:", 1).replace("x_source:", "#", 1), encoding="utf-8")

    for argv, env in ((["--plans", str(branch)], None), ([], str(branch))):
        if env:
            monkeypatch.setenv("DUTYDESK_PLANS", env)
        code, out, _ = run(capsys, *argv, "plans", "list", "--json")
        rows = {r["id"]: r for r in json.loads(out)}
        assert code == 0
        assert rows["branch-drill"]["origin"] == "branch"
        assert rows["theft"]["origin"] == "branch" and rows["theft"]["source"] == "branch copy"
        code, out, _ = run(capsys, *argv, "--lang", "en", "plans", "show", "branch-drill")
        assert "Duty leader 13800000000" in out


def test_module_entry_point() -> None:
    result = subprocess.run([sys.executable, "-m", "dutydesk", "plans", "list", "--json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert any(r["id"] == "fire-premises" for r in json.loads(result.stdout))
