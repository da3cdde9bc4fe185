"""`manage.py import_ledger FILE` that stops dead once it has written part of the workbook (tests/test_faults.py).

After FAULT_AFTER_BATCHES bulk inserts inside the import's transaction it prints WRITING and waits on its standard
input; the test then kills it with SIGKILL, as a crash or a power cut would, and looks at what the database kept.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models.query import QuerySet  # noqa: E402

AFTER = int(os.environ.get("FAULT_AFTER_BATCHES", "3"))
_original_bulk_create = QuerySet.bulk_create
_batches = 0


def _bulk_create(self, *args, **kwargs):
    global _batches
    created = _original_bulk_create(self, *args, **kwargs)
    _batches += 1
    if _batches == AFTER:
        print(f"WRITING {self.model._meta.db_table}", flush=True)
        sys.stdin.read()  # the test kills this process here, in the middle of the transaction
    return created


QuerySet.bulk_create = _bulk_create

if __name__ == "__main__":
    call_command("import_ledger", sys.argv[1])
