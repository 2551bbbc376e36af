"""Right-to-left text, in one place: which values are isolated, and in which direction
every line of a right-to-left reply starts.

A value set into a sentence (a name, a date, a phone number) is wrapped in an isolate so that
the sentence around it cannot reorder it (Unicode bidi algorithm, UAX #9, rules X5a-X6a):
names by their own first strong character (FSI), phone numbers and addresses left to right
(LRI), and dates and times in the direction of the language that formatted them, whose
patterns carry their own marks (Arabic dates hold RLMs that only make sense right to left).
"""

from __future__ import annotations

from dataclasses import replace

from dialogs.text import Paragraph, RichText, Span

LRI = "\u2066"
RLI = "\u2067"
FSI = "\u2068"
PDI = "\u2069"
RLM = "\u200f"
CONTROLS = frozenset((LRI, RLI, FSI, PDI, RLM, "\u200e", "\u061c"))


def isolated(value: str, opener: str = FSI) -> str:
    return f"{opener}{value}{PDI}"


def right_to_left(text: RichText) -> RichText:
    """`text` as a right-to-left reader needs it: links (phone numbers, e-mail and web
    addresses) isolated left to right, and every line opening with an RLM, so that a line
    that begins with a Latin name or a number still runs right to left."""
    return RichText(tuple(_directed(paragraph) for paragraph in text.paragraphs))


def _directed(paragraph: Paragraph) -> Paragraph:
    spans = [
        replace(span, text=isolated(span.text, LRI)) if span.style == "link" else span
        for span in paragraph.spans
    ]
    spans = [replace(span, text=span.text.replace("\n", f"\n{RLM}")) for span in spans]
    return Paragraph((Span(RLM), *spans), paragraph.kind)
