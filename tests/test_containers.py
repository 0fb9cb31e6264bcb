"""The Dockerfile and compose file, checked without a Docker engine: they parse, copy what
exists, run as a non-root user, and every command they run is one the bot accepts."""

from __future__ import annotations

import json
import shlex

import yaml

from bot.cli import build_parser
from tests.conftest import ROOT


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _space, rest = stripped.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_the_image_runs_the_bot_as_a_non_root_user() -> None:
    """USER before the entry point, not root; what it copies exists in the checkout."""
    instructions = _instructions()
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    for keyword, rest in instructions:
        if keyword == "COPY":
            *sources, _target = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), source
    entry = json.loads(next(rest for keyword, rest in instructions if keyword == "ENTRYPOINT"))
    command = json.loads(next(rest for keyword, rest in instructions if keyword == "CMD"))
    assert entry == ["article-bot"]
    assert build_parser().parse_args(command).command == "run"


def test_the_health_check_asks_the_health_endpoint() -> None:
    """The HEALTHCHECK is valid Python calling /health on the metrics port the image sets."""
    instructions = _instructions()
    check = next(rest for keyword, rest in instructions if keyword == "HEALTHCHECK")
    exec_form = json.loads(check[check.index("CMD") + 3 :].strip())
    assert exec_form[:2] == ["python", "-c"]
    compile(exec_form[2], "healthcheck", "exec")
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    assert "METRICS_PORT=9100" in env
    assert "127.0.0.1:9100/health" in exec_form[2]


def test_compose_runs_two_shard_ranges_the_command_line_accepts() -> None:
    """PostgreSQL and two bot services on it: disjoint shard ranges of the same count that
    cover every shard, each a valid `run`."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = {n: s for n, s in compose["services"].items() if s.get("build") == "."}
    assert len(services) == 2
    database = compose["services"]["postgres"]
    assert database["image"].startswith("postgres:")
    for service in services.values():
        url = service["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://")
        assert url.endswith("@postgres:5432/article_bot")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    ranges: list[set[int]] = []
    counts: set[int] = set()
    for service in services.values():
        command = service["command"]
        if isinstance(command, str):
            command = shlex.split(command)
        args = build_parser().parse_args(command)
        assert args.command == "run"
        low, high = (int(x) for x in args.shard_ids.split("-"))
        ranges.append(set(range(low, high + 1)))
        counts.add(args.shard_count)
    assert len(counts) == 1
    assert not ranges[0] & ranges[1]
    assert ranges[0] | ranges[1] == set(range(counts.pop()))
