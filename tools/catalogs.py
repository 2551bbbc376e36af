"""Maintain the gettext catalogs: `update` extracts the msgids from the code into
`locales/messages.pot` and merges them into every `messages.po` (new entries empty, to be
translated; `en` filled with its msgids); `compile` builds the `.mo` files.

    python tools/catalogs.py update     # after changing texts in the code
    python tools/catalogs.py compile    # done by `make`, and at start when stale
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
KEYWORDS = {
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
SOURCE_LOCALE = "en"

sys.path.insert(0, str(ROOT))


def extracted() -> Catalog:
    """The msgids in the code, as a template catalog."""
    template = Catalog(project="erstkontakt", version="1", fuzzy=False)
    for path, lineno, message, comments, context in extract_from_dir(
        ROOT,
        method_map=[
            ("bot/**.py", "python"),
            ("dialogs/**.py", "python"),
            ("storage/**.py", "python"),
        ],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def update() -> None:
    template = extracted()
    with POT.open("wb") as handle:
        write_po(handle, template, width=88, sort_output=True, include_lineno=False)
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        # update() inserts the template's own Message objects: give each catalog a copy.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        if po.parent.parent.name == SOURCE_LOCALE:
            for message in catalog:
                if message.id and not any(message.string or ()):
                    message.string = message.id
        with po.open("wb") as handle:
            write_po(
                handle,
                catalog,
                width=88,
                sort_output=True,
                ignore_obsolete=True,
                include_lineno=False,
            )
        print(f"updated {po.relative_to(ROOT)}")


def compile_all() -> None:
    from dialogs.i18n import compile_catalogs

    compiled = compile_catalogs(LOCALES, LOCALES)
    print(f"compiled {', '.join(compiled) or 'nothing (all current)'}")


if __name__ == "__main__":
    commands = {"update": update, "compile": compile_all}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        raise SystemExit(__doc__)
    commands[sys.argv[1]]()
