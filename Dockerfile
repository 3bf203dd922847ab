# Atelier: one image for `atelier serve` (any number of replicas) and the one-shot `atelier migrate`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ATELIER_HOST=0.0.0.0 \
    ATELIER_PORT=8000 \
    ATELIER_DATA_DIR=/data

WORKDIR /src
# Only what the wheel needs (the frontend ships inside the package); tests and docs stay out.
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY frontend ./frontend
RUN pip install . && rm -rf /src
WORKDIR /

# Never run as root; /data only matters for the embedded SQLite shape.
RUN useradd --system --uid 10001 --home-dir /data --create-home atelier
USER atelier
WORKDIR /data

EXPOSE 8000
# SIGTERM: uvicorn stops accepting, closes sockets with 1012 (clients move to another replica) and
# lets commands in flight finish; give it more than its 10 s before a SIGKILL.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["atelier", "serve"]
