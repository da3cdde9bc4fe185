"""One request at a time, the load test's pages on the banner-scale database: time, queries and SQL time each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mingshi_load DJANGO_ENV=development DEBUG=0 MINGSHI_REQUIRE_2FA=0 \
        SECRET_KEY=profile-only LOG_LEVEL=WARNING .venv/bin/python bench/load/profile_pages.py [--runs 9]

Where the load test shows a slow page, this says whether the time goes to the database (many queries, or one slow
one — the slowest is printed) or to Python. Run it after bench/generate_banner.py; it writes nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingshi.settings")

PAGES = {
    "officer01": ["/", "/activities/queue/", "/assessments/", "/assessments/studio/WS-0003/", "/studios/",
                  "/assessments/?behind=1", "/assessments/?kind=cycle"],
    "T0001-00": ["/", "/studios/WS-0001/", "/records/studio/WS-0001/", "/activities/studio/WS-0001/",
                 "/activities/queue/"],
    "T0001-01": ["/", "/records/mine/", "/activities/studio/WS-0001/?view=list"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from members.models import User

    print("| account | page | median | queries | SQL | slowest query |")
    print("|---|---|---|---|---|---|")
    for username, paths in PAGES.items():
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        user = User.objects.get(username=username)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:  # as if the second factor had been given (locustfile.py computes the code)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        for path in paths:
            client.get(path)  # warm
            times = []
            for _run in range(args.runs):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code, response.get("Location"))
            with CaptureQueriesContext(connection) as context:
                client.get(path)
            timed = sorted(((float(q["time"]) * 1000, q["sql"]) for q in context.captured_queries), reverse=True)
            sql_ms = sum(ms for ms, _sql in timed)
            slowest = f"{timed[0][0]:.0f} ms `{timed[0][1][:60]}…`" if timed else ""
            print(f"| {username} | {path} | {statistics.median(times):.0f} ms | {len(timed)} | {sql_ms:.0f} ms "
                  f"| {slowest} |")


if __name__ == "__main__":
    main()
