# costmonitor image: one entrypoint, roles web | worker | beat | migrate | <manage.py command> (docker/entrypoint.sh).

# --- build: dependencies into a virtualenv, so the runtime stage gets no compilers or pip caches ---
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements/ /tmp/requirements/
RUN pip install -r /tmp/requirements/prod.txt

# --- runtime ---
FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COSTMONITOR_DATA_DIR=/app/data \
    PORT=5000 \
    METRICS_PORT=8080
RUN groupadd --system --gid 10001 costmonitor \
 && useradd --system --uid 10001 --gid costmonitor --home-dir /app --no-create-home --shell /usr/sbin/nologin costmonitor
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY . .
# Static files are collected at build time; the key only lets settings load here and is not kept in the image.
# Loading the Celery app creates the filesystem broker's folders in the data folder: that happens in a throwaway
# folder here, so /app/data starts empty, owned by the runtime user, who creates what it needs at start.
RUN SECRET_KEY=collectstatic-at-build-time-only DEBUG=false COSTMONITOR_DATA_DIR=/tmp/build-data \
    python manage.py collectstatic --no-input \
 && rm -rf /tmp/build-data \
 && mkdir -p /app/data \
 && chown -R costmonitor:costmonitor /app/data
USER 10001:10001
# 5000: the API and admin; 8080: /metrics for Prometheus (the design's ports; one gunicorn serves both).
EXPOSE 5000 8080
# Role-aware (docker/healthcheck.py): web asks /health/ready, worker pings itself over the broker, beat checks the
# heartbeat of its scheduler loop. Two failed probes in a row: unhealthy within two intervals.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=2 CMD ["python", "docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
