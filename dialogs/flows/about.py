"""About the project: a list of topics, each a page from the content files.

    TOPICS ──page:<slug>──▶ PAGE ──next──▶ PAGE (the following topic)
       │                      ├──ask──▶ ask_the_team
       │                      ├──topics──▶ TOPICS
       └──menu──▶ main_menu   └──menu──▶ main_menu

The pages are `locales/<locale>/content/about/*.md`; staff edit them without code changes.
A page that disappeared meanwhile sends the person back to the list.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.content import Page
from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, go, stay, switch
from dialogs.flow import Flow
from dialogs.text import RichText

SECTION = "about"


class Step(StrEnum):
    TOPICS = "topics"
    PAGE = "page"


def ask_topics(ctx: Ctx) -> Prompt:
    """List every topic by its title."""
    pages = ctx.content.pages(ctx.locale, SECTION)
    return Prompt(
        text=RichText.plain(ctx.t.gettext("What would you like to know about the project?")),
        choices=(
            *(choice("page", page.slug, label=page.title) for page in pages),
            choice("nav", "menu", label=ctx.t.gettext("Back to the menu")),
        ),
    )


async def on_topics(event: Incoming, ctx: Ctx) -> Outcome:
    """Open the chosen page."""
    match event:
        case Chosen("page", slug) if ctx.content.page(ctx.locale, SECTION, slug):
            return go(Step.PAGE, page=slug)
        case Chosen("nav", "menu"):
            return switch("main_menu")
        case _:
            return stay()


def ask_page(ctx: Ctx) -> Prompt:
    """Show the page, then offer the next topic, the list and the menu."""
    pages = ctx.content.pages(ctx.locale, SECTION)
    slugs = [page.slug for page in pages]
    current = ctx.answers.get("page")
    if current not in slugs:
        return ask_topics(ctx)
    index = slugs.index(current)
    following = pages[index + 1] if index + 1 < len(pages) else None
    return Prompt(
        text=RichText.heading(pages[index].title) + pages[index].body,
        choices=_page_choices(ctx, following),
    )


def _page_choices(ctx: Ctx, following: Page | None) -> tuple:
    t = ctx.t
    nav = [
        choice("nav", "ask", label=t.gettext("Ask the team")),
        choice("nav", "topics", label=t.gettext("All topics")),
        choice("nav", "menu", label=t.gettext("Back to the menu")),
    ]
    if following is not None:
        label = t.gettext("Next: {title}").format(title=following.title)
        nav.insert(1, choice("nav", "next", label=label))
    return tuple(nav)


async def on_page(event: Incoming, ctx: Ctx) -> Outcome:
    """Follow the navigation below a page."""
    slugs = [page.slug for page in ctx.content.pages(ctx.locale, SECTION)]
    current = ctx.answers.get("page")
    match event:
        case Chosen("nav", "next") if current in slugs and slugs.index(current) + 1 < len(slugs):
            return go(Step.PAGE, page=slugs[slugs.index(current) + 1])
        case Chosen("nav", "ask"):
            return switch("ask_the_team")
        case Chosen("nav", "topics"):
            return go(Step.TOPICS)
        case Chosen("nav", "menu"):
            return switch("main_menu")
        case Chosen("page", slug) if slug in slugs:
            return go(Step.PAGE, page=slug)
        case _:
            return go(Step.TOPICS)


def open_page(slug: str, ctx: Ctx) -> Outcome:
    """Open one page from elsewhere (the menu); the list of topics if it is missing."""
    if ctx.content.page(ctx.locale, SECTION, slug) is None:
        return switch(FLOW.name)
    return switch(FLOW.name, step=Step.PAGE, page=slug)


FLOW = Flow(
    name="about",
    start=Step.TOPICS,
    steps={Step.TOPICS: (ask_topics, on_topics), Step.PAGE: (ask_page, on_page)},
)
