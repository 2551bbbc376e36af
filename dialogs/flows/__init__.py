"""Every flow the engine knows, by its persisted name."""

from dialogs.flow import Flow
from dialogs.flows import (
    about,
    admin,
    ask_the_team,
    first_contact,
    main_menu,
    privacy,
    switch_language,
)
from dialogs.standing_actions import StandingAction

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (
        first_contact.FLOW,
        main_menu.FLOW,
        about.FLOW,
        switch_language.FLOW,
        ask_the_team.FLOW,
        privacy.FLOW,
        admin.FLOW,
    )
}

# Buttons that keep working after the conversation moved on, by the action they name.
STANDING_ACTIONS: dict[str, StandingAction] = {
    ask_the_team.REQUEST_DONE: ask_the_team.close_my_request,
}
