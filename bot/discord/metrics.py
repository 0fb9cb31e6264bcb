"""What an operator watches: Prometheus metrics of answers, the gateway and the library, and a
health check, served over HTTP when METRICS_PORT is set."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from bot.discord.client import ArticleBotBase

log = logging.getLogger(__name__)

# Answer times in seconds: the bot answers in milliseconds; Discord allows 3 s.
ANSWER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def outcome_of(found: bool, confident: bool) -> str:
    """The three answers, as metric labels."""
    if not found:
        return "not_found"
    return "answered" if confident else "not_sure"


class BotMetrics:
    """The bot's metrics in a registry of its own (two bots in one process never clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter(
            "article_bot_questions",
            "Questions answered, by way in (slash, mention, menu, ...) and answer",
            ("way", "outcome"),
            registry=self.registry,
        )
        self.refusals = Counter(
            "article_bot_refusals",
            "Questions the articles could not answer (no passage shown), by way in",
            ("way",),
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "article_bot_answer_seconds",
            "Time to answer a question, bot side (analysis to rendered reply)",
            ("way",),
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.gateway_latency = Gauge(
            "article_bot_gateway_latency_seconds",
            "Heartbeat latency to Discord's gateway (the mean over this process's shards)",
            registry=self.registry,
        )
        self.shards_connected = Gauge(
            "article_bot_shards_connected",
            "Shards of this process connected to the gateway",
            registry=self.registry,
        )
        self.shards = Gauge(
            "article_bot_shards", "Shards this process runs", registry=self.registry
        )
        self.reloads = Counter(
            "article_bot_reloads",
            "Library reloads (reload, watch, article add/remove), by result",
            ("result",),
            registry=self.registry,
        )
        self.articles = Gauge(
            "article_bot_articles_loaded", "Articles being served", registry=self.registry
        )
        self.sentences = Gauge(
            "article_bot_sentences_loaded",
            "Quotable sentences being served",
            registry=self.registry,
        )

    def answered(self, way: str, found: bool, confident: bool, seconds: float) -> None:
        """Count one answer and its time."""
        self.questions.labels(way, outcome_of(found, confident)).inc()
        if not found:
            self.refusals.labels(way).inc()
        self.answer_seconds.labels(way).observe(seconds)


@dataclass(frozen=True)
class Health:
    """Whether this process can answer: connected to Discord with its articles loaded."""

    connected: bool
    shards_connected: int
    shards: int
    articles: int
    sentences: int

    @property
    def ok(self) -> bool:
        """Healthy: every shard connected and something to quote."""
        return self.connected and self.shards_connected == self.shards and self.sentences > 0

    def body(self) -> str:
        """The health check's JSON reply."""
        return json.dumps(
            {
                "status": "ok" if self.ok else "unavailable",
                "connected": self.connected,
                "shards_connected": self.shards_connected,
                "shards": self.shards,
                "articles": self.articles,
                "sentences": self.sentences,
            }
        )


def shard_states(bot: ArticleBotBase) -> tuple[int, int]:
    """(connected, total) shards of this process."""
    shards = getattr(bot, "shards", None)
    if isinstance(shards, dict) and shards:
        connected = sum(1 for shard in shards.values() if not shard.is_closed())
        return connected, len(shards)
    return (1 if bot.is_ready() and not bot.is_closed() else 0), 1


def refresh(bot: ArticleBotBase) -> Health:
    """Bring the gauges up to date (at each scrape) and say how healthy the process is."""
    metrics = bot.metrics
    connected, total = shard_states(bot)
    corpus = bot.answerer.corpus
    metrics.shards_connected.set(connected)
    metrics.shards.set(total)
    metrics.articles.set(len(corpus.articles))
    metrics.sentences.set(len(corpus.sentences))
    latency = bot.latency
    if latency == latency and latency != float("inf"):  # NaN or inf before the first beat
        metrics.gateway_latency.set(latency)
    return Health(
        bot.is_ready() and not bot.is_closed(),
        connected,
        total,
        len(corpus.articles),
        len(corpus.sentences),
    )


def metrics_app(bot: ArticleBotBase) -> web.Application:
    """/metrics (Prometheus text format) and /health (200 when healthy, else 503)."""

    async def metrics_page(_request: web.Request) -> web.Response:
        refresh(bot)
        return web.Response(
            body=generate_latest(bot.metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    async def health_page(_request: web.Request) -> web.Response:
        health = refresh(bot)
        return web.Response(
            text=health.body(), status=200 if health.ok else 503, content_type="application/json"
        )

    app = web.Application()
    app.router.add_get("/metrics", metrics_page)
    app.router.add_get("/health", health_page)
    return app


async def serve_metrics(bot: ArticleBotBase, host: str, port: int) -> web.AppRunner:
    """Start the metrics server on the bot's event loop; returns the runner to clean up."""
    runner = web.AppRunner(metrics_app(bot), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("metrics and health on http://%s:%d/metrics and /health", host, port)
    return runner
