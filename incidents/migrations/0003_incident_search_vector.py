from django.db import migrations

# PostgreSQL only: a stored tsvector that the database keeps in step with search_text,
# with its GIN index. The model does not declare it (SQLite has no tsvector); only
# incidents.queries.search reads it, through SEARCH_MATCH.
FORWARDS = [
    "DROP INDEX IF EXISTS incident_search_gin",
    "ALTER TABLE incidents_incident ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, search_text)) STORED",
    "CREATE INDEX incident_search_vector_gin ON incidents_incident USING gin (search_vector)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS incident_search_vector_gin",
    "ALTER TABLE incidents_incident DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS incident_search_gin ON incidents_incident "
    "USING gin (to_tsvector('english'::regconfig, search_text))",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_incident_search_gin")]
    operations = [migrations.RunPython(forwards, backwards)]
