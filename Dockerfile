# One image for every Python service of the compose stack (docker-compose.yml): the Dagster code
# location, webserver and daemon, the migrations job and the API. Build: `docker compose build`.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    DAGSTER_DISABLE_TELEMETRY=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    GX_ANALYTICS_ENABLED=false

# System packages: tesseract (with English data) reads scanned IES statements (pipelines/ies/ocr.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

# Then the project itself.
COPY . .
RUN uv sync --frozen --no-dev

ENV PATH="/app/.venv/bin:$PATH"

# The dbt manifest ships in the image, so the code location loads without parsing at start-up.
# Parsing needs no database (dbt/profiles.yml falls back to defaults for the DBT_PG_* variables).
RUN dbt parse --project-dir dbt --profiles-dir dbt

# Dagster instance for the multi-host form: storage in Postgres (DAGSTER_PG_URL), queued runs.
ENV DAGSTER_HOME=/opt/dagster/home
COPY deploy/dagster.yaml /opt/dagster/home/dagster.yaml

# Non-root user. It owns what the services write: the Dagster home (compute logs; `brainops db start`
# also rewrites dagster.yaml there), dbt's target/ and logs/, and /data (landing dir, sample data);
# named volumes mounted on these paths start out with this ownership.
RUN groupadd --system --gid 1000 brainops \
    && useradd --system --uid 1000 --gid brainops --create-home --home-dir /home/brainops brainops \
    && mkdir -p /opt/dagster/home/storage /data/landing /app/dbt/logs \
    && chown -R brainops:brainops /opt/dagster /data /app/dbt
USER brainops

# 3000 Dagster webserver, 4000 code location (gRPC), 8000 API.
EXPOSE 3000 4000 8000

# By default the image serves the API through its launcher (serving/server.py: uvicorn with header, body and
# keep-alive timeouts, JSON logs); the compose services name their own commands.
CMD ["python", "-m", "serving.server", "--host", "0.0.0.0", "--port", "8000"]
