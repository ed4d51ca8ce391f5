from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_dossier"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="document",
            field=models.CharField(
                choices=[
                    ("dossier", "Dossier"),
                    ("witness_statement", "Witness statement"),
                    ("victim_statement", "Victim personal statement"),
                ],
                default="dossier",
                max_length=20,
            ),
        ),
    ]
