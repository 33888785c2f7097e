# syntax=docker/dockerfile:1
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
RUN SECRET_KEY=collectstatic-at-build-time-only DEBUG=false python manage.py collectstatic --no-input \
 && mkdir -p /app/data \
 && chown costmonitor:costmonitor /app/data
USER 10001:10001
# 5000: the API and admin; 8080: /metrics for Prometheus (the design's ports; one gunicorn serves both).
EXPOSE 5000 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["python", "docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
