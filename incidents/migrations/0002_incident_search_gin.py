from django.db import migrations

# Replaced by the stored search_vector column in 0003.
CREATE = (
    "CREATE INDEX IF NOT EXISTS incident_search_gin ON incidents_incident "
    "USING gin (to_tsvector('english'::regconfig, search_text))"
)
DROP = "DROP INDEX IF EXISTS incident_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_case_file")]
    operations = [migrations.RunPython(forwards, backwards)]
