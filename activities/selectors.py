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
# The office's verification of evidence (clarification 10) waits in the same queue.
TITLE_CHECK, COUNT_CHECK, COPY_CHECK = "title", "count", "copy"
CHECK_KINDS = [(TITLE_CHECK, _("Title to verify")), (COUNT_CHECK, _("Typed count to verify")),
               (COPY_CHECK, _("Possible near-copy"))]
QUEUE_KINDS = [(FILING, _("Activity filing")), *StudioDocument.Kind.choices, *CHECK_KINDS]
QUEUE_STATES = [
    ("submitted", _("Awaiting the office")),
    ("returned", _("Returned")),
    ("draft", _("Draft")),
    ("withdrawn", _("Withdrawn")),
    # Approved filings (with their notice, 发文) and accepted documents: what the office has decided.
    ("approved", _("Approved or accepted")),
    ("pending", _("Awaiting verification")),
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
    detail: str = ""  # what the officer checks: the typed count and what was recognised, the share in common
    compare_url: str = ""

    @property
    def is_filing(self) -> bool:
        return self.kind == FILING

    @property
    def is_check(self) -> bool:
        return self.kind in CHECKS

    @property
    def target(self) -> str:
        """The queue_decide target of the item."""
        return self.kind if self.is_check else ("filing" if self.is_filing else "document")

    @property
    def key(self) -> str:
        return f"{self.target}-{self.obj.pk}"


def _overdue(on: datetime.date | None, day: datetime.date, *, approved: bool) -> bool:
    """Past its date (the activity's, or the document's due date) and not yet approved."""
    return on is not None and on < day and not approved


def filing_item(filing: Filing, day: datetime.date) -> QueueItem:
    activity = filing.activity
    return QueueItem(
        kind=FILING, obj=filing, studio=activity.studio, title=activity.title, kind_label=str(QUEUE_KINDS[0][1]),
        state=filing.status, state_label=filing.get_status_display(), urgent_on=activity.date,
        overdue=_overdue(activity.date, day, approved=filing.status == Filing.Status.APPROVED),
        url=reverse("activities:detail", kwargs={"code": activity.studio.code, "pk": activity.pk}),
        upload=activity.plan, comment=filing.return_comment,
    )


def document_item(document: StudioDocument, day: datetime.date) -> QueueItem:
    return QueueItem(
        kind=document.kind, obj=document, studio=document.studio, title=document.title,
        kind_label=document.get_kind_display(), state=document.status, state_label=document.get_status_display(),
        urgent_on=document.due_on,
        overdue=_overdue(document.due_on, day, approved=document.status == StudioDocument.Status.APPROVED),
        url=reverse("records:document", kwargs={"code": document.studio.code, "pk": document.pk}),
        upload=document.upload, comment=document.review_comment,
    )


def queue_scope(user) -> tuple[bool, set[int] | None]:
    """(office?, the studios whose items the user handles; None = all)."""
    if is_office(user):
        return True, None
    return False, set(studio_roles(user).hosted)


# Each row is a decision with its preview and actions: 25, as the studio and people lists, keeps a phone's page
# short and the page's rendering the same whatever the backlog (50 rows were two thirds of a region's queue time).
QUEUE_PER_PAGE = 25


def _queue_sources(*, user, studio_id: int | None, kind: str, state: str):
    """(filings, documents, check items or None) waiting on the user, filtered: the querysets unevaluated."""
    office, studio_ids = queue_scope(user)
    states = (state,) if state else (OFFICE_STATES if office else HOST_STATES)
    filings = documents = checks = None
    if kind in ("", FILING):
        filings = (
            Filing.objects.filter(status__in=states, activity__scope=Activity.Scope.BANNER)
            .exclude(activity__status=Activity.Status.CANCELLED)
            .exclude(status__in=(Filing.Status.DRAFT, Filing.Status.WITHDRAWN), activity__status=Activity.Status.HELD)
        )
        if studio_ids is not None:
            filings = filings.filter(activity__studio_id__in=studio_ids)
        if studio_id:
            filings = filings.filter(activity__studio_id=studio_id)
    document_states = [value for value in states if value in StudioDocument.Status.values]
    if kind != FILING and document_states:
        documents = StudioDocument.objects.filter(status__in=document_states)
        if kind:
            documents = documents.filter(kind=kind)
        if studio_ids is not None:
            documents = documents.filter(studio_id__in=studio_ids)
        if studio_id:
            documents = documents.filter(studio_id=studio_id)
    if office and (not state or state == PENDING_CHECK) and kind in ("", *CHECKS):
        checks = check_items(kind=kind, studio_id=studio_id)
    return filings, documents, checks


def review_queue_page(*, user, studio_id: int | None = None, kind: str = "", state: str = "", page=1,
                      per_page: int | None = QUEUE_PER_PAGE) -> dict:
    """One page of everything waiting on the user, most urgent first, with the total and how many are overdue.

    The order and the counts come from light rows (id, date, studio code, status) of every waiting filing and
    document; only the page's own items are loaded whole, so a region's queue costs what a banner's does.
    Returns {"items", "total", "overdue", "page"} (``page`` a Django page; ``per_page=None``: everything)."""
    from django.core.paginator import Paginator

    day = today()
    filings, documents, checks = _queue_sources(user=user, studio_id=studio_id, kind=kind, state=state)
    keys = []  # (urgent_on, studio code, item key, what, pk or item, overdue)
    if filings is not None:
        for pk, on, code, status in filings.values_list("pk", "activity__date", "activity__studio__code", "status"):
            keys.append((on or datetime.date.max, code, f"filing-{pk}", FILING, pk,
                         _overdue(on, day, approved=status == Filing.Status.APPROVED)))
    if documents is not None:
        for pk, on, code, status in documents.values_list("pk", "due_on", "studio__code", "status"):
            keys.append((on or datetime.date.max, code, f"document-{pk}", "document", pk,
                         _overdue(on, day, approved=status == StudioDocument.Status.APPROVED)))
    for item in checks or ():
        keys.append((item.urgent_on or datetime.date.max, item.studio.code, item.key, "check", item, item.overdue))
    keys.sort(key=lambda key: key[:3])
    paginator = Paginator(keys, per_page or max(len(keys), 1))
    shown = paginator.get_page(page)
    wanted = list(shown.object_list)
    loaded_filings = (Filing.objects.select_related("activity__studio", "activity__plan")
                      .in_bulk([key[4] for key in wanted if key[3] == FILING]))
    loaded_documents = (StudioDocument.objects.select_related("studio", "upload")
                        .in_bulk([key[4] for key in wanted if key[3] == "document"]))
    items = []
    for key in wanted:
        if key[3] == FILING:
            items.append(filing_item(loaded_filings[key[4]], day))
        elif key[3] == "document":
            items.append(document_item(loaded_documents[key[4]], day))
        else:
            items.append(key[4])
    return {"items": items, "total": len(keys), "overdue": sum(1 for key in keys if key[5]), "page": shown}


def review_queue(*, user, studio_id: int | None = None, kind: str = "", state: str = "") -> list[QueueItem]:
    """Everything waiting on the user, most urgent first: for the office what was submitted, for a host what the
    host must (re)submit (review_queue_page without pages)."""
    return review_queue_page(user=user, studio_id=studio_id, kind=kind, state=state, per_page=None)["items"]


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
    checks = check_count() if office else 0
    return {
        "total": filing_counts["total"] + document_counts["total"] + checks,
        "overdue": filing_counts["overdue"] + document_counts["overdue"],
        "checks": checks,
    }


# --- the office's verification of evidence (clarification 10) -------------------------------------------------

CHECKS = {TITLE_CHECK, COUNT_CHECK, COPY_CHECK}
PENDING_CHECK = "pending"


def _check_label(kind: str) -> str:
    return str(dict(CHECK_KINDS)[kind])


def title_item(title, studio) -> QueueItem:
    """A title waiting for verification, with its certificate to look at beside it."""
    return QueueItem(
        kind=TITLE_CHECK, obj=title, studio=studio, title=f"{title.teacher.name} · {title}",
        kind_label=_check_label(TITLE_CHECK), state=title.check_status, state_label=title.get_check_status_display(),
        urgent_on=title.awarded_on, overdue=False,
        url=reverse("members:teacher", kwargs={"code": title.teacher.code}), upload=title.certificate,
        comment=title.check_comment,
        detail=str(_("Awarded %(day)s; no certificate attached") if title.certificate_id is None
                   else _("Awarded %(day)s")) % {"day": title.awarded_on.isoformat()},
    )


def count_item(work) -> QueueItem:
    """A count typed by hand for a scan, with the file to read beside it."""
    upload = work.upload
    if upload is not None and upload.ocr_status == "done":
        recognised = _("recognised in the scan: %(count)s") % {"count": f"{upload.ocr_chars or 0:,}"}
    else:
        recognised = _("no text could be recognised")
    return QueueItem(
        kind=COUNT_CHECK, obj=work, studio=work.studio, title=f"{work.teacher.name} · {work.title}",
        kind_label=_check_label(COUNT_CHECK), state=work.count_check, state_label=work.get_count_check_display(),
        urgent_on=work.date, overdue=False, url=reverse("records:work", kwargs={"pk": work.pk}), upload=upload,
        comment=work.check_comment,
        detail=str(_("Typed: %(typed)s characters; %(recognised)s")) % {"typed": f"{work.char_count or 0:,}",
                                                                       "recognised": recognised},
    )


def copy_item(work) -> QueueItem:
    """A work that shares much of its text with another work of the banner: both texts side by side."""
    other = work.copy_of
    return QueueItem(
        kind=COPY_CHECK, obj=work, studio=work.studio, title=f"{work.teacher.name} · {work.title}",
        kind_label=_check_label(COPY_CHECK), state=work.copy_check, state_label=work.get_copy_check_display(),
        urgent_on=work.date, overdue=False, url=reverse("records:work", kwargs={"pk": work.pk}), upload=work.upload,
        comment=work.check_comment,
        detail=str(_("%(share)s of its text is also in “%(title)s” (%(ref)s, %(author)s, %(studio)s)")) % {
            "share": f"{(work.copy_similarity or 0):.0%}", "title": other.title if other else "—",
            "ref": other.ref if other else "", "author": other.teacher.name if other else "",
            "studio": other.studio.name if other else ""},
        compare_url=reverse("records:work_compare", kwargs={"pk": work.pk}),
    )


def check_items(*, kind: str = "", studio_id: int | None = None) -> list[QueueItem]:
    """Titles, typed counts and near-copies waiting for the office, in a fixed number of queries."""
    from members.models import Title
    from records import selectors as record_selectors
    from studios.models import Membership

    items: list[QueueItem] = []
    if kind in ("", TITLE_CHECK):
        titles = Title.objects.filter(check_status=Title.Check.PENDING).select_related("teacher", "certificate")
        if studio_id:
            titles = titles.filter(teacher__memberships__studio_id=studio_id).distinct()
        titles = list(titles.order_by("awarded_on", "pk"))
        studios = {}
        for membership in (Membership.objects.filter(teacher_id__in={t.teacher_id for t in titles})
                           .select_related("studio").order_by("-joined_on")):
            if studio_id and membership.studio_id != studio_id:
                continue
            studios.setdefault(membership.teacher_id, membership.studio)
        items.extend(title_item(t, studios[t.teacher_id]) for t in titles if t.teacher_id in studios)
    if kind in ("", COUNT_CHECK):
        items.extend(count_item(w) for w in record_selectors.counts_to_verify()
                     if not studio_id or w.studio_id == studio_id)
    if kind in ("", COPY_CHECK):
        items.extend(copy_item(w) for w in record_selectors.copies_to_verify()
                     if not studio_id or w.studio_id == studio_id)
    return items


def check_count() -> int:
    """How many items check_items() lists, counted in SQL (the home panel's figure, whatever the region)."""
    from members.models import Title
    from records import selectors as record_selectors

    titles = (Title.objects.filter(check_status=Title.Check.PENDING, teacher__memberships__isnull=False)
              .values("pk").distinct().count())
    return titles + record_selectors.counts_to_verify_count() + record_selectors.copies_to_verify().count()


def check_item(kind: str, obj) -> QueueItem:
    """One verification item again, after a decision (the row the queue swaps in)."""
    if kind == TITLE_CHECK:
        from studios.models import Membership

        membership = Membership.objects.filter(teacher=obj.teacher).select_related("studio") \
            .order_by("-joined_on").first()
        return title_item(obj, membership.studio if membership else None)
    return count_item(obj) if kind == COUNT_CHECK else copy_item(obj)
