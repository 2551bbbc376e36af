"""Replies as Telegram messages: HTML with every piece of text escaped, inline keyboards,
and texts over 4,096 characters split into several messages.

Telegram counts a text's length in UTF-16 code units after entity parsing, i.e. the visible
text (https://core.telegram.org/bots/api#sendmessage). Long texts are split at paragraphs,
then sentences, then words; each message is rendered from whole spans, so a split never
falls inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from aiogram.methods import EditMessageText, SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.channels.telegram import callback
from bot.channels.telegram.session import PlainCall
from dialogs.core import Choice, Reply
from dialogs.text import Paragraph, RichText, Span
from storage.attachments import Attachment

TEXT_LIMIT = 4096
NO_PREVIEW = {"is_disabled": True}
_BREAKS = (re.compile(r"\n"), re.compile(r"(?<=[.!?؟。])\s"), re.compile(r"\s"))


_TAG = re.compile(r"<[^>]+>")


# An inline keyboard as the Bot API's JSON: {"inline_keyboard": [[{"text", "callback_data"}]]}
Keyboard = dict[str, list[list[dict[str, str]]]]


@dataclass(frozen=True)
class OutgoingMessage:
    html: str
    keyboard: Keyboard | None = None

    @property
    def visible_text(self) -> str:
        """The text as Telegram shows it (every piece of text in `html` is escaped)."""
        return html.unescape(_TAG.sub("", self.html)).strip()

    def already_shown_by(self, message: Message) -> bool:
        """Whether `message` shows this text and keyboard already, so that editing it would
        change nothing (Telegram answers such an edit with 400 "message is not modified").
        Formatting is not compared: one reply always renders it the same way."""
        return (message.text or "").strip() == self.visible_text and _buttons_of(
            message.reply_markup
        ) == _buttons(self.keyboard)

    def params(self, chat_id: int) -> dict[str, Any]:
        """The message's parameters for sendMessage and editMessageText."""
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "text": self.html,
            "parse_mode": "HTML",
            "link_preview_options": NO_PREVIEW,
        }
        if self.keyboard is not None:
            params["reply_markup"] = self.keyboard
        return params

    def send_to(self, chat_id: int) -> PlainCall:
        return PlainCall(SendMessage, self.params(chat_id))

    def edit_into(self, shown: Message) -> PlainCall:
        """The edit that makes the message `shown` show this one."""
        params = self.params(shown.chat.id)
        params["message_id"] = shown.message_id
        return PlainCall(EditMessageText, params)


def _buttons_of(markup: InlineKeyboardMarkup | None) -> list[list[tuple[str, str | None]]]:
    rows = markup.inline_keyboard if markup is not None else []
    return [[(button.text, button.callback_data) for button in row] for row in rows]


def _buttons(keyboard: Keyboard | None) -> list[list[tuple[str, str | None]]]:
    rows = keyboard["inline_keyboard"] if keyboard is not None else []
    return [[(button["text"], button.get("callback_data")) for button in row] for row in rows]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render(reply: Reply, *, limit: int = TEXT_LIMIT) -> list[OutgoingMessage]:
    """One reply as one or more messages; the keyboard goes with the last one."""
    chunks = split_html(reply.text, limit=limit) or ["…"]
    keyboard = keyboard_for(reply.choices, reply.token, reply.columns) if reply.choices else None
    *first, last = chunks
    return [*(OutgoingMessage(chunk) for chunk in first), OutgoingMessage(last, keyboard)]


def private_messages(chat_id: int, reply: Reply) -> list[PlainCall | SendDocument]:
    """A reply sent anew into a private chat: its text, then its file as a document."""
    sent: list[PlainCall | SendDocument] = [message.send_to(chat_id) for message in render(reply)]
    if reply.file is not None:
        sent.append(document(chat_id, reply.file))
    return sent


def contact_request(chat_id: int, request: tuple[str, str]) -> PlainCall:
    """A message whose one button shares the person's phone number (Telegram asks them
    first); the keyboard goes away once used."""
    line, label = request
    keyboard = {
        "keyboard": [[{"text": label, "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    return PlainCall(SendMessage, {"chat_id": chat_id, "text": line, "reply_markup": keyboard})


def document(chat_id: int, file: Attachment, *, thread_id: int | None = None) -> SendDocument:
    """A file as Telegram shows it: a document with its name (in a topic, if given)."""
    return SendDocument(
        chat_id=chat_id,
        message_thread_id=thread_id,
        document=BufferedInputFile(file.content, filename=file.name),
    )


def keyboard_for(choices: tuple[Choice, ...], token: int | None, columns: int = 1) -> Keyboard:
    buttons = [{"text": c.label, "callback_data": callback.encode(c.id, token)} for c in choices]
    rows = [buttons[start : start + columns] for start in range(0, len(buttons), columns)]
    return {"inline_keyboard": rows}


def split_html(text: RichText, *, limit: int = TEXT_LIMIT) -> list[str]:
    """The text as HTML messages, each at most `limit` visible UTF-16 units long."""
    chunks: list[tuple[str, int]] = []
    previous: Paragraph | None = None
    for paragraph in text.paragraphs:
        separator = _separator(previous, paragraph)
        for index, piece in enumerate(_fitting_pieces(paragraph, limit)):
            html_piece, length = _render_piece(piece, paragraph)
            glue = separator if index == 0 else ""
            if chunks and chunks[-1][1] + utf16_len(glue) + length <= limit:
                html_so_far, length_so_far = chunks[-1]
                chunks[-1] = (html_so_far + glue + html_piece, length_so_far + len(glue) + length)
            else:
                chunks.append((html_piece, length))
        previous = paragraph
    return [chunk for chunk, _ in chunks]


def _separator(previous: Paragraph | None, current: Paragraph) -> str:
    if previous is None:
        return ""
    return "\n" if previous.kind == current.kind == "bullet" else "\n\n"


def _prefix(paragraph: Paragraph) -> str:
    return "• " if paragraph.kind == "bullet" else ""


def _fitting_pieces(paragraph: Paragraph, limit: int) -> list[tuple[Span, ...]]:
    """The paragraph's spans, cut into pieces whose visible text fits into `limit`."""
    room = limit - utf16_len(_prefix(paragraph))
    plain = paragraph.plain
    cuts = []
    start = 0
    while utf16_len(plain[start:]) > room:
        cut = _cut(plain, start, room)
        cuts.append(cut)
        start = cut
    return _cut_spans(paragraph.spans, cuts)


def _cut(plain: str, start: int, room: int) -> int:
    end, used = start, 0
    while end < len(plain) and used + utf16_len(plain[end]) <= room:
        used += utf16_len(plain[end])
        end += 1
    window = plain[start:end]
    for pattern in _BREAKS:
        found = [m.end() for m in pattern.finditer(window) if m.end() > 0]
        if found:
            return start + found[-1]
    return end


def _cut_spans(spans: tuple[Span, ...], cuts: list[int]) -> list[tuple[Span, ...]]:
    pieces: list[list[Span]] = [[]]
    position = 0
    pending = list(cuts)
    for span in spans:
        text = span.text
        while pending and pending[0] < position + len(text):
            head = pending.pop(0) - position
            if head:
                pieces[-1].append(Span(text[:head], span.style, span.href))
            pieces.append([])
            text, position = text[head:], position + head
        if text:
            pieces[-1].append(Span(text, span.style, span.href))
        position += len(text)
    return [tuple(piece) for piece in pieces if piece]


def _render_piece(spans: tuple[Span, ...], paragraph: Paragraph) -> tuple[str, int]:
    body = "".join(_span_html(span) for span in spans)
    visible = _prefix(paragraph) + "".join(span.text for span in spans)
    if paragraph.kind == "heading":
        body = f"<b>{body}</b>"
    return _prefix(paragraph) + body, utf16_len(visible)


def _span_html(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    match span.style:
        case "bold":
            return f"<b>{text}</b>"
        case "italic":
            return f"<i>{text}</i>"
        # Telegram links phone numbers and e-mail addresses by itself; <a> takes web links.
        case "link" if span.href and span.href.startswith("https:"):
            return f'<a href="{html.escape(span.href)}">{text}</a>'
        case _:
            return text
