"""Assessment pages: the banner overview, a studio's assessment with sign-off and overrides, rule settings.

Who sees what on a studio's assessment (the spec leaves members open): the office and the studio's host see the
team table and every person's table; a member (current or former) sees the team table and only their own
table. Every other teacher gets 404, and the office-only actions (sign-off, overrides, settings, the overview)
answer 403 to teachers.

One module per page family (overview, studio, checklist, settings) and what they share (labels, links, years);
urls.py, panels.py and other apps import from here.
"""

from .checklist import checklist_context, my_assessment
from .labels import (
    GRADE_LABELS,
    KIND_LABELS,
    ROLE_LABELS,
    SETTING_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    period_label,
    rate_percent,
    settings_rows,
)
from .links import RECORD_TARGETS, decorate, evidence_links, record_url
from .overview import SORTS, behind_context, chart_data, decorate_rows, overview, sort_rows
from .settings import rule_settings, settings_history
from .studio import diff_lines, override_create, override_delete, signoff_create, studio_assessment
from .years import banner_years, current_year_label, school_year, studio_years

__all__ = (
    "GRADE_LABELS",
    "KIND_LABELS",
    "RECORD_TARGETS",
    "ROLE_LABELS",
    "SETTING_LABELS",
    "SORTS",
    "STATUS_LABELS",
    "VERDICT_LABELS",
    "banner_years",
    "behind_context",
    "chart_data",
    "checklist_context",
    "current_year_label",
    "decorate",
    "decorate_rows",
    "diff_lines",
    "evidence_links",
    "my_assessment",
    "override_create",
    "override_delete",
    "overview",
    "period_label",
    "rate_percent",
    "record_url",
    "rule_settings",
    "school_year",
    "settings_history",
    "settings_rows",
    "signoff_create",
    "sort_rows",
    "studio_assessment",
    "studio_years",
)
