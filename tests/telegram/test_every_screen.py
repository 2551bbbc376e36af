"""Every screen of every flow in every locale: in that locale's own words, and within
Telegram's limits once rendered (text length, 64-byte callback data, balanced HTML)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.telegram.render import TEXT_LIMIT, render, utf16_len
from dialogs.core import Reply
from dialogs.language_guess import NEVER_SWITCH_FROM
from tests.chat import Chat
from tests.dialogs.test_commands import ADMINS, PATHS, settings, walker  # noqa: F401 - a fixture
from tests.telegram.test_render import visible


async def screens(app: App, locale: str, who: str) -> dict[tuple[str, str], Reply]:
    """The prompt of every step reachable in `locale`, reached by presses and text."""
    shown = {}
    # Each walk to an admin screen is a new admin: a new person, who picks the language.
    first = app.catalogs.locales.index(locale) * 4 + (who == "reader") * 2
    admins = iter(ADMINS[first : first + 2])
    for position, path in PATHS.items():
        if position == ("switch_language", "offer") and locale in NEVER_SWITCH_FROM:
            continue
        name = f"{who}-{locale}-{'-'.join(position)}"
        admin = next(admins) if position[0] == "admin" else ADMINS[0]
        chat = walker(Chat(app.dialogs, name=name, hint=locale), position, admin)
        await chat.send("/start")
        for step in path:
            if step.startswith("lang:"):
                await chat.choose(f"lang:{locale}")
            elif step.startswith("say:") and position[0] != "switch_language":
                await chat.send(step.removeprefix("say:"))
            elif step.startswith("say:"):
                other = (
                    "Ich möchte gern mehr über das Projekt wissen"
                    if locale == "en"
                    else ("Hello, I would like to know more about the project")
                )
                await chat.send(other)
            else:
                await chat.choose(step)
        assert await chat.position() == position
        shown[position] = chat.prompt
    return shown


async def test_every_screen_in_every_locale_is_its_own_and_fits_telegram(app: App) -> None:
    english = await screens(app, "en", "reference")
    problems = []
    for locale in app.catalogs.locales:
        for position, reply in (await screens(app, locale, "reader")).items():
            for message in render(reply):
                if utf16_len(visible(message.html)) > TEXT_LIMIT:
                    problems.append(f"{locale} {position}: too long")
            same = reply.text == english[position].text
            if locale != "en" and same and position != ("switch_language", "offer"):
                problems.append(f"{locale} {position}: same text as English")
    assert problems == []
    assert len(english) == len(PATHS)


@pytest.mark.parametrize("hint", ["ar", "uk", None])
async def test_the_picker_lists_every_locale_in_two_columns(app: App, hint: str | None) -> None:
    chat = Chat(app.dialogs, hint=hint)
    await chat.send("/start")

    [message] = render(chat.prompt)

    rows = message.keyboard["inline_keyboard"]
    assert all(len(row) <= 2 for row in rows)
    assert sum(len(row) for row in rows) == len(app.catalogs.locales)
