"""Every page of every role, at a desktop and a phone size: no serious or critical axe-core violation (WCAG 2.1
AA), no sideways scrolling, and HTML without an error by the Nu checker.

The world is the permission matrix's (one object of every kind, in studio A) with studio B's people beside it,
so each role reaches every kind of page it can. One browser context per role and viewport; pages of one shape
are checked once (tests/browser/crawl.py).
"""

import shutil

import pytest
from django.test import Client

from tests.browser.harness import BROWSER_TIMEOUT_MS
from tests.matrix_world import build_world

from .crawl import DESKTOP, PHONE, CrawlResult, crawl, nu_errors, temporary_html_dir

pytestmark = pytest.mark.browser

# Studio B's host and member see the same kinds of page as studio A's: their crawl would add time, not pages.
# The three administrators (三员分立) each have their own few pages.
ROLES = ("anonymous", "member_a", "host_a", "officer", "admin", "security_admin", "audit_admin")
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def _session_cookie(user, live_server_url: str) -> list[dict]:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    return [{"name": "sessionid", "value": cookie.value, "url": live_server_url}]


def test_every_page_of_every_role_is_accessible_fits_a_phone_and_is_valid_html(chromium, live_server,
                                                                                transactional_db, banner):
    world = build_world(banner)
    result = CrawlResult(html_dir=temporary_html_dir())
    try:
        for role in ROLES:
            user = banner.users[role]
            for viewport, size in VIEWPORTS.items():
                context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport=size)
                context.set_default_timeout(BROWSER_TIMEOUT_MS)
                if user is not None:
                    context.add_cookies(_session_cookie(user, live_server.url))
                crawl(context, role=role, viewport=viewport, base_url=live_server.url, result=result,
                      keep_html=viewport == "desktop")
                context.close()
        findings = [str(finding) for finding in result.findings]
        findings += [f"Nu: {error}" for error in nu_errors(result.html_dir)]
        assert findings == [], "\n".join(findings)

        # The crawl really walked the app: each role reached its pages, studio A's objects among them.
        shapes = {(role, shape) for role, _viewport, _url, shape in result.pages}
        for role, least in (("anonymous", 1), ("member_a", 20), ("host_a", 35), ("officer", 45), ("admin", 8),
                            ("security_admin", 6), ("audit_admin", 4)):
            assert sum(1 for r, _ in shapes if r == role) >= least, (role, sorted(s for r, s in shapes if r == role))
        for shape in ("activities:detail", "records:work", "assessments:studio", "activities:queue",
                      "security:audit_log", "admin:index", "members:teacher", "security:accounts",
                      "security:account_role", "security:lockouts", "admin:members_user_changelist",
                      "studios:school_years", "assessments:settings", "security:second_factor",
                      "security:second_factor_enrol"):
            assert any(s == shape for _role, s in shapes), shape
        assert world.code in {url.split("/")[-2] for _role, _viewport, url, _shape in result.pages}
    finally:
        shutil.rmtree(result.html_dir, ignore_errors=True)
