"""Every record has a code (编号): records typed in the browser before codes were given on save get theirs now
(core.models.record_code), so that a ledger export names every record by a code an empty database can import."""

from django.db import migrations

from core.models import fill_missing_codes

PREFIXES = {"Work": "W", "StudioDocument": "D", "ResearchProject": "P", "MentoringPair": "M", "Task": "K",
            "FundEntry": "F"}


def fill(apps, schema_editor):
    for name, prefix in PREFIXES.items():
        fill_missing_codes(apps.get_model("records", name), prefix)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
