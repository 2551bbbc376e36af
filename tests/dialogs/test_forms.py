"""Forms through the core: every kind of field, re-asking with the reason, back, skip,
lists a page at a time and narrowed by typing, the summary with corrections, resuming a
week later, and /cancel."""

from __future__ import annotations

import pytest

from bot.app import App
from dialogs.forms import PAGE_SIZE
from tests.chat import Chat
from tests.fakes.clock import ManualClock
from tests.forms import CONFIRMED, engine_with_form

EMAIL_WRONG = (
    "This does not look like an e-mail address. Please write it like this: name@example.org"
)
PHONE_WRONG = (
    "This does not look like a phone number. Please write it with the area code, "
    "for example 0351 1234567."
)


@pytest.fixture
async def form_chat(app: App) -> Chat:
    CONFIRMED.clear()
    chat = Chat(engine_with_form(app))
    await chat.send("/start")
    await chat.choose("lang:de")
    await chat.choose("menu:form")
    return chat


async def fill_to_the_summary(chat: Chat) -> None:
    await chat.send("Olena")
    await chat.send("olena@example.org")
    await chat.choose("form:skip")
    await chat.choose("opt:0")
    await chat.choose("opt:1")
    await chat.choose("form:done")
    await chat.choose("opt:0")


async def test_a_wrong_answer_is_asked_again_with_the_reason_in_german(
    app: App, form_chat: Chat
) -> None:
    german = app.catalogs.translator("de")
    assert form_chat.text.startswith(
        german.gettext("Question {number} of {total}").format(number=1, total=6)
    )
    await form_chat.send("Olena")

    await form_chat.send("olena at example")

    assert german.gettext(EMAIL_WRONG) != EMAIL_WRONG
    assert form_chat.text.startswith(german.gettext(EMAIL_WRONG))
    assert form_chat.text.endswith("Your e-mail address?")
    await form_chat.send("Olena@Example.org")
    await form_chat.send("12")
    assert form_chat.text.startswith(german.gettext(PHONE_WRONG))
    await form_chat.send("0351 1234567")
    assert await form_chat.position() == ("test_form", "ask")
    assert "How shall we reach you?" in form_chat.text


async def test_the_summary_shows_every_answer_and_corrects_one(form_chat: Chat) -> None:
    await fill_to_the_summary(form_chat)

    assert await form_chat.position() == ("test_form", "summary")
    lines = form_chat.text.splitlines()
    assert "Name: Olena" in lines
    assert "Phone: —" in lines
    assert "Topics: School" in lines
    assert "Town: Bautzen" in lines
    await form_chat.choose("fix:topics")
    assert form_chat.labels[:3] == ["Work", "✓ School", "Housing"]
    await form_chat.choose("opt:0")
    await form_chat.choose("form:done")
    await form_chat.choose("fix:email")
    await form_chat.send("neu@example.org")

    assert await form_chat.position() == ("test_form", "summary")
    assert "E-mail: neu@example.org" in form_chat.text.splitlines()
    await form_chat.choose("form:confirm")
    assert CONFIRMED == [
        {
            "name": "Olena",
            "email": "neu@example.org",
            "phone": None,
            "contact_by": "email",
            "topics": ["school", "work"],
            "town": "bautzen",
        }
    ]
    assert await form_chat.position() == ("main_menu", "menu")


async def test_back_goes_one_question_back_and_keeps_nothing_twice(form_chat: Chat) -> None:
    await form_chat.send("Olena")
    await form_chat.send("olena@example.org")

    await form_chat.choose("form:back")
    assert form_chat.text.endswith("Your e-mail address?")
    await form_chat.send("other@example.org")
    await form_chat.send("+49 351 7654321")
    await form_chat.choose("opt:1")
    await form_chat.choose("opt:0")
    await form_chat.choose("form:done")
    await form_chat.choose("form:skip")

    await form_chat.choose("form:confirm")
    [values] = CONFIRMED
    assert (values["email"], values["phone"], values["town"]) == (
        "other@example.org",
        "+493517654321",
        None,
    )


async def test_several_answers_are_ticked_and_untick_and_one_is_needed(form_chat: Chat) -> None:
    for line in ("Olena", "olena@example.org", "0351 1234567"):
        await form_chat.send(line)
    await form_chat.choose("opt:1")

    await form_chat.choose("form:done")
    assert form_chat.text.startswith("Bitte wählen Sie mindestens eine Antwort.")
    await form_chat.choose("opt:0")
    await form_chat.choose("opt:2")
    await form_chat.choose("opt:0")
    assert form_chat.labels[:3] == ["Work", "School", "✓ Housing"]
    await form_chat.choose("form:done")
    await form_chat.choose("opt:3")
    await form_chat.choose("form:confirm")

    assert CONFIRMED[0]["topics"] == ["housing"]


async def test_a_long_list_comes_a_page_at_a_time_and_typing_narrows_it(form_chat: Chat) -> None:
    for line in ("Olena", "olena@example.org", "0351 1234567"):
        await form_chat.send(line)
    await form_chat.choose("opt:0")
    await form_chat.choose("opt:0")
    await form_chat.choose("form:done")

    towns = [c for c in form_chat.choice_ids if c.startswith("opt:")]
    assert len(towns) == PAGE_SIZE
    await form_chat.choose("page:1")
    assert [c for c in form_chat.choice_ids if c.startswith("opt:")] == [
        "opt:8",
        "opt:9",
        "opt:10",
        "opt:11",
    ]
    assert "page:0" in form_chat.choice_ids
    await form_chat.send("budy")
    assert [c for c in form_chat.choice_ids if c.startswith("opt:")] == ["opt:0"]
    assert form_chat.labels[0] == "Bautzen"
    await form_chat.send("lob")
    assert "Löbau" in form_chat.labels
    await form_chat.send("zzz")
    assert "„zzz“" in form_chat.text
    assert len([c for c in form_chat.choice_ids if c.startswith("opt:")]) == PAGE_SIZE
    await form_chat.send("elsew")
    await form_chat.choose(next(c for c in form_chat.choice_ids if c.startswith("opt:")))
    await form_chat.choose("form:confirm")

    assert CONFIRMED[0]["town"] == "elsewhere"


async def test_a_form_left_halfway_resumes_a_week_later_and_says_so(
    app: App, form_chat: Chat, clock: ManualClock
) -> None:
    await form_chat.send("Olena")
    clock.advance(days=7)

    await form_chat.send("olena@example.org")

    welcome = app.catalogs.translator("de").gettext("Welcome back! We go on where you stopped.")
    assert form_chat.text.startswith(welcome)
    assert "Your phone number?" in form_chat.text
    await form_chat.send("0351 1234567")
    assert not form_chat.text.startswith(welcome)


async def test_cancel_drops_what_was_not_confirmed(form_chat: Chat) -> None:
    await form_chat.send("Olena")
    await form_chat.send("olena@example.org")

    await form_chat.send("/cancel")
    assert await form_chat.position() == ("main_menu", "menu")
    await form_chat.choose("menu:form")

    assert "What is your name?" in form_chat.text
    assert CONFIRMED == []


async def test_in_arabic_the_reason_is_arabic_and_right_to_left(app: App) -> None:
    chat = Chat(engine_with_form(app), name="amal")
    await chat.send("/start")
    await chat.choose("lang:ar")
    await chat.choose("menu:form")
    await chat.send("أمل")

    await chat.send("amal-at-example")

    arabic = app.catalogs.translator("ar").gettext(EMAIL_WRONG)
    assert arabic != EMAIL_WRONG
    assert chat.text.startswith(arabic)
    assert chat.last.rtl
    await chat.send("amal@example.org")
    assert "Skip" not in chat.labels


async def test_start_in_the_middle_of_a_form_goes_on_with_it(app: App, form_chat: Chat) -> None:
    await form_chat.send("Olena")

    await form_chat.send("/start")

    welcome = app.catalogs.translator("de").gettext("Welcome back! We go on where you stopped.")
    assert form_chat.text.startswith(welcome)
    assert await form_chat.position() == ("test_form", "ask")
    assert "Your e-mail address?" in form_chat.text


async def test_text_typed_at_the_summary_keeps_the_form(app: App, form_chat: Chat) -> None:
    await fill_to_the_summary(form_chat)

    await form_chat.send("passt so")

    assert await form_chat.position() == ("test_form", "summary")
    hint = app.catalogs.translator("de").gettext("Please choose one of the options below.")
    assert form_chat.text.startswith(hint)
    await form_chat.choose("form:confirm")
    assert CONFIRMED[0]["name"] == "Olena"


async def test_after_start_resumed_a_form_the_next_answer_is_no_welcome_again(
    app: App, form_chat: Chat, clock: ManualClock
) -> None:
    await form_chat.send("Olena")
    clock.advance(days=2)
    await form_chat.send("/start")

    await form_chat.send("olena@example.org")

    welcome = app.catalogs.translator("de").gettext("Welcome back! We go on where you stopped.")
    assert not form_chat.text.startswith(welcome)
    assert "Your phone number?" in form_chat.text
