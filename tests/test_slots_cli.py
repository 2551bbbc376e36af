"""Staff publish slots at a terminal: add, list, remove, and imports that are all or none."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from storage.clock import BERLIN
from tests.test_console import run_cli


def day(days: int) -> str:
    return f"{datetime.now(BERLIN) + timedelta(days=days):%Y-%m-%d}"


def test_staff_add_list_and_remove_a_slot(tmp_path: Path) -> None:
    added = run_cli(
        tmp_path,
        "",
        "slots",
        "add",
        f"{day(3)} 10:00",
        "--mode",
        "video",
        "--place",
        "https://meet.example.org/x",
        "--staff",
        "Hamida Taamiri",
    )
    too_close = run_cli(
        tmp_path,
        "",
        "slots",
        "add",
        f"{day(3)} 10:30",
        "--mode",
        "phone",
        "--staff",
        "Hamida Taamiri",
    )
    listed = run_cli(tmp_path, "", "slots", "list")
    removed = run_cli(tmp_path, "", "slots", "remove", "1")
    again = run_cli(tmp_path, "", "slots", "remove", "1")
    wrong_time = run_cli(tmp_path, "", "slots", "add", "tomorrow", "--staff", "Hamida")

    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"slot 1: {day(3)} 10:00, 60 min, video")
    assert too_close.returncode == 1
    assert "too close to Hamida Taamiri's conversation" in too_close.stderr
    assert f"{day(3)} 10:00   60 min  video     free" in listed.stdout
    assert removed.stdout.strip() == "slot 1 removed"
    assert again.returncode == 1
    assert wrong_time.returncode == 2
    assert "expected e.g. 2026-12-10 10:00" in wrong_time.stderr


def test_an_import_with_one_bad_line_imports_nothing_and_names_each(tmp_path: Path) -> None:
    good = tmp_path / "slots.yaml"
    good.write_text(
        f"- {{start: '{day(4)} 09:00', minutes: 45, mode: phone, staff: Peter}}\n"
        f"- {{start: '{day(4)} 11:00', minutes: 60, mode: in_person, staff: Peter,\n"
        "   place: 'Bautzen, Lauengraben 1'}\n"
    )
    bad = tmp_path / "slots.csv"
    bad.write_text(
        "start;minutes;mode;place;staff\n"
        f"{day(5)} 09:00;60;video;https://meet.example.org/y;Hamida\n"
        "next monday;60;phone;;Hamida\n"
        f"{day(5)} 13:00;sixty;phone;;Hamida\n"
        f"{day(5)} 15:00;60;fax;;Hamida\n"
    )

    imported = run_cli(tmp_path, "", "slots", "import", str(good))
    refused = run_cli(tmp_path, "", "slots", "import", str(bad))
    listed = run_cli(tmp_path, "", "slots", "list", "--days", "10")

    assert imported.stdout.strip() == "2 slots imported", imported.stderr
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == [
        "slots.csv, line 3",
        "slots.csv, line 4",
        "slots.csv, line 5",
    ]
    assert lines[3] == "erstkontakt: nothing imported: 3 bad lines"
    assert len([line for line in listed.stdout.splitlines() if " min " in line]) == 2
