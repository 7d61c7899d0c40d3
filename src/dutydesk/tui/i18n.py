"""The app's own words in Chinese and English, and the labels of its keys.

Plan text is bilingual in the plan files; these are the words around it. Every
key binding carries an ``id``: ``KEYS[id]`` holds its footer label and its help
line in both languages, and ``relabel`` rewrites the bindings of a screen (or the
app) when the language changes, so the footer, the ``?`` help screen and the
command palette always speak the language on screen.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from dutydesk.plans import Lang

# key -> (zh, en); may hold {placeholders} for str.format
S: dict[str, tuple[str, str]] = {
    "app.title": ("值班台", "duty desk"),
    "loading": ("正在打开预案和日志…", "Opening the plans and the journal…"),
    "journal.failed": ("无法打开日志", "Cannot open the journal"),
    "journal.unreadable": ("无法读取日志(其他值班台的记录暂不可见)", "Cannot read the journal (other desks' entries not shown)"),
    "home.open": ("▶ 进行中的事件 — 回车继续处置", "▶ Open incidents — Enter resumes"),
    "home.none_open": ("  (没有进行中的事件)", "  (no open incident)"),
    "home.start": ("★ 开始处置 — n 搜索预案 · 1-8 按类别 · t 演练", "★ Start an incident — n search · 1-8 by category · t drill"),
    "home.past": ("历史事件 — p 回放 · v 评估", "Past incidents — p replay · v review"),
    "home.past_drills": ("历史演练 — p 回放 · v 评估", "Past drills — p replay · v review"),
    "home.none_past": ("  (无)", "  (none)"),
    "home.operator": ("值班人 {name}({role})", "operator {name} ({role})"),
    "home.no_operator": ("值班人未设置(o)", "operator not set (o)"),
    "home.settings_problem": ("设置有误,已使用默认值: {problem}", "Bad setting, using the default: {problem}"),
    "home.plans_problem": ("{n} 个预案文件有问题;运行 dutydesk plans validate 查看", "{n} problem(s) in plan files; run 'dutydesk plans validate'"),
    "picker.title": ("开始处置:选择预案", "Start an incident: pick the plan"),
    "picker.title_drill": ("开始演练:选择预案", "Start a drill: pick the plan"),
    "picker.search": ("输入关键词筛选(中文、英文、编号)", "Type to filter (Chinese, English, id, keywords)"),
    "picker.all": ("全部", "All"),
    "picker.none": ("没有匹配的预案", "No plan matches"),
    "picker.count": ("{n} 个预案", "{n} plan(s)"),
    "drill.banner": ("演练 DRILL — 非真实事件", "DRILL 演练 — not a real incident"),
    "drill.mark": ("演练", "DRILL"),
    "closed.banner": ("已结束 {time} — {outcome}", "CLOSED {time} — {outcome}"),
    "inc.level": ("{level}级", "Level {level}"),
    "inc.operator": ("值班人 {name}", "operator {name}"),
    "inc.in_charge": ("指挥 {name}", "in charge {name}"),
    "inc.opened": ("开始 {time}", "opened {time}"),
    "inc.next_at": ("⏱ 下一操作时间 {time}", "⏱ next action at {time}"),
    "inc.steps": ("步骤", "Steps"),
    "inc.timeline": ("记录", "Timeline"),
    "inc.report": ("报告要素", "Report"),
    "inc.report_count": ("报告要素 {n}/{total}(f 填写)", "Report {n}/{total} (f to fill in)"),
    "inc.calls": ("☎ 需拨打", "☎ Calls to make"),
    "inc.timers": ("⏰ 计时", "⏰ Timers"),
    "inc.no_timers": ("(无运行中的计时)", "(no timer running)"),
    "inc.left": ("剩余 {left}", "{left} left"),
    "inc.overdue": ("已到时 {over}", "DUE {over} ago"),
    "inc.complete": ("✓ 所有步骤已处理 — e 结束事件", "✓ Every step handled — e closes the incident"),
    "inc.step_of": ("第 {n}/{total} 步", "Step {n}/{total}"),
    "inc.question": ("请选择(按数字键):", "Answer with a number key:"),
    "inc.who": ("负责:{who}", "Who: {who}"),
    "inc.critical": ("★ 关键步骤", "★ critical"),
    "inc.target": ("目标 ≤{target}", "target ≤{target}"),
    "inc.timer": ("⏰ 提醒 {after}", "⏰ remind after {after}"),
    "inc.status.done": ("✓ 已完成 {time} {who}", "✓ done {time} {who}"),
    "inc.status.skipped": ("✗ 已跳过 {time} {who}: {reason}", "✗ skipped {time} {who}: {reason}"),
    "inc.status.inactive": ("· 不在当前路径上", "· not on the current path"),
    "inc.status.answered": ("✓ 已回答 {choice} {time} {who}", "✓ answered {choice} {time} {who}"),
    "inc.selected": ("(已选中,不是当前步骤;g 跳转,Esc 回到当前步骤)", "(selected, not the current step; Esc returns to the current one)"),
    "inc.number_unset": ("号码待设置", "number not set"),
    "inc.called": ("已拨", "called"),
    "col.step": ("步骤", "Step"),
    "col.who": ("负责", "Who"),
    "col.time": ("时间", "Time"),
    "col.elapsed": ("历时", "+Elapsed"),
    "col.actor": ("操作人", "By"),
    "col.what": ("内容", "What"),
    "col.field": ("要素", "Field"),
    "col.value": ("内容", "Value"),
    "not_logged": ("未记录", "NOT LOGGED"),
    "not_logged.alert": ("未记录: {message} — {hint}", "NOT LOGGED: {message} — {hint}"),
    "not_logged.keys": ("  [r 重试 · a 关闭提示]", "  [r retry · a dismiss]"),
    "refused": ("未记录: {message}", "Not logged: {message}"),
    "timer.due": ("到时:", "DUE:"),
    "timer.where": ("(第 {n} 步,{due} 到期)", "(step {n}, due {due})"),
    "timer.keys": ("  [a 确认]", "  [a acknowledge]"),
    "alert.more": ("…另有 {n} 条提示", "…{n} more alert(s)"),
    "logged": ("已记录 #{seq}", "Logged #{seq}"),
    "others": ("另一台值班台记录了 {n} 条", "{n} event(s) from another desk"),
    "who.console": ("本机", "console"),
    "ask.instruct": ("指示(在各值班台醒目显示,直至对方确认收到)", "Instruction (stands out on every desk until acknowledged)"),
    "ask.handover_title": ("移交指挥权(对方值班台接受后生效)", "Hand over command (it passes when their desk accepts)"),
    "ask.handover_name": ("接手人姓名", "Name of who takes over"),
    "ask.handover_role": ("接手人岗位", "Their role"),
    "alert.instruction": ("➜ 指示 #{seq} {who}:", "➜ INSTRUCTION #{seq} from {who}: "),
    "alert.instruction.keys": ("  [a 确认收到]", "  [a acknowledge]"),
    "alert.instruction.mine": ("➜ 您的指示 #{seq} 待其他值班台确认:", "➜ Your instruction #{seq}, not yet acknowledged: "),
    "alert.handover": ("⇄ 交接 #{seq}:{who} 将指挥权移交给 {to}({role})", "⇄ HANDOVER #{seq}: {who} offers command to {to} ({role})"),
    "alert.handover.keys": ("  [h 接手]", "  [h accept]"),
    "alert.handover.mine": ("⇄ 交接 #{seq}:已提出移交给 {to}({role}),等待对方接受", "⇄ HANDOVER #{seq} offered to {to} ({role}): waiting for acceptance"),
    "alert.conflict": ("⚠ 冲突 第 {n} 步:#{first}({a})与 #{second}({b})— 以先记录的为准;撤销其一(x)", "⚠ CONFLICT step {n}: #{first} ({a}) and #{second} ({b}) — the first stands; retract one (x)"),
    "status.done": ("完成", "done"),
    "status.skipped": ("跳过", "skipped"),
    "status.answered": ("回答 {choice}「{label}」", "answered {choice} \"{label}\""),
    "refused.settled": ("⚠ 未记录:第 {n} 步已由 {who} 于 {time} {status}(#{seq})。", "⚠ NOT LOGGED: step {n} was already {status} by {who} at {time} (#{seq})."),
    "refused.your_answer": ("您的回答 {choice} 未记录;如需更改,先撤销 #{seq}(x)", "Your answer {choice} was not logged; to change it, retract #{seq} first (x)"),
    "refused.acked": ("⚠ 未记录:#{target} 已由 {who} 确认(#{seq})", "⚠ NOT LOGGED: #{target} was already acknowledged by {who} (#{seq})"),
    "refused.keys": ("  [a 关闭提示]", "  [a dismiss]"),
    "notify.acked": ("{who} 已确认您的指示 #{seq}", "{who} acknowledged your instruction #{seq}"),
    "notify.handover": ("{who} 已接手指挥", "{who} took over command"),
    "form.ok": ("回车确认 · Esc 取消", "Enter to confirm · Esc to cancel"),
    "form.required": ("请填写{label}", "{label} is required"),
    "ask.skip": ("跳过第 {n} 步的原因", "Reason for skipping step {n}"),
    "ask.note": ("备注", "Note"),
    "ask.call_title": ("记录通话", "Log a call"),
    "ask.call_contact": ("拨打对象", "Who was called"),
    "ask.call_number": ("号码", "Number dialled"),
    "ask.call_outcome": ("结果(接通、未接、对方答复…)", "Outcome (reached, no answer, what they said…)"),
    "ask.time_next": ("下一操作的实际时间(如 10:02、-5m;留空取消)", "When the next action really happened (e.g. 10:02, -5m; empty clears)"),
    "ask.time_amend": ("#{seq} 的实际时间(如 10:02)", "When #{seq} really happened (e.g. 10:02)"),
    "ask.time_reason": ("更正原因", "Reason for the correction"),
    "ask.level": ("级别改为 {level} 的原因", "Reason for changing the level to {level}"),
    "ask.retract": ("撤销 #{seq} 的原因", "Reason for retracting #{seq}"),
    "ask.close": ("结束事件:处置结果", "Close the incident: the outcome"),
    "ask.goto": ("跳转到第几步(1-{total})", "Go to step number (1-{total})"),
    "ask.field_value": ("{field}", "{field}"),
    "ask.operator_name": ("值班人姓名", "Operator's name"),
    "ask.operator_role": ("岗位", "Role"),
    "ask.operator_title": ("本班值班人(12 小时内不再询问)", "Who is on duty (asked again after 12 hours)"),
    "err.time": ("无法识别的时间: {text}", "Cannot read the time: {text}"),
    "err.future": ("时间晚于现在: {time}", "That time is in the future: {time}"),
    "err.no_step": ("没有第 {n} 步", "There is no step {n}"),
    "err.not_question": ("第 {n} 步不是问题", "Step {n} is not a question"),
    "err.no_choice": ("第 {n} 步只有答案 1-{count}", "Step {n} has answers 1 to {count}"),
    "err.is_question": ("第 {n} 步是问题,请按数字键回答", "Step {n} is a question: answer with a number key"),
    "err.settled": ("第 {n} 步已处理", "Step {n} is already handled"),
    "err.level_max": ("已是最高级别 I", "Already at the highest level (I)"),
    "err.level_min": ("已是最低级别 III", "Already at the lowest level (III)"),
    "err.pick_event": ("先在记录中选中一条(方向键),再按 {key}", "Select an entry in the timeline (arrow keys), then press {key}"),
    "err.opened_event": ("“开始”记录不能撤销或更正", "The 'opened' entry cannot be retracted or amended"),
    "err.already_retracted": ("#{seq} 已撤销", "#{seq} is already retracted"),
    "err.closed": ("事件已结束,不能再记录", "The incident is closed; nothing more can be logged"),
    "err.no_journal": ("日志尚未打开", "The journal is not open yet"),
    "err.no_operator": ("请先设置值班人(o)", "Set the operator first (o)"),
    "err.unknown_incident": ("找不到事件: {message}", "No such incident: {message}"),
    "err.plan_snapshot": ("无法读取该事件的预案快照: {message}", "Cannot read this incident's plan snapshot: {message}"),
    "help.title": ("按键说明", "Keys"),
    "help.footer": ("Esc 或 ? 关闭 · 设置文件中的 [keys] 可改键(按编号)", "Esc or ? closes · remap keys in settings [keys] by id"),
    "help.id": ("编号", "id"),
    "report.title": ("报告要素 — 回车填写,Esc 返回", "Report fields — Enter to fill in, Esc to go back"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "past.closed": ("结束", "closed"),
    "past.open": ("进行中", "open"),
    # -- drills: scenarios and injects (issue 6)
    "inject.due": ("演练注入", "INJECT"),
    "inject.label": ("演练注入", "drill injects"),
    "scenario.title": ("为本次演练选择情景(定时注入)", "Scenario for this drill (timed injects)"),
    "scenario.none": ("不用情景(无注入)", "No scenario (no injects)"),
    "scenario.injects": ("{n} 条注入,至 {last}", "{n} injects, to {last}"),
    "scenario.own": ("自编情景文件放在 {dir}", "Put your own scenario files in {dir}"),
    "scenario.problems": ("{n} 个情景文件有问题;运行 dutydesk scenarios validate 查看", "{n} problem(s) in scenario files; run 'dutydesk scenarios validate'"),
    "scenario.bad": ("情景不可用,演练未开始: {problem}", "Scenario not usable; the drill was not started: {problem}"),
    "scenario.not_attached": ("演练已开始,但情景未记录: {message}", "The drill started but its scenario was NOT logged: {message}"),
    # -- replay (issue 6)
    "replay.banner": ("回放 REPLAY · 只读,不写入任何记录", "REPLAY 回放 · READ-ONLY, nothing written"),
    "replay.playing": ("▶ 播放", "▶ playing"),
    "replay.paused": ("⏸ 暂停", "⏸ paused"),
    "replay.end": ("■ 结尾", "■ end"),
    "replay.max": ("最快", "max"),
    "replay.event": ("第 {k}/{n} 条", "event {k}/{n}"),
    "replay.readonly": ("回放是只读的:这里不能记录或修改任何内容", "Replay is read-only: nothing can be logged or changed here"),
    "replay.ask_jump": ("跳转到:事件编号(#57)、时间(10:03)或历时(+5:00)", "Jump to: an event (#57), a time (10:03) or elapsed (+5:00)"),
    "replay.bad_jump": ("无法识别: {text}", "Cannot read: {text}"),
    "replay.failed": ("无法回放: {message}", "Cannot replay: {message}"),
    "replay.pick": ("先在列表中选中一个事件", "Select an incident in the list first"),
    # -- after-action review (issue 6)
    "review.title": ("事后评估", "After-action review"),
    "review.compare": ("最近 {n} 次演练对比", "the latest {n} drills side by side"),
    "review.chart": ("关键步骤用时  █ 用时  │ 目标", "Critical steps: time taken  █ time  │ target"),
    "review.only_drills": ("只有演练可以并排对比", "Only drills are compared side by side"),
    "review.no_critical": ("(本预案没有关键步骤)", "(this plan has no critical step)"),
}

# binding id -> (zh label, en label, zh help, en help)
KEYS: dict[str, tuple[str, str, str, str]] = {
    "help": ("帮助", "Help", "显示所有按键", "Show every key"),
    "lang": ("中/EN", "中/EN", "切换界面语言(中文/英文),预案文字随之切换", "Switch the language (Chinese/English); plan text follows"),
    "quit": ("退出", "Quit", "退出程序(已记录的内容都已保存)", "Quit (everything logged is already saved)"),
    "palette": ("命令", "Commands", "命令面板:按名称查找任何操作", "Command palette: find any action by name"),
    "open": ("打开", "Open", "继续处置选中的事件,或以选中的预案开始处置", "Resume the selected incident, or start the selected plan"),
    "new": ("新事件", "New", "搜索预案并开始处置", "Search the plans and start an incident"),
    "drill": ("演练", "Drill", "开始一次演练(与真实事件分开记录)", "Start a drill (kept apart from real incidents)"),
    "category": ("类别", "category", "按类别打开预案列表(1 安全保卫 … 8 合规)", "Open the plan list on one category (1 Security … 8 Compliance)"),
    "operator": ("值班人", "Operator", "更换值班人姓名和岗位", "Change the operator's name and role"),
    "start": ("开始", "Start", "以选中的预案开始处置", "Start the selected plan"),
    "back": ("返回", "Back", "返回上一屏", "Go back"),
    "next_category": ("下一类", "Next category", "下一个类别", "Next category"),
    "prev_category": ("上一类", "Prev category", "上一个类别", "Previous category"),
    "done": ("完成", "Done", "把选中的步骤(默认当前步骤)记为完成", "Mark the selected step (the current one by default) done"),
    "skip": ("跳过", "Skip", "跳过选中的步骤(需填写原因)", "Skip the selected step (asks a reason)"),
    "answer": ("回答", "answer", "用数字键回答当前问题", "Answer the current question with its number"),
    "note": ("备注", "Note", "记录一条备注", "Log a note"),
    "call": ("通话", "Call", "记录一次通话及其结果", "Log a call and its outcome"),
    "time": ("时间", "Time", "设置下一操作的实际时间(如 10:02);在记录中选中一条时更正其时间", "Set when the next action really happened (e.g. 10:02); with a timeline entry selected, correct its time"),
    "raise": ("升级", "Raise", "提高事件级别(III→II→I,需填写原因)", "Raise the level (III→II→I; asks why)"),
    "lower": ("降级", "Lower", "降低事件级别(I→II→III,需填写原因)", "Lower the level (I→II→III; asks why)"),
    "goto": ("跳转", "Go to", "按编号选中任意步骤", "Select any step by its number"),
    "export": ("导出", "Export", "把事件报告写成文件(客户信息脱敏;JSON 存档不脱敏)", "Write the incident report to a file (customer data masked; the JSON archive is not)"),
    "retract": ("撤销", "Retract", "撤销记录中选中的一条(需填写原因,原记录保留)", "Retract the selected timeline entry (asks why; both stay in the record)"),
    "report": ("报告", "Report", "填写报告要素(地点、时间、原因…)", "Fill in the report fields (place, time, cause…)"),
    "close": ("结束", "Close", "结束事件(需填写处置结果)", "Close the incident (asks the outcome)"),
    "ack": ("确认", "Ack", "确认最上面的提示(指示、到时提醒:记录在案;未记录的提示:关闭)", "Acknowledge the top alert (an instruction or a timer: logged; a refusal: dismissed)"),
    "retry": ("重试", "Retry", "重新记录未能记录的操作", "Log again the action that was NOT logged"),
    "instruct": ("指示", "Instruct", "发布指示:在所有值班台醒目显示,直至另一值班台确认收到(均记录在案)", "Post an instruction: it stands out on every desk until another desk acknowledges it (both logged)"),
    "handover": ("移交", "Hand over", "把指挥权移交给另一人(姓名、岗位);对方值班台接受后生效", "Offer command to another person (name, role); it passes when their desk accepts"),
    "accept_handover": ("接手", "Accept", "接受移交给您的指挥权(记录在案)", "Accept the command offered (logged)"),
    "home": ("首页", "Home", "返回首页(事件继续进行)", "Back to the home screen (the incident stays open)"),
    "switch_focus": ("切换", "Switch", "在步骤清单和记录之间切换", "Move between the checklist and the timeline"),
    "cancel": ("取消", "Cancel", "取消,不记录", "Cancel; nothing is logged"),
    "edit": ("填写", "Fill in", "填写选中的要素", "Fill in the selected field"),
    # -- replay and review (issue 6)
    "replay": ("回放", "Replay", "逐条回放选中的事件或演练(只读)", "Replay the selected incident or drill event by event (read-only)"),
    "review": ("评估", "Review", "事后评估:关键步骤用时、跳过、决策、计时", "After-action review: critical step times, skips, decisions, timers"),
    "compare": ("对比", "Compare", "并排比较同一预案最近的几次演练", "Compare the latest drills of this plan side by side"),
    "replay_play": ("播放", "Play", "开始或暂停回放", "Play or pause the replay"),
    "replay_next": ("下一条", "Next", "前进一条事件", "Step one event forward"),
    "replay_prev": ("上一条", "Prev", "后退一条事件", "Step one event back"),
    "replay_faster": ("加速", "Faster", "回放速度 1x→2x→5x→10x→最快", "Replay speed 1x→2x→5x→10x→max"),
    "replay_slower": ("减速", "Slower", "回放速度 最快→10x→5x→2x→1x", "Replay speed max→10x→5x→2x→1x"),
    "replay_jump": ("跳转", "Jump", "跳到某条事件(#57)、某个时间(10:03)或历时(+5:00)", "Jump to an event (#57), a time (10:03) or elapsed (+5:00)"),
}

# in the plans' category order (dutydesk.plans.CATEGORIES; a test keeps them equal)
CATEGORY_SHORT: dict[str, tuple[str, str]] = {
    "security": ("安全保卫", "Security"),
    "atm": ("自助设备", "ATM"),
    "cash-transport": ("押运", "Cash van"),
    "fire-disaster": ("消防灾害", "Fire"),
    "operations": ("运营系统", "Systems"),
    "service": ("网点服务", "Service"),
    "complaint": ("投诉", "Complaint"),
    "compliance": ("合规", "Compliance"),
}

REPORT_LABELS: dict[str, tuple[str, str]] = {
    "place": ("地点", "Place"),
    "time": ("时间", "Time"),
    "cause": ("原因", "Cause"),
    "nature": ("性质", "Nature"),
    "amount": ("涉及金额", "Amount"),
    "people": ("涉及人数", "People"),
    "harm": ("主要危害", "Harm"),
    "customer_reaction": ("客户反应", "Reaction"),
    "trend": ("事态发展", "Trend"),
    "measures": ("已采取措施", "Measures"),
}

# event kind -> (zh, en) verb shown in the timeline
KINDS: dict[str, tuple[str, str]] = {
    "opened": ("开始处置", "opened"),
    "step_done": ("完成", "done"),
    "step_skipped": ("跳过", "skipped"),
    "choice_made": ("回答", "answered"),
    "note": ("备注", "note"),
    "instruction": ("指示", "instruction"),
    "acknowledged": ("确认", "acknowledged"),
    "call_made": ("通话", "call"),
    "report_field": ("报告要素", "report"),
    "level_changed": ("级别", "level"),
    "handover": ("交接", "handover"),
    "retracted": ("撤销", "retracted"),
    "amended": ("更正", "amended"),
    "timer_fired": ("到时提醒", "timer due"),
    "inject": ("演练注入", "inject"),
    "closed": ("结束", "closed"),
    "export_unmasked": ("未脱敏导出", "unmasked export"),
}


def known_binding_ids() -> set[str]:
    """Every binding id of the app (what settings ``[keys]`` may remap), without importing the screens."""
    ids = set(KEYS)
    ids.update(f"answer_{n}" for n in range(1, 10))
    ids.update(f"category_{n}" for n in range(1, len(CATEGORY_SHORT) + 1))
    return ids - {"answer", "category"}


def tr(key: str, lang: Lang, **values: object) -> str:
    """The app's text ``key`` in ``lang``, with ``values`` filled in."""
    zh, en = S[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def binding_base(binding_id: str) -> str:
    """The KEYS entry of a binding id: ``answer_3`` and ``category_2`` share one label."""
    return binding_id if binding_id in KEYS else re.sub(r"_\d+$", "", binding_id)


def key_label(binding_id: str, lang: Lang) -> str:
    entry = KEYS.get(binding_base(binding_id))
    if entry is None:
        return binding_id
    return entry[0] if lang == "zh" else entry[1]


def key_help(binding_id: str, lang: Lang) -> str:
    entry = KEYS.get(binding_base(binding_id))
    if entry is None:
        return ""
    return entry[2] if lang == "zh" else entry[3]


def relabel(node: DOMNode, lang: Lang) -> None:
    """Rewrite the descriptions of ``node``'s bindings in ``lang`` (by binding id).

    The binding lists are shared with the class, so new lists replace them.
    """
    from textual.binding import Binding

    bindings = node._bindings.key_to_bindings
    for key, items in list(bindings.items()):
        fresh = []
        for binding in items:
            base = binding_base(binding.id or "")
            if base in KEYS:
                group = binding.group
                if group is not None:
                    group = Binding.Group(key_label(base, lang), compact=group.compact)
                binding = dataclasses.replace(binding, description=key_label(base, lang),
                                              tooltip=key_help(base, lang), group=group)
            fresh.append(binding)
        bindings[key] = fresh
