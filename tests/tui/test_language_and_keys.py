"""Language switched live (footer, help, plan text follow); keys remapped by binding id;
bad settings named with their line while the app starts on defaults; the operator asked once per shift."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Static

from dutydesk import paths
from dutydesk.settings import remembered_operator
from dutydesk.tui.messages import StartIncident
from dutydesk.tui.screens.form import FormScreen
from dutydesk.tui.screens.help import HelpScreen
from dutydesk.tui.screens.home import HomeScreen

from .helpers import events, incident_screen, make_app, past_clock, ready, screen_text, type_text, until, widget_text


def footer_labels(screen) -> dict[str, str]:  # noqa: ANN001
    return {key: active.binding.description for key, active in screen.active_bindings.items() if active.binding.show}


async def test_language_switches_live(tmp_path: Path) -> None:
    app = make_app(tmp_path / "journal.db", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.post_message(StartIncident("robbery-hostage-armed"))
        screen = await incident_screen(pilot)
        assert footer_labels(screen)["d"] == "Done"
        assert "Stay calm" in widget_text(screen.query_one("#step-card", Static))
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh"
        assert footer_labels(screen)["d"] == "完成"
        assert "沉着冷静" in widget_text(screen.query_one("#step-card", Static))
        shown = screen_text(app)
        assert "营业期间歹徒持枪劫持人质抢劫" in shown and "完成" in shown
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "按键说明" in screen_text(app)
        await pilot.press("escape", "l")
        await pilot.pause()
        assert app.lang == "en" and footer_labels(screen)["d"] == "Done"
        # the home screen underneath followed too
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and "Open incidents" in screen_text(app)


async def test_keys_remapped_by_binding_id(tmp_path: Path) -> None:
    settings_file = paths.settings_file()
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text('branch = "城东支行"\n[keys]\ndone = "k"\nnote = "m,n"\n', encoding="utf-8")
    db = tmp_path / "journal.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.post_message(StartIncident("robbery-hostage-armed"))
        screen = await incident_screen(pilot)
        assert footer_labels(screen).get("k") == "Done" and "d" not in footer_labels(screen)
        await pilot.press("d")  # no longer bound
        await pilot.press("k")
        await pilot.press("m")
        await type_text(pilot, "via m")
        await pilot.press("enter")
        await pilot.pause()
        assert [e["kind"] for e in events(db)] == ["opened", "step_done", "note"]
        assert json.loads(events(db)[0]["payload"])["branch"] == "城东支行"


async def test_bad_settings_are_named_and_defaults_apply(tmp_path: Path) -> None:
    settings_file = paths.settings_file()
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text('branch = "X"\nlang = "fr"\n\n[keys]\nbogus = "z"\ndone = "not a key"\n',
                             encoding="utf-8")
    app = make_app(tmp_path / "journal.db", lang=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        text = widget_text(app.screen.query_one("#home-alerts", Static))
        assert "settings.toml:2" in text and "fr" in text
        assert "settings.toml:5" in text and "bogus" in text
        assert "settings.toml:6" in text
        assert app.lang == "en" and app.settings.branch == "X"  # the rest of the file still applies
        app.post_message(StartIncident("fire-premises"))
        screen = await incident_screen(pilot)
        assert footer_labels(screen)["d"] == "Done"  # default key kept


async def test_operator_asked_once_per_shift(tmp_path: Path) -> None:
    clock = past_clock()
    app = make_app(tmp_path / "journal.db", clock=clock, operator=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, FormScreen) and isinstance(app.focused, Input))
        field = app.focused
        assert field.value  # the OS user by default
        field.value = ""
        await type_text(pilot, "值班员 张三")
        await pilot.press("enter")
        await pilot.press("enter")  # role: the highlighted default (supervisor)
        await until(pilot, lambda: app.actor is not None)
        assert app.actor.name == "值班员 张三" and app.actor.role == "supervisor"
    assert remembered_operator(clock.now() + timedelta(hours=11)) == ("值班员 张三", "supervisor")
    assert remembered_operator(clock.now() + timedelta(hours=13)) is None

    again = make_app(tmp_path / "journal.db", clock=clock, operator=None)
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert not isinstance(again.screen, FormScreen) and again.actor.name == "值班员 张三"


async def test_command_palette_offers_the_screens_keys(tmp_path: Path) -> None:
    db = tmp_path / "journal.db"
    app = make_app(db, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.post_message(StartIncident("power-cut"))
        await incident_screen(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await type_text(pilot, "备注")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "prompt-input")
        await type_text(pilot, "from the palette")
        await pilot.press("enter")
        await pilot.pause()
    assert [e["kind"] for e in events(db)][-1] == "note"
