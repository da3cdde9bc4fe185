"""Every activity has a code (编号): activities typed in the browser before codes were given on save get theirs now
(core.models.record_code), so that a ledger export names every activity by a code an empty database can import."""

from django.db import migrations

from core.models import fill_missing_codes


def fill(apps, schema_editor):
    fill_missing_codes(apps.get_model("activities", "Activity"), "A")


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_documentnumbercounter")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
