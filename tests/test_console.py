"""The console chat, as a person at a terminal or a script would use it."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bot.app import App
from bot.channels.console import ConsoleChannel

ROOT = Path(__file__).resolve().parent.parent


async def test_a_piped_session_reads_like_a_transcript(app: App) -> None:
    output = io.StringIO()
    console = ConsoleChannel(
        app.dialogs,
        name="script",
        stdin=io.StringIO("/start\n7\n1\n10\n/menu\n"),
        stdout=output,
    )

    await console.receive()

    transcript = output.getvalue()
    assert "> /start\nHallo!" in transcript
    assert "  7) English" in transcript
    assert "> 7\nThank you. We will write in English." in transcript
    assert "== Contacts ==" in transcript
    assert "Hamida Taamiri" in transcript
    assert transcript.rstrip().endswith("7) Language")


async def test_a_number_not_on_screen_asks_for_one_that_is(app: App) -> None:
    output = io.StringIO()
    console = ConsoleChannel(app.dialogs, stdin=io.StringIO("/start\n1\n42\n"), stdout=output)

    await console.receive()

    assert (
        "> 42\nBitte wählen Sie eine der Möglichkeiten unten. Geben Sie eine Zahl von 1 bis 7 ein."
        in (output.getvalue())
    )


def run_cli(
    tmp_path: Path, stdin: str, *args: str, **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", **settings}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    code = (
        "import sys; from bot.cli import main; status = main(sys.argv[1:]); "
        "print('aiogram imported' if 'aiogram' in sys.modules else 'aiogram not imported', "
        "file=sys.stderr); sys.exit(status)"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_erstkontakt_chat_migrates_a_new_database_and_needs_no_aiogram(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "/start\n7\n/help\n", "chat", "--as", "tester")

    assert result.returncode == 0, result.stderr
    assert "What would you like to do?" in result.stdout
    assert "/language - change the language" in result.stdout
    assert "aiogram not imported" in result.stderr
    assert (tmp_path / "db.sqlite").exists()


def test_the_console_remembers_a_person_across_runs(tmp_path: Path) -> None:
    run_cli(tmp_path, "/start\n7\n1\n", "chat", "--as", "tester")

    again = run_cli(tmp_path, "1\n", "chat", "--as", "tester")

    assert again.stdout.startswith("> 1\n== Aims of the project ==")


def test_a_malformed_setting_stops_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "STAFF_CHAT_ID": "abc"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("erstkontakt: STAFF_CHAT_ID: Input should be a valid integer")
    assert result.stderr.count("\n") == 1


def test_requests_are_listed_for_staff_without_a_staff_chat(tmp_path: Path) -> None:
    run_cli(tmp_path, "/start\n7\n5\nWhen is the next training?\n1\n", "chat", "--as", "dana")
    run_cli(tmp_path, "/start\n7\n5\nAnd the one after?\n1\n", "chat", "--as", "eli")

    listed = run_cli(tmp_path, "", "requests", "list")
    one = run_cli(tmp_path, "", "requests", "list", "--limit", "1")
    every = run_cli(tmp_path, "", "requests", "list", "--limit", "0")

    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "2 requests, newest first; times in Europe/Berlin"
    assert re.fullmatch(
        r"#1 +open +\d{4}-\d\d-\d\d \d\d:\d\d +\? +console +en +1 message +"
        r"When is the next training\?",
        lines[2],
    )
    assert len(one.stdout.splitlines()) == 2
    assert every.stdout == listed.stdout


def test_debug_logs_carry_no_database_statements_or_texts(tmp_path: Path) -> None:
    run_cli(tmp_path, "/start\n7\n5\nMy address is Lindenweg 3\n1\n", "chat")

    shown = run_cli(tmp_path, "", "requests", "show", "1", LOG_LEVEL="DEBUG")

    assert shown.returncode == 0, shown.stderr
    assert "Lindenweg" in shown.stdout
    assert "Lindenweg" not in shown.stderr
    assert "aiosqlite" not in shown.stderr


def test_a_whole_request_is_shown_with_its_messages(tmp_path: Path) -> None:
    run_cli(tmp_path, "/start\n7\n5\nWhen is the next training?\n1\nIn Bautzen?\n", "chat")

    shown = run_cli(tmp_path, "", "requests", "show", "1")
    missing = run_cli(tmp_path, "", "requests", "show", "7")

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Request #1: open, opened ")
    assert "on console, writing in en; 2 messages" in shown.stdout
    assert re.search(
        r"\d\d:\d\d  person: When is the next training\?\n.*person: In Bautzen", shown.stdout
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("erstkontakt: there is no request #7\n")


def test_info_names_the_database_its_schema_the_languages_and_the_channels(
    tmp_path: Path,
) -> None:
    before = run_cli(tmp_path, "", "info")
    run_cli(tmp_path, "", "migrate")
    after = run_cli(tmp_path, "", "info")

    assert before.returncode == 0, before.stderr
    assert f"database      {tmp_path / 'db.sqlite'}" in before.stdout
    assert "schema        none yet (the newest is " in before.stdout
    assert re.search(r"schema +\w+ \(current\)", after.stdout)
    assert "languages     de, de@easy, uk, ar," in after.stdout
    assert "telegram      not configured (TELEGRAM_BOT_TOKEN is not set)" in after.stdout


def test_the_chat_names_its_database_in_one_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "/start\n", "chat")

    assert f"database: {tmp_path / 'db.sqlite'}\n" in result.stderr
    assert "Ctrl-D" not in result.stderr + result.stdout  # piped: no hint for a terminal


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_at_a_terminal_the_chat_opens_itself_and_prompts(app: App) -> None:
    output = io.StringIO()
    console = ConsoleChannel(app.dialogs, name="tty", stdin=Terminal("7\n"), stdout=output)

    await console.receive()

    shown = output.getvalue()
    assert shown.startswith("Hallo! Ich bin der Assistent")
    assert "14) Hornjoserbšćina\n\n> Thank you. We will write in English." in shown
    assert shown.endswith("> ")


async def test_someone_back_before_choosing_a_language_is_introduced_once(app: App) -> None:
    first = ConsoleChannel(app.dialogs, name="back", stdin=Terminal(""), stdout=io.StringIO())
    await first.receive()
    output = io.StringIO()

    await ConsoleChannel(app.dialogs, name="back", stdin=Terminal(""), stdout=output).receive()

    assert output.getvalue().count("Ich bin der Assistent") == 1
    assert "/language" in output.getvalue()


def test_a_reader_that_stops_early_ends_the_chat_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    lines = tmp_path / "lines.txt"
    lines.write_text("/start\n/help\n/menu\n" * 200)
    with lines.open("rb") as stdin:
        chat = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        assert chat.stdout is not None
        first_line = chat.stdout.readline()
        chat.stdout.close()  # like `| head -1`
        errors = chat.stderr.read() if chat.stderr else b""
        chat.wait(timeout=60)

    assert first_line == b"> /start\n"
    assert b"Traceback" not in errors
    assert chat.returncode == 0


def test_the_help_lists_every_command_with_one_line_and_no_note_for_developers(
    tmp_path: Path,
) -> None:
    result = run_cli(tmp_path, "", "--help")

    assert result.returncode == 0, result.stderr
    for command in ("run", "chat", "migrate", "requests", "qr", "info", "backup", "restore"):
        assert re.search(rf"^    {command} +\S", result.stdout, re.MULTILINE), command
    assert "aiogram" not in result.stdout


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["chat"], "(default: local)"),
        (["requests", "list"], "(default: 50)"),
        (["requests", "show"], "the request's number"),
        (["qr"], "(default: .)"),
        (["info"], "schema version"),
        (["backup"], "may go on running"),
        (["restore"], "stop the bot first"),
    ],
)
def test_every_command_explains_itself_with_its_defaults(
    tmp_path: Path, command: list[str], shown: str
) -> None:
    result = run_cli(tmp_path, "", *command, "--help")

    assert result.returncode == 0, result.stderr
    assert shown in result.stdout


def test_admins_export_the_open_requests_as_xlsx_and_csv(tmp_path: Path) -> None:
    run_cli(tmp_path, "/start\n7\n5\n=1+2 When is the next training?\n1\n", "chat", "--as", "dana")

    exported = run_cli(tmp_path, "", "requests", "export", "--out", "exports")
    wrong = run_cli(tmp_path, "", "requests", "export", "--language", "xx")

    assert exported.returncode == 0, exported.stderr
    xlsx, csv_file = (Path(line) for line in exported.stdout.splitlines())
    assert xlsx.suffix == ".xlsx"
    assert csv_file.name.startswith("requests-")
    rows = list(
        csv.reader(io.StringIO((tmp_path / csv_file).read_text("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:3] == ["Anfrage", "Stand", "Eingegangen"]
    assert rows[1][0] == "#1"
    assert rows[1][7] == "'=1+2 When is the next training?"
    sheet = openpyxl.load_workbook(tmp_path / xlsx).active
    assert sheet["H2"].value == "=1+2 When is the next training?"
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("erstkontakt: no language 'xx'; one of: ")
