"""Rendering for Telegram: escaping, splitting long texts, callback data within 64 bytes."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import aiohttp
import pytest
from aiogram.types import Message

from bot.channels.telegram import callback
from bot.channels.telegram.render import TEXT_LIMIT, render, split_html, utf16_len
from dialogs.core import Chosen, Reply, choice
from dialogs.text import Paragraph, RichText, Span
from tests.fakes.bot_api import TOKEN, FakeBotApi


def visible(fragment: str) -> str:
    """The text Telegram shows for an HTML fragment; fails on unbalanced tags."""
    parts: list[str] = []
    open_tags: list[str] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            open_tags.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert open_tags.pop() == tag

        def handle_data(self, data: str) -> None:
            parts.append(data)

    reader = Reader(convert_charrefs=True)
    reader.feed(fragment)
    reader.close()
    assert open_tags == []
    return "".join(parts)


def test_user_text_full_of_markup_characters_is_escaped() -> None:
    text = RichText.plain('<b>Ali & "Olena"</b> 3 < 4 > 2 &amp;')

    [chunk] = split_html(text)

    assert chunk == html.escape('<b>Ali & "Olena"</b> 3 < 4 > 2 &amp;', quote=False)
    assert visible(chunk) == '<b>Ali & "Olena"</b> 3 < 4 > 2 &amp;'


def test_markup_of_content_pages_becomes_telegram_html() -> None:
    text = RichText.heading("Title") + RichText.from_markdown(
        "**Bold** and *it* [site](https://example.org/?a=1&b=2)\n\n- one\n- [mail](mailto:x@y.de)"
    )

    [chunk] = split_html(text)

    assert chunk == (
        "<b>Title</b>\n\n<b>Bold</b> and <i>it</i> "
        '<a href="https://example.org/?a=1&amp;b=2">site</a>\n\n• one\n• mail'
    )


@pytest.mark.parametrize("unit", ["Wort ", "😀 ", "كلمة "])
def test_a_long_text_is_split_at_sentences_within_the_limit(unit: str) -> None:
    sentence = unit * 30 + "ende. "
    paragraph = sentence * 60
    text = RichText.plain(paragraph + "\n\n" + paragraph)

    chunks = split_html(text)

    assert len(chunks) > 2
    for chunk in chunks:
        assert utf16_len(visible(chunk)) <= TEXT_LIMIT
        assert visible(chunk).rstrip().endswith("ende.")
    joined = "".join(visible(chunk) for chunk in chunks)
    assert joined.replace("\n", "").replace(" ", "") == (paragraph * 2).replace(" ", "")


def test_a_text_without_spaces_is_cut_hard_but_never_inside_an_entity() -> None:
    text = RichText.plain("&" * 10_000)

    chunks = split_html(text)

    assert [len(visible(chunk)) for chunk in chunks] == [4096, 4096, 1808]
    assert all(chunk == "&amp;" * len(visible(chunk)) for chunk in chunks)


def test_bold_text_split_in_the_middle_keeps_its_tags_balanced() -> None:
    long_bold = Paragraph((Span("Start. "), Span("fett. " * 1500, "bold"), Span("Ende.")))

    chunks = split_html(RichText((long_bold,)))

    assert len(chunks) == 3
    assert all(visible(chunk) for chunk in chunks)
    assert chunks[1].startswith("<b>")
    assert chunks[1].endswith("</b>")


def test_the_keyboard_goes_with_the_last_message_of_a_split_reply() -> None:
    reply = Reply(
        text=RichText.plain("Satz. " * 1500),
        choices=(choice("nav", "menu", label="Menü"),),
        token=7,
    )

    messages = render(reply)

    assert [m.keyboard is not None for m in messages] == [False, False, True]
    [[button]] = messages[-1].keyboard["inline_keyboard"]
    assert button == {"text": "Menü", "callback_data": "7|nav:menu"}


def test_callback_data_round_trips_and_stays_within_64_bytes() -> None:
    longest_id = "g" * 19 + ":" + "v" * 20
    data = callback.encode(longest_id, 2**63 - 1)

    assert len(data.encode()) <= 64
    assert callback.decode(data) == Chosen.from_id(longest_id, token=2**63 - 1)


@pytest.mark.parametrize("data", [None, "", "x", "abc|menu:about", "5|nocolon", "|menu:about"])
def test_callback_data_we_never_made_is_a_choice_nobody_offered(data: str | None) -> None:
    chosen = callback.decode(data)

    assert chosen.token == -1


async def test_a_message_that_shows_a_reply_already_is_known_not_to_need_an_edit() -> None:
    """Compared with the message as Telegram (the fake) stored it from the rendered HTML."""
    text = RichText.heading("Kontakte & <Adressen>") + RichText.plain("Rufen Sie an: 0351 1234")
    reply = Reply(text=text, choices=(choice("nav", "menu", label="Menü"),), token=3, rtl=False)
    [outgoing] = render(reply)
    async with FakeBotApi() as fake:
        fake.add_user(3003, "Amal")
        params = outgoing.params(3003)
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{fake.url}/bot{TOKEN}/sendMessage", json=params) as response,
        ):
            shown = Message.model_validate((await response.json())["result"])

    assert outgoing.already_shown_by(shown)
    [other_token] = render(Reply(text=text, choices=reply.choices, token=4))
    assert not other_token.already_shown_by(shown)
    [other_text] = render(Reply(text=RichText.plain("Andere"), choices=reply.choices, token=3))
    assert not other_text.already_shown_by(shown)
