"""Bot API methods that send, copy, edit, and delete messages, with Telegram's checks."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from tests.fakes.bot_api_chats import ChatMethods, api_method
from tests.fakes.bot_api_html import (
    EntityParseError,
    FormattedText,
    parse_html,
    strip_text,
    utf16_len,
)
from tests.fakes.bot_api_spec import ApiError, Upload, bad_request, load_spec
from tests.fakes.bot_api_world import (
    COPIED_KEYS,
    MEDIA_KINDS,
    ChatState,
    MessageRecord,
    now,
    shallow_reply,
)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
BUTTON_LABEL_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})
_FOLDERS = {
    "photo": "photos",
    "document": "documents",
    "voice": "voice",
    "video": "videos",
    "audio": "music",
    "animation": "animations",
}


@cache
def standard_reactions() -> frozenset[str]:
    """The emoji a bot may react with, as the Bot API lists them for ReactionTypeEmoji."""
    described = load_spec().types["ReactionTypeEmoji"].fields["emoji"].description
    return frozenset(re.findall(r'"([^"]+)"', described)) - {"emoji"}


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    limit: int,
    too_long: str,
) -> FormattedText:
    """Text as a person sees it, with entities; 400 for bad HTML or a bad length."""
    if entities is not None or not parse_mode:
        formatted = FormattedText(text, tuple(entities or ()))
    elif parse_mode.lower() == "html":
        try:
            formatted = parse_html(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif parse_mode.lower() in ("markdown", "markdownv2"):
        raise bad_request("fake Bot API: only HTML parse mode is supported")
    else:
        raise bad_request("unsupported parse_mode")
    formatted = strip_text(formatted)
    if utf16_len(formatted.text) > limit:
        raise bad_request(too_long)
    return formatted


def check_markup(markup: dict[str, Any] | None) -> None:
    rows = (markup or {}).get("inline_keyboard") or (markup or {}).get("keyboard") or []
    inline = "inline_keyboard" in (markup or {})
    for button in (button for row in rows for button in row):
        if not button["text"]:
            raise bad_request("button text is empty")
        if inline:
            _check_inline_button(button)


def _check_inline_button(button: dict[str, Any]) -> None:
    actions = [name for name in button if name not in BUTTON_LABEL_FIELDS]
    if not actions:
        detail = "Text buttons are unallowed in the inline keyboard"
        raise bad_request(f"can't parse inline keyboard button: {detail}")
    if len(actions) > 1:
        detail = "exactly one of the optional fields must be used"
        raise bad_request(f"can't parse inline keyboard button: {detail}")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not url.startswith(("http://", "https://", "tg://")):
        raise bad_request("BUTTON_URL_INVALID")


def _text_content(formatted: FormattedText, key: str, entities_key: str) -> dict[str, Any]:
    content: dict[str, Any] = {key: formatted.text}
    if formatted.entities:
        content[entities_key] = [dict(entity) for entity in formatted.entities]
    return content


class Methods(ChatMethods):
    """All implemented methods; each takes decoded parameters and returns the result."""

    # messages

    @api_method("sendMessage")
    def send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        formatted = format_text(
            p["text"],
            p.get("parse_mode"),
            p.get("entities"),
            limit=4096,
            too_long="message is too long",
        )
        if not formatted.text:
            raise bad_request("message text is empty")
        content = _text_content(formatted, "text", "entities")
        return self._send(p, content, html=p["text"], parse_mode=p.get("parse_mode")).message

    @api_method("sendPhoto")
    def send_photo(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media("photo", p)

    @api_method("sendDocument")
    def send_document(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media("document", p)

    @api_method("sendVoice")
    def send_voice(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media("voice", p)

    @api_method("sendVideo")
    def send_video(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media("video", p)

    @api_method("sendAudio")
    def send_audio(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media("audio", p)

    @api_method("sendAnimation")
    def send_animation(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._send_media("animation", p)

    @api_method("copyMessage")
    def copy_message(self, p: dict[str, Any]) -> dict[str, Any]:
        source = self._source_message(p, "copy")
        if source.service:
            raise bad_request("message can't be copied")
        original = source.message
        content = {key: copy.deepcopy(original[key]) for key in COPIED_KEYS if key in original}
        html, parse_mode = source.html, source.parse_mode
        if "caption" in p and source.kind in MEDIA_KINDS:
            content.pop("caption_entities", None)
            content.pop("caption", None)
            content.update(self._caption(p))
            html, parse_mode = p["caption"], p.get("parse_mode")
        record = self._send(
            p,
            content,
            html=html,
            parse_mode=parse_mode,
            kind=source.kind,
            copied_from=(source.message["chat"]["id"], source.message["message_id"]),
        )
        return {"message_id": record.message["message_id"]}

    @api_method("forwardMessage")
    def forward_message(self, p: dict[str, Any]) -> dict[str, Any]:
        source = self._source_message(p, "forward")
        original = source.message
        content = {key: copy.deepcopy(original[key]) for key in COPIED_KEYS if key in original}
        content["forward_origin"] = {
            "type": "user",
            "date": original["date"],
            "sender_user": copy.deepcopy(original["from"]),
        }
        origin = (original["chat"]["id"], original["message_id"])
        record = self._send(
            p,
            content,
            html=source.html,
            parse_mode=source.parse_mode,
            kind=source.kind,
            copied_from=origin,
        )
        return record.message

    @api_method("editMessageText")
    def edit_message_text(self, p: dict[str, Any]) -> dict[str, Any]:
        record = self._edited_record(p)
        if "rich_message" in p:
            raise ApiError(501, "fake Bot API: rich_message is not implemented")
        if record.kind != "text":
            raise bad_request("there is no text in the message to edit")
        formatted = format_text(
            p.get("text", ""),
            p.get("parse_mode"),
            p.get("entities"),
            limit=4096,
            too_long="message is too long",
        )
        if not formatted.text:
            raise bad_request("message text is empty")
        changes = {"text": formatted.text, "entities": list(formatted.entities) or None}
        return self._edit(record, changes, p, html=p.get("text"))

    @api_method("editMessageCaption")
    def edit_message_caption(self, p: dict[str, Any]) -> dict[str, Any]:
        record = self._edited_record(p)
        if record.kind not in MEDIA_KINDS:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(p)
        changes = {
            "caption": caption.get("caption"),
            "caption_entities": caption.get("caption_entities"),
        }
        return self._edit(record, changes, p, html=p.get("caption"))

    @api_method("editMessageReplyMarkup")
    def edit_message_reply_markup(self, p: dict[str, Any]) -> dict[str, Any]:
        record = self._edited_record(p)
        return self._edit(record, {}, p, html=record.html)

    @api_method("deleteMessage")
    def delete_message(self, p: dict[str, Any]) -> bool:
        state = self.chat(p["chat_id"])
        record = state.messages.get(p["message_id"])
        if record is None or record.deleted:
            raise bad_request("message to delete not found")
        if not (record.by_bot or state.bot_is_admin):
            raise bad_request("message can't be deleted")
        record.deleted = True
        return True

    @api_method("deleteMessages")
    def delete_messages(self, p: dict[str, Any]) -> bool:
        if not 1 <= len(p["message_ids"]) <= 100:
            raise bad_request("message_ids must contain 1-100 identifiers")
        state = self.chat(p["chat_id"])
        for message_id in p["message_ids"]:
            record = state.messages.get(message_id)
            if record is not None and (record.by_bot or state.bot_is_admin):
                record.deleted = True
        return True

    @api_method("setMessageReaction")
    def set_message_reaction(self, p: dict[str, Any]) -> bool:
        state = self.writable_chat(p["chat_id"])
        record = state.messages.get(p["message_id"])
        if record is None or record.deleted:
            raise bad_request("message not found")
        reactions = p.get("reaction") or []
        if len(reactions) > 1:  # bots, like people without Premium, set one reaction
            raise bad_request("REACTIONS_TOO_MANY")
        for reaction in reactions:
            if reaction["type"] != "emoji" or reaction["emoji"] not in standard_reactions():
                raise bad_request("REACTION_INVALID")
        record.reactions = [reaction["emoji"] for reaction in reactions]
        return True

    @api_method("sendChatAction")
    def send_chat_action(self, p: dict[str, Any]) -> bool:
        state = self.writable_chat(p["chat_id"])
        self.open_topic(state, p.get("message_thread_id"))
        if p["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @api_method("answerCallbackQuery")
    def answer_callback_query(self, p: dict[str, Any]) -> bool:
        query_id = p["callback_query_id"]
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            detail = "query is too old and response timeout expired or query ID is invalid"
            raise bad_request(detail)
        if utf16_len(p.get("text", "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {key: p[key] for key in p if key != "callback_query_id"}
        return True

    # helpers

    def message_changed(self, record: MessageRecord) -> None:
        if self.on_message is not None:
            self.on_message(record.sent())

    def _send(
        self,
        p: dict[str, Any],
        content: dict[str, Any],
        *,
        html: str | None,
        parse_mode: str | None,
        **details: Any,
    ) -> MessageRecord:
        state = self.writable_chat(p["chat_id"])
        thread_id = self.open_topic(state, p.get("message_thread_id"))
        markup = p.get("reply_markup")
        check_markup(markup)
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = copy.deepcopy(markup)
        record = self.store_message(
            state,
            sender=self.bot_user,
            content=content,
            thread_id=thread_id,
            reply_to=self._reply_for(state, p),
            html=html,
            parse_mode=parse_mode,
            reply_markup=copy.deepcopy(markup),
            **details,
        )
        self.message_changed(record)
        return record

    def _send_media(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        content: dict[str, Any] = {kind: self._media_object(kind, p)}
        content.update(self._caption(p))
        html, parse_mode = p.get("caption"), p.get("parse_mode")
        return self._send(p, content, html=html, parse_mode=parse_mode, kind=kind).message

    def _caption(self, p: dict[str, Any]) -> dict[str, Any]:
        formatted = format_text(
            p.get("caption", ""),
            p.get("parse_mode"),
            p.get("caption_entities"),
            limit=1024,
            too_long="message caption is too long",
        )
        if not formatted.text:
            return {}
        return _text_content(formatted, "caption", "caption_entities")

    def _media_object(self, kind: str, p: dict[str, Any]) -> Any:
        record = self.files[self._input_file(kind, p[kind])]
        base = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.content),
        }
        duration = {"duration": p.get("duration", 1)}
        size = {"width": p.get("width", 640), "height": p.get("height", 480)}
        objects = {
            "photo": [{**base, "width": 1280, "height": 960}],
            "document": {**base, "file_name": record.filename, "mime_type": record.mime_type},
            "voice": {**base, **duration, "mime_type": "audio/ogg"},
            "video": {**base, **duration, **size},
            "audio": {**base, **duration},
            "animation": {**base, **duration, **size},
        }
        return objects[kind]

    def _input_file(self, kind: str, value: Upload | str) -> str:
        folder = _FOLDERS[kind]
        if isinstance(value, Upload):
            suffix = value.filename.rsplit(".", 1)[-1] if "." in value.filename else "bin"
            return self.add_file(
                value.data,
                file_path=f"{folder}/file_{len(self.files) + 1}.{suffix}",
                filename=value.filename,
                mime_type=value.content_type,
            )
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self.add_file(b"", file_path=f"{folder}/{name}", filename=name)
        if value not in self.files:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return value

    def _reply_for(self, state: ChatState, p: dict[str, Any]) -> dict[str, Any] | None:
        reply = p.get("reply_parameters")
        if reply is None and "reply_to_message_id" in p:
            reply = {"message_id": p["reply_to_message_id"]}
        if reply is None:
            return None
        if reply.get("chat_id", state.id) not in (state.id, state.chat.get("username")):
            raise ApiError(501, "fake Bot API: replies to other chats are not implemented")
        allow = reply.get("allow_sending_without_reply", p.get("allow_sending_without_reply"))
        record = state.messages.get(reply["message_id"])
        if record is None or record.deleted or record.service:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return shallow_reply(record.message)

    def _source_message(self, p: dict[str, Any], verb: str) -> MessageRecord:
        state = self.chat(p["from_chat_id"])
        record = state.messages.get(p["message_id"])
        if record is None or record.deleted:
            raise bad_request(f"message to {verb} not found")
        return record

    def _edited_record(self, p: dict[str, Any]) -> MessageRecord:
        if "inline_message_id" in p:
            raise bad_request("MESSAGE_ID_INVALID")
        for name in ("chat_id", "message_id"):
            if name not in p:
                raise bad_request(f"{name} is required")
        state = self.writable_chat(p["chat_id"])
        record = state.messages.get(p["message_id"])
        if record is None or record.deleted or record.service:
            raise bad_request("message to edit not found")
        if not record.by_bot:
            raise bad_request("message can't be edited")
        return record

    def _edit(
        self, record: MessageRecord, changes: dict[str, Any], p: dict[str, Any], html: str | None
    ) -> dict[str, Any]:
        markup = p.get("reply_markup")
        check_markup(markup)
        changes = {**changes, "reply_markup": markup}
        message = record.message
        if all(message.get(key) == value for key, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = copy.deepcopy(value)
        message["edit_date"] = now()
        record.edited = True
        record.reply_markup = copy.deepcopy(markup)
        record.html = html
        if "parse_mode" in p or len(changes) > 1:
            record.parse_mode = p.get("parse_mode")
        self.message_changed(record)
        return copy.deepcopy(message)
