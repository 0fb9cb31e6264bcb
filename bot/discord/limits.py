"""Discord's message limits, and cutting text to fit them without losing it silently."""

from __future__ import annotations

import re

CONTENT = 2000
THREAD_NAME = 100
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
# Links under quotes and on titles: longer ones (tracking-laden URLs) are left out.
LINK = 512
FIELDS = 25
FOOTER = 2048
EMBED_TOTAL = 6000
EMBEDS = 10
BUTTON_LABEL = 80
CUSTOM_ID = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")


def truncate(text: str, limit: int) -> str:
    """``text`` if it fits, else cut at a sentence or word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    head = text[:room]
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if sentence_ends and sentence_ends[-1] > room // 2:
        return head[: sentence_ends[-1]].rstrip() + ELLIPSIS
    space = head.rfind(" ")
    if space > room // 2:
        head = head[:space]
    # Never end on a lone backslash: it would escape the ellipsis.
    head = head.rstrip()
    while head.endswith("\\"):
        head = head[:-1]
    return head + ELLIPSIS
