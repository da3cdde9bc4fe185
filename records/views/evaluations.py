"""Host evaluations of members (十六.4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.services import DomainError
from members.models import Teacher
from studios.access import get_managed_studio_for_user
from studios.models import Membership, SchoolYear

from .. import selectors, services
from ..forms import EvaluationForm
from ..models import HostEvaluation
from .common import add_error, url_for, year_from


@login_required
def evaluation_list(request, code):
    studio = get_managed_studio_for_user(request.user, code)
    year = year_from(request)
    members = selectors.active_members(studio, year)
    scores = {e.teacher_id: e for e in HostEvaluation.objects.filter(studio=studio, school_year=year)}
    return render(request, "records/evaluation_list.html", {
        "studio": studio, "year": year, "years": SchoolYear.objects.order_by("-start_year"),
        "rows": [(member, scores.get(member.pk)) for member in members],
        "score_fields": [HostEvaluation._meta.get_field(name) for name in HostEvaluation.SCORE_FIELDS],
    })


@login_required
def evaluation_edit(request, code, year, teacher_code):
    studio = get_managed_studio_for_user(request.user, code)
    school_year = year_from(request, year)
    teacher = get_object_or_404(Teacher, code=teacher_code, memberships__studio=studio,
                                memberships__role=Membership.Role.MEMBER)
    instance = HostEvaluation.objects.filter(studio=studio, school_year=school_year, teacher=teacher).first()
    form = EvaluationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_save(actor=request.user, studio=studio, school_year=school_year, teacher=teacher,
                                     scores={name: data[name] for name in HostEvaluation.SCORE_FIELDS},
                                     comment=data["comment"])
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Evaluation saved."))
            return redirect(f"{url_for('records:evaluations', code=studio.code)}?year={school_year.label}")
    return render(request, "records/form.html", {
        "form": form, "studio": studio,
        "title": _("Evaluate %(name)s for %(year)s") % {"name": teacher.name, "year": school_year.label},
    })
