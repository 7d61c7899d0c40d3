"""Every bundled plan loads, is complete in both languages, and its flow is sound."""

from __future__ import annotations

import pytest

from dutydesk import paths
from dutydesk.plans import CATEGORIES, END, load_library

LIBRARY = load_library([paths.bundled_plans_dir()])

# The inventory of DESIGN.md: every incident plan in the source documents.
INVENTORY = {
    "security": ["robbery-business-hours", "theft", "fraud", "explosion-threat", "hostage-taking", "sabotage",
                 "customer-robbed-in-branch", "robbery-hostage-armed", "robbery-tear-gas", "robbery-explosives",
                 "customer-hostage-withdrawal", "customer-cash-robbed", "robbery-armed", "customer-theft-hall",
                 "suspicious-person-vehicle", "night-break-in", "insider-collusion", "terror-violence",
                 "terror-explosive-device", "terror-arson", "terror-kidnap-extortion"],
    "atm": ["atm-prying", "atm-skimmer", "atm-loading-robbery"],
    "cash-transport": ["cash-van-besieged", "cash-van-robbery", "cash-van-inspection"],
    "fire-disaster": ["fire-premises", "fire-atm-room", "flood"],
    "operations": ["system-failure", "power-cut", "card-incident"],
    "service": ["bank-run", "customer-illness", "customer-surge", "provocation", "resource-occupation",
                "false-information", "mass-incident"],
    "complaint": ["complaint-ordinary", "complaint-disruptive", "complaint-aggressive", "complaint-registration"],
    "compliance": ["money-laundering", "wealth-product-incident"],
}
ALL_IDS = [plan_id for ids in INVENTORY.values() for plan_id in ids]


def test_bundled_library_has_no_problems() -> None:
    assert [str(p) for p in LIBRARY.problems] == []


def test_every_inventory_plan_is_bundled_in_its_category() -> None:
    for category, ids in INVENTORY.items():
        for plan_id in ids:
            assert plan_id in LIBRARY.plans, plan_id
            assert LIBRARY.plans[plan_id].category == category, plan_id
    assert len(LIBRARY.plans) >= 40


@pytest.mark.parametrize("plan_id", ALL_IDS)
def test_plan_flow_is_sound(plan_id: str) -> None:
    plan = LIBRARY.plans[plan_id]
    ids = {s.id for s in plan.steps}
    # every goto resolves
    for step in plan.steps:
        for target in plan.successors(step):
            assert target == END or target in ids, (step.id, target)
    # every step reachable from the first
    seen, todo = set(), [plan.steps[0].id]
    while todo:
        current = todo.pop()
        if current != END and current not in seen:
            seen.add(current)
            todo.extend(plan.successors(plan.step(current)))
    assert seen == ids
    # decisions have 2..9 choices
    for step in plan.steps:
        if step.is_decision:
            assert 2 <= len(step.choices) <= 9, step.id


@pytest.mark.parametrize("plan_id", ALL_IDS)
def test_plan_text_is_bilingual_and_cited(plan_id: str) -> None:
    plan = LIBRARY.plans[plan_id]
    assert plan.source.startswith(("seed 000", "seed 002")), plan.source
    assert plan.keywords, "keywords let a supervisor find the plan by typing"
    texts = [plan.title] + [s.prompt for s in plan.steps] + [c.label for s in plan.steps for c in s.choices]
    for text in texts:
        assert text.zh.strip() and text.en.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh), text.zh
        assert text.en.isascii() or not any("\u4e00" <= ch <= "\u9fff" for ch in text.en), text.en
    assert plan.category in CATEGORIES
    assert plan.level in LIBRARY.levels


def test_plans_mark_the_calls_and_critical_steps() -> None:
    calls = {s.call for p in LIBRARY.plans.values() for s in p.steps if s.call}
    assert {"police-110", "fire-119", "ambulance-120", "superior-security", "power-company"} <= calls
    for plan in LIBRARY.plans.values():
        assert any(s.critical for s in plan.steps), f"{plan.id} marks no critical step"


def test_timers_the_documents_state() -> None:
    def timers(plan_id: str) -> set[str]:
        return {str(s.remind_after) for s in LIBRARY.plans[plan_id].steps if s.remind_after}

    assert "2h" in timers("power-cut")           # generator request when power is not back in 2 h
    assert "2h" in timers("bank-run")            # report upward within 2 hours
    assert "2h" in timers("mass-incident")
    assert "2h" in timers("cash-van-robbery")
    assert "2h" in timers("robbery-hostage-armed")
    assert {"24h", "5wd"} <= timers("complaint-registration")


def test_catalog_numbers() -> None:
    assert LIBRARY.contacts["police-110"].number == "110"
    assert LIBRARY.contacts["fire-119"].number == "119"
    assert LIBRARY.contacts["ambulance-120"].number == "120"
    assert set(LIBRARY.levels) == {"I", "II", "III"}
