"""Synonym rules read from a file in the Solr synonyms format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import SynonymsError

SYNONYMS_FILE_NAME = "synonyms.txt"


@dataclass(frozen=True, slots=True)
class SynonymRule:
    """One line: ``a, b, c`` (all equivalent) or ``a, b => c, d`` (a and b mean c or d)."""

    line: int
    sources: tuple[str, ...]
    targets: tuple[str, ...] | None  # None for an equivalence group

    @property
    def is_equivalence(self) -> bool:
        """True for a group of interchangeable phrases (no ``=>``)."""
        return self.targets is None


def _phrases(path: Path, number: int, part: str) -> tuple[str, ...]:
    phrases = tuple(p.strip() for p in part.replace("\\,", "\x00").split(","))
    phrases = tuple(p.replace("\x00", ",") for p in phrases if p)
    if not phrases:
        raise SynonymsError(path, number, "a side of the rule lists no phrase")
    return phrases


def parse_synonyms(path: Path, text: str) -> tuple[SynonymRule, ...]:
    """Parse Solr-format synonym text; the first bad line raises SynonymsError with its number."""
    rules: list[SynonymRule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.count("=>") > 1:
            raise SynonymsError(path, number, "a rule may hold '=>' only once")
        if "=>" in line:
            left, right = line.split("=>")
            rules.append(
                SynonymRule(number, _phrases(path, number, left), _phrases(path, number, right))
            )
        else:
            sources = _phrases(path, number, line)
            if len(sources) < 2:
                raise SynonymsError(path, number, "an equivalence needs two or more phrases")
            rules.append(SynonymRule(number, sources, None))
    return tuple(rules)


def load_synonyms(path: Path) -> tuple[SynonymRule, ...]:
    """Read a synonyms file; a missing file means no rules."""
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SynonymsError(path, 1, "the file is not UTF-8 text") from None
    except OSError as error:
        raise SynonymsError(path, 1, f"cannot read the file ({error.strerror or error})") from None
    return parse_synonyms(path, text)
