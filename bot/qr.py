"""QR codes of deep links for posters and flyers, made offline."""

from __future__ import annotations

from pathlib import Path

import segno

from dialogs.deep_links import parse_payload


class QrError(ValueError):
    pass


def deep_link_url(payload: str, *, username: str | None, targets: list[str]) -> str:
    """The t.me link that opens `payload`; refuses a payload that would open nothing."""
    if not username:
        raise QrError("TELEGRAM_BOT_USERNAME: needed to make t.me links")
    link = parse_payload(payload)
    if link is None or link.target not in targets:
        raise QrError(
            f"{payload!r} opens nothing. A link opens one of: {', '.join(targets)}; "
            "optionally followed by --<source> (1-32 of A-Z a-z 0-9 _) to count where people "
            "came from, e.g. about-07--poster_bautzen"
        )
    return f"https://t.me/{username.removeprefix('@')}?start={payload}"


def write_deep_link_qr(
    payload: str, folder: Path, *, username: str | None, targets: list[str]
) -> list[Path]:
    """Write `<payload>.png` and `<payload>.svg` into `folder`; returns their paths."""
    url = deep_link_url(payload, username=username, targets=targets)
    code = segno.make(url, error="m", micro=False)
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{payload}.png", folder / f"{payload}.svg"
    code.save(png, scale=10, border=4)
    code.save(svg, scale=10, border=4)
    return [png, svg]
