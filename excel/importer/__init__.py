"""Import a ledger workbook (../shared/spec/ledger-workbook.md): read, check everything, then write everything.

    result = ledger_import(data, actor=user, dry_run=True)   # nothing written; result.counts, result.errors
    result = ledger_import(data, actor=user)                 # all or nothing, in one transaction

Three passes:
1. read: every sheet that is present, header row 1 mapped by Chinese name, each cell parsed by its column's kind
   (text, code, date, school year, 是/否, number, vocabulary word). A bad cell is an error, not a crash.
2. plan: with one bulk lookup per table (codes are the keys), each row becomes a record to create, a record to
   update with the fields that differ, or nothing (unchanged). References (teacher, studio, activity codes) must
   exist in the workbook or in the database.
3. write: only when there is no error at all and this is no dry run, inside one transaction.atomic(), with
   bulk_create / bulk_update per table, and one audit entry "ledger.import" with the counts.

The import is a bulk load, not a workflow: it writes the models directly and sends no notifications.

The package: results.py (what an import reports), reading.py (the workbook, cell by cell), planning.py (bulk
lookups, the plan, what every sheet shares), people_sheets.py, activity_sheets.py and record_sheets.py
(each sheet's checks and plan), importing.py (ledger_import: read, plan, write).
"""

from .importing import BATCH, LedgerImport, check_workbook_upload, ledger_import
from .planning import CHUNK, Plan
from .reading import Reader, Row
from .results import ImportResult, LedgerError, LedgerFileError, SheetCounts

__all__ = (
    "BATCH",
    "CHUNK",
    "ImportResult",
    "LedgerError",
    "LedgerFileError",
    "LedgerImport",
    "Plan",
    "Reader",
    "Row",
    "SheetCounts",
    "check_workbook_upload",
    "ledger_import",
)
