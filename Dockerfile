# One image for every process of docker-compose.yml: web (gunicorn), worker, capture-worker and beat (Celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# debian-packages.txt: what the product needs at run time (libmagic1 sniffs the type of uploaded evidence; the
# dossier's fonts; chromium, which the capture worker drives). libpq-dev and gcc build psycopg2.
COPY debian-packages.txt /tmp/debian-packages.txt
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev gcc $(sed -e 's/#.*//' /tmp/debian-packages.txt) \
    && rm -rf /var/lib/apt/lists/* /tmp/debian-packages.txt

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image. The secret key below exists only
# for this one command; the running containers must be given their own.
RUN SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --no-input -v0

# The evidence store and the dossiers live on named volumes mounted at /data;
# the folders are created here so the volumes start out owned by the app user.
RUN useradd --create-home --uid 1000 app \
    && mkdir -p /app/var /data/evidence /data/dossiers /data/keys \
    && chown -R app:app /app/var /data
USER app

EXPOSE 8000
CMD ["gunicorn", "referral_tracker.wsgi:application", "--bind", "0.0.0.0:8000"]
