"""Hostile uploads: how fast and how lightly the upload checks refuse them (issue 11).

    .venv/bin/python bench/hostile_files.py

The padding-entry bomb is a 1.9 MB .docx whose document.xml inflates to 280 MB, hidden behind one
incompressible padding entry so that the whole archive's ratio looks harmless (the check the app had before
looked only at that). Goal: refused in under 1 s with under 100 MB of memory. Each file is checked in a fresh
child process (what one request does), which reports its wall time and the growth of its peak resident memory
over the interpreter with Django loaded; a well-formed 10-page paper is checked the same way as the baseline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")

CHILD = r"""
import json, resource, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from core.uploads import WRITING, check_upload, count_chars, extract_text
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    checked = check_upload(SimpleUploadedFile(sys.argv[2], data), WRITING)
    outcome = f"counted {count_chars(extract_text(checked) or '')}"
except ValidationError as error:
    outcome = f"refused: {error.messages[0]} ({error.code})"
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "memory_mb": (after - before) / 1024, "peak_mb": after / 1024,
                  "outcome": outcome}))
"""


def measure(name: str, data: bytes) -> dict:
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as file:
        file.write(data)
        file.flush()
        done = subprocess.run([sys.executable, "-c", CHILD, file.name, name], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "DJANGO_ENV": "test"}, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    import django

    django.setup()
    from core.tests import hostile, layouts

    cases = [
        ("a 10-page paper (baseline).docx", layouts.o.make_docx(*[layouts.PROSE * 12] * 40)),
        ("padding-entry bomb.docx", hostile.padding_entry_bomb()),
        ("10,000 pages.pdf", hostile.many_page_pdf()),
        ("javascript.pdf", hostile.javascript_pdf()),
    ]
    print(f"{'file':34} {'size':>9} {'time':>8} {'growth':>9} {'peak RSS':>9}  outcome")
    for name, data in cases:
        result = measure(name, data)
        print(f"{name:34} {len(data) / 1024 / 1024:7.2f}MB {result['seconds'] * 1000:6.0f}ms "
              f"{result['memory_mb']:7.1f}MB {result['peak_mb']:7.1f}MB  {result['outcome']}")


if __name__ == "__main__":
    main()
