"""What the incident report says, in which order: a :class:`~dutydesk.export.document.Document`.

Order (issue 5, after seed 000 服务预案 第三条):

1. warnings first: a broken hash chain, a damaged file, unreadable rows, and
   whether customer data is masked: all on the first page;
2. the incident: bank/branch, id, plan and its source, drill or real, level and
   every change of it with reasons, opened/closed and duration, operators and
   roles, handovers;
3. the report fields (place, time, cause, nature, amount, people, harm, customers'
   reaction, trend, measures) — "not recorded" where empty, never left out;
4. the timeline: local time, +elapsed, the recorded time where it differs from the
   happened time, actor and role, the action with its step and detail (reusing
   :func:`dutydesk.render.describe.describe`); then the decisions as a tree;
5. calls made, steps skipped with reasons, steps not done or never reached,
   retractions and amendments (original and correction), time to each critical
   step against its target, conflicting entries;
6. last, the verification of the hash chain and the final chain hash, so a printed
   report can be matched to the database (``dutydesk verify`` prints the same hash).

Times are shown in the local time zone with the offset stated once; the JSON
archive keeps UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text

from dutydesk.export.document import (
    Alert, Column, Document, Fields, Grid, Node, Notice, Para, Row, Section, Sub, TreeBlock,
)
from dutydesk.export.masking import CARD, CARD_LUHN, ID, MOBILE
from dutydesk.export.source import Material
from dutydesk.incident import Record, Who
from dutydesk.journal import kinds
from dutydesk.plans import END, Lang
from dutydesk.render.describe import describe, elapsed, field_name
from dutydesk.safetext import clean

L: dict[str, dict[str, str]] = {
    "en": {
        "title": "Incident report", "drill": "DRILL — not a real incident", "real": "REAL INCIDENT",
        "broken": "THE HASH CHAIN OF THIS INCIDENT IS BROKEN",
        "broken_at": "First break: {where}: {what} — {detail}",
        "broken_1": "The journal was changed after it was written. What follows shows the rows as they are now,",
        "broken_2": "not necessarily as they were logged. Keep the database file as evidence and compare it",
        "broken_3": "with a backup or with the final chain hash of an earlier printed report.",
        "incident_row": "the incident row", "event_n": "event {n}",
        "integrity": "THE DATABASE FILE FAILS ITS INTEGRITY CHECK", "unreadable": "PARTS OF THE RECORD CANNOT BE READ",
        "unmasked": "NOT MASKED",
        "unmasked_1": "This report shows customer data (ID, bank card and phone numbers) in clear.",
        "unmasked_logged": "This unmasked export was logged in the incident as event #{seq}.",
        "unmasked_2": "Keep it private; do not forward it.",
        "masked": "Customer data is masked in this report: {what}.",
        "masked_none": "Customer data is masked in this report (the record holds no ID, card or mobile number).",
        "n_id": "{n} ID number(s)", "n_card": "{n} bank card number(s)", "n_luhn": " ({n} pass the Luhn check)",
        "n_mobile": "{n} mobile number(s)",
        "s_incident": "Incident", "branch": "Bank / branch", "id": "Incident id", "plan": "Plan",
        "source": "Source", "nature_kind": "Drill or real", "level": "Level", "opened": "Opened",
        "closed": "Closed", "outcome": "Outcome", "duration": "Duration", "still_open": "still open",
        "place_opened": "Place (at opening)", "events": "Events", "by": "by",
        "level_history": "Level and its changes", "at_opening": "at opening",
        "operators": "Operators and roles", "handovers": "Handovers", "no_handovers": "No handover.",
        "s_report": "Report", "not_recorded": "not recorded", "set_by": "{who}, {time}",
        "opened_hint": "opened {time}", "place_hint": "place given at opening: {place}",
        "s_timeline": "Timeline", "times_in": "Times are local ({zone}); + is the time since the incident opened; "
                                           "“rec” is when an entry was typed, where it differs from when it happened.",
        "rec": "rec", "retracted_by": "[retracted by #{seq}]", "amended_by": "[amended by #{seq}]",
        "s_decisions": "Decisions", "no_decisions": "No question answered.", "unanswered": "not answered",
        "led_to": "→ {step}", "end": "end of the plan",
        "s_calls": "Calls made", "no_calls": "No call logged.",
        "s_skipped": "Steps skipped", "no_skipped": "No step skipped.",
        "s_notdone": "Steps not done", "no_notdone": "Every step on the path was done.",
        "not_done": "not done", "not_reached": "never reached", "not_taken": "not applicable (another answer was chosen)",
        "s_corrections": "Retractions and amendments", "no_corrections": "Nothing was retracted or amended.",
        "original": "original", "correction": "correction",
        "s_critical": "Critical steps: time to each against its target", "no_critical": "The plan marks no step critical.",
        "within": "✓ within target", "over": "✗ over target by {by}", "no_target": "no target",
        "timer_target": "{after} (reminder)",
        "crit_not_done": "✗ not done", "crit_skipped": "✗ skipped",
        "s_conflicts": "Conflicting entries",
        "s_verify": "Verification", "chain": "Hash chain", "chain_ok": "✓ intact ({n} events, each linked to the one before)",
        "chain_broken": "✗ BROKEN at {where}: {what} — {detail}", "final_hash": "Final chain hash",
        "genesis": "Genesis hash", "integrity_check": "Database file (quick_check)", "ok": "ok", "failed": "FAILED",
        "schema": "Journal schema version", "exported": "Report made", "masking": "Customer data",
        "mask_on": "masked", "mask_off": "NOT masked",
        "how": "`dutydesk verify {id}` on the database prints the same final hash while nothing has been changed.",
        "c_seq": "#", "c_time": "time", "c_plus": "+", "c_who": "who", "c_what": "what", "c_level": "level",
        "c_reason": "reason", "c_name": "name", "c_role": "role", "c_account": "account @ origin",
        "c_events": "events", "c_first": "first", "c_last": "last", "c_to": "to", "c_phase": "handover",
        "c_contact": "contact", "c_number": "number", "c_outcome": "outcome", "c_step": "step",
        "c_status": "status", "c_target": "target", "c_took": "time to it", "c_result": "result",
        "c_message": "what", "offered": "offered", "accepted": "accepted",
    },
    "zh": {
        "title": "突发事件报告", "drill": "演练 — 非真实事件", "real": "真实事件",
        "broken": "本事件的哈希链已断裂",
        "broken_at": "第一个断点:{where}:{what} — {detail}",
        "broken_1": "日志在写入之后被改动过。以下内容是数据库中的现状,",
        "broken_2": "未必是当时记录的内容。请保留数据库文件作为证据,",
        "broken_3": "并与备份或先前打印报告上的最终哈希核对。",
        "incident_row": "事件记录行", "event_n": "事件 {n}",
        "integrity": "数据库文件未通过完整性检查", "unreadable": "部分记录无法读取",
        "unmasked": "未脱敏",
        "unmasked_1": "本报告含未脱敏的客户信息(身份证号、银行卡号、手机号)。",
        "unmasked_logged": "本次未脱敏导出已在事件中记录为事件 #{seq}。",
        "unmasked_2": "请妥善保管,不得转发。",
        "masked": "本报告已对客户信息脱敏:{what}。",
        "masked_none": "本报告对客户信息脱敏(记录中没有身份证号、银行卡号或手机号)。",
        "n_id": "身份证号 {n} 个", "n_card": "银行卡号 {n} 个", "n_luhn": "(其中 {n} 个通过 Luhn 校验)",
        "n_mobile": "手机号 {n} 个",
        "s_incident": "事件概况", "branch": "银行 / 网点", "id": "事件编号", "plan": "预案",
        "source": "出处", "nature_kind": "演练或真实", "level": "级别", "opened": "启动",
        "closed": "结束", "outcome": "结果", "duration": "持续时间", "still_open": "尚未结束",
        "place_opened": "地点(启动时)", "events": "事件数", "by": "操作人",
        "level_history": "级别及其变更", "at_opening": "启动时",
        "operators": "操作人员及角色", "handovers": "交接", "no_handovers": "无交接。",
        "s_report": "报告要素", "not_recorded": "未记录", "set_by": "{who},{time}",
        "opened_hint": "启动于 {time}", "place_hint": "启动时填写的地点:{place}",
        "s_timeline": "时间线", "times_in": "时间为本地时间({zone});+ 为自事件启动起的时长;"
                                           "“录入”为补录时的录入时间(与发生时间不同时显示)。",
        "rec": "录入", "retracted_by": "[已被 #{seq} 撤销]", "amended_by": "[已被 #{seq} 更正]",
        "s_decisions": "决策", "no_decisions": "没有回答任何问题。", "unanswered": "未回答",
        "led_to": "→ {step}", "end": "预案结束",
        "s_calls": "已拨打的电话", "no_calls": "没有记录电话。",
        "s_skipped": "跳过的步骤", "no_skipped": "没有跳过的步骤。",
        "s_notdone": "未完成的步骤", "no_notdone": "路径上的步骤均已完成。",
        "not_done": "未完成", "not_reached": "未到达", "not_taken": "不适用(选择了另一答案)",
        "s_corrections": "撤销与更正", "no_corrections": "没有撤销或更正。",
        "original": "原记录", "correction": "更正",
        "s_critical": "关键步骤用时(对照目标)", "no_critical": "预案未标注关键步骤。",
        "within": "✓ 在目标时间内", "over": "✗ 超出目标 {by}", "no_target": "无目标时间",
        "timer_target": "{after}(提醒)",
        "crit_not_done": "✗ 未完成", "crit_skipped": "✗ 已跳过",
        "s_conflicts": "冲突记录",
        "s_verify": "校验", "chain": "哈希链", "chain_ok": "✓ 完整({n} 条事件,逐条相连)",
        "chain_broken": "✗ 已断裂,位置 {where}:{what} — {detail}", "final_hash": "最终哈希",
        "genesis": "起始哈希", "integrity_check": "数据库文件(quick_check)", "ok": "正常", "failed": "失败",
        "schema": "日志结构版本", "exported": "报告生成", "masking": "客户信息",
        "mask_on": "已脱敏", "mask_off": "未脱敏",
        "how": "在数据库上运行 `dutydesk verify {id}`,若未被改动,将显示相同的最终哈希。",
        "c_seq": "#", "c_time": "时间", "c_plus": "+", "c_who": "操作人", "c_what": "内容", "c_level": "级别",
        "c_reason": "原因", "c_name": "姓名", "c_role": "角色", "c_account": "账号 @ 位置",
        "c_events": "条数", "c_first": "首次", "c_last": "末次", "c_to": "交给", "c_phase": "交接",
        "c_contact": "对象", "c_number": "号码", "c_outcome": "结果", "c_step": "步骤",
        "c_status": "状态", "c_target": "目标", "c_took": "用时", "c_result": "结论",
        "c_message": "说明", "offered": "提出", "accepted": "接受",
    },
}

PROBLEM_WORDS = {
    "en": {"edited": "edited", "deleted": "deleted", "inserted": "inserted", "reordered": "reordered",
           "genesis": "incident row changed", "mismatch": "close record disagrees"},
    "zh": {"edited": "被修改", "deleted": "被删除", "inserted": "被插入", "reordered": "顺序被调换",
           "genesis": "事件记录行被修改", "mismatch": "结束信息不一致"},
}


class _Clock:
    """Local times and elapsed times of one incident."""

    def __init__(self, opened: datetime | None, last: datetime | None):
        self.opened = opened
        first_day = opened.astimezone().date() if opened else None
        last_day = last.astimezone().date() if last else None
        self.multi_day = first_day != last_day

    @staticmethod
    def full(moment: datetime) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")

    @staticmethod
    def zone(moment: datetime | None) -> str:
        if moment is None:
            return "UTC"
        offset = moment.astimezone().strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"

    def short(self, moment: datetime) -> str:
        return moment.astimezone().strftime("%m-%d %H:%M:%S" if self.multi_day else "%H:%M:%S")

    def plus(self, moment: datetime) -> str:
        return elapsed(self.opened, moment)


def _t(value: object, style: str | None = None) -> Text:
    return Text(clean(value), style=style or "")


def _who(who: Who, roles: Mapping[str, Any], lang: Lang) -> Text:
    role = roles.get(who.role)
    text = _t(who.name)
    text.append(" · ", style="dim")
    text.append(clean(role.name.get(lang) if role else who.role), style="dim")
    return text


def _step_label(material: Material, step_id: str | None, lang: Lang) -> Text:
    plan = material.plan
    if step_id and plan.has_step(step_id):
        return Text(f"{plan.position(step_id) + 1}. ") + _t(plan.step(step_id).prompt.get(lang))
    return _t(step_id or "")


def _duration(seconds: float) -> str:
    return elapsed(datetime.min, datetime.min + timedelta(seconds=seconds)).lstrip("+")


def build(material: Material, lang: Lang, *, now: datetime) -> Document:
    """The report of one incident (see the module doc for its order)."""
    w = L[lang]
    state, plan, inc = material.state, material.plan, material.incident
    records = material.records
    clock = _Clock(state.opened_at, max((r.happened_at for r in records), default=state.opened_at))
    incident_id = str(inc.get("id"))

    title = Text(f"{w['title']} · ", style="bold")
    title.append(clean(plan.title.get(lang) or inc.get(f"plan_title_{lang}", "")), style="bold")
    subtitle = Text()
    subtitle.append(f" {w['drill'] if state.drill else w['real']} ", style="bold reverse")
    subtitle.append(f"  {incident_id}")
    if inc.get("branch"):
        subtitle.append("  ")
        subtitle.append(clean(inc["branch"]))

    first: list[Any] = []
    # -- 1. warnings -------------------------------------------------------------------------
    check = material.stored.check
    if not check.ok and check.problem is not None:
        p = check.problem
        where = w["incident_row"] if p.seq is None else w["event_n"].format(n=p.seq)
        first.append(Alert(w["broken"], [
            _t(w["broken_at"].format(where=where, what=PROBLEM_WORDS[lang].get(p.what, p.what), detail=p.detail)),
            Text(w["broken_1"]), Text(w["broken_2"]), Text(w["broken_3"]),
        ]))
    if not material.stored.integrity_ok:
        first.append(Alert(w["integrity"], [_t(m) for m in material.stored.integrity_messages[:10]]))
    if material.problems:
        first.append(Alert(w["unreadable"], [_t(p) for p in material.problems[:20]]))
    if material.masked:
        counts = material.masker.counts
        parts = []
        if counts[ID]:
            parts.append(w["n_id"].format(n=counts[ID]))
        cards = counts[CARD] + counts[CARD_LUHN]
        if cards:
            parts.append(w["n_card"].format(n=cards) + (w["n_luhn"].format(n=counts[CARD_LUHN]) if counts[CARD_LUHN] else ""))
        if counts[MOBILE]:
            parts.append(w["n_mobile"].format(n=counts[MOBILE]))
        sep = "," if lang == "zh" else ", "
        first.append(Notice(Text(w["masked"].format(what=sep.join(parts)) if parts else w["masked_none"])))
    else:
        lines = [Text(w["unmasked_1"])]
        logged = [r for r in records if r.kind == kinds.EXPORT_UNMASKED]
        if logged:
            lines.append(Text(w["unmasked_logged"].format(seq=logged[-1].seq)))
        lines.append(Text(w["unmasked_2"]))
        first.append(Alert(w["unmasked"], lines))

    sections = [Section("", first)]
    sections.append(_incident_section(material, lang, clock))
    sections.append(_report_section(material, lang, clock))
    sections.append(_timeline_section(material, lang, clock))
    sections.append(_decisions_section(material, lang, clock))
    sections.append(_calls_section(material, lang, clock))
    sections.append(_skipped_section(material, lang, clock))
    sections.append(_notdone_section(material, lang))
    sections.append(_corrections_section(material, lang, clock))
    sections.append(_critical_section(material, lang))
    if state.conflicts:
        rows = [Row([Text(f"#{c.second_seq}"), _step_label(material, c.step_id, lang), _t(c.message)])
                for c in state.conflicts]
        sections.append(Section(w["s_conflicts"], [Grid(
            [Column(w["c_seq"], no_wrap=True, justify="right"), Column(w["c_step"], ratio=1),
             Column(w["c_message"], ratio=1)], rows)]))
    sections.append(_verify_section(material, lang, now))
    return Document(title, subtitle, sections, lang)


def _incident_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    state, plan, inc, roles = material.state, material.plan, material.incident, material.roles
    not_recorded = Text(w["not_recorded"], style="italic")
    fields: list[tuple[str, Text]] = [
        (w["branch"], _t(inc["branch"]) if inc.get("branch") else not_recorded),
        (w["id"], Text(str(inc.get("id")))),
        (w["plan"], _t(plan.title.get(lang)) + Text(f"  ({clean(inc.get('plan_id'))})", style="dim")),
        (w["source"], _t(plan.source) if plan.source else not_recorded),
        (w["nature_kind"], Text(w["drill"] if state.drill else w["real"], style="bold")),
        (w["level"], _level_history(material, lang, clock)),
        (w["place_opened"], _t(inc["place"]) if inc.get("place") else not_recorded),
    ]
    if state.opened_at is not None:
        opened = Text(f"{clock.full(state.opened_at)} ({clock.zone(state.opened_at)})")
        if state.opened_by is not None:
            opened.append(f"  {w['by']} ")
            opened.append_text(_who(state.opened_by, roles, lang))
        fields.append((w["opened"], opened))
    if state.closed_at is not None:
        fields.append((w["closed"], Text(clock.full(state.closed_at))))
        fields.append((w["outcome"], _t(state.outcome)))
        if state.opened_at is not None:
            fields.append((w["duration"], Text(_duration((state.closed_at - state.opened_at).total_seconds()))))
    else:
        fields.append((w["closed"], Text(w["still_open"], style="bold")))
    fields.append((w["events"], Text(str(len(material.records)))))
    blocks: list[Any] = [Fields(fields)]

    # operators
    seen: dict[tuple[str, str, str, str], list[Record]] = {}
    for record in material.records:
        who = record.who
        seen.setdefault((who.name, who.role, who.user, who.origin), []).append(record)
    rows = []
    for (name, role_id, user, origin), done in seen.items():
        role = roles.get(role_id)
        rows.append(Row([_t(name), _t(role.name.get(lang) if role else role_id), _t(f"{user} @ {origin}"),
                         Text(str(len(done))), Text(clock.short(min(r.happened_at for r in done))),
                         Text(clock.short(max(r.happened_at for r in done)))]))
    blocks.append(Sub(w["operators"]))
    blocks.append(Grid([Column(w["c_name"]), Column(w["c_role"]), Column(w["c_account"], ratio=1),
                        Column(w["c_events"], justify="right", no_wrap=True), Column(w["c_first"], no_wrap=True),
                        Column(w["c_last"], no_wrap=True)], rows))

    # handovers
    rows = []
    for record in material.records:
        if record.kind != kinds.HANDOVER:
            continue
        p = record.payload
        role = roles.get(str(p.get("to_role", "")))
        to = _t(p.get("to_name", "")) + Text(" · ", style="dim") + _t(role.name.get(lang) if role else p.get("to_role", ""), "dim")
        phase = w["accepted"] if p.get("phase") == kinds.HANDOVER_ACCEPTED else w["offered"]
        rows.append(Row([Text(f"{record.seq}"), Text(clock.short(record.happened_at)), Text(clock.plus(record.happened_at)),
                         Text(phase), _who(record.who, roles, lang), to],
                        "strike dim" if state.is_void(record.seq) else None))
    blocks.append(Sub(w["handovers"]))
    blocks.append(Grid([Column(w["c_seq"], no_wrap=True, justify="right"), Column(w["c_time"], no_wrap=True),
                        Column(w["c_plus"], no_wrap=True), Column(w["c_phase"]), Column(w["c_who"], ratio=1, min_width=12),
                        Column(w["c_to"], ratio=1, min_width=12)], rows, empty=w["no_handovers"]))
    return Section(w["s_incident"], blocks)


def _level_history(material: Material, lang: Lang, clock: _Clock) -> Text:
    """The level now, then every level it had with when, why and who: one line each."""
    w = L[lang]
    state = material.state
    text = _level(material, state.level, lang)
    text.stylize("bold")
    for record, level in state.level_history:
        text.append("\n")
        text.append(f"{clock.short(record.happened_at)} {clock.plus(record.happened_at)}  ", style="dim")
        text.append_text(_level(material, level, lang))
        text.append(" — ")
        if record.kind == kinds.OPENED:
            text.append(w["at_opening"], style="italic")
        else:
            text.append(f"{w['c_reason']}: ")
            text.append(clean(record.payload.get("reason", "")))
        text.append(" — ", style="dim")
        text.append_text(_who(record.who, material.roles, lang))
    return text


def _level(material: Material, level_id: str, lang: Lang) -> Text:
    level = material.levels.get(level_id)
    return _t(level.name.get(lang) if level else level_id)


def _report_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    state, inc = material.state, material.incident
    rows: list[tuple[str, Text]] = []
    for name in kinds.REPORT_FIELDS:
        found = state.report.get(name)
        if found is not None and str(found[0]).strip():
            value, record = found
            text = Text(clean(value, multiline=True))
            text.append("\n")
            text.append(w["set_by"].format(who=clean(record.who.name), time=clock.short(record.happened_at)), style="dim")
        else:
            text = Text(w["not_recorded"], style="italic")
            hint = None
            if name == "place" and inc.get("place"):
                hint = w["place_hint"].format(place=clean(inc["place"]))
            elif name == "time" and state.opened_at is not None:
                hint = w["opened_hint"].format(time=clock.full(state.opened_at))
            if hint:
                text.append(" — ")
                text.append(hint, style="dim")
        rows.append((field_name(name, lang), text))
    return Section(w["s_report"], [Fields(rows)])


def _timeline_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    state, roles = material.state, material.roles
    retracted_by = {seq: r.seq for seq, r in state.retracted.items()}
    amended_by: dict[int, list[int]] = {seq: [a.seq for a in found] for seq, found in state.amendments.items()}
    rows = []
    for record in material.records:
        when = Text(clock.short(record.happened_at))
        if abs((record.recorded_at - record.happened_at).total_seconds()) >= 1:
            when.append(f"\n{w['rec']} {clock.short(record.recorded_at)}", style="dim")
        what = describe(record, material.plan, material.contacts, lang)
        void = record.seq in retracted_by
        if void:
            what.append(" " + w["retracted_by"].format(seq=retracted_by[record.seq]), style="bold")
        for seq in amended_by.get(record.seq, ()):
            what.append(" " + w["amended_by"].format(seq=seq), style="bold")
        rows.append(Row([Text(str(record.seq)), when, Text(clock.plus(record.happened_at)),
                         _who(record.who, roles, lang), what], "strike dim" if void else None))
    columns = [Column(w["c_seq"], no_wrap=True, justify="right"), Column(w["c_time"], no_wrap=True),
               Column(w["c_plus"], no_wrap=True), Column(w["c_who"], max_width=24, min_width=12), Column(w["c_what"], ratio=1)]
    note = Text(w["times_in"].format(zone=clock.zone(material.state.opened_at)), style="dim")
    return Section(w["s_timeline"], [Para(note), Grid(columns, rows)])


def _decisions_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    state, plan = material.state, material.plan
    root = Node(_t(plan.title.get(lang), "bold"))
    answered = {step_id: record for step_id, _, record in state.decisions}
    for step in plan.steps:
        if not step.is_decision:
            continue
        st = state.steps[step.id]
        if step.id not in answered and step.id not in state.path:
            continue
        node = Node(_step_label(material, step.id, lang))
        if st.choice is not None:
            record = answered.get(step.id)
            choice = step.choices[st.choice - 1]
            label = Text(f"{st.choice}) ", style="bold") + _t(choice.label.get(lang))
            if record is not None:
                label.append(f"  {clock.short(record.happened_at)} {clock.plus(record.happened_at)}  ", style="dim")
                label.append_text(_who(record.who, material.roles, lang))
            target = choice.goto or plan.next_of(step.id)
            goes = Text(w["end"]) if target == END else _step_label(material, target, lang)
            node.children.append(Node(label, [Node(Text("→ ") + goes)]))
        elif st.status == "skipped":
            node.children.append(Node(Text(L[lang]["crit_skipped"]) + Text(" — ") + _t(st.reason)))
        else:
            node.children.append(Node(Text(w["unanswered"], style="italic")))
        root.children.append(node)
    return Section(w["s_decisions"], [TreeBlock(root, empty=w["no_decisions"])])


def _calls_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    rows = []
    for record in material.records:
        if record.kind != kinds.CALL_MADE:
            continue
        p = record.payload
        contact = material.contacts.get(str(p.get("contact")))
        name = contact.name.get(lang) if contact else p.get("contact", "")
        rows.append(Row([Text(str(record.seq)), Text(clock.short(record.happened_at)), Text(clock.plus(record.happened_at)),
                         _t(name), _t(p.get("number", "")), _t(p.get("outcome", "")), _who(record.who, material.roles, lang)],
                        "strike dim" if material.state.is_void(record.seq) else None))
    columns = [Column(w["c_seq"], no_wrap=True, justify="right"), Column(w["c_time"], no_wrap=True),
               Column(w["c_plus"], no_wrap=True), Column(w["c_contact"]), Column(w["c_number"], no_wrap=True),
               Column(w["c_outcome"], ratio=1), Column(w["c_who"], max_width=24, min_width=12)]
    return Section(w["s_calls"], [Grid(columns, rows, empty=w["no_calls"])])


def _skipped_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    rows = []
    for step in material.plan.steps:
        st = material.state.steps[step.id]
        if st.status != "skipped":
            continue
        at = st.at
        rows.append(Row([_step_label(material, step.id, lang), Text(clock.short(at) if at else ""),
                         Text(clock.plus(at) if at else ""), _t(st.reason),
                         _who(st.by, material.roles, lang) if st.by else Text("")]))
    columns = [Column(w["c_step"], ratio=1), Column(w["c_time"], no_wrap=True), Column(w["c_plus"], no_wrap=True),
               Column(w["c_reason"], ratio=1), Column(w["c_who"], max_width=24, min_width=12)]
    return Section(w["s_skipped"], [Grid(columns, rows, empty=w["no_skipped"])])


def _notdone_section(material: Material, lang: Lang) -> Section:
    w = L[lang]
    state = material.state
    rows = []
    for step in material.plan.steps:
        st = state.steps[step.id]
        if st.status == "pending":
            status = w["not_done"] if step.id in state.path else w["not_reached"]
        elif st.status == "inactive":
            status = w["not_taken"]
        else:
            continue
        role = material.roles.get(step.who or "")
        rows.append(Row([_step_label(material, step.id, lang),
                         _t(role.name.get(lang) if role else (step.who or "")), Text(status)],
                        "dim" if st.status == "inactive" else None))
    columns = [Column(w["c_step"], ratio=2), Column(w["c_role"]), Column(w["c_status"], ratio=1)]
    return Section(w["s_notdone"], [Grid(columns, rows, empty=w["no_notdone"])])


def _corrections_section(material: Material, lang: Lang, clock: _Clock) -> Section:
    w = L[lang]
    by_seq = {r.seq: r for r in material.records}
    rows = []
    for record in material.records:
        if record.kind not in (kinds.RETRACTED, kinds.AMENDED):
            continue
        target = by_seq.get(record.payload.get("seq"))  # type: ignore[arg-type]
        if target is not None:
            rows.append(Row([Text(w["original"], style="bold"), Text(str(target.seq)),
                             Text(clock.short(target.happened_at)), _who(target.who, material.roles, lang),
                             describe(target, material.plan, material.contacts, lang)]))
        what = describe(record, material.plan, material.contacts, lang)
        void = material.state.is_void(record.seq)
        if void:
            what.append(" " + w["retracted_by"].format(seq=material.state.retracted[record.seq].seq), style="bold")
        rows.append(Row([Text("↳ " + w["correction"]), Text(str(record.seq)), Text(clock.short(record.happened_at)),
                         _who(record.who, material.roles, lang), what], "strike dim" if void else None))
    columns = [Column("", no_wrap=True), Column(w["c_seq"], no_wrap=True, justify="right"),
               Column(w["c_time"], no_wrap=True), Column(w["c_who"], max_width=24, min_width=12), Column(w["c_what"], ratio=1)]
    return Section(w["s_corrections"], [Grid(columns, rows, empty=w["no_corrections"])])


def _critical_section(material: Material, lang: Lang) -> Section:
    """Each critical step: how long after the opening it was done, against its target.

    The target is the step's ``target`` (counted from the opening); a step without one
    but with a ``remind_after`` timer is measured against the timer (counted, as the
    fold counts it, from when the step came onto the path), and says so."""
    w = L[lang]
    state = material.state
    rows = []
    for step in material.plan.steps:
        if not step.critical:
            continue
        st = state.steps[step.id]
        timer = state.timers.get(step.id)
        target = Text(step.target.text if step.target else "—")
        if step.target is None and step.remind_after is not None:
            target = Text(w["timer_target"].format(after=step.remind_after.text))
        took = Text("")
        if st.status == "done" and st.at is not None and state.opened_at is not None:
            seconds = (st.at - state.opened_at).total_seconds()
            took = Text(elapsed(state.opened_at, st.at))
            if step.target is not None and not step.target.workdays:
                late = seconds - step.target.seconds
            elif step.target is None and timer is not None:
                late = (st.at - timer.due_at).total_seconds()
            else:
                late = None
            if late is None:
                result = Text(w["no_target"], style="dim")
            elif late <= 0:
                result = Text(w["within"], style="green")
            else:
                result = Text(w["over"].format(by=_duration(late)), style="bold red")
        elif st.status == "skipped":
            result = Text(w["crit_skipped"], style="bold red")
        elif st.status == "inactive":
            result = Text(w["not_taken"], style="dim")
        else:
            result = Text(w["crit_not_done"], style="bold red")
        rows.append(Row([_step_label(material, step.id, lang), target, took, result]))
    columns = [Column(w["c_step"], ratio=2), Column(w["c_target"], no_wrap=True), Column(w["c_took"], no_wrap=True),
               Column(w["c_result"], ratio=1)]
    return Section(w["s_critical"], [Grid(columns, rows, empty=w["no_critical"])])


def _verify_section(material: Material, lang: Lang, now: datetime) -> Section:
    w = L[lang]
    stored = material.stored
    check = stored.check
    if check.ok:
        chain = Text(w["chain_ok"].format(n=check.events), style="bold green")
    else:
        p = check.problem
        where = w["incident_row"] if p is None or p.seq is None else w["event_n"].format(n=p.seq)
        chain = Text(w["chain_broken"].format(where=where, what=PROBLEM_WORDS[lang].get(p.what, p.what) if p else "?",
                                              detail=clean(p.detail) if p else ""), style="bold red")
    integrity = (Text(w["ok"]) if stored.integrity_ok
                 else Text(f"{w['failed']}: " + clean("; ".join(stored.integrity_messages[:3])), style="bold red"))
    fields = [
        (w["chain"], chain),
        (w["events"], Text(str(check.events))),
        (w["genesis"], _t(stored.incident.get("genesis_hash", ""))),
        (w["final_hash"], Text(check.final_hash or "—", style="bold")),
        (w["integrity_check"], integrity),
        (w["schema"], Text(str(stored.schema_version))),
        (w["masking"], Text(w["mask_on"]) if material.masked else Text(w["mask_off"], style="bold red")),
        (w["exported"], Text(f"{_Clock.full(now)} ({_Clock.zone(now)})")),
    ]
    return Section(w["s_verify"], [Fields(fields), Para(Text(w["how"].format(id=stored.incident.get("id")), style="dim"))])
