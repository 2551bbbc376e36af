"""The Bot API 10.1 description as data, and strict checks of request parameters against it.

`bot-api-10.1.json` lists every method and type with its fields (`name`, `types`, `required`,
`description`). Requests are decoded the way Telegram reads them: form and query values are
strings (numbers, `true`/`false`, objects and arrays as JSON text), JSON bodies carry native
values. Every value is checked against the declared types, objects recursively.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("bot-api-10.1.json")
ARRAY_OF = "Array of "
ATTACH = "attach://"
SCALARS = frozenset({"Integer", "String", "Boolean", "Float"})
DEPRECATED_PARAMETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reply_to_message_id": ("reply_parameters", ("Integer",)),
    "allow_sending_without_reply": ("reply_parameters", ("Boolean",)),
    "disable_web_page_preview": ("link_preview_options", ("Boolean",)),
}
REQUIRED_MESSAGES = {
    ("sendMessage", "text"): "Bad Request: message text is empty",
    ("editMessageText", "text"): "Bad Request: message text is empty",
}
_INTEGER = re.compile(r"[-+]?\d+")
_CONSTANT = re.compile(r"(?:must be|always) [\"“]?([a-z0-9_]+)")
_DISCRIMINATORS = frozenset({"type", "status", "source"})


class ApiError(Exception):
    """A failed call: Telegram's `error_code`, `description` and optional `parameters`."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    subtypes: tuple[str, ...]
    constants: Mapping[str, str]


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


NEWER_FIELDS = {
    ("ChatMemberAdministrator", "can_send_welcome_messages"): FieldSpec(
        "can_send_welcome_messages",
        ("Boolean",),
        True,
        "True, if the administrator can send welcome messages (Bot API 10.3; aiogram requires it)",
    ),
}


def _fields(raw: Iterable[dict[str, Any]]) -> dict[str, FieldSpec]:
    return {
        item["name"]: FieldSpec(
            item["name"], tuple(item["types"]), bool(item["required"]), item["description"]
        )
        for item in raw
    }


def _constants(fields: Mapping[str, FieldSpec]) -> dict[str, str]:
    for item in fields.values():
        found = _CONSTANT.search(item.description)
        if item.name in _DISCRIMINATORS and item.types == ("String",) and found:
            return {item.name: found.group(1)}
    return {}


class Spec:
    """Methods (looked up case-insensitively, as Telegram does) and types of the Bot API."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        subtypes = {name for item in data["types"].values() for name in item.get("subtypes", [])}
        self.types: dict[str, TypeSpec] = {}
        for name, item in data["types"].items():
            fields = _fields(item.get("fields", []))
            fields.update({key[1]: extra for key, extra in NEWER_FIELDS.items() if key[0] == name})
            constants = _constants(fields) if name in subtypes else {}
            self.types[name] = TypeSpec(name, fields, tuple(item.get("subtypes", [])), constants)
        self.methods: dict[str, MethodSpec] = {
            name.lower(): MethodSpec(name, _fields(item.get("fields", [])), tuple(item["returns"]))
            for name, item in data["methods"].items()
        }

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name.lower())

    def subtype_with(self, abstract: str, field: str, value: str) -> TypeSpec:
        for name in self.types[abstract].subtypes:
            sub = self.types.get(name)
            if sub is not None and sub.constants.get(field) == value:
                return sub
        raise KeyError(f"{abstract} has no subtype with {field}={value!r}")


@cache
def load_spec() -> Spec:
    return Spec(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


class Mismatch(Exception):
    """A value does not fit its declared type; `path` names where."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(path)
        self.path = path
        self.kind = kind

    def rank(self) -> tuple[bool, int]:
        """How far the value got into the type: a matching discriminator counts most."""
        return self.kind != "discriminator", self.path.count(".") + self.path.count("[")

    def error(self) -> ApiError:
        if self.kind == "unknown":
            return bad_request(f"unknown field {self.path}")
        if self.kind == "required":
            return bad_request(f"field {self.path} is required")
        return bad_request(f"wrong type of parameter {self.path}")


class Checker:
    """Checks decoded JSON values against Bot API type expressions."""

    def __init__(self, spec: Spec, uploads: Mapping[str, Upload] | None = None) -> None:
        self.spec = spec
        self.uploads = uploads or {}

    def check(self, value: Any, types: Sequence[str], path: str) -> Any:
        failures: list[Mismatch] = []
        for type_name in types:
            try:
                return self._check_one(value, type_name, path)
            except Mismatch as failure:
                failures.append(failure)
        raise max(failures, key=Mismatch.rank)

    def _check_one(self, value: Any, type_name: str, path: str) -> Any:
        if type_name.startswith(ARRAY_OF):
            if not isinstance(value, list):
                raise Mismatch(path, "type")
            item_type = type_name.removeprefix(ARRAY_OF)
            return [self.check(item, [item_type], f"{path}[{i}]") for i, item in enumerate(value)]
        if type_name in SCALARS:
            return _check_scalar(value, type_name, path)
        if type_name == "InputFile":
            return self._check_attachment(value, path)
        return self._check_object(value, self.spec.types[type_name], path)

    def _check_attachment(self, value: Any, path: str) -> Any:
        if isinstance(value, str) and value.startswith(ATTACH):
            if value.removeprefix(ATTACH) not in self.uploads:
                raise Mismatch(path, "type")
            return value
        raise Mismatch(path, "type")

    def _check_object(self, value: Any, spec: TypeSpec, path: str) -> Any:
        if spec.subtypes:
            return self.check(value, spec.subtypes, path)
        if not isinstance(value, dict):
            raise Mismatch(path, "type")
        for name, constant in spec.constants.items():
            if value.get(name) != constant:
                raise Mismatch(f"{path}.{name}", "discriminator")
        for key in value:
            if key not in spec.fields:
                raise Mismatch(f"{path}.{key}", "unknown")
        result: dict[str, Any] = {}
        for name, field in spec.fields.items():
            if name not in value:
                if field.required:
                    raise Mismatch(f"{path}.{name}", "required")
                continue
            result[name] = self.check(value[name], field.types, f"{path}.{name}")
        return result


def _check_scalar(value: Any, type_name: str, path: str) -> Any:
    fits = {
        "Integer": isinstance(value, int) and not isinstance(value, bool),
        "Float": isinstance(value, int | float) and not isinstance(value, bool),
        "Boolean": isinstance(value, bool),
        "String": isinstance(value, str),
    }[type_name]
    if not fits:
        raise Mismatch(path, "type")
    return value


def decode_text(checker: Checker, raw: str, types: Sequence[str], name: str) -> Any:
    """Read one form or query value the way Telegram does; raise `Mismatch` if none fits."""
    failures: list[Mismatch] = []
    for type_name in types:
        if type_name == "Integer" and _INTEGER.fullmatch(raw):
            return int(raw)
        if type_name == "Float" and _is_float(raw):
            return float(raw)
        if type_name == "Boolean" and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        if type_name == "String":
            return raw
        if type_name == "InputFile" and raw.startswith(ATTACH):
            return checker.uploads.get(raw.removeprefix(ATTACH), raw)
        if type_name not in SCALARS and type_name != "InputFile":
            try:
                return checker.check(json.loads(raw), [type_name], name)
            except ValueError:
                continue
            except Mismatch as failure:
                failures.append(failure)
    raise max(failures or [Mismatch(name, "type")], key=Mismatch.rank)


def _is_float(raw: str) -> bool:
    try:
        return math.isfinite(float(raw))
    except ValueError:
        return False


def _referenced(raw: Mapping[str, Any]) -> set[str]:
    text = json.dumps([value for value in raw.values() if not isinstance(value, Upload)])
    return set(re.findall(r"attach://([A-Za-z0-9_\-]+)", text))


def decode_params(
    spec: Spec, method: MethodSpec, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
) -> dict[str, Any]:
    """Check and decode the parameters of one call; raise `ApiError` for the first problem."""
    checker = Checker(spec, uploads)
    referenced = _referenced(raw)
    for name in [*raw, *uploads]:
        replaced_by = DEPRECATED_PARAMETERS.get(name, ("", ()))[0]
        known = name in method.fields or replaced_by in method.fields
        if not known and name not in referenced:
            raise bad_request(f"unknown parameter {name}")
    params: dict[str, Any] = {}
    for name, value in [*raw.items(), *uploads.items()]:
        if name in referenced and name not in method.fields:
            continue
        decoded = _decode_one(checker, method, name, value)
        if decoded is not None:
            params[name] = decoded
    for field in method.fields.values():
        if field.required and field.name not in params:
            message = REQUIRED_MESSAGES.get((method.name, field.name))
            raise ApiError(400, message or f"Bad Request: {field.name} is required")
    return params


def _decode_one(checker: Checker, method: MethodSpec, name: str, value: Any) -> Any:
    field = method.fields.get(name)
    types = field.types if field else DEPRECATED_PARAMETERS[name][1]
    if isinstance(value, Upload):
        if "InputFile" not in types:
            raise bad_request(f"wrong type of parameter {name}")
        return value
    try:
        if isinstance(value, str):
            if value == "" and "String" not in types:
                return None
            return decode_text(checker, value, types, name)
        if value is None:
            return None
        return checker.check(value, types, name)
    except Mismatch as failure:
        raise failure.error() from None


def validate(value: Any, type_expression: str) -> None:
    """Raise `ApiError` unless `value` is a valid Bot API object of that type (for self-checks)."""
    try:
        Checker(load_spec()).check(value, [type_expression], type_expression)
    except Mismatch as failure:
        raise failure.error() from None
