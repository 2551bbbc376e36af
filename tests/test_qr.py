"""QR codes of deep links, for posters: made offline, only for links the bot understands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.qr import QrError, deep_link_url, write_deep_link_qr
from dialogs.deep_links import targets

TARGETS = targets(["07-bautzen", "10-contacts"])


def test_a_qr_code_is_written_as_png_and_svg(tmp_path: Path) -> None:
    png, svg = write_deep_link_qr(
        "about-07--poster", tmp_path, username="@erstkontakt_bot", targets=TARGETS
    )

    assert png.read_bytes().startswith(b"\x89PNG")
    assert "<svg" in svg.read_text()


def test_the_link_points_to_the_bot_with_the_payload() -> None:
    url = deep_link_url("about-10", username="erstkontakt_bot", targets=TARGETS)

    assert url == "https://t.me/erstkontakt_bot?start=about-10"


@pytest.mark.parametrize(
    ("payload", "username"), [("about-7", "bot"), ("about-99", "bot"), ("about", None)]
)
def test_unknown_payloads_and_a_missing_username_are_refused(
    payload: str, username: str | None
) -> None:
    with pytest.raises(QrError):
        deep_link_url(payload, username=username, targets=TARGETS)


def test_a_link_to_a_page_that_does_not_exist_is_refused_with_the_valid_forms() -> None:
    with pytest.raises(QrError) as refused:
        deep_link_url("about-99", username="bot", targets=TARGETS)

    message = str(refused.value)
    assert message.startswith("'about-99' opens nothing. A link opens one of: about, about-07, ")
    assert "about-10, ask" in message
    assert "--<source>" in message
    assert ".py" not in message


def test_the_cli_writes_the_files_and_names_them(tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_USERNAME": "erstkontakt_bot"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bot", "qr", "about--flyer", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        str(tmp_path / "about--flyer.png"),
        str(tmp_path / "about--flyer.svg"),
    ]
