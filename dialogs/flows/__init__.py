"""Every flow the engine knows, by its persisted name."""

from dialogs.flow import Flow
from dialogs.flows import about, first_contact, main_menu

FLOWS: dict[str, Flow] = {
    flow.name: flow for flow in (first_contact.FLOW, main_menu.FLOW, about.FLOW)
}
