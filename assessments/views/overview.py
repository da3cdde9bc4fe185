"""The banner overview (studios × rules) and the office home panel of the studios furthest behind."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from studios.access import is_office, require_office
from studios.models import Studio

from .. import results, selectors
from ..forms import OverviewFilterForm
from .labels import GRADE_LABELS, KIND_LABELS, STATUS_LABELS, VERDICT_LABELS, period_label, rate_percent, settings_rows
from .years import banner_years, choose_assessment, school_year

SORTS = {
    "rate": gettext_lazy("Compliance rate, worst first"),
    "not_met": gettext_lazy("Most not met first"),
    "code": gettext_lazy("Studio code"),
}


@login_required
def overview(request):
    """Studios × rules for a year or cycle from the stored results, worst first, a page at a time, filtered by
    subject, stage, verdict and "behind", with totals and charts summed over every studio listed."""
    require_office(request.user)
    years = banner_years()
    form, kind, year = choose_assessment(request.GET, years)
    sort = request.GET.get("sort", "rate")
    if sort not in SORTS:
        sort = "rate"
    subjects = list(Studio.objects.exclude(subject="").order_by("subject").values_list("subject", flat=True)
                    .distinct())
    filter_form = OverviewFilterForm(request.GET if _filtered(request.GET) else None, subjects=subjects)
    filters = filter_form.filters()
    matrix = results.overview_page(school_year=school_year(year), kind=kind, page=request.GET.get("page") or 1,
                                   sort=sort, **filters)
    query = urlencode({"kind": kind, "year": year})
    filter_query = urlencode({key: ("1" if value is True else value) for key, value in filters.items() if value})
    rows = decorate_rows(matrix, query)
    for rule in matrix["by_rule"]:
        rule["rate_label"] = rate_percent(rule["rate"])
    for point in matrix["trend"]:
        point["label"] = period_label(point["period"])
        point["rate_label"] = rate_percent(point["rate"])
    matrix["totals"]["rate_label"] = rate_percent(matrix["totals"]["rate"])
    page_query = "&".join(part for part in (query, filter_query, f"sort={sort}") if part)
    return render(request, "assessments/overview.html", {
        "form": form, "kind": kind, "year": year, "kind_label": KIND_LABELS[kind], "matrix": matrix,
        "rows": rows, "sort": sort, "sorts": SORTS, "query": query, "filter_form": filter_form,
        "filter_query": filter_query, "page": matrix["page"], "query_string": page_query,
        "charts": chart_data(matrix, rows), "status_labels": STATUS_LABELS,
        "settings_used": settings_rows(matrix["settings"]),
    })


def _filtered(data) -> bool:
    return any(data.get(name) for name in ("subject", "stage", "verdict", "behind"))


def decorate_rows(matrix: dict, query: str) -> list[dict]:
    """The matrix rows with what a page shows of them: link, rate, counts, labels, cells and the rules behind."""
    met_word = str(STATUS_LABELS["met"])
    rows = matrix["rows"]
    for row in rows:
        row["url"] = reverse("assessments:studio", args=[row["studio"]]) + "?" + query
        row["rate"] = rate_percent(row["compliance_rate"])
        row["not_met"] = sum(cell["not_met"] for cell in row["cells"].values())
        row["pending"] = sum(cell["pending"] for cell in row["cells"].values())
        row["verdict_label"] = VERDICT_LABELS.get(row["final_verdict"], "")
        row["grade_label"] = GRADE_LABELS.get(row["signoff_grade"], "")
        row["cell_list"] = [_cell(rule, row["cells"][rule["id"]], met_word) for rule in matrix["rules"]]
        behind = sorted((cell for cell in row["cell_list"] if cell["not_met"]), key=lambda cell: -cell["not_met"])
        row["behind"], row["behind_more"] = behind[:3], max(len(behind) - 3, 0)
    return rows


def behind_context(user) -> dict | None:
    """The office's home panel: the studios furthest behind this school year, and on which rules (stored
    results: five rows and totals summed in SQL, whatever the number of studios)."""
    if not is_office(user):
        return None
    year = selectors.school_year_on(timezone.localdate())
    found = results.behind_page(school_year=year)
    query = urlencode({"kind": "annual", "year": year.label})
    rows = decorate_rows({"rows": found["rows"], "rules": _rule_columns()}, query)
    return {"year": year.label, "rows": rows, "count": found["totals"]["studios"],
            "behind_count": found["totals"]["behind"], "updating": found["updating"],
            "computed_at": found["computed_at"],
            "overview_url": reverse("assessments:overview") + "?" + query,
            "behind_url": reverse("assessments:overview") + "?" + query + "&behind=1&sort=not_met"}


def _rule_columns() -> list[dict]:
    from ..rules import REGISTRY

    return [{"id": rule.id, "title": rule.title} for rule in REGISTRY]


def _cell(rule: dict, cell: dict, met_word: str) -> dict:
    """One matrix cell: its worst status, a short mark (✗n not met, … in progress, ✓ met) and a tooltip."""
    if cell["not_met"]:
        mark = f"✗{cell['not_met']}"
    elif cell["pending"]:
        mark = "…"
    else:
        mark = "✓" if cell["status"] == "met" else "—"
    label = STATUS_LABELS[cell["status"]]
    return {"rule": rule["id"], "title": rule["title"], "status": cell["status"], "not_met": cell["not_met"],
            "mark": mark, "tip": f"{rule['title']}：{label}（{met_word} {cell['met']}/{cell['applicable']}）"}


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """Worst first by default: lowest compliance rate, then most not_met instances, then code."""
    def not_met(row):
        return sum(cell["not_met"] for cell in row["cells"].values())

    if sort == "code":
        return sorted(rows, key=lambda row: row["studio"])
    if sort == "not_met":
        return sorted(rows, key=lambda row: (-not_met(row), _rate_key(row), row["studio"]))
    return sorted(rows, key=lambda row: (_rate_key(row), -not_met(row), row["studio"]))


def _rate_key(row: dict) -> float:
    rate = row.get("compliance_rate")
    return 2.0 if rate is None else rate


def _percent(rate) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def chart_data(matrix: dict, rows: list[dict]) -> dict:
    """Numbers for the three charts (compliance by studio, by rule, by semester); the page shows them as tables."""
    return {
        "by_studio": {"labels": [row["studio_name"] for row in rows],
                      "values": [_percent(row["compliance_rate"]) for row in rows]},
        "by_rule": {"labels": [rule["title"] for rule in matrix["by_rule"]],
                    "values": [_percent(rule["rate"]) for rule in matrix["by_rule"]]},
        "trend": {"labels": [period_label(point["period"]) for point in matrix["trend"]],
                  "values": [_percent(point["rate"]) for point in matrix["trend"]]},
        "label": str(gettext_lazy("Compliance rate (%)")),
    }
