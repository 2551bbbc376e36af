"""QR codes of deep links for posters and flyers, made offline."""

from __future__ import annotations

from pathlib import Path

import segno

from dialogs.deep_links import parse_payload


class QrError(ValueError):
    pass


def deep_link_url(payload: str, *, username: str | None) -> str:
    if not username:
        raise QrError("TELEGRAM_BOT_USERNAME: needed to make t.me links")
    if parse_payload(payload) is None:
        raise QrError(
            f"not a deep link this bot understands: {payload!r} (see dialogs/deep_links.py)"
        )
    return f"https://t.me/{username.removeprefix('@')}?start={payload}"


def write_deep_link_qr(payload: str, folder: Path, *, username: str | None) -> list[Path]:
    """Write `<payload>.png` and `<payload>.svg` into `folder`; returns their paths."""
    code = segno.make(deep_link_url(payload, username=username), error="m", micro=False)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{payload}.png", folder / f"{payload}.svg"
    code.save(png, scale=10, border=4)
    code.save(svg, scale=10, border=4)
    return [png, svg]
