"""A person's records (their own, or a member's for the host and office) and the studio's records."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from members.models import Teacher
from studios.access import get_managed_studio_for_user, is_office

from .. import selectors
from ..forms import StudioRecordsFilter
from .common import own_studios, own_teacher


@login_required
def my_records(request):
    teacher = own_teacher(request.user)
    records = selectors.person_records(teacher)
    return render(request, "records/person_records.html", {
        "teacher": teacher, "records": records, "own": True,
        "titles": teacher.titles.select_related("certificate"),
        "can_add": own_studios(request.user).exists(),
    })


@login_required
def person_records(request, code, teacher_code):
    """A member's records in one studio, for the studio's host and the office."""
    studio = get_managed_studio_for_user(request.user, code)
    teacher = get_object_or_404(Teacher, code=teacher_code, memberships__studio=studio)
    records = selectors.person_records(teacher, studio=studio)
    return render(request, "records/person_records.html", {
        "teacher": teacher, "records": records, "own": False, "studio": studio,
        "titles": teacher.titles.select_related("certificate"),
    })


@login_required
def studio_records(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    calendar = selectors.Calendar()
    people = selectors.studio_people(studio)
    form = StudioRecordsFilter(request.GET or None, people=Teacher.objects.filter(pk__in=[p.pk for p in people]),
                               periods=selectors.period_choices(calendar))
    filters = form.cleaned_data if form.is_valid() else {}
    period = selectors.parse_period(filters.get("period", ""), calendar) if filters.get("period") else None
    works = selectors.studio_works(studio, kind=filters.get("kind", ""), teacher=filters.get("person"),
                                   period=period)
    page = Paginator(works, 50).get_page(request.GET.get("page"))
    selectors.annotate_works(page.object_list, calendar=calendar)
    query = request.GET.copy()
    query.pop("page", None)
    locks = {lock.school_year_id: lock for lock in studio.year_locks.select_related("locked_by")}
    return render(request, "records/studio_records.html", {
        "studio": studio, "form": form, "page": page, "query_string": query.urlencode(), "people": people,
        "years": [(year, locks.get(year.pk)) for year in sorted(calendar.years, key=lambda y: -y.start_year)],
        "is_office": is_office(request.user),
    })
