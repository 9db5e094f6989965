# One image for every process: `python -m bot serve` (default) and `python -m bot clock`.
# Build: docker build -t deliverables .   Secrets come from the environment at run time, never from the image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump, pg_restore and psql for `backup` / `restore`; bookworm's client is 15, like the server.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, the exact versions of the lock, so a code change does not reinstall them.
COPY requirements/runtime.txt ./requirements/
RUN pip install --requirement requirements/runtime.txt

# .dockerignore lets in only the packages, the seeds, the lock and pyproject: no .env, databases or backups.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info

# Code stays root-owned and read-only to the app. /data holds the SQLite file when there is no PostgreSQL;
# /backups is where `python -m bot backup /backups --keep N` writes (a named volume inherits the owner).
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent app \
    && mkdir /data /backups \
    && chown app /data /backups
USER app

ENV PORT=3000 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite:////data/deliverables.db
EXPOSE 3000

# No curl in slim: urllib fails on a refused connection and on 503 alike. The clock serves no HTTP:
# docker-compose.yml turns this check off for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]

CMD ["python", "-m", "bot", "serve"]
