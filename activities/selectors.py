"""Reads for activity pages, the calendar and the review queue, each in a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.models import StudioDocument
from studios.access import is_office, studio_roles, today, visible_studios
from studios.models import Membership

from .models import Activity, Attendance, Filing, SignIn

FILING = "filing"
QUEUE_KINDS = [(FILING, _("Activity filing")), *StudioDocument.Kind.choices]
QUEUE_STATES = [
    ("submitted", _("Awaiting the office")),
    ("returned", _("Returned")),
    ("draft", _("Draft")),
    ("withdrawn", _("Withdrawn")),
]
OFFICE_STATES = ("submitted",)
HOST_STATES = ("draft", "returned", "withdrawn")


def activities_between(*, user, first: datetime.date, last: datetime.date, studio=None):
    """Activities the user may see between two days (both included), oldest first, with what rows show."""
    queryset = Activity.objects.filter(date__gte=first, date__lte=last)
    if studio is not None:
        queryset = queryset.filter(studio=studio)
    else:
        queryset = queryset.filter(studio__in=visible_studios(user))
    return queryset.select_related("studio", "organiser", "filing").order_by("date", "start_time", "pk")


@dataclass
class MonthGrid:
    first: datetime.date
    last: datetime.date
    weeks: list  # [[(day, in_month, [activities])]]
    previous: datetime.date
    next: datetime.date


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_grid(month: datetime.date, activities) -> MonthGrid:
    first, last = month_bounds(month)
    by_day: dict[datetime.date, list] = {}
    for activity in activities:
        by_day.setdefault(activity.date, []).append(activity)
    weeks = [
        [(day, day.month == first.month, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return MonthGrid(first=first, last=last, weeks=weeks, previous=previous, next=last + datetime.timedelta(days=1))


def upcoming_activities(*, studio_ids, limit: int = 8):
    return (
        Activity.objects.filter(studio_id__in=studio_ids, date__gte=today(), status=Activity.Status.PLANNED)
        .select_related("studio", "filing")
        .order_by("date", "start_time", "pk")[:limit]
    )


def attendance_map(activity: Activity) -> dict[int, str]:
    return dict(Attendance.objects.filter(activity=activity).values_list("teacher_id", "status"))


def attendance_counts(activity: Activity) -> dict[str, int]:
    rows = Attendance.objects.filter(activity=activity).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


@dataclass
class SigninRow:
    signin: object
    member: bool  # a member of the activity's studio on its day (else a teacher from elsewhere in the banner)


def signin_rows(activity: Activity) -> list[SigninRow]:
    """Who signed in by QR, in the order they came, members told apart from the rest of the banner."""
    members = set(Membership.objects.active_on(activity.date).filter(studio_id=activity.studio_id)
                  .values_list("teacher_id", flat=True))
    return [SigninRow(signin=signin, member=signin.teacher_id in members)
            for signin in SignIn.objects.filter(activity=activity).select_related("teacher__school")]


def default_signin_window(activity: Activity) -> dict:
    """From a quarter of an hour before the activity's start (or now) to half an hour after its end (or two hours
    later): what a host usually wants, to change if not."""
    tz = timezone.get_current_timezone()
    if activity.signin_opens_at and activity.signin_closes_at:
        return {"opens_at": timezone.localtime(activity.signin_opens_at),
                "closes_at": timezone.localtime(activity.signin_closes_at)}
    now = timezone.localtime().replace(second=0, microsecond=0)
    if activity.start_time:
        opens = datetime.datetime.combine(activity.date, activity.start_time, tz) - datetime.timedelta(minutes=15)
    else:
        opens = now if activity.date == now.date() else datetime.datetime.combine(activity.date, datetime.time(8), tz)
    if activity.end_time:
        closes = datetime.datetime.combine(activity.date, activity.end_time, tz) + datetime.timedelta(minutes=30)
    else:
        closes = opens + datetime.timedelta(hours=2)
    return {"opens_at": opens, "closes_at": max(closes, opens + datetime.timedelta(minutes=30))}


def participant_count(activity: Activity) -> int:
    """参加人数: the members present and, for a 全旗 activity, the other teachers of the banner who signed in."""
    present = set(Attendance.objects.filter(activity=activity, status=Attendance.Status.PRESENT)
                  .values_list("teacher_id", flat=True))
    return len(present | set(SignIn.objects.filter(activity=activity).values_list("teacher_id", flat=True)))


# --- the review queue ----------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    kind: str  # "filing" or a StudioDocument kind
    obj: object
    studio: object
    title: str
    kind_label: str
    state: str
    state_label: str
    urgent_on: datetime.date | None  # the activity's date or the document's due date
    overdue: bool
    url: str
    upload: object
    comment: str

    @property
    def is_filing(self) -> bool:
        return self.kind == FILING

    @property
    def key(self) -> str:
        return f"{'filing' if self.is_filing else 'document'}-{self.obj.pk}"


def filing_item(filing: Filing, day: datetime.date) -> QueueItem:
    activity = filing.activity
    return QueueItem(
        kind=FILING, obj=filing, studio=activity.studio, title=activity.title, kind_label=str(QUEUE_KINDS[0][1]),
        state=filing.status, state_label=filing.get_status_display(), urgent_on=activity.date,
        overdue=activity.date < day and filing.status != Filing.Status.APPROVED,
        url=reverse("activities:detail", kwargs={"code": activity.studio.code, "pk": activity.pk}),
        upload=activity.plan, comment=filing.return_comment,
    )


def document_item(document: StudioDocument, day: datetime.date) -> QueueItem:
    return QueueItem(
        kind=document.kind, obj=document, studio=document.studio, title=document.title,
        kind_label=document.get_kind_display(), state=document.status, state_label=document.get_status_display(),
        urgent_on=document.due_on,
        overdue=document.due_on is not None and document.due_on < day
        and document.status != StudioDocument.Status.APPROVED,
        url=reverse("records:document", kwargs={"code": document.studio.code, "pk": document.pk}),
        upload=document.upload, comment=document.review_comment,
    )


def queue_scope(user) -> tuple[bool, set[int] | None]:
    """(office?, the studios whose items the user handles; None = all)."""
    if is_office(user):
        return True, None
    return False, set(studio_roles(user).hosted)


def review_queue(*, user, studio_id: int | None = None, kind: str = "", state: str = "") -> list[QueueItem]:
    """Everything waiting on the user, most urgent first: for the office what was submitted, for a host what the
    host must (re)submit. Two queries whatever the length."""
    office, studio_ids = queue_scope(user)
    states = (state,) if state else (OFFICE_STATES if office else HOST_STATES)
    day = today()
    items: list[QueueItem] = []
    if kind in ("", FILING):
        filings = (
            Filing.objects.filter(status__in=states, activity__scope=Activity.Scope.BANNER)
            .exclude(activity__status=Activity.Status.CANCELLED)
            .exclude(status__in=(Filing.Status.DRAFT, Filing.Status.WITHDRAWN), activity__status=Activity.Status.HELD)
            .select_related("activity__studio", "activity__plan")
        )
        if studio_ids is not None:
            filings = filings.filter(activity__studio_id__in=studio_ids)
        if studio_id:
            filings = filings.filter(activity__studio_id=studio_id)
        items.extend(filing_item(filing, day) for filing in filings)
    document_states = [value for value in states if value in StudioDocument.Status.values]
    if kind != FILING and document_states:
        documents = StudioDocument.objects.filter(status__in=document_states).select_related("studio", "upload")
        if kind:
            documents = documents.filter(kind=kind)
        if studio_ids is not None:
            documents = documents.filter(studio_id__in=studio_ids)
        if studio_id:
            documents = documents.filter(studio_id=studio_id)
        items.extend(document_item(document, day) for document in documents)
    items.sort(key=lambda item: (item.urgent_on or datetime.date.max, item.studio.code, item.key))
    return items


def queue_counts(user) -> dict[str, int]:
    """How many items wait on the user and how many of them are overdue, for the home panel."""
    office, studio_ids = queue_scope(user)
    states = OFFICE_STATES if office else HOST_STATES
    day = today()
    filings = Filing.objects.filter(status__in=states, activity__scope=Activity.Scope.BANNER).exclude(
        activity__status=Activity.Status.CANCELLED
    ).exclude(status__in=(Filing.Status.DRAFT, Filing.Status.WITHDRAWN), activity__status=Activity.Status.HELD)
    documents = StudioDocument.objects.filter(status__in=[s for s in states if s in StudioDocument.Status.values])
    if studio_ids is not None:
        filings = filings.filter(activity__studio_id__in=studio_ids)
        documents = documents.filter(studio_id__in=studio_ids)
    filing_counts = filings.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(activity__date__lt=day)))
    document_counts = documents.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=day)))
    return {
        "total": filing_counts["total"] + document_counts["total"],
        "overdue": filing_counts["overdue"] + document_counts["overdue"],
    }
