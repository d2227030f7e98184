# Production image: the same bin/ commands that CI runs natively (.ci/smoke_production.sh).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_VAR_DIR=/app/var
WORKDIR /app

RUN useradd --create-home --uid 1000 portal
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=portal:portal . .
RUN mkdir -p /app/var && chown portal:portal /app/var

USER portal
EXPOSE 8000
CMD ["bin/web"]
