"""The READMEs point only to what a clone holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READMES = [ROOT / "README.md", ROOT / "locales" / "README.md"]
TOP = ("bot/", "dialogs/", "storage/", "locales/", "tests/", "tools/", "docs/", "benchmarks/")


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_a_readme_names_is_in_the_repository(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    named = {
        path.rstrip("/.,")
        for path in re.findall(r"`([^`\s]+)`", text) + re.findall(r"\]\(([^)\s]+)\)", text)
        if path.startswith(TOP) and not re.search(r"[<*]", path)
    }

    assert "../" not in text
    assert named
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_the_projects_own_description_is_in_the_repository() -> None:
    description = (ROOT / "docs" / "project.de.txt").read_text(encoding="utf-8")

    assert "Diversität in Institutionen der Migrationsgesellschaft" in description
