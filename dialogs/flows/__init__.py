"""Every flow the engine knows, by its persisted name."""

from dialogs.flow import Flow
from dialogs.flows import (
    about,
    ask_the_team,
    first_contact,
    main_menu,
    privacy,
    switch_language,
)

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (
        first_contact.FLOW,
        main_menu.FLOW,
        about.FLOW,
        switch_language.FLOW,
        ask_the_team.FLOW,
        privacy.FLOW,
    )
}
