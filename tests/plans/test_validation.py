"""A table of malformed plans: each must produce exactly this file, line and message,
and never stop the other plans from loading."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dutydesk import paths
from dutydesk.plans import load_library

VALID = """\
id: sample
title: {zh: 样例, en: Sample}
category: security
level: II
source: "test"
keywords: [样例, sample]
steps:
  - id: first
    who: teller
    text: {zh: 第一步, en: First step}
  - id: alarm
    call: police-110
    critical: true
    target: 2m
    text: {zh: 报警, en: Call the police}
  - id: injured
    ask: {zh: 有人受伤吗?, en: Anyone injured?}
    choices:
      - label: {zh: 是, en: "Yes"}
        goto: call-120
      - label: {zh: 否, en: "No"}
        goto: last
  - id: call-120
    call: ambulance-120
    remind_after: 2h
    text: {zh: 打120, en: Call 120}
  - id: last
    text: {zh: 保护现场, en: Protect the scene}
"""


def edit(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


# (name, file text, expected line, expected message)
CASES = [
    ("yaml-syntax", edit("level: II", "level: [II"), 5, "YAML syntax error: did not find expected ',' or ']'"),
    ("tab-indent", edit("    who: teller", "\twho: teller"), 9, "YAML syntax error: found a tab character that violates indentation"),
    ("empty-file", "", 1, "the file is empty"),
    ("not-a-mapping", "- just\n- a list\n", 1, "a plan file must be a mapping of keys and values"),
    ("unknown-plan-key", edit("level: II", "level: II\ncategry: x"), 5, "unknown key 'categry' in the plan (did you mean 'category'?)"),
    ("unknown-step-key", edit("    who: teller", "    woh: teller"), 9, "unknown key 'woh' in a step (did you mean 'who'?)"),
    ("unknown-choice-key", edit("        goto: call-120", "        gotto: call-120"), 20, "unknown key 'gotto' in choice 1 of step 'injured' (did you mean 'goto'?)"),
    ("missing-required", edit('source: "test"\n', ""), 1, "missing required key 'source'"),
    ("missing-en-title", edit("title: {zh: 样例, en: Sample}", "title: {zh: 样例}"), 2, "missing 'en' in title"),
    ("missing-zh-step", edit("text: {zh: 第一步, en: First step}", "text: {en: First step}"), 10, "missing 'zh' in the text of step 'first'"),
    ("single-string-text", edit("text: {zh: 报警, en: Call the police}", "text: Call the police"), 15, "the text of step 'alarm' must have both 'zh' and 'en' (found a single string)"),
    ("empty-zh", edit("{zh: 保护现场, en: Protect the scene}", "{zh: '', en: Protect the scene}"), 28, "missing 'zh' in the text of step 'last'"),
    ("duplicate-step-id", edit("  - id: last", "  - id: first"), 27, "duplicate step id 'first' (first on line 8)"),
    ("duplicate-key", edit("    who: teller", "    who: teller\n    who: guard"), 10, "duplicate key 'who' (first on line 9)"),
    ("goto-missing", edit("        goto: last", "        goto: lats"), 22, "goto 'lats' in choice 2 of step 'injured': no such step (did you mean 'last'?)"),
    ("goto-missing-action", edit("    remind_after: 2h", "    remind_after: 2h\n    goto: nowhere"), 26, "goto 'nowhere' in step 'call-120': no such step"),
    ("unreachable", edit("    who: teller", "    who: teller\n    goto: end"), 12, "step 'alarm' is unreachable: no step leads to it"),
    ("loop-no-exit", edit("    remind_after: 2h", "    remind_after: 2h\n    goto: injured") + "    goto: injured\n", 16, "loop with no way out: steps 'injured', 'call-120', 'last' can never reach the end of the plan"),
    ("self-loop", edit("    text: {zh: 保护现场, en: Protect the scene}", "    goto: last\n    text: {zh: 保护现场, en: Protect the scene}"), 27, "loop with no way out: step 'last' can never reach the end of the plan"),
    ("one-choice", edit("      - label: {zh: 否, en: \"No\"}\n        goto: last\n", ""), 18, "step 'injured' has 1 choice; a question needs 2 to 9"),
    ("ten-choices", edit("    choices:\n", "    choices:\n" + "".join(f"      - label: {{zh: 选{i}, en: c{i}}}\n" for i in range(8))), 18, "step 'injured' has 10 choices; a question needs 2 to 9"),
    ("unknown-contact", edit("call: police-110", "call: police-11"), 12, "unknown contact 'police-11' (did you mean 'police-110'?)"),
    ("unknown-role", edit("who: teller", "who: tellr"), 9, "unknown role 'tellr' (did you mean 'teller'?)"),
    ("bad-duration", edit("remind_after: 2h", "remind_after: 2 hours"), 25, "bad duration '2 hours' for 'remind_after': write it as 30s, 5m, 2h, 1h30m, 1d or 5wd (working days)"),
    ("zero-duration", edit("target: 2m", "target: 0m"), 14, "bad duration '0m' for 'target': write it as 30s, 5m, 2h, 1h30m, 1d or 5wd (working days)"),
    ("target-not-critical", edit("    critical: true\n", ""), 13, "step 'alarm' has a target time but is not marked 'critical: true'"),
    ("text-and-ask", edit("    text: {zh: 第一步, en: First step}", "    text: {zh: 第一步, en: First step}\n    ask: {zh: 问, en: Q}"), 8, "step 'first' needs either 'text' (an action) or 'ask' (a question), not both"),
    ("neither-text-nor-ask", edit("    text: {zh: 保护现场, en: Protect the scene}\n", ""), 27, "step 'last' needs either 'text' (an action) or 'ask' (a question), not neither"),
    ("ask-without-choices", edit("    choices:\n      - label: {zh: 是, en: \"Yes\"}\n        goto: call-120\n      - label: {zh: 否, en: \"No\"}\n        goto: last\n", ""), 16, "step 'injured' asks a question but has no 'choices'"),
    ("unquoted-yes", edit('en: "Yes"', "en: Yes"), 19, "'en' in the label of choice 1 of step 'injured' must be text"),
    ("bad-step-id", edit("  - id: last", "  - id: Last Step"), 27, "step id 'Last Step' must be lowercase letters, digits and dashes"),
    ("unknown-category", edit("category: security", "category: securty"), 3, "unknown category 'securty' (did you mean 'security'?); use one of: security, atm, cash-transport, fire-disaster, operations, service, complaint, compliance"),
    ("unknown-level", edit("level: II", "level: IV"), 4, "unknown level 'IV'; use one of: I, II, III"),
    ("id-not-file-name", edit("id: sample", "id: other"), 1, "plan id 'other' does not match the file name 'sample.yaml'; name the file 'other.yaml'"),
    ("no-steps", VALID.split("steps:")[0] + "steps: []\n", 7, "steps must be a non-empty list"),
    ("choices-on-action", edit("    remind_after: 2h", "    remind_after: 2h\n    choices: []"), 26, "step 'call-120' has choices but no question: use 'ask' instead of 'text'"),
    ("goto-on-question", edit("    choices:\n", "    goto: last\n    choices:\n"), 18, "step 'injured' is a question: put 'goto' on its choices"),
    ("unquoted-comma", edit("{zh: 保护现场, en: Protect the scene}", "{zh: 保护现场,保存录像, en: Protect the scene}"), 28, "unknown key '保存录像' in the text of step 'last'; a ',' or ': ' inside unquoted text splits it: put the text in quotes"),
    ("not-utf8", None, 1, "not UTF-8 text (invalid start byte at byte 0); save the file as UTF-8"),
]


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "branch"
    folder.mkdir()
    (folder / "good-one.yaml").write_text(VALID.replace("id: sample", "id: good-one"), encoding="utf-8")
    return folder


def test_the_template_is_valid(plans_dir: Path) -> None:
    (plans_dir / "sample.yaml").write_text(VALID, encoding="utf-8")
    library = load_library([paths.bundled_plans_dir(), plans_dir])
    assert [p for p in library.problems if p.path.parent == plans_dir] == []
    assert {"sample", "good-one"} <= set(library.plans)


@pytest.mark.parametrize("name, text, line, message", CASES, ids=[c[0] for c in CASES])
def test_malformed_plan(plans_dir: Path, name: str, text: str | None, line: int, message: str) -> None:
    path = plans_dir / "sample.yaml"
    if text is None:
        path.write_bytes(b"\xff\xfe" + VALID.encode("utf-16-le"))
    else:
        path.write_text(text, encoding="utf-8")
    library = load_library([paths.bundled_plans_dir(), plans_dir])

    mine = [p for p in library.problems if p.path == path]
    assert [(p.line, p.message) for p in mine][:1] == [(line, message)]
    assert str(mine[0]) == f"{path}:{line}: {message}"
    assert "sample" not in library.plans
    # The broken file stops nothing else: the branch's good plan and every bundled plan load.
    assert "good-one" in library.plans
    bundled = load_library([paths.bundled_plans_dir()])
    assert set(bundled.plans) <= set(library.plans)


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({c[0] for c in CASES}) == len(CASES)


def test_a_loop_with_a_way_out_is_valid(plans_dir: Path) -> None:
    # injured -> call-120 -> injured again, but choice 2 still leads on to the end.
    text = edit("    remind_after: 2h", "    remind_after: 2h\n    goto: injured")
    (plans_dir / "sample.yaml").write_text(text, encoding="utf-8")
    library = load_library([paths.bundled_plans_dir(), plans_dir])
    assert [p for p in library.problems if p.path.name == "sample.yaml"] == []
    assert library.plans["sample"].step("call-120").goto == "injured"


def test_duplicate_id_in_one_folder(plans_dir: Path) -> None:
    (plans_dir / "copy.yaml").write_text(textwrap.dedent(VALID).replace("id: sample", "id: good-one"), encoding="utf-8")
    library = load_library([plans_dir])
    messages = [(p.path.name, p.message) for p in library.problems]
    assert ("copy.yaml", "plan id 'good-one' does not match the file name 'copy.yaml'; name the file 'good-one.yaml'") in messages
