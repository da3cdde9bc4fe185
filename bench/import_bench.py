"""The ledger import against plain ``bulk_create`` of the same rows, in the same run (bench/run.py's import figure).

    .venv/bin/python bench/import_bench.py [--rows 20000] [--runs 3] [--scratch DIR]

A ledger of ``--rows`` rows in a banner's proportions (bench/excel_bench.py's generator, every sheet) is imported
into an empty SQLite database (a copy of one migrated once); the rows that import created, table by table, are then
written into another empty copy with nothing but ``Model.objects.bulk_create(batch_size=500)`` in one transaction:
what any import must at least do. Each run is a fresh process; ours and the baseline alternate. The last line of
output is the JSON of the timings; the scratch folder is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")
    os.environ.setdefault("DJANGO_ENV", "test")
    os.environ["MEDIA_ROOT"] = str(database.parent / "media")
    os.environ["BENCH_SCRATCH"] = str(database.parent / "excel-bench")
    import django

    django.setup()


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def child_migrate(database: Path) -> dict:
    _setup(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {}


def child_import(database: Path, workbook: Path, rows_file: Path | None) -> dict:
    _setup(database)
    from django.apps import apps

    from excel.importer import ledger_import

    data = workbook.read_bytes()
    before = _counts()
    started = time.perf_counter()
    result = ledger_import(data)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit("the import failed: " + "; ".join(str(e) for e in result.errors[:5]))
    after = _counts()
    created = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    if rows_file is not None:
        tables = {label: list(apps.get_model(label)._default_manager.order_by("pk").values()) for label in created}
        rows_file.write_bytes(pickle.dumps(tables))
    return {"seconds": seconds, "records": sum(created.values())}


def child_bulk(database: Path, rows_file: Path) -> dict:
    _setup(database)
    from django.apps import apps
    from django.db import transaction

    tables = pickle.loads(rows_file.read_bytes())
    started = time.perf_counter()
    with transaction.atomic():  # foreign keys are checked at commit, so the order of the tables does not matter
        for label, rows in tables.items():
            model = apps.get_model(label)
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "records": sum(len(rows) for rows in tables.values())}


def _child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False,
                          cwd=ROOT)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"import bench child {args[0]} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        mode, *rest = sys.argv[2:]
        paths = [Path(p) if p else None for p in rest]
        result = {"migrate": child_migrate, "import": child_import, "bulk": child_bulk}[mode](*paths)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scratch", help="a folder to work in (removed at the end)")
    args = parser.parse_args()
    scratch = Path(args.scratch) if args.scratch else Path(tempfile.mkdtemp(prefix="import-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        template = scratch / "empty.sqlite3"
        _child("migrate", str(template))
        workbook = scratch / "ledger.xlsx"
        os.environ["BENCH_SCRATCH"] = str(scratch / "excel-bench")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")
        os.environ["DATABASE_URL"] = f"sqlite:///{template}"
        import django

        django.setup()  # the generator builds its rows with the models' choices
        import excel_bench

        data, sizes = excel_bench.ledger_workbook(args.rows)
        workbook.write_bytes(data)
        rows_file = scratch / "rows.pickle"
        ours, base, records = [], [], 0
        for run in range(args.runs):
            for mode in ("import", "bulk"):
                database = scratch / f"{mode}-{run}.sqlite3"
                shutil.copyfile(template, database)
                if mode == "import":
                    figures = _child("import", str(database), str(workbook), str(rows_file) if run == 0 else "")
                    ours.append(figures["seconds"])
                    records = figures["records"]
                else:
                    base.append(_child("bulk", str(database), str(rows_file))["seconds"])
                database.unlink()
        print(json.dumps({"ours": ours, "base": base, "rows": sum(sizes.values()), "records": records}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
