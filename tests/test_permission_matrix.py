"""The permission matrix: every URL of the project × every role, with the objects of studio A.

The URLs come from the resolver, not from a list kept by hand: a URL name the resolver knows and the matrix
below does not cover fails ``test_every_url_is_in_the_matrix`` with "new URL not covered by the permission
matrix: …". The Django admin is one group: its index is requested by every role (only the admin gets in), the
rest of ``admin/`` is the admin's own business and is left out on purpose.

Each row of ``MATRIX`` names a URL (with a variant in brackets where one name serves several actions), how to
build its arguments from the world (``tests/matrix_world.py``: one object of every kind, all of studio A), and
the answer each role gets:

- ``LOGIN``: a redirect to the login page (anonymous visitors, always);
- 404: the object is not there for this person;
- 403: the page exists for everybody but is the office's;
- 200, or 302 for a GET that rightly sends the person on; 405 for a POST-only endpoint asked with GET.

For a URL that acts on POST, every role that must not act sends a POST with plausible data and gets its refusal
(``LOGIN``, 403, 404, or 200/302 where a form or a redirect refuses it); ``ACTS`` marks the roles that may act
(their POST is left to each app's own tests). Nothing may change: after the refused POSTs the whole database
(every row of the project's apps and the login lockouts) is compared with before; a few rows also name the one
value that matters most (``unchanged``). The GETs must not change anything either, except the audit entries
that record a download.

The rule on other studios, checked on the table by ``test_another_studios_object_is_404_never_403`` and on the
live answers by the matrix itself: for every URL that takes a studio code or an object of studio A, a member or
the host of studio B gets 404, never 403, so nothing tells them the object exists. The one exception is an
office-only page: it answers 403 to every teacher whatever their studio (the host and members of studio A get
the same 403), so the 403 says nothing about studio A either. Around it:

- a page answered 200 to a visitor or to studio B's people shows nothing of studio A (its name, code and the
  titles of its records), but what they typed themselves or what the page makes public on purpose;
- no page links a person to a URL of the matrix where nothing is there for them (403/404 on GET and POST);
- studio A's objects asked for under studio B's code answer 404 even to studio B's host and to the office;
- studio B's forms refuse studio A's people.

The roles are the ``banner`` fixture's (``studios.tests.factories.make_banner``), built once per module with the
world inside a transaction; every test runs in a savepoint of it and leaves nothing behind.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from activities.models import ActivityPhoto, Filing
from assessments.models import AssessmentSignoff, RuleOverride, RuleSettings
from core.models import AuditEntry, Notification
from members.models import Application
from records.models import StudioDocument, Work, YearLock
from studios.models import Cycle, SchoolYear, Studio

from .matrix_world import PAST_YEAR, build_world

ROLES = ("anonymous", "member_a", "host_a", "member_b", "host_b", "officer", "admin", "security_admin", "audit_admin")
TEACHERS = ("member_a", "host_a", "member_b", "host_b")
OTHER_STUDIO = ("member_b", "host_b")

LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin login"  # 302 to the admin's login page
ACTS = "acts"  # POST only: this role may act; the matrix does not act for it

# Audit entries that record a read (a download, an export of the log): a GET may write these.
READ_ACTIONS = ("file.download", "excel.download", "audit.export")
# Apps whose rows make up the state compared before and after; axes holds the login lockouts, otp_* the second
# factors.
STATE_APPS = ("core", "members", "studios", "records", "activities", "assessments", "excel", "security", "axes",
              "otp_totp", "otp_static")
VOLATILE_FIELDS = {"last_login"}  # force_login writes it


def _profile(member_a, host_a, member_b, host_b, officer, admin, anonymous=LOGIN, security=None, auditor=None) -> dict:
    """admin is the system administrator; the security and audit administrators answer like them unless a row
    says otherwise (三员分立: none of the three is the office)."""
    return {"anonymous": anonymous, "member_a": member_a, "host_a": host_a, "member_b": member_b, "host_b": host_b,
            "officer": officer, "admin": admin, "security_admin": admin if security is None else security,
            "audit_admin": admin if auditor is None else auditor}


# --- named profiles ---------------------------------------------------------------------------------------------

EVERYONE = _profile(200, 200, 200, 200, 200, 200)
# A page of studio A: its host and members and the office see it.
STUDIO_VIEW = _profile(200, 200, 404, 404, 200, 404)
# Managing studio A: its host and the office; a member of A gets 404 like any outsider (get_managed_studio_for_user).
STUDIO_MANAGE = _profile(404, 200, 404, 404, 200, 404)
# The office's page: 403 to every teacher.
OFFICE_ONLY = _profile(403, 403, 403, 403, 200, 403)
# The school-year calendar and the rule settings: the office and the system administrator.
SETTINGS = _profile(403, 403, 403, 403, 200, 200, security=403, auditor=403)
# Login lockouts: the office and the security administrator.
LOCKOUTS = _profile(403, 403, 403, 403, 200, 403, security=200)
# Roles: the security administrator alone.
SECURITY_ONLY = _profile(403, 403, 403, 403, 403, 403, security=200)
# The audit log: the audit administrator alone.
AUDITOR_ONLY = _profile(403, 403, 403, 403, 403, 403, auditor=200)
# One's own second factor: the officers and the three administrators; teachers are never asked for one.
SECOND_FACTOR_OWN = _profile(403, 403, 403, 403, 200, 200)
# member_a's own record: the owner, studio A's host and the office (can_view_personal_record).
OWN_RECORD = _profile(200, 200, 404, 404, 200, 404)
# Changing member_a's own record: only the owner.
OWNER_ONLY = _profile(200, 404, 404, 404, 404, 404)
# member_a's profile data they change themselves, or the office for them.
OWN_OR_OFFICE = _profile(200, 404, 404, 404, 200, 404)
# A teacher's own pages ("my records"): office staff have none.
TEACHER_PAGE = _profile(200, 200, 200, 200, 404, 404)
# Pages about the outsider's application to studio A: the applicant (no role here) and the office.
APPLICANT_OR_OFFICE = _profile(404, 404, 404, 404, 200, 404)
# An export job started by studio A's host: the person who started it alone (excel can_download_job).
JOB_OWNER = _profile(404, 200, 404, 404, 404, 404)
# A POST-only endpoint asked with GET: the method is refused before anything is looked up.
POST_ONLY = _profile(405, 405, 405, 405, 405, 405)
# A POST-only action of studio A's host or the office.
MANAGE_ACTION = _profile(404, ACTS, 404, 404, ACTS, 404)
OFFICE_ACTION = _profile(403, 403, 403, 403, ACTS, 403)


def acting(profile: dict) -> dict:
    """The POST answers of a form page: who sees the form may act; everyone else is refused as on GET."""
    return {role: ACTS if answer in (200, 302) else answer for role, answer in profile.items()}


def _studio(w) -> dict:
    return {"code": w.code}


def _nothing(w) -> dict:
    return {}


def _none(w) -> list:
    return []


def _refusal(w) -> dict:
    return {"comment": "越权操作", "reason": "越权操作"}


@dataclass(frozen=True)
class Case:
    get: dict
    kwargs: Callable = _nothing
    post: dict | None = None  # None: the view does not act on POST
    data: Callable = _refusal
    query: Callable = _nothing
    studio_a: bool = True  # takes a studio code or an object of studio A
    unchanged: Callable | None = None  # the value a refused POST must leave as it was
    public: Callable = _none  # what of studio A this page may show to anybody (see leaks)


def _pk(attribute: str, *, studio: bool = False) -> Callable:
    def build(w) -> dict:
        kwargs = {"pk": getattr(w, attribute).pk}
        if studio:
            kwargs["code"] = w.code
        return kwargs

    return build


def _value(model, attribute: str, name: str) -> Callable:
    return lambda w: model.objects.filter(pk=getattr(w, attribute).pk).values_list(name, flat=True).first()


def _count(model) -> Callable:
    return lambda w: model.objects.count()


def _override_query(w) -> dict:
    return {"teacher": w.member.code, "rule": "I-PAPER", "period": f"{PAST_YEAR}-1", "kind": "annual",
            "year": PAST_YEAR}


def _filing_action(action: str) -> Callable:
    return lambda w: {"code": w.code, "pk": w.planned.pk, "action": action}


def _queue(target: str, attribute: str, action: str) -> Callable:
    return lambda w: {"target": target, "pk": getattr(w, attribute).pk, "action": action}


def _day(w, days: int = 0) -> str:
    return (w.day + datetime.timedelta(days=days)).isoformat()


MATRIX: dict[str, Case] = {
    # --- the project's own pages -------------------------------------------------------------------------------
    "home": Case(EVERYONE, studio_a=False),
    "login": Case(_profile(200, 200, 200, 200, 200, 200, anonymous=200), studio_a=False),
    "logout": Case(_profile(405, 405, 405, 405, 405, 405, anonymous=405), studio_a=False,
                   post=_profile(ACTS, ACTS, ACTS, ACTS, ACTS, ACTS, anonymous=ACTS)),
    "password_change": Case(EVERYONE, studio_a=False, post=acting(EVERYONE)),
    "password_change_done": Case(EVERYONE, studio_a=False),
    "set_language": Case(_profile(302, 302, 302, 302, 302, 302, anonymous=302), studio_a=False,
                         post=_profile(ACTS, ACTS, ACTS, ACTS, ACTS, ACTS, anonymous=ACTS)),
    # The admin is one group: only the admin reaches its index; the rest of admin/ is left out (see above).
    "admin:index": Case(_profile(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200,
                                 anonymous=ADMIN_LOGIN, security=ADMIN_LOGIN, auditor=ADMIN_LOGIN),
                        studio_a=False),
    # --- core -------------------------------------------------------------------------------------------------
    "core:upload[work]": Case(OWN_RECORD, kwargs=lambda w: {"pk": w.work.upload_id}),
    "core:upload[document]": Case(STUDIO_VIEW, kwargs=lambda w: {"pk": w.document.upload_id}),
    "core:upload[photo]": Case(STUDIO_VIEW, kwargs=lambda w: {"pk": w.photo.upload_id}),
    # A receipt is the studio's, not a person's: its host and the office, like the funds page.
    "core:upload[receipt]": Case(STUDIO_MANAGE, kwargs=lambda w: {"pk": w.expense.receipt_id}),
    # A certificate is member_a's, in no studio: the owner, the hosts of their studios and the office.
    "core:upload[certificate]": Case(OWN_RECORD, kwargs=lambda w: {"pk": w.title.certificate_id}),
    # A document's preview and its page images follow the file: the work's author (and host and office), the
    # studio's people for a photo of an activity.
    "core:upload_preview": Case(OWN_RECORD, kwargs=lambda w: {"pk": w.work.upload_id}),
    "core:upload_page": Case(STUDIO_VIEW, kwargs=lambda w: {"pk": w.photo.upload_id, "number": 1}),
    "core:notifications": Case(EVERYONE, studio_a=False),
    # Everyone marks their own notifications read; member_a's stay unread whoever else names them.
    "core:notifications_read": Case(
        POST_ONLY, studio_a=False, post=_profile(ACTS, 302, 302, 302, 302, 302),
        data=lambda w: {"id": [w.notification.pk]}, unchanged=_value(Notification, "notification", "read_at"),
    ),
    # --- studios ----------------------------------------------------------------------------------------------
    "studios:list": Case(EVERYONE, studio_a=False),
    "studios:list[search]": Case(EVERYONE, studio_a=False, query=lambda w: {"q": w.studio.name}),
    "studios:create": Case(
        OFFICE_ONLY, studio_a=False, post=acting(OFFICE_ONLY), unchanged=_count(Studio),
        data=lambda w: {"code": "WS-X", "name": "越权新建的工作室", "subject": "数学", "stage": "primary",
                        "cycle_start": w.year.label, "host": w.banner.outsider.code},
    ),
    "studios:detail": Case(STUDIO_VIEW, kwargs=_studio),
    "studios:school_years": Case(SETTINGS, studio_a=False),
    "studios:school_year_edit": Case(
        SETTINGS, studio_a=False, kwargs=_pk("year"), post=acting(SETTINGS),
        unchanged=_value(SchoolYear, "year", "semester2_start"),
        data=lambda w: {"start": w.year.start, "semester2_start": w.year.start + datetime.timedelta(days=1),
                        "end": w.year.end},
    ),
    "studios:edit": Case(
        OFFICE_ONLY, kwargs=_studio, post=acting(OFFICE_ONLY), unchanged=_value(Studio, "studio", "name"),
        data=lambda w: {"name": "被篡改的工作室", "subject": "数学", "stage": "primary", "description": ""},
    ),
    "studios:cycle_create": Case(OFFICE_ONLY, kwargs=_studio, post=acting(OFFICE_ONLY), unchanged=_count(Cycle),
                                 data=lambda w: {"start": "2027-2028"}),
    "studios:cycle_renew": Case(OFFICE_ONLY, kwargs=_pk("cycle", studio=True), post=acting(OFFICE_ONLY),
                                unchanged=_value(Cycle, "cycle", "status")),
    "studios:cycle_dissolve": Case(OFFICE_ONLY, kwargs=_pk("cycle", studio=True), post=acting(OFFICE_ONLY),
                                   unchanged=_value(Cycle, "cycle", "status"),
                                   data=lambda w: {"reason": "越权解散", "on": _day(w)}),
    "studios:membership_join": Case(
        OFFICE_ONLY, kwargs=_studio, post=acting(OFFICE_ONLY),
        data=lambda w: {"teacher": w.banner.outsider.code, "role": "member", "joined_on": _day(w)},
    ),
    "studios:membership_leave": Case(
        OFFICE_ONLY, kwargs=_pk("membership", studio=True), post=acting(OFFICE_ONLY),
        data=lambda w: {"left_on": _day(w), "reason": "越权操作"},
    ),
    # --- members ----------------------------------------------------------------------------------------------
    "members:applications": Case(EVERYONE, studio_a=False),
    # Office staff are no teachers: the form sends them home with a message.
    # Every studio takes applications (七): the form lists them all by name, studio B's people included.
    "members:apply": Case(_profile(200, 200, 200, 200, 302, 302), studio_a=False,
                          post=_profile(ACTS, ACTS, ACTS, ACTS, 302, 302), public=lambda w: [w.studio.name],
                          data=lambda w: {"studio": w.studio.pk, "statement": "申请加入"}),
    "members:application": Case(APPLICANT_OR_OFFICE, kwargs=_pk("application")),
    "members:application_recommend": Case(
        OFFICE_ONLY, kwargs=_pk("application"), post=acting(OFFICE_ONLY),
        unchanged=_value(Application, "application", "status"),
        data=lambda w: {"recommended_by": "乌审旗第九小学", "recommended_on": _day(w), "recommendation": "同意推荐"},
    ),
    "members:application_decide": Case(
        OFFICE_ONLY, kwargs=_pk("application"), post=acting(OFFICE_ONLY),
        data=lambda w: {"decision": "accept", "joined_on": _day(w), "comment": ""},
    ),
    "members:teacher": Case(OWN_RECORD, kwargs=lambda w: {"code": w.member.code}),
    # Accounts with one-time passwords: the office's alone (a teacher of studio A gets the same 403 as anyone).
    "members:accounts": Case(OFFICE_ONLY, studio_a=False, post=acting(OFFICE_ONLY),
                             data=lambda w: {"school": w.member.school_id, "output": "slips", "reissue": "on"}),
    "members:password_reset": Case(OFFICE_ONLY, kwargs=lambda w: {"code": w.member.code}, post=acting(OFFICE_ONLY),
                                   unchanged=lambda w: type(w.member.user).objects.get(pk=w.member.user_id).password),
    "members:title_create": Case(
        OWN_OR_OFFICE, kwargs=lambda w: {"code": w.member.code}, post=acting(OWN_OR_OFFICE),
        data=lambda w: {"kind": "backbone", "level": 1, "awarded_on": _day(w)},
    ),
    # --- records: a person's own --------------------------------------------------------------------------------
    "records:mine": Case(TEACHER_PAGE, studio_a=False),
    # Studio B's people may record works, but not in studio A: the form offers only their own studios.
    "records:work_create": Case(
        TEACHER_PAGE, studio_a=False, post=_profile(ACTS, ACTS, 200, 200, 404, 404), unchanged=_count(Work),
        data=lambda w: {"studio": w.studio.pk, "kind": "paper", "title": "冒名论文", "date": _day(w),
                        "char_count": 2000, "action": "submit"},
    ),
    "records:work": Case(OWN_RECORD, kwargs=_pk("work")),
    "records:work_edit": Case(
        OWNER_ONLY, kwargs=_pk("work"), post=acting(OWNER_ONLY), unchanged=_value(Work, "work", "title"),
        data=lambda w: {"studio": w.studio.pk, "kind": "paper", "title": "被篡改的论文", "date": _day(w),
                        "char_count": 2000},
    ),
    "records:work_delete": Case(OWNER_ONLY, kwargs=_pk("work"), post=acting(OWNER_ONLY), unchanged=_count(Work)),
    "records:pair_create": Case(
        TEACHER_PAGE, studio_a=False, post=_profile(ACTS, ACTS, 200, 200, 404, 404),
        data=lambda w: {"studio": w.studio.pk, "mentee_name": "冒名结对", "mentee_school": "某小学",
                        "started_on": _day(w)},
    ),
    # The pair's page takes the owner's visits; anybody else who may read it gets 404 on POST.
    "records:pair": Case(OWN_RECORD, kwargs=_pk("pair"), post=_profile(ACTS, 404, 404, 404, 404, 404),
                         data=lambda w: {"visited_on": _day(w), "note": "越权记录的回访"}),
    "records:pair_edit": Case(
        OWNER_ONLY, kwargs=_pk("pair"), post=acting(OWNER_ONLY),
        data=lambda w: {"mentee_name": "被篡改", "mentee_school": "某小学", "started_on": _day(w)},
    ),
    "records:pair_delete": Case(OWNER_ONLY, kwargs=_pk("pair"), post=acting(OWNER_ONLY)),
    "records:task_done": Case(OWNER_ONLY, kwargs=_pk("assignment"), post=acting(OWNER_ONLY),
                              data=lambda w: {"note": "越权完成"}),
    "records:work_compare": Case(OFFICE_ONLY, kwargs=_pk("copy")),
    "records:task_record_done": Case(STUDIO_MANAGE, kwargs=_pk("assignment", studio=True),
                                     post=acting(STUDIO_MANAGE),
                                     data=lambda w: {"completed_on": _day(w), "note": "越权完成"}),
    # --- records: the studio's ----------------------------------------------------------------------------------
    "records:studio": Case(STUDIO_MANAGE, kwargs=_studio),
    "records:person": Case(STUDIO_MANAGE, kwargs=lambda w: {"code": w.code, "teacher_code": w.member.code}),
    "records:year_lock": Case(STUDIO_MANAGE, kwargs=_studio, post=acting(STUDIO_MANAGE), unchanged=_count(YearLock),
                              data=lambda w: {"school_year": w.year.pk}),
    "records:year_unlock": Case(OFFICE_ONLY, kwargs=_studio, post=acting(OFFICE_ONLY),
                                data=lambda w: {"school_year": w.year.pk, "reason": "越权解锁"}),
    "records:documents": Case(STUDIO_VIEW, kwargs=_studio),
    "records:document_create": Case(
        STUDIO_MANAGE, kwargs=_studio, post=acting(STUDIO_MANAGE), unchanged=_count(StudioDocument),
        data=lambda w: {"kind": "annual_summary", "school_year": w.year.pk, "title": "越权的年度总结"},
    ),
    "records:document": Case(STUDIO_VIEW, kwargs=_pk("document", studio=True)),
    "records:document_edit": Case(STUDIO_MANAGE, kwargs=_pk("document", studio=True), post=acting(STUDIO_MANAGE),
                                  unchanged=_value(StudioDocument, "document", "title"),
                                  data=lambda w: {"title": "被篡改的计划"}),
    "records:document_submit": Case(POST_ONLY, kwargs=_pk("document", studio=True), post=MANAGE_ACTION,
                                    unchanged=_value(StudioDocument, "document", "status")),
    "records:document_review": Case(OFFICE_ONLY, kwargs=_pk("document", studio=True), post=acting(OFFICE_ONLY),
                                    unchanged=_value(StudioDocument, "document", "status"),
                                    data=lambda w: {"decision": "approve", "comment": "越权批准"}),
    "records:document_delete": Case(STUDIO_MANAGE, kwargs=_pk("document", studio=True), post=acting(STUDIO_MANAGE),
                                    unchanged=_count(StudioDocument)),
    "records:projects": Case(STUDIO_VIEW, kwargs=_studio),
    "records:project_create": Case(
        STUDIO_MANAGE, kwargs=_studio, post=acting(STUDIO_MANAGE),
        data=lambda w: {"title": "越权课题", "level": 1, "approved_on": _day(w), "leader": w.host.pk},
    ),
    "records:project_edit": Case(
        STUDIO_MANAGE, kwargs=_pk("project", studio=True), post=acting(STUDIO_MANAGE),
        data=lambda w: {"title": "被篡改的课题", "level": 1, "approved_on": _day(w), "leader": w.host.pk},
    ),
    "records:project_delete": Case(STUDIO_MANAGE, kwargs=_pk("project", studio=True), post=acting(STUDIO_MANAGE)),
    "records:tasks": Case(STUDIO_MANAGE, kwargs=_studio),
    "records:task_create": Case(
        STUDIO_MANAGE, kwargs=_studio, post=acting(STUDIO_MANAGE),
        data=lambda w: {"title": "越权任务", "due_on": _day(w, 7), "teachers": [w.member.pk]},
    ),
    "records:task_delete": Case(STUDIO_MANAGE, kwargs=_pk("task", studio=True), post=acting(STUDIO_MANAGE)),
    "records:evaluations": Case(STUDIO_MANAGE, kwargs=_studio),
    "records:evaluation_edit": Case(
        STUDIO_MANAGE, kwargs=lambda w: {"code": w.code, "year": w.year.label, "teacher_code": w.member.code},
        post=acting(STUDIO_MANAGE),
        data=lambda w: {"attitude": 10, "task_completion": 10, "research_ability": 10, "theory": 10, "teaching": 10,
                        "comment": "越权评分"},
    ),
    "records:funds": Case(STUDIO_MANAGE, kwargs=_studio),
    "records:fund_allocate": Case(OFFICE_ONLY, kwargs=_studio, post=acting(OFFICE_ONLY),
                                  data=lambda w: {"amount": "99999", "date": _day(w)}),
    "records:expense_create": Case(
        STUDIO_MANAGE, kwargs=_studio, post=acting(STUDIO_MANAGE),
        data=lambda w: {"amount": "100", "category": "books_equipment", "date": _day(w), "description": "越权报销"},
    ),
    "records:fund_delete": Case(STUDIO_MANAGE, kwargs=_pk("expense", studio=True), post=acting(STUDIO_MANAGE)),
    # --- activities ---------------------------------------------------------------------------------------------
    "activities:calendar": Case(EVERYONE, studio_a=False),
    # Asking the banner calendar for studio A's month: studio B's people see their own studios only.
    "activities:calendar[studio filter]": Case(EVERYONE, studio_a=False, query=lambda w: {
        "studio": w.code, "month": w.planned.date.strftime("%Y-%m"), "view": "list"}),
    # The queue is what waits on a host or the office; a teacher who hosts nothing has none.
    "activities:queue": Case(_profile(403, 200, 403, 200, 200, 403), studio_a=False),
    "activities:queue[studio filter]": Case(_profile(403, 200, 403, 200, 200, 403), studio_a=False,
                                            query=lambda w: {"studio": w.studio.pk, "state": "submitted"}),
    "activities:queue_decide[filing-approve]": Case(POST_ONLY, kwargs=_queue("filing", "filing", "approve"),
                                                    post=OFFICE_ACTION,
                                                    unchanged=_value(Filing, "filing", "status")),
    "activities:queue_decide[filing-return]": Case(POST_ONLY, kwargs=_queue("filing", "filing", "return"),
                                                   post=OFFICE_ACTION),
    "activities:queue_decide[filing-withdraw]": Case(POST_ONLY, kwargs=_queue("filing", "filing", "withdraw"),
                                                     post=MANAGE_ACTION,
                                                     unchanged=_value(Filing, "filing", "status")),
    "activities:queue_decide[document-submit]": Case(POST_ONLY, kwargs=_queue("document", "document", "submit"),
                                                     post=MANAGE_ACTION,
                                                     unchanged=_value(StudioDocument, "document", "status")),
    "activities:studio_calendar": Case(STUDIO_VIEW, kwargs=_studio),
    "activities:create": Case(
        STUDIO_MANAGE, kwargs=_studio, post=acting(STUDIO_MANAGE),
        data=lambda w: {"title": "越权活动", "kind": "work_seminar", "scope": "studio", "date": _day(w, 5),
                        "attendance_required": "on"},
    ),
    "activities:detail[planned]": Case(STUDIO_VIEW, kwargs=_pk("planned", studio=True)),
    "activities:detail[held]": Case(STUDIO_VIEW, kwargs=_pk("held", studio=True)),
    "activities:edit": Case(
        STUDIO_MANAGE, kwargs=_pk("planned", studio=True), post=acting(STUDIO_MANAGE),
        data=lambda w: {"title": "被篡改的活动", "kind": "seminar", "scope": "banner", "date": _day(w, 10)},
    ),
    "activities:held": Case(STUDIO_MANAGE, kwargs=_pk("planned", studio=True), post=acting(STUDIO_MANAGE),
                            data=lambda w: {"confirm_unfiled": "on"}),
    "activities:cancel": Case(STUDIO_MANAGE, kwargs=_pk("planned", studio=True), post=acting(STUDIO_MANAGE)),
    "activities:record": Case(STUDIO_MANAGE, kwargs=_pk("held", studio=True), post=acting(STUDIO_MANAGE),
                              data=lambda w: {"summary": "被篡改的活动记录"}),
    "activities:photo_delete": Case(
        POST_ONLY, kwargs=lambda w: {"code": w.code, "pk": w.held.pk, "photo_pk": w.photo.pk}, post=MANAGE_ACTION,
        unchanged=_count(ActivityPhoto),
    ),
    "activities:attendance": Case(STUDIO_MANAGE, kwargs=_pk("held", studio=True), post=acting(STUDIO_MANAGE)),
    # QR sign-in (扫码签到): the host sets the window and watches the list; the code's page is for the teachers
    # who may sign in (studio A's, for a studio activity) and tells office staff that only teachers sign in.
    "activities:signin_window": Case(STUDIO_MANAGE, kwargs=_pk("held", studio=True), post=acting(STUDIO_MANAGE),
                                     data=lambda w: {"opens_at": "2020-01-01T08:00", "closes_at": "2020-01-01T09:00"}),
    "activities:signin_list": Case(STUDIO_MANAGE, kwargs=_pk("held", studio=True)),
    # Whoever holds the code's secret and is no teacher (the office, an administrator) is told only teachers sign in.
    "activities:signin": Case(_profile(200, 200, 404, 404, 200, 200),
                              kwargs=lambda w: {"pk": w.held.pk, "token": w.held.signin_token},
                              post=_profile(ACTS, ACTS, 404, 404, 302, 302),
                              unchanged=lambda w: w.held.signins.count()),
    # The 备案 notice (发文) exists only for an approved filing: the world's filing waits for the office, so every
    # person gets 404 (who may download an approved one: activities/tests/test_notice.py, by role).
    "activities:filing_notice": Case(_profile(404, 404, 404, 404, 404, 404), kwargs=lambda w: {"pk": w.planned.pk}),
    "activities:filing_action[submit]": Case(STUDIO_MANAGE, kwargs=_filing_action("submit"),
                                             post=acting(STUDIO_MANAGE)),
    "activities:filing_action[resubmit]": Case(STUDIO_MANAGE, kwargs=_filing_action("resubmit"),
                                               post=acting(STUDIO_MANAGE)),
    "activities:filing_action[withdraw]": Case(STUDIO_MANAGE, kwargs=_filing_action("withdraw"),
                                               post=acting(STUDIO_MANAGE),
                                               unchanged=_value(Filing, "filing", "status")),
    "activities:filing_action[approve]": Case(OFFICE_ONLY, kwargs=_filing_action("approve"),
                                              post=acting(OFFICE_ONLY),
                                              unchanged=_value(Filing, "filing", "status")),
    "activities:filing_action[return]": Case(OFFICE_ONLY, kwargs=_filing_action("return"),
                                             post=acting(OFFICE_ONLY)),
    # --- assessments --------------------------------------------------------------------------------------------
    "assessments:overview": Case(OFFICE_ONLY, studio_a=False),
    # A teacher's own checklist; the office has none and is sent to the overview.
    "assessments:mine": Case(_profile(200, 200, 200, 200, 302, 404), studio_a=False),
    "assessments:settings": Case(
        SETTINGS, studio_a=False, post=acting(SETTINGS),
        unchanged=lambda w: RuleSettings.objects.values_list("paper_min_chars", flat=True).first(),
        data=lambda w: {"paper_min_chars": 1, "reason": "越权修改"},
    ),
    "assessments:studio": Case(STUDIO_VIEW, kwargs=_studio),
    "assessments:signoff": Case(
        OFFICE_ONLY, kwargs=_studio, post=acting(OFFICE_ONLY),
        unchanged=_value(AssessmentSignoff, "signoff", "grade"),
        data=lambda w: {"kind": "annual", "year": PAST_YEAR, "grade": "excellent", "comment": "越权签批"},
    ),
    "assessments:override": Case(
        OFFICE_ONLY, kwargs=_studio, query=_override_query, post=acting(OFFICE_ONLY),
        data=lambda w: {**_override_query(w), "status": "not_met", "reason": "越权改判"},
    ),
    "assessments:override_delete": Case(OFFICE_ONLY, kwargs=_pk("override", studio=True), post=acting(OFFICE_ONLY),
                                        unchanged=_count(RuleOverride)),
    # --- excel --------------------------------------------------------------------------------------------------
    "excel:index": Case(OFFICE_ONLY, studio_a=False),
    "excel:import": Case(OFFICE_ONLY, studio_a=False, post=acting(OFFICE_ONLY),
                         data=lambda w: {"file": SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 not a workbook")}),
    # Without a workbook kept in the session the office is sent back to the upload, on GET and on POST.
    "excel:import_preview": Case(_profile(403, 403, 403, 403, 302, 403), studio_a=False,
                                 post=_profile(403, 403, 403, 403, 302, 403)),
    "excel:template": Case(OFFICE_ONLY, studio_a=False),
    "excel:export": Case(OFFICE_ONLY, studio_a=False, kwargs=lambda w: {"identifier": "banner_summary"},
                         post=acting(OFFICE_ONLY)),
    "excel:studio": Case(STUDIO_MANAGE, kwargs=_studio),
    "excel:archive": Case(POST_ONLY, kwargs=_studio, post=MANAGE_ACTION,
                          data=lambda w: {"school_year": w.year.pk}),
    "excel:studio_export": Case(STUDIO_MANAGE, kwargs=lambda w: {"code": w.code, "identifier": "studio_sheet"},
                                post=acting(STUDIO_MANAGE)),
    "excel:job": Case(JOB_OWNER, kwargs=_pk("job")),
    "excel:job_progress": Case(JOB_OWNER, kwargs=_pk("job")),
    "excel:job_download": Case(JOB_OWNER, kwargs=_pk("job")),
    # --- security -----------------------------------------------------------------------------------------------
    "security:audit_log": Case(AUDITOR_ONLY, studio_a=False),
    "security:audit_export": Case(AUDITOR_ONLY, studio_a=False),
    "security:lockouts": Case(LOCKOUTS, studio_a=False),
    "security:accounts": Case(SECURITY_ONLY, studio_a=False),
    "security:account_role": Case(SECURITY_ONLY, studio_a=False, kwargs=lambda w: {"pk": w.member.user.pk},
                                  post=acting(SECURITY_ONLY),
                                  unchanged=lambda w: type(w.member.user).objects.get(pk=w.member.user.pk).role,
                                  data=lambda w: {"role": "admin", "reason": "越权提权"}),
    # The second factor: one's own (enrol, recovery codes); nobody of the world has one, so the code step sends
    # everybody on and the recovery codes page (nothing just made) sends them to their second-factor page.
    "security:second_factor": Case(SECOND_FACTOR_OWN, studio_a=False,
                                   post=_profile(403, 403, 403, 403, 302, 302)),
    "security:second_factor_enrol": Case(SECOND_FACTOR_OWN, studio_a=False, post=acting(SECOND_FACTOR_OWN)),
    "security:second_factor_verify": Case(_profile(302, 302, 302, 302, 302, 302), studio_a=False,
                                          post=_profile(302, 302, 302, 302, 302, 302),
                                          data=lambda w: {"otp_token": "123456"}),
    "security:recovery_codes": Case(_profile(403, 403, 403, 403, 302, 302), studio_a=False),
    # Resetting another person's second factor: the security administrator alone (三员分立).
    "security:account_second_factor_reset": Case(
        SECURITY_ONLY, studio_a=False, kwargs=lambda w: {"pk": w.banner.officer.pk}, post=acting(SECURITY_ONLY),
        unchanged=lambda w: AuditEntry.objects.filter(action="otp.reset").count(),
        data=lambda w: {"reason": "越权重置"}),
    "security:lockout_unlock": Case(LOCKOUTS, studio_a=False, post=acting(LOCKOUTS),
                                    query=lambda w: {"kind": "pair", "username": w.lockout.username,
                                                     "ip": w.lockout.ip_address},
                                    unchanged=lambda w: type(w.lockout).objects.filter(pk=w.lockout.pk).exists()),
}


def url_name(key: str) -> str:
    return key.split("[", 1)[0]


# --- the resolver ---------------------------------------------------------------------------------------------


def resolver_url_names() -> set[str]:
    """Every named URL of the project, namespaced ("records:work"); the admin as its index alone."""
    names: set[str] = set()

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    # The Django admin's own pages (model lists, change forms …) are covered as one group by its
                    # index: whoever cannot open the index cannot open any of them. The rest is skipped here.
                    names.add("admin:index")
                    continue
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern):
                names.add(prefix + pattern.name if pattern.name else f"{prefix}<unnamed {pattern.pattern}>")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_in_the_matrix():
    covered = {url_name(key) for key in MATRIX}
    known = resolver_url_names()
    missing = sorted(known - covered)
    assert not missing, f"new URL not covered by the permission matrix: {', '.join(missing)}"
    stale = sorted(covered - known)
    assert not stale, f"the permission matrix names URLs the project no longer has: {', '.join(stale)}"


def test_every_row_gives_an_answer_for_every_role():
    for key, case in MATRIX.items():
        assert set(case.get) == set(ROLES), key
        assert case.post is None or set(case.post) == set(ROLES), key
        assert case.get["anonymous"] in (LOGIN, ADMIN_LOGIN) or key in ("login", "logout", "set_language"), key


def test_another_studios_object_is_404_never_403():
    """For a URL of studio A, studio B's people get 404; a 403 only where studio A's own teachers get it too."""
    offenders = []
    for key, case in MATRIX.items():
        if not case.studio_a:
            continue
        for method, answers in (("GET", case.get), ("POST", case.post)):
            if answers is None:
                continue
            for role in OTHER_STUDIO:
                answer = answers[role]
                office_only = all(answers[teacher] == 403 for teacher in TEACHERS)
                if answer == 404 or (answer == 403 and office_only) or (method == "GET" and answers is POST_ONLY):
                    continue
                offenders.append(f"{method} {key} as {role}: {answer}")
    assert not offenders, "another studio's object must answer 404:\n" + "\n".join(offenders)


# --- the world ------------------------------------------------------------------------------------------------


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Studio A's world, built once for the module inside a transaction rolled back at its end; each test runs in
    a savepoint of it (pytest-django's ``db``), so whatever a test does is undone before the next."""
    from studios.tests.factories import make_banner

    media = tmp_path_factory.mktemp("matrix-media")
    with (override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock(),
          transaction.atomic()):
        world = build_world(make_banner())
        world.media = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_once, db, settings):
    settings.MEDIA_ROOT = _world_once.media
    settings.PASSWORD_HASHERS = FAST_HASHERS
    return _world_once


@pytest.fixture
def clients(world) -> dict[str, Client]:
    assert set(world.banner.users) == set(ROLES)
    made = {}
    for role, user in world.banner.users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        made[role] = client
    return made


# Stored assessment results are derived from the records, not records themselves: without a worker (as here) a
# page that finds its studios' results stale computes and stores them before it shows them, so a GET may fill
# them in. That they are never shown stale and follow every change is assessments/tests/test_results.py's part.
DERIVED_MODELS = {"assessments.AssessmentResult", "assessments.AssessmentTally"}


def state(*, reads_too: bool) -> dict:
    """Every row of the project's apps; with reads_too=False the audit entries of downloads are left out."""
    snapshot = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in STATE_APPS or meta.proxy or not meta.managed:
            continue
        if meta.label in DERIVED_MODELS:
            continue
        names = [f.attname for f in meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        queryset = model._base_manager.order_by("pk")
        if model is AuditEntry and not reads_too:
            queryset = queryset.exclude(action__in=READ_ACTIONS)
        snapshot[meta.label] = [repr(row) for row in queryset.values_list(*names)]
    return snapshot


def changes(before: dict, after: dict) -> list[str]:
    lines = []
    for label in before:
        old, new = set(before[label]), set(after[label])
        for row in sorted(new - old)[:3]:
            lines.append(f"{label} + {row}")
        for row in sorted(old - new)[:3]:
            lines.append(f"{label} - {row}")
    return lines


def answer(response) -> tuple[object, str]:
    """(LOGIN, ADMIN_LOGIN or the status code; the body as text). A file or a stream is read to its end, which
    closes it as a server would (the test client closes the others itself; closing again would fire
    request_finished and drop the database connection, with the test's transaction, on PostgreSQL)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login") + "?"):
            return LOGIN, ""
        if location.startswith(reverse("admin:login") + "?"):
            return ADMIN_LOGIN, ""
    return response.status_code, body.decode("utf-8", errors="replace")


def ask(client, method: str, url: str, data: dict | None = None) -> tuple[object, str]:
    try:
        return answer(client.get(url) if method == "GET" else client.post(url, data or {}))
    except Exception as error:  # a 500: say which URL and role raised it
        return f"raised {type(error).__name__}: {error}", ""


LINK = re.compile(r'(?:href|action|hx-post|hx-get)="([^"?#]*)')


def dead_ends(world) -> dict[str, set[str]]:
    """Per role, the paths of the matrix where nothing is there for them: 403 or 404 on GET and on POST."""
    refused: dict[str, set[str]] = {role: set() for role in ROLES}
    usable: dict[str, set[str]] = {role: set() for role in ROLES}
    for key, case in MATRIX.items():
        path = reverse(url_name(key), kwargs=case.kwargs(world))
        for role in ROLES:
            answers = [] if case.get is POST_ONLY else [case.get[role]]
            if case.post is not None:
                answers.append(case.post[role])
            nothing = bool(answers) and all(answer in (403, 404) for answer in answers)
            (refused if nothing else usable)[role].add(path)
    return {role: refused[role] - usable[role] for role in ROLES}


def dead_links(body: str, refused: set[str]) -> list[str]:
    return sorted({link for link in LINK.findall(body) if link in refused})


def leaks(world, case: Case, role: str, got, body: str) -> list[str]:
    """What of studio A a page answered 200 to an outsider shows: nothing, but what the visitor asked for
    themselves (a search echoed in its box) and what the page makes public on purpose."""
    if role not in ("anonymous", *OTHER_STUDIO) or got != 200:
        return []
    allowed = {str(value) for value in case.query(world).values()} | set(case.public(world))
    return [marker for marker in world.markers if marker in body and marker not in allowed]


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_permission_matrix(key, world, clients):
    case = MATRIX[key]
    url = reverse(url_name(key), kwargs=case.kwargs(world))
    query = case.query(world)
    if query:
        url = f"{url}?{urlencode(query)}"
    failures = []

    refused = dead_ends(world)
    before = state(reads_too=False)
    for role in ROLES:
        got, body = ask(clients[role], "GET", url)
        if got == 200:
            failures += [f"GET {key} as {role} links to {link}, where nothing is there for them"
                         for link in dead_links(body, refused[role])]
        if got != case.get[role]:
            failures.append(f"GET {key} as {role}: expected {case.get[role]}, got {got}")
        failures += [f"GET {key} as {role} shows studio A's {marker!r}"
                     for marker in leaks(world, case, role, got, body)]
    after = state(reads_too=False)
    failures += [f"GET {key} changed {line}" for line in changes(before, after)]

    if case.post is not None:
        before = state(reads_too=True)
        kept = case.unchanged(world) if case.unchanged else None
        for role in ROLES:
            expected = case.post[role]
            if expected == ACTS:
                continue
            got, body = ask(clients[role], "POST", url, case.data(world))
            if got != expected:
                failures.append(f"POST {key} as {role}: expected {expected}, got {got}")
        after = state(reads_too=True)
        failures += [f"refused POST {key} changed {line}" for line in changes(before, after)]
        if case.unchanged:
            now = case.unchanged(world)
            if now != kept:
                failures.append(f"refused POST {key} changed {kept!r} to {now!r}")

    assert not failures, "\n".join(failures)


# Kwargs that name an object of studio A (besides the studio's code).
OBJECT_KWARGS = {"pk", "photo_pk", "teacher_code"}


def test_studio_as_objects_under_studio_bs_code_are_not_found(world, clients):
    """Studio A's objects asked for under studio B's code: 404 even to studio B's host and to the office, so
    every object is looked up within its studio (an office-only page still answers 403 to the teacher)."""
    b_code = world.banner.b.studio.code
    failures, checked = [], 0
    before = state(reads_too=True)
    for key, case in MATRIX.items():
        kwargs = case.kwargs(world)
        if "code" not in kwargs or not OBJECT_KWARGS & set(kwargs):
            continue
        checked += 1
        url = reverse(url_name(key), kwargs={**kwargs, "code": b_code})
        query = case.query(world)
        if query:
            url = f"{url}?{urlencode(query)}"
        for role in ("host_b", "officer"):
            office_only = case.get["host_b"] == 403 or (case.post or {}).get("host_b") == 403
            expected = 403 if role == "host_b" and office_only else 404
            for method in ("GET", "POST") if case.post else ("GET",):
                want = 405 if method == "GET" and case.get is POST_ONLY else expected
                got, _body = ask(clients[role], method, url, case.data(world))
                if got != want:
                    failures.append(f"{method} {key} under {b_code} as {role}: expected {want}, got {got}")
    failures += [f"changed {line}" for line in changes(before, state(reads_too=True))]
    assert checked >= 25
    assert not failures, "\n".join(failures)


def test_studio_bs_host_cannot_name_studio_as_people_in_studio_bs_forms(world, clients):
    """Studio B's host acts in studio B, but a form of studio B that names studio A's people is refused by the
    form (200 with the error shown) and changes nothing."""
    b_code = world.banner.b.studio.code
    day = _day(world, 7)
    member, host = world.member, world.host
    posts = {
        "records:task_create": {"title": "越权任务", "due_on": day, "teachers": [member.pk]},
        "records:project_create": {"title": "越权课题", "level": 1, "approved_on": _day(world), "leader": host.pk,
                                   "participants": [member.pk]},
        "activities:create": {"title": "越权讲座", "kind": "lecture", "scope": "studio", "date": day,
                              "organiser": member.pk, "attendance_required": "on"},
    }
    before = state(reads_too=True)
    failures = []
    for name, data in posts.items():
        got, _body = ask(clients["host_b"], "POST", reverse(name, kwargs={"code": b_code}), data)
        if got != 200:
            failures.append(f"POST {name} of {b_code} naming studio A's people: expected 200, got {got}")
    failures += [f"changed {line}" for line in changes(before, state(reads_too=True))]
    assert not failures, "\n".join(failures)


# --- personal data --------------------------------------------------------------------------------------------

FULL, MASKED = "full", "masked"
# Whose mobile number and date of birth each role sees in full on member_a's and host_a's profile pages: the
# teacher, their studio's host and the office; a fellow member sees them masked; studio B's people get 404.
PERSONAL_DATA = {
    "member_a": {"member": FULL, "host": MASKED},
    "fellow_a": {"member": MASKED, "host": MASKED},
    "host_a": {"member": FULL, "host": FULL},
    "member_b": {"member": 404, "host": 404},
    "host_b": {"member": 404, "host": 404},
    "officer": {"member": FULL, "host": FULL},
    # 三员分立: no administrator reads a teacher's personal data.
    "admin": {"member": 404, "host": 404},
    "security_admin": {"member": 404, "host": 404},
    "audit_admin": {"member": 404, "host": 404},
}


def test_mobile_number_and_birth_date_are_masked_for_all_but_the_teacher_their_host_and_the_office(world):
    from members.models import Teacher

    member, host = world.member, world.host
    Teacher.objects.filter(pk=member.pk).update(phone="13812341234", birth_date=datetime.date(1990, 5, 17))
    Teacher.objects.filter(pk=host.pk).update(phone="13987655678", birth_date=datetime.date(1980, 3, 9))
    users = dict(world.banner.users, fellow_a=world.banner.a.members[1].user)
    shown = {"member": ("13812341234", "1990-05-17", "138****1234", "1990年"),
             "host": ("13987655678", "1980-03-09", "139****5678", "1980年")}
    for role, expected in PERSONAL_DATA.items():
        client = Client()
        client.force_login(users[role])
        for whose, answer in expected.items():
            teacher = member if whose == "member" else host
            response = client.get(reverse("members:teacher", args=[teacher.code]))
            if answer == 404:
                assert response.status_code == 404, (role, whose)
                continue
            page = response.content.decode()
            phone, birth, masked_phone, year = shown[whose]
            if answer == FULL:
                assert phone in page and birth in page, (role, whose)
            else:
                assert phone not in page and birth not in page, (role, whose)
                assert masked_phone in page and year in page, (role, whose)


# --- the Django admin, per role ---------------------------------------------------------------------------------

# The system administrator's part of the Django admin (三员分立): accounts and schools.
SYSTEM_ADMIN_MODELS = {"members.user", "members.school"}


def test_the_django_admin_is_the_system_administrators_for_accounts_and_schools_alone(world, clients):
    """Every model page of the Django admin (its list and its add form) × every role: only the system
    administrator gets in, to accounts and schools; the other administrators and the office are sent to the
    admin's login like anybody else; everything else there is the installation superuser's (403)."""
    from django.contrib import admin

    failures, checked = [], 0
    before = state(reads_too=True)
    for model in admin.site._registry:
        label = model._meta.label_lower
        for page in ("changelist", "add"):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")
            checked += 1
            for role in ROLES:
                if role == "admin":
                    expected = 200 if label in SYSTEM_ADMIN_MODELS else 403
                else:
                    expected = ADMIN_LOGIN
                got, _body = ask(clients[role], "GET", url)
                if got != expected:
                    failures.append(f"GET {url} as {role}: expected {expected}, got {got}")
    failures += [f"changed {line}" for line in changes(before, state(reads_too=False))]
    assert checked >= 20
    assert not failures, "\n".join(failures)


def test_the_system_administrator_changes_no_role_or_administrator_in_the_django_admin(world, clients):
    """Roles are the security administrator's: the system administrator's account form shows the role read-only,
    and the other administrators' accounts (and their own) only for reading."""
    from members.models import User

    banner, client = world.banner, clients["admin"]
    teacher = world.member.user
    url = reverse("admin:members_user_change", args=[teacher.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = {"username": teacher.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
            "role": User.Role.SECURITY, "date_joined_0": "2024-09-01", "date_joined_1": "08:00:00"}
    client.post(url, form)
    assert User.objects.get(pk=teacher.pk).role == User.Role.TEACHER
    for other in (banner.security_admin, banner.audit_admin, banner.admin):
        other_url = reverse("admin:members_user_change", args=[other.pk])
        assert client.get(other_url).status_code == 200  # read-only
        response = client.post(other_url, {**form, "username": other.username, "is_active": ""})
        assert response.status_code == 403, other.username
        assert User.objects.get(pk=other.pk).is_active
