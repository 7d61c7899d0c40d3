"""Find plans while the operator types: Chinese or English titles, ids, keywords.

Every word typed must appear somewhere in the plan (title in either language, id,
keywords, summary); plans where it appears in the id or title rank first. Pure
functions: the picker calls them on every key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dutydesk.plans import CATEGORIES, Plan

CATEGORY_ORDER: tuple[str, ...] = tuple(CATEGORIES)


def _fields(plan: Plan) -> tuple[str, str, str]:
    """(id + titles, keywords, summary), lower-cased."""
    head = " ".join((plan.id, plan.title.zh, plan.title.en)).lower()
    keywords = " ".join(plan.keywords).lower()
    summary = " ".join((plan.summary.zh, plan.summary.en)).lower() if plan.summary else ""
    return head, keywords, summary


def _score(plan: Plan, words: Sequence[str]) -> int | None:
    head, keywords, summary = _fields(plan)
    score = 0
    for word in words:
        if plan.id.startswith(word):
            score += 8
        elif word in head:
            score += 4
        elif word in keywords:
            score += 2
        elif word in summary:
            score += 1
        else:
            return None
    return score


def search_plans(plans: Iterable[Plan], query: str = "", category: str | None = None) -> list[Plan]:
    """Plans matching ``query`` (all words) in ``category`` (None: all), best first.

    With no query: by category (inventory order), then level, then id.
    """
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    pool = [p for p in plans if category is None or p.category == category]
    words = query.lower().split()
    if not words:
        return sorted(pool, key=lambda p: (order.get(p.category, 99), p.level, p.id))
    scored = [(s, p) for p in pool if (s := _score(p, words)) is not None]
    scored.sort(key=lambda sp: (-sp[0], order.get(sp[1].category, 99), sp[1].level, sp[1].id))
    return [p for _, p in scored]
