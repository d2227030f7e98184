# Production image: the same bin/ commands that CI runs natively (.ci/smoke_production.sh).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_VAR_DIR=/app/var
WORKDIR /app

# Pango and fonts for the PDF meeting report (WeasyPrint), the same packages .ci/run installs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 portal
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=portal:portal . .
RUN mkdir -p /app/var && chown portal:portal /app/var

USER portal
EXPOSE 8000
CMD ["bin/web"]
