"""The every-page crawl: each role's pages, at a desktop and a phone size, through axe-core and a sideways check.

A crawl starts at the home page in one browser context (one log-in) and follows every link of the app it finds,
breadth first. Pages of one shape — the same URL name and the same query keys — are visited once: the second
studio's detail page says nothing the first did not. Each page visited is checked for

- axe-core's serious and critical violations (WCAG 2.1 A and AA rules), axe injected through the DevTools
  protocol, so the Content-Security-Policy stays exactly as it is served;
- sideways scrolling: the document may not be wider than the viewport;

and its HTML as served is kept for the Nu checker, which runs once over all of them at the end (`nu_errors`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Links that are not pages: files, sheets and archives, the language switch and leaving, and the fragments
# htmx swaps into a page (checked inside the page that holds them).
NOT_PAGES = {
    "logout", "set_language", "core:upload", "core:upload_page", "excel:template", "excel:export",
    "excel:studio_export", "excel:job_download", "excel:job_progress", "security:audit_export",
    "core:upload_preview", "activities:signin_list", "activities:filing_notice",
}
SKIP_PREFIXES = ("/static/", "/media/", "/admin/jsi18n/", "/admin/logout/", "/i18n/")

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""

WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"

LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter(a => !a.hasAttribute("download") && a.target !== "_blank")
  .map(a => a.href)"""


def shape(path: str, query: str) -> str | None:
    """The URL name and the query keys: pages of one shape are one page to check. None: not a page of ours."""
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if name in NOT_PAGES or name.startswith("admin:") and name not in ("admin:index", "admin:app_list") \
            and not name.endswith("_changelist"):
        return None
    if name.startswith("admin:"):
        return name  # the Django admin's filters and sort orders are one page each
    keys = sorted({key for key, _ in parse_qsl(query, keep_blank_values=True) if key != "page"})
    return name + ("?" + "&".join(keys) if keys else "")


@dataclass
class Finding:
    role: str
    viewport: str
    url: str
    problem: str

    def __str__(self):
        return f"[{self.role} {self.viewport}] {self.url}: {self.problem}"


@dataclass
class CrawlResult:
    pages: list = field(default_factory=list)  # (role, viewport, url, shape)
    findings: list = field(default_factory=list)
    html_dir: Path | None = None


def crawl(context, *, role: str, viewport: str, base_url: str, result: CrawlResult, start: str = "/",
          keep_html: bool = True, limit: int = 400) -> CrawlResult:
    """Walk every page the logged-in context can reach from `start`, checking each one."""
    # Injected by the DevTools protocol into every document before its own scripts: the page's CSP stays as served.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    seen_shapes, queue, visited = set(), [start], set()
    host = urlsplit(base_url).netloc
    while queue and len(visited) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = shape(parts.path, parts.query)
        if key is None or key in seen_shapes:
            continue
        seen_shapes.add(key)
        visited.add(url)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        final = urlsplit(page.url)
        if final.netloc != host:
            continue
        if response.status >= 400 and response.status != 404:
            result.findings.append(Finding(role, viewport, url, f"HTTP {response.status}"))
        result.pages.append((role, viewport, page.url, key))
        if keep_html and result.html_dir is not None:
            name = f"{role}-{viewport}-{len(result.pages):04d}.html"
            (result.html_dir / name).write_bytes(response.body())
        for violation in page.evaluate(AXE_RUN, AXE_TAGS):
            result.findings.append(Finding(role, viewport, page.url,
                                           f"axe {violation['impact']} {violation['id']}: {violation['help']} "
                                           f"{violation['nodes']}"))
        scroll_width, inner_width = page.evaluate(WIDTH)
        if scroll_width > inner_width:
            result.findings.append(Finding(role, viewport, page.url,
                                           f"scrolls sideways: {scroll_width}px wide in {inner_width}px"))
        for link in page.evaluate(LINKS):
            link_parts = urlsplit(link)
            if link_parts.netloc == host and link.split("#")[0] not in visited:
                queue.append(link.split("#")[0])
    page.close()
    return result


def nu_errors(html_dir: Path) -> list[str]:
    """The Nu HTML checker's errors over every page kept (one Java start for all of them)."""
    files = sorted(str(path) for path in html_dir.glob("*.html"))
    if not files:
        return []
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is missing: the Nu HTML checker (vnu.jar) cannot run "
                           "(apt-get install default-jre-headless)")
    completed = subprocess.run([java, "-Xss8m", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
                               capture_output=True, text=True, timeout=600)
    messages = json.loads(completed.stderr or completed.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')} — {m.get('extract', '')!r}"
            for m in messages if m.get("type") == "error"]


def temporary_html_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="crawl-html-"))
