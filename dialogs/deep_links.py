"""Deep links: `/start <payload>` opens a flow directly (from a poster's QR code, a link on
a website). The payload format is stable, because printed posters must keep working:

    <target>[--<source>]        at most 64 characters of A-Z a-z 0-9 _ -

    target   about              the list of About topics
             about-NN           the About page numbered NN (locales/*/content/about/NN-*.md)
             ask                "Ask the team"
    source   1-32 of A-Z a-z 0-9 _, a tag that is counted (e.g. poster_bautzen_2026)

Anything else is ignored and the person gets a normal start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogs.context import Ctx
from dialogs.core import Outcome, switch

_PAYLOAD = re.compile(r"^(?P<target>[a-z]+(?:-\d\d)?)(?:--(?P<source>[A-Za-z0-9_]{1,32}))?$")
MAX_PAYLOAD = 64


@dataclass(frozen=True)
class DeepLink:
    target: str
    source: str | None = None

    @property
    def payload(self) -> str:
        return self.target if self.source is None else f"{self.target}--{self.source}"


def parse_payload(payload: str) -> DeepLink | None:
    """The deep link in a `/start` payload, or None when it is not one we know."""
    if len(payload) > MAX_PAYLOAD:
        return None
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        return None
    link = DeepLink(match["target"], match["source"])
    return link if _known_target(link.target) else None


def _known_target(target: str) -> bool:
    return target in {"about", "ask"} or re.fullmatch(r"about-\d\d", target) is not None


def targets(about_slugs: list[str]) -> list[str]:
    """Every target a link can open, given the About pages' slugs (`07-bautzen`...)."""
    return ["about", *(f"about-{slug[:2]}" for slug in about_slugs), "ask"]


def open_link(
    link: DeepLink, ctx: Ctx, *, note: str | None = None, locale: str | None = None
) -> Outcome | None:
    """Where the link leads, or None when its target no longer exists (e.g. a removed page)."""
    if link.target == "about":
        return switch("about", note=note, locale=locale)
    if link.target.startswith("about-"):
        number = link.target.removeprefix("about-")
        pages = ctx.content.pages(locale or ctx.locale, "about")
        slug = next((p.slug for p in pages if p.slug.startswith(f"{number}-")), None)
        if slug is None:
            return None
        return switch("about", step="page", note=note, locale=locale, page=slug)
    if link.target == "ask":
        return switch("ask_the_team", note=note, locale=locale)
    return None
