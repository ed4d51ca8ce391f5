"""Stop at once, with a clear message, when the test database server cannot be reached."""

import os
import sys

import environ
import psycopg2

url = os.environ["DATABASE_URL"]
config = environ.Env.db_url_config(url)
if "postgresql" not in config["ENGINE"]:
    sys.exit(f"The tests run on PostgreSQL, but DATABASE_URL is {url!r}.")
try:
    psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        connect_timeout=3,
    ).close()
except psycopg2.OperationalError as error:
    sys.exit(
        f"PostgreSQL cannot be reached at {config.get('HOST')}:{config.get('PORT')}: {error}".strip()
        + "\nStart it (see DEVELOPERS.md) or set DATABASE_URL, then run `make test` again."
    )
