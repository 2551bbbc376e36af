"""Standing actions: buttons in messages the program sends on its own (a reminder, an
offer, a staff answer) that keep working after the conversation has moved on.

A button names an action and its object (`request:done:12`); pressed, the action checks
again whether it still applies (is the request still open, is it this person's?) and
answers politely when it no longer does. The prompt on screen is not involved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from dialogs import free_text
from dialogs.context import Ctx
from dialogs.core import Outcome, stay

# An action gets what follows its name in the button (usually an id) and the context.
StandingAction = Callable[[str, Ctx], Awaitable[Outcome]]


async def press(actions: Mapping[str, StandingAction], pressed: str, ctx: Ctx) -> Outcome:
    """Run the action a button names; one that no longer exists is answered politely."""
    name, _, argument = pressed.rpartition(":")
    action = actions.get(name)
    if action is None:
        return stay(free_text.stale_choice_note(ctx), in_place=False)
    return await action(argument, ctx)
