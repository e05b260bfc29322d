# legday dashboard: docker build -t legday . && docker run -p 8501:8501 -e LEGDAY_DATABASE_URL=... legday
# (with sign-in configured, see docs/deploy.md)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Runs as an unprivileged user; its home holds the SQLite file when no database URL is given.
RUN useradd --create-home --uid 10001 legday
WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=legday:legday app.py ./
COPY --chown=legday:legday views ./views
COPY --chown=legday:legday legday ./legday
COPY --chown=legday:legday data/samples ./data/samples
COPY --chown=legday:legday .streamlit/config.toml ./.streamlit/config.toml

USER legday
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
# Listening on the network: refuses to start without sign-in ([auth] in a mounted
# secrets.toml) unless LEGDAY_PUBLIC_OWNER=1 accepts it for a private network.
CMD ["python", "-m", "legday.ui.exposure", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
