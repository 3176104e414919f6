# Khaacho: one image for `serve` and `worker`. Slim, non-root, the intent model trained at build time.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY bot bot
COPY handlers handlers
COPY nlu nlu
COPY domain domain
COPY services services
COPY storage storage
COPY jobs jobs
COPY testing testing
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .
COPY data data
COPY config.yml ./
# Bake the model files in: the intent classifier is trained once here, not in every container at start.
RUN /opt/venv/bin/python -c "from nlu.intent import load_or_train; load_or_train()"

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
RUN useradd --system --uid 10001 --home /app khaacho
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=khaacho:khaacho /app /app
USER khaacho
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=2)"
ENTRYPOINT ["khaacho"]
CMD ["serve", "--port", "8080"]
