# article-bot in a container: non-root, the bundled article inside, metrics and a health check.
# Build: docker build -t article-bot .   Run: docker run --env-file .env article-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin bot \
    && mkdir -p /data && chown bot:bot /data

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY retrieval ./retrieval
COPY seeds ./seeds
RUN pip install . && rm -rf /src

USER bot
WORKDIR /home/bot
# The embedding model is checked against its pinned hash and loaded once here: an image whose
# model cannot load fails to build instead of at its first start.
RUN python -c "from retrieval.semantic import default_encoder; default_encoder(None)"

ENV DATABASE_PATH=/data/article-bot.sqlite3 \
    INDEX_CACHE_DIR=/data/cache \
    METRICS_PORT=9100 \
    METRICS_HOST=0.0.0.0
VOLUME ["/data"]
EXPOSE 9100

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9100/health', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["article-bot"]
CMD ["run"]
