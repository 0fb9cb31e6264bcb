"""Questions out of Discord messages: mentions and chat markup removed, words kept."""

from __future__ import annotations

import re

_MARKUP = re.compile(
    r"<(?:@[!&]?|#|/[\w -]+:)\d+>|<a?:\w+:\d+>|<t:-?\d+(?::\w)?>|@(?:everyone|here)\b"
)


def question_from_message(content: str, bot_id: int) -> str:
    """The text of a message addressed to the bot, without the bot's mention or other markup."""
    own = re.compile(rf"<@!?{bot_id}>")
    text = own.sub(" ", content)
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())
