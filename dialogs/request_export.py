"""The open requests as a spreadsheet, for admins: from the admin menu in the chat, and
`erstkontakt requests export` at a terminal. Headers in the reader's language."""

from __future__ import annotations

from datetime import datetime

from dialogs.i18n import N_, Translator, language_name
from storage.clock import BERLIN
from storage.exports import Column, Table
from storage.roles import Role
from storage.services.request_reports import RequestReports, RequestSummary

COLUMNS = (
    (N_("Request"), 10),
    (N_("Status"), 14),
    (N_("Opened"), 17),
    (N_("First name"), 18),
    (N_("Channel"), 10),
    (N_("Language"), 14),
    (N_("Messages"), 10),
    (N_("First message"), 60),
)
STATUSES = {"open": N_("open"), "answered": N_("answered")}


async def open_requests(
    reports: RequestReports, *, role: Role, t: Translator, now: datetime
) -> Table:
    """The requests not yet closed, oldest first; `NotAllowed` unless `role` may export."""
    summaries = await reports.open_requests(role=role)
    return Table(
        name=f"requests-{now.astimezone(BERLIN):%Y-%m-%d}",
        columns=tuple(Column(t.gettext(title), width) for title, width in COLUMNS),
        rows=[_row(summary, t) for summary in summaries],
    )


def _row(item: RequestSummary, t: Translator) -> tuple:
    status = STATUSES.get(item.status)
    return (
        f"#{item.ticket_id}",
        t.gettext(status) if status else item.status,
        item.created_at,
        item.first_name or "",
        item.channel,
        language_name(item.locale),
        item.messages,
        item.first_text or "",
    )
