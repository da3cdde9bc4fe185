"""A teacher's own checklist: the home panel and the "my assessment" page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from studios.access import is_office

from .. import selectors
from .labels import STATUS_LABELS, period_label
from .links import record_url


def checklist_context(user, *, as_of=None) -> dict | None:
    """The home panel's and the "my assessment" page's content; None for someone in no studio now."""
    teacher = getattr(user, "teacher", None)
    if teacher is None:
        return None
    groups = selectors.person_checklist(teacher=teacher, as_of=as_of)
    if not groups:
        return None
    for group in groups:
        group["url"] = reverse("assessments:studio", args=[group["studio"]])
        for item in group["items"]:
            item["status_label"] = STATUS_LABELS.get(item["status"], item["status"])
            item["period_label"] = period_label(item["period"])
            item["record_url"] = (None if item["status"] in ("met", "not_applicable")
                                  else record_url(item["rule"], group["studio"]))
        team = [item for item in group["items"] if item["scope"] == "team"]
        mine = [item for item in group["items"] if item["scope"] != "team"]
        group["sections"] = [
            {"title": gettext_lazy("The studio's team rules"), "items": team, "testid": "checklist-team"},
            {"title": gettext_lazy("My rules"), "items": mine, "testid": "checklist-mine"},
        ]
    return {"groups": groups, "teacher": teacher}


@login_required
def my_assessment(request):
    context = checklist_context(request.user)
    if context is None:
        if is_office(request.user):
            return redirect("assessments:overview")
        raise Http404
    return render(request, "assessments/my_assessment.html", {"panel": context})
