"""The pages satisfy the Content-Security-Policy they are sent with, and carry the other security headers."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse


class _PageAudit(HTMLParser):
    """Collects what a strict CSP would refuse: inline scripts, style attributes, handlers, foreign URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self._inline_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in ("src", "href", "action", "formaction") and value:
                parts = urlsplit(value.strip())
                if parts.scheme in ("http", "https") and parts.hostname not in ("testserver", None):
                    self.problems.append(f"{name}={value} on <{tag}> points to another host")
                if parts.scheme == "javascript":
                    self.problems.append(f"javascript: URL on <{tag}>")

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False


def _problems(html: str) -> list[str]:
    parser = _PageAudit()
    parser.feed(html)
    parser.close()
    return parser.problems


def _pages(banner):
    studio = banner.a.studio.code
    return {
        "home": reverse("home"),
        "studios": reverse("studios:list"),
        "studio": reverse("studios:detail", args=[studio]),
        "notifications": reverse("core:notifications"),
        "audit_log": reverse("security:audit_log"),
        "lockouts": reverse("security:lockouts"),
    }


def test_the_checker_catches_what_the_policy_forbids():
    bad = ('<script>alert(1)</script><div style="color:red" onclick="x()"></div>'
           '<img src="https://cdn.example.com/a.png"><a href="javascript:void(0)">x</a><style>p{}</style>')
    assert len(_problems(bad)) == 6
    good = ('<script src="/static/js/app.js"></script><a href="/studios/">x</a>'
            '<a href="http://testserver/x">y</a><meta content=\'{"a": 1}\'>')
    assert _problems(good) == []


@pytest.mark.parametrize("role", ["member_a", "host_a", "member_b", "host_b", "officer", "admin"])
def test_main_pages_have_no_inline_script_style_handler_or_foreign_url(banner, client_for, role):
    client = client_for(banner.users[role])
    checked = 0
    for name, url in _pages(banner).items():
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (403, 404), (name, response.status_code)
            continue
        checked += 1
        assert _problems(response.content.decode()) == [], name
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert checked >= 3


def test_login_and_lockout_pages_satisfy_the_policy(client, db):
    response = client.get(reverse("login"))
    assert _problems(response.content.decode()) == []
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 429
    assert _problems(response.content.decode()) == []
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_an_upload_may_be_framed_by_its_own_site_only(banner, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.services import upload_create
    from core.uploads import WRITING, check_upload

    checked = check_upload(SimpleUploadedFile("计划.txt", "工作计划".encode()), WRITING)
    upload = upload_create(checked=checked, original_name="计划.txt", user=banner.a.host.user,
                           studio=banner.a.studio, owner=banner.a.host)
    response = client_for(banner.officer).get(reverse("core:upload", args=[upload.pk]) + "?inline=1")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
