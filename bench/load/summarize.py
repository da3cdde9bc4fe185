"""Turn Locust's per-page CSV into the Markdown table of bench/README.md, with the goal checked per page.

    python3 bench/load/summarize.py var/load/load_stats.csv

Ordinary pages must keep p95 ≤ 150 ms; the banner overview (考核总览, also when filtered to the studios behind)
p95 ≤ 300 ms (issue 13). Logging in (a deliberately slow password hash) and the member's one-off setup are shown but
held to no goal; see bench/README.md.
"""

from __future__ import annotations

import csv
import sys

GOAL_MS = 150
OVERVIEW_GOAL_MS = 300
OVERVIEW = {"officer: banner overview", "officer: studios behind"}
NOT_ORDINARY = {"login", "login form", "member: setup (activity list)"}


def main(path: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print("| page group | requests | errors | p50 | p95 | p99 | max | goal |")
    print("|---|---|---|---|---|---|---|---|")
    missed = []
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all requests**"
        p95 = float(row["95%"]) if row["95%"] != "N/A" else 0.0
        limit = OVERVIEW_GOAL_MS if row["Name"] in OVERVIEW else GOAL_MS
        if row["Name"] in NOT_ORDINARY or row["Name"] == "Aggregated":
            goal = "—"
        elif p95 <= limit:
            goal = "✓"
        else:
            goal = "✗"
            missed.append(row["Name"])
        print(f"| {name} | {int(row['Request Count']):,} | {row['Failure Count']} | {row['50%']} ms | {row['95%']} ms "
              f"| {row['99%']} ms | {float(row['Max Response Time']):.0f} ms | {goal} |")
    print()
    print(f"pages over their goal (p95 {GOAL_MS} ms, the overview {OVERVIEW_GOAL_MS} ms): "
          f"{', '.join(missed) if missed else 'none'}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/load/load_stats.csv")
