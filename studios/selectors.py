"""Reads for studio pages, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from members.models import Title

from .access import today, visible_studios
from .models import Cycle, Membership, Studio


def studio_list(*, user, search: str = "", stage: str = "", subject: str = "", status: str = ""):
    day = today()
    queryset = (
        visible_studios(user)
        # A subquery, not a join with GROUP BY: only the page's studios are counted, and the page's count query
        # stays a plain count of studios (a region's list summed 13,000 memberships to show ten).
        .annotate(member_count=Coalesce(Subquery(
            Membership.objects.filter(studio=OuterRef("pk"), role=Membership.Role.MEMBER, joined_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
            .order_by().values("studio").annotate(n=Count("pk")).values("n")
        ), 0))
        .prefetch_related(
            Prefetch("cycles", queryset=Cycle.objects.select_related("start_year").order_by("-start_year__start_year")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=Membership.Role.HOST, left_on__isnull=True).select_related(
                    "teacher", "teacher__school"
                ),
                to_attr="current_hosts",
            ),
        )
        .order_by("code")
    )
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(subject__icontains=search)
            | Q(memberships__teacher__name__icontains=search, memberships__role=Membership.Role.HOST)
        ).distinct()
    if stage:
        queryset = queryset.filter(stage=stage)
    if subject:
        queryset = queryset.filter(subject=subject)
    if status:
        latest = Cycle.objects.filter(status=status).values("studio_id")
        queryset = queryset.filter(pk__in=latest)
    return queryset


def studio_subjects() -> list[str]:
    return list(Studio.objects.exclude(subject="").values_list("subject", flat=True).distinct().order_by("subject"))


def studio_memberships(studio: Studio):
    """Everyone who was ever in the studio, host first, with their titles, for the detail page."""
    return (
        Membership.objects.filter(studio=studio)
        .select_related("teacher", "teacher__school")
        .prefetch_related(Prefetch("teacher__titles", queryset=Title.objects.order_by("-level", "-awarded_on")))
        .order_by("left_on", "role", "teacher__code")
    )


def host_users(studio: Studio, on=None) -> list:
    """The logins of the studio's host(s) on a day (default today): who is told of its filings and documents."""
    day = on or today()
    return [
        membership.teacher.user
        for membership in Membership.objects.active_on(day)
        .filter(studio=studio, role=Membership.Role.HOST)
        .select_related("teacher__user")
        if membership.teacher.user is not None
    ]


def office_users():
    """Every active officer: who is told when something waits for the office."""
    from members.models import User

    return User.objects.filter(is_active=True, role=User.Role.OFFICER)  # the administrators review nothing
