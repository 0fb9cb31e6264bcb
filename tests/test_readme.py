"""The README says what the bot really does: its samples are the real output."""

from __future__ import annotations

import pytest

from tests.readme_samples import README, SAMPLE, render, samples


def test_the_readme_has_samples() -> None:
    """At least the terminal answer, a refusal and the JSON contract are shown."""
    found = samples(README.read_text(encoding="utf-8"))
    assert len(found) >= 3
    assert any("--json" in args for args, _body in found)


def test_every_readme_sample_is_what_the_command_prints_now() -> None:
    """Regenerate with `python -m tests.readme_samples` after changing what the bot says."""
    readme = README.read_text(encoding="utf-8")
    fresh = render(readme)
    for (args, shown), (_args, real) in zip(samples(readme), samples(fresh), strict=True):
        if shown != real:
            pytest.fail(f"README sample `{args}` differs from the real output:\n{real}")
    assert SAMPLE.search(readme)
