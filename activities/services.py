"""Writes for activities, attendance and filings (备案). Only these functions change an activity's or filing's status.

Every filing transition locks the filing row and then moves it with a compare-and-set UPDATE (… WHERE status =
the state just read), so that two officers deciding the same filing at once cannot both win: on PostgreSQL the
row lock makes the second wait and then see the first decision; on SQLite, where select_for_update does nothing,
the UPDATE's row count catches it.
"""

from __future__ import annotations

import datetime
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Notification, Upload
from core.services import DomainError, audit_record, notification_send, upload_create, upload_discard
from core.uploads import SCAN, WRITING, check_upload
from records.services.duties import require_active_in, require_independent_officer
from records.services.frozen import guard_frozen
from studios.access import is_office, today
from studios.models import Membership, SchoolYear, Studio
from studios.selectors import host_users, office_users

from .models import Activity, ActivityPhoto, Attendance, DocumentNumberCounter, Filing, SignIn

PHOTO = frozenset({"jpg", "png"})
TASK_DUE_SOON_DAYS = 3
SEMESTER_REMINDER_DAYS = 14

# --- helpers -------------------------------------------------------------------------------------------------


def activity_url(activity: Activity) -> str:
    return reverse("activities:detail", kwargs={"code": activity.studio.code, "pk": activity.pk})


def _store(*, file, accept, actor, studio, count_text=False) -> Upload:
    checked = check_upload(file, accept)
    return upload_create(checked=checked, original_name=file.name, user=actor, studio=studio,
                         visibility=Upload.Visibility.STUDIO, count_text=count_text)


def _lock_activity(activity: Activity, *, actor=None) -> Activity:
    """Lock the activity's row; refuse a write while its day is in a frozen year of the studio (clarification 10)
    or by someone who has left the studio."""
    locked = Activity.objects.select_for_update(of=("self",)).select_related("studio").get(pk=activity.pk)
    require_active_in(actor, locked.studio)
    guard_frozen(studio=locked.studio, days=[locked.date])
    return locked


# --- activities ----------------------------------------------------------------------------------------------

EDITABLE_FIELDS = ("title", "kind", "scope", "date", "start_time", "end_time", "place", "organiser",
                   "attendance_required")
FIXED_ONCE_APPROVED = ("kind", "scope", "date")


def _check_presenter(kind: str, organiser) -> None:
    if kind in Activity.PRESENTER_KINDS and organiser is None:
        raise DomainError(_("A lecture or open class needs its presenter."))


@transaction.atomic
def activity_create(*, actor, studio: Studio, title: str, kind: str, scope: str, date: datetime.date,
                    start_time=None, end_time=None, place: str = "", organiser=None,
                    attendance_required: bool = True, plan_file=None, submit_filing: bool = False) -> Activity:
    """A planned activity; a 全旗 one gets a draft filing (十五) that the host submits with the plan — at once with
    `submit_filing` (保存并提交备案: one submit; if the filing cannot go, nothing is saved)."""
    if not (title or "").strip():
        raise DomainError(_("Please give a title."))
    _check_presenter(kind, organiser)
    require_active_in(actor, studio)
    guard_frozen(studio=studio, days=[date])
    plan = _store(file=plan_file, accept=WRITING, actor=actor, studio=studio) if plan_file is not None else None
    activity = Activity.objects.create(
        studio=studio, title=title.strip(), kind=kind, scope=scope, date=date, start_time=start_time,
        end_time=end_time, place=place, organiser=organiser, attendance_required=attendance_required, plan=plan,
    )
    audit_record(actor=actor, action="activity.create", target=activity, studio=studio, to_state=activity.status)
    if activity.needs_filing:
        filing = Filing.objects.create(activity=activity)
        audit_record(actor=actor, action="filing.create", target=filing, studio=studio, to_state=filing.status)
        if submit_filing:
            filing_submit(actor=actor, filing=filing)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, plan_file=None, submit_filing: bool = False, **fields) -> Activity:
    """Change a planned activity. A filing under review freezes it; an approved one fixes type, scope and date.
    With `submit_filing`, its draft, withdrawn or returned filing goes to the office in the same step."""
    activity = _activity_update(actor=actor, activity=activity, plan_file=plan_file, **fields)
    if submit_filing and activity.needs_filing:
        filing = Filing.objects.get(activity=activity)
        if filing.status == Filing.Status.RETURNED:
            filing_resubmit(actor=actor, filing=filing)
        elif filing.status in (Filing.Status.DRAFT, Filing.Status.WITHDRAWN):
            filing_submit(actor=actor, filing=filing)
    return activity


def _activity_update(*, actor, activity: Activity, plan_file=None, **fields) -> Activity:
    activity = _lock_activity(activity, actor=actor)
    guard_frozen(studio=activity.studio, days=[fields.get("date")])
    if activity.status != Activity.Status.PLANNED:
        raise DomainError(_("Only a planned activity can be changed."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    filing = Filing.objects.select_for_update().filter(activity=activity).first()
    changed = [name for name, value in fields.items() if getattr(activity, name) != value]
    if filing is not None and filing.status == Filing.Status.SUBMITTED and (changed or plan_file is not None):
        raise DomainError(_("The filing is awaiting the office's review; withdraw it before changing the activity."))
    if filing is not None and filing.status == Filing.Status.APPROVED and (
        set(changed) & set(FIXED_ONCE_APPROVED) or plan_file is not None
    ):
        raise DomainError(_("The filing has been approved: the type, scope, date and plan can no longer change."))
    for name in changed:
        setattr(activity, name, fields[name])
    _check_presenter(activity.kind, activity.organiser)
    old_plan = None
    if plan_file is not None:
        old_plan = activity.plan
        activity.plan = _store(file=plan_file, accept=WRITING, actor=actor, studio=activity.studio)
        changed.append("plan")
    if not changed:
        return activity
    activity.save()
    upload_discard(old_plan)
    audit_record(actor=actor, action="activity.update", target=activity, studio=activity.studio,
                 data={"fields": changed})
    if activity.needs_filing and filing is None:
        filing = Filing.objects.create(activity=activity)
        audit_record(actor=actor, action="filing.create", target=filing, studio=activity.studio,
                     to_state=filing.status)
    elif not activity.needs_filing and filing is not None and filing.status != Filing.Status.APPROVED:
        # No longer aimed at the whole banner: nothing to file.
        audit_record(actor=actor, action="filing.delete", target=filing, studio=activity.studio,
                     from_state=filing.status)
        filing.delete()
    return activity


@transaction.atomic
def activity_mark_held(*, actor, activity: Activity, confirm_unfiled: bool = False) -> Activity:
    """Planned → held. A 全旗 activity without a filing approved in time needs an explicit confirmation and is then
    kept as 未经备案: per 十五 it does not count."""
    activity = _lock_activity(activity, actor=actor)
    if activity.status != Activity.Status.PLANNED:
        raise DomainError(_("This activity is %(status)s; only a planned activity can be marked held.")
                          % {"status": activity.get_status_display()})
    if activity.date > today():
        raise DomainError(_("An activity can be marked held only on or after its date."))
    unfiled = activity.needs_filing and not activity.filing_counts
    if unfiled and not confirm_unfiled:
        raise DomainError(_("This whole-banner activity has no filing approved on or before its date. Confirm that "
                            "it was held without one; it will be shown as not filed and will not count."))
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.HELD, held_without_filing=unfiled)
    activity.status, activity.held_without_filing = Activity.Status.HELD, unfiled
    audit_record(actor=actor, action="activity.held", target=activity, studio=activity.studio,
                 from_state=Activity.Status.PLANNED, to_state=Activity.Status.HELD,
                 comment=_("Held without an approved filing") if unfiled else "")
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    activity = _lock_activity(activity, actor=actor)
    if activity.status != Activity.Status.PLANNED:
        raise DomainError(_("Only a planned activity can be cancelled."))
    if not (reason or "").strip():
        raise DomainError(_("Please give a reason."))
    filing = Filing.objects.filter(activity=activity).first()
    if filing is not None and filing.status == Filing.Status.SUBMITTED:
        filing_withdraw(actor=actor, filing=filing)
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.CANCELLED)
    activity.status = Activity.Status.CANCELLED
    audit_record(actor=actor, action="activity.cancel", target=activity, studio=activity.studio,
                 from_state=Activity.Status.PLANNED, to_state=Activity.Status.CANCELLED, comment=reason.strip())
    return activity


@transaction.atomic
def activity_record(*, actor, activity: Activity, summary: str | None = None, minutes_file=None,
                    signin_file=None, photo_files=()) -> Activity:
    """The record of a held activity: a short summary, minutes, the sign-in sheet scan and photos."""
    activity = _lock_activity(activity, actor=actor)
    if activity.status != Activity.Status.HELD:
        raise DomainError(_("The record is kept once the activity has been held."))
    changed, discard = [], []
    if summary is not None and summary != activity.summary:
        activity.summary = summary
        changed.append("summary")
    if minutes_file is not None:
        discard.append(activity.minutes)
        activity.minutes = _store(file=minutes_file, accept=WRITING, actor=actor, studio=activity.studio)
        changed.append("minutes")
    if signin_file is not None:
        discard.append(activity.signin_sheet)
        activity.signin_sheet = _store(file=signin_file, accept=SCAN, actor=actor, studio=activity.studio)
        changed.append("signin_sheet")
    photos = [
        ActivityPhoto(activity=activity, upload=_store(file=file, accept=PHOTO, actor=actor, studio=activity.studio))
        for file in photo_files
    ]
    if photos:
        ActivityPhoto.objects.bulk_create(photos)
        changed.append("photos")
    if changed:
        activity.save()
        for upload in discard:
            upload_discard(upload)
        audit_record(actor=actor, action="activity.record", target=activity, studio=activity.studio,
                     data={"fields": changed})
    return activity


@transaction.atomic
def activity_photo_delete(*, actor, photo: ActivityPhoto) -> None:
    activity = _lock_activity(photo.activity, actor=actor)
    upload = photo.upload
    photo.delete()
    upload_discard(upload)
    audit_record(actor=actor, action="activity.photo_delete", target=activity, studio=activity.studio)


def attendance_roster(activity: Activity) -> list[Membership]:
    """Everyone active in the studio on the activity's day, host first."""
    return sorted(
        Membership.objects.active_on(activity.date).filter(studio_id=activity.studio_id).select_related("teacher"),
        key=lambda membership: (membership.role != Membership.Role.HOST, membership.teacher.code),
    )


@transaction.atomic
def attendance_record(*, actor, activity: Activity, exceptions: dict[int, str]) -> dict[str, int]:
    """One submit for the whole roster: everyone present unless listed in `exceptions` (teacher id → status)."""
    activity = _lock_activity(activity, actor=actor)
    if activity.status != Activity.Status.HELD:
        raise DomainError(_("Attendance is recorded once the activity has been held."))
    roster = {membership.teacher_id for membership in attendance_roster(activity)}
    strangers = set(exceptions) - roster
    if strangers:
        raise DomainError(_("Only the studio's active members on the activity's day can be recorded."))
    if set(exceptions.values()) - set(Attendance.Status.values):
        raise DomainError(_("Unknown attendance status."))
    rows = [
        Attendance(activity=activity, teacher_id=teacher_id,
                   status=exceptions.get(teacher_id, Attendance.Status.PRESENT))
        for teacher_id in sorted(roster)
    ]
    Attendance.objects.bulk_create(rows, update_conflicts=True, unique_fields=["activity", "teacher"],
                                   update_fields=["status"])
    Attendance.objects.filter(activity=activity).exclude(teacher_id__in=roster).delete()
    counts = {status: sum(1 for row in rows if row.status == status) for status in Attendance.Status.values}
    audit_record(actor=actor, action="attendance.record", target=activity, studio=activity.studio, data=counts)
    return counts


@transaction.atomic
def activity_mark_held_with_attendance(*, actor, activity: Activity, exceptions: dict[int, str],
                                       confirm_unfiled: bool = False) -> dict[str, int]:
    """Planned → held and the attendance of the whole roster, in one step (one form): either both or neither."""
    activity = activity_mark_held(actor=actor, activity=activity, confirm_unfiled=confirm_unfiled)
    return attendance_record(actor=actor, activity=activity, exceptions=exceptions)


# --- QR sign-in (扫码签到) -------------------------------------------------------------------------------------

SIGNIN_TOKEN_BYTES = 16


def signin_eligible(activity: Activity, teacher) -> bool:
    """A member of the studio active on the activity's day; for a 全旗 activity, any teacher of the banner."""
    if teacher is None:
        return False
    if activity.scope == Activity.Scope.BANNER:
        return True
    return Membership.objects.active_on(activity.date).filter(studio_id=activity.studio_id, teacher=teacher).exists()


@transaction.atomic
def signin_open(*, actor, activity: Activity, opens_at: datetime.datetime, closes_at: datetime.datetime) -> Activity:
    """The host sets the window in which teachers sign in by the activity's QR code."""
    activity = _lock_activity(activity)
    if activity.status == Activity.Status.CANCELLED:
        raise DomainError(_("The activity was cancelled."))
    if closes_at <= opens_at:
        raise DomainError(_("The sign-in must close after it opens."))
    if closes_at - opens_at > datetime.timedelta(days=2):
        raise DomainError(_("A sign-in window is at most two days long."))
    activity.signin_opens_at, activity.signin_closes_at = opens_at, closes_at
    activity.signin_token = activity.signin_token or secrets.token_urlsafe(SIGNIN_TOKEN_BYTES)[:32]
    activity.save(update_fields=["signin_opens_at", "signin_closes_at", "signin_token"])
    audit_record(actor=actor, action="signin.window", target=activity, studio=activity.studio,
                 data={"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()})
    return activity


def signin_is_open(activity: Activity, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    return bool(activity.signin_opens_at and activity.signin_closes_at
                and activity.signin_opens_at <= at <= activity.signin_closes_at)


@transaction.atomic
def signin_record(*, actor, activity: Activity, token: str) -> tuple[SignIn, bool]:
    """The teacher who is logged in signs in (one tap); signing in twice keeps the first time. (sign-in, created)"""
    activity = _lock_activity(activity)
    teacher = getattr(actor, "teacher", None)
    if not activity.signin_token or not secrets.compare_digest(activity.signin_token, token or ""):
        raise DomainError(_("This sign-in code is not valid."))
    if teacher is None:
        raise DomainError(_("Only teachers sign in."))
    if not signin_eligible(activity, teacher):
        raise DomainError(_("This activity is for the members of its studio."))
    if activity.status == Activity.Status.CANCELLED:
        raise DomainError(_("The activity was cancelled."))
    existing = SignIn.objects.filter(activity=activity, teacher=teacher).first()
    if existing is not None:
        return existing, False
    if not signin_is_open(activity):
        raise DomainError(_("The sign-in is not open now."))
    signin = SignIn.objects.create(activity=activity, teacher=teacher, signed_at=timezone.now())
    audit_record(actor=actor, action="signin.sign", target=activity, studio=activity.studio,
                 data={"teacher": teacher.code})
    return signin, True


def attendance_from_signins(activity: Activity, roster: list[Membership]) -> dict[int, str]:
    """What the host confirms once people signed in by QR: who signed in is present, everyone else absent
    (the host marks the excused). Without any sign-in, everyone present, as before."""
    signed = set(SignIn.objects.filter(activity=activity).values_list("teacher_id", flat=True))
    if not signed:
        return {}
    return {m.teacher_id: Attendance.Status.PRESENT if m.teacher_id in signed else Attendance.Status.ABSENT
            for m in roster}


# --- filings (备案, 十五) -------------------------------------------------------------------------------------


def _lock_filing(filing: Filing, expected: tuple[str, ...], *, decision: bool = False, actor=None) -> Filing:
    locked = Filing.objects.select_for_update(of=("self",)).select_related("activity__studio").get(pk=filing.pk)
    studio = locked.activity.studio
    if decision:
        require_independent_officer(actor, studio)  # duties apart (clarification 10)
    else:
        require_active_in(actor, studio)
    guard_frozen(studio=studio, days=[locked.activity.date])
    if locked.status not in expected:
        raise _wrong_state(locked, decision=decision)
    return locked


def _wrong_state(filing: Filing, *, decision: bool) -> DomainError:
    if decision:
        return DomainError(_("This filing has already been handled by someone else; it is now “%(status)s”.")
                           % {"status": filing.get_status_display()})
    return DomainError(_("This filing is “%(status)s”; that cannot be done now.")
                       % {"status": filing.get_status_display()})


def _move(*, actor, filing: Filing, to: str, action: str, comment: str = "", decision: bool = False,
          **fields) -> Filing:
    """Compare-and-set the state, then record who moved it from where to where."""
    previous = filing.status
    updated = Filing.objects.filter(pk=filing.pk, status=previous).update(status=to, **fields)
    if updated != 1:
        raise _wrong_state(Filing.objects.get(pk=filing.pk), decision=decision)
    filing.status = to
    for name, value in fields.items():
        setattr(filing, name, value)
    audit_record(actor=actor, action=action, target=filing, studio=filing.activity.studio, from_state=previous,
                 to_state=to, comment=comment)
    return filing


def _require_office(actor) -> None:
    if not is_office(actor):
        raise DomainError(_("Only the office decides on filings."))


def _notify_office_submitted(filing: Filing, *, again: bool) -> None:
    activity = filing.activity
    template = (_("%(studio)s resubmitted the filing of “%(title)s” (%(date)s).") if again
                else _("%(studio)s submitted the filing of “%(title)s” (%(date)s) for review."))
    notification_send(recipients=office_users(), verb="filing.submit",
                      message=template % {"studio": activity.studio.name, "title": activity.title,
                                          "date": activity.date.isoformat()},
                      url=activity_url(activity))


@transaction.atomic
def filing_submit(*, actor, filing: Filing) -> Filing:
    """Draft (or withdrawn) → awaiting review; the plan must be attached and the office is told."""
    filing = _lock_filing(filing, (Filing.Status.DRAFT, Filing.Status.WITHDRAWN), actor=actor)
    activity = filing.activity
    if activity.status == Activity.Status.CANCELLED:
        raise DomainError(_("The activity was cancelled."))
    if activity.plan_id is None:
        raise DomainError(_("Attach the activity plan before submitting the filing."))
    _move(actor=actor, filing=filing, to=Filing.Status.SUBMITTED, action="filing.submit",
          submitted_at=timezone.now())
    _notify_office_submitted(filing, again=False)
    return filing


@transaction.atomic
def filing_resubmit(*, actor, filing: Filing, comment: str = "") -> Filing:
    """Returned → awaiting review again, usually with a corrected plan."""
    filing = _lock_filing(filing, (Filing.Status.RETURNED,), actor=actor)
    if filing.activity.status == Activity.Status.CANCELLED:
        raise DomainError(_("The activity was cancelled."))
    _move(actor=actor, filing=filing, to=Filing.Status.SUBMITTED, action="filing.resubmit",
          comment=(comment or "").strip(), submitted_at=timezone.now())
    _notify_office_submitted(filing, again=True)
    return filing


@transaction.atomic
def filing_withdraw(*, actor, filing: Filing) -> Filing:
    """The host takes a submitted filing back before the office decides."""
    filing = _lock_filing(filing, (Filing.Status.SUBMITTED,), actor=actor)
    return _move(actor=actor, filing=filing, to=Filing.Status.WITHDRAWN, action="filing.withdraw")


def document_number(year: int, seq: int) -> str:
    return f"{settings.FILING_DOC_PREFIX}〔{year}〕{seq}号"


def parse_document_number(number: str) -> tuple[int, int] | None:
    """(year, sequence) of a number in the app's own form (乌教研发〔2025〕12号), else None."""
    match = re.fullmatch(rf"{re.escape(settings.FILING_DOC_PREFIX)}〔(\d{{4}})〕(\d+)号", (number or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def next_document_number(year: int) -> tuple[int, str]:
    """The next number of the year, issued under a lock on the year's counter row (call inside a transaction).

    Document numbers are unique across the banner (clarification 9): a number already taken — by a filing the
    ledger import brought in, say — is skipped, so an approval never collides with it."""
    DocumentNumberCounter.objects.bulk_create([DocumentNumberCounter(year=year)], ignore_conflicts=True)
    counter = DocumentNumberCounter.objects.select_for_update().get(year=year)
    used = Filing.objects.filter(doc_year=year).aggregate(top=Max("doc_seq"))["top"] or 0
    seq = max(counter.last_seq, used) + 1
    while Filing.objects.filter(doc_number=document_number(year, seq)).exists():
        seq += 1
    DocumentNumberCounter.objects.filter(pk=counter.pk).update(last_seq=seq)
    return seq, document_number(year, seq)


@transaction.atomic
def filing_approve(*, actor, filing: Filing, comment: str = "", on: datetime.date | None = None) -> Filing:
    """Awaiting review → approved, with the year's next document number. An approval dated after the activity is
    recorded but does not make the activity count (十五)."""
    _require_office(actor)
    filing = _lock_filing(filing, (Filing.Status.SUBMITTED,), decision=True, actor=actor)
    day = on or today()
    seq, number = next_document_number(day.year)
    _move(actor=actor, filing=filing, to=Filing.Status.APPROVED, action="filing.approve",
          comment=(comment or "").strip(), decision=True, decided_at=timezone.now(), decided_by=actor,
          approved_on=day, doc_year=day.year, doc_seq=seq, doc_number=number, return_comment="")
    activity = filing.activity
    message = _("The filing of “%(title)s” was approved: %(number)s.") % {"title": activity.title, "number": number}
    if not filing.counts_for:
        message += " " + _("It was approved after the activity's date, so the activity does not count.")
    notification_send(recipients=host_users(activity.studio), verb="filing.approve", message=message,
                      url=activity_url(activity))
    return filing


@transaction.atomic
def filing_return(*, actor, filing: Filing, comment: str) -> Filing:
    """Awaiting review → returned to the host, with the office's reasons."""
    _require_office(actor)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Please say why the filing is returned."))
    filing = _lock_filing(filing, (Filing.Status.SUBMITTED,), decision=True, actor=actor)
    _move(actor=actor, filing=filing, to=Filing.Status.RETURNED, action="filing.return", comment=comment,
          decision=True, decided_at=timezone.now(), decided_by=actor, return_comment=comment)
    activity = filing.activity
    notification_send(
        recipients=host_users(activity.studio), verb="filing.return",
        message=_("The filing of “%(title)s” was returned by the office: %(comment)s")
        % {"title": activity.title, "comment": comment},
        url=activity_url(activity),
    )
    return filing


# --- reminders (Celery beat) ---------------------------------------------------------------------------------


def _already_sent(user, verb: str, message: str) -> bool:
    return Notification.objects.filter(recipient=user, verb=verb, message=message).exists()


def reminders_tasks_due(*, on: datetime.date) -> int:
    """Tell each assignee of an open task due within three days; once per task and person."""
    from records.models import TaskAssignment

    assignments = (
        TaskAssignment.objects.filter(completed_on__isnull=True, task__due_on__gte=on,
                                      task__due_on__lte=on + datetime.timedelta(days=TASK_DUE_SOON_DAYS))
        .select_related("task", "teacher__user")
        .order_by("task__due_on", "pk")
    )
    sent = 0
    for assignment in assignments:
        user = assignment.teacher.user
        if user is None:
            continue
        message = _("Task “%(title)s” is due on %(date)s.") % {"title": assignment.task.title,
                                                               "date": assignment.task.due_on.isoformat()}
        if _already_sent(user, "task.due_soon", message):
            continue
        with transaction.atomic():
            sent += len(notification_send(recipients=[user], verb="task.due_soon", message=message))
    return sent


def semester_gaps(*, studios, school_year: SchoolYear, semester: int,
                  on: datetime.date) -> dict[int, tuple[object, list[str]]]:
    """The concrete open items of these studios this semester: user id → (user, lines), in a fixed number of
    queries.

    The filings of the semester's upcoming 全旗 activities that are not approved yet (for the host), and open
    tasks due in the semester (for each assignee). The rules still unmet come from `assessment_gaps`.
    """
    from records.models import TaskAssignment

    first, last = school_year.semester_bounds(semester)
    studio_ids = [studio.pk for studio in studios]
    gaps: dict[int, tuple[object, list[str]]] = {}

    def add(user, line):
        if user is not None and user.is_active:
            gaps.setdefault(user.pk, (user, []))[1].append(line)

    hosts: dict[int, list] = {}
    for membership in (Membership.objects.active_on(on)
                       .filter(studio_id__in=studio_ids, role=Membership.Role.HOST).select_related("teacher__user")):
        hosts.setdefault(membership.studio_id, []).append(membership.teacher.user)
    unfiled = (
        Activity.objects.filter(studio_id__in=studio_ids, scope=Activity.Scope.BANNER,
                                status=Activity.Status.PLANNED, date__gte=max(first, on), date__lte=last)
        .exclude(filing__status=Filing.Status.APPROVED)
        .order_by("date", "pk")
    )
    for activity in unfiled:
        for host in hosts.get(activity.studio_id, []):
            add(host, _("the filing of “%(title)s” (%(date)s) is not approved yet")
                % {"title": activity.title, "date": activity.date.isoformat()})
    open_tasks = (
        TaskAssignment.objects.filter(task__studio_id__in=studio_ids, completed_on__isnull=True,
                                      task__due_on__gte=first, task__due_on__lte=last)
        .select_related("task", "teacher__user")
        .order_by("task__due_on", "pk")
    )
    for assignment in open_tasks:
        add(assignment.teacher.user, _("task “%(title)s” due %(date)s is not completed")
            % {"title": assignment.task.title, "date": assignment.task.due_on.isoformat()})
    return gaps


def assessment_gaps(*, studios, on: datetime.date) -> dict[int, tuple[object, list[str]]]:
    """What the assessment engine says each person (and, for the team rules, the host) still misses: the rule
    instances of the current semester that are pending, and in the second semester those of the school year
    too, each as its checklist line ("还差 1 篇论文（≥1800字），本学期剩 11 天"). A fixed number of queries."""
    from assessments.selectors import studio_checklists
    from members.models import Teacher

    checklists = studio_checklists(studios=studios, as_of=on)
    codes = {checklist["teacher"] for people in checklists.values() for checklist in people}
    users = {teacher.code: teacher.user for teacher in Teacher.objects.filter(code__in=codes).select_related("user")}
    gaps: dict[int, tuple[object, list[str]]] = {}
    for people in checklists.values():
        for checklist in people:
            user = users.get(checklist["teacher"])
            if user is None or not user.is_active:
                continue
            kinds = {"semester", "year"} if checklist["semester"]["number"] == 2 else {"semester"}
            lines = [
                f"{checklist['studio_name']}：{item['title']}（{item['missing'] or item['note']}）"
                for item in checklist["items"]
                if item["status"] == "pending" and item["period_kind"] in kinds
            ]
            if lines:
                gaps.setdefault(user.pk, (user, []))[1].extend(lines)
    return gaps


def reminders_semester_end(*, on: datetime.date) -> int:
    """In the last two weeks of a semester, remind each person once of what they still miss that semester."""
    school_year = SchoolYear.objects.filter(start__lte=on, end__gte=on).first()
    if school_year is None:
        school_year = SchoolYear.get_or_create_for(on.year if on.month >= 9 else on.year - 1)
    semester = school_year.semester_of(on)
    first, last = school_year.semester_bounds(semester)
    window_start = last - datetime.timedelta(days=SEMESTER_REMINDER_DAYS)
    if on < window_start:
        return 0
    studios = list(Studio.objects.filter(memberships__isnull=False).distinct().order_by("code"))
    everyone = assessment_gaps(studios=studios, on=on)
    for user, lines in semester_gaps(studios=studios, school_year=school_year, semester=semester, on=on).values():
        everyone.setdefault(user.pk, (user, []))[1].extend(lines)
    # The link names the semester's last month: it is also what tells a reminder already sent this semester.
    url = f"{reverse('activities:calendar')}?month={last:%Y-%m}"
    already = set(Notification.objects.filter(recipient_id__in=list(everyone), verb="semester.gaps", url=url)
                  .values_list("recipient_id", flat=True))
    sent = 0
    for user, lines in everyone.values():
        if user.pk in already:
            continue
        message = _("The semester ends on %(date)s. Still to do: %(items)s.") % {
            "date": last.isoformat(), "items": "；".join(lines)}
        with transaction.atomic():
            sent += len(notification_send(recipients=[user], verb="semester.gaps", message=message[:500], url=url))
    return sent
