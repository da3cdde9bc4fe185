"""In the browser: a member's checklist shows the missing paper; after uploading it, the paper is met."""

import pytest
from django.utils import timezone

from studios.tests.factories import make_studio

PAPER_TEXT = "教学反思与课堂实践研究。" * 160  # 1,920 characters, above the 1,800 of I-PAPER


def paper_item(page):
    return page.locator('[data-testid="checklist-mine"] [data-rule="I-PAPER"]')


@pytest.mark.browser
def test_uploading_the_missing_paper_turns_the_checklist_item_met(browser_page, login, tmp_path):
    day = timezone.localdate()
    studio = make_studio(code="WS-WEB", start_year=day.year if day.month >= 9 else day.year - 1, members=1)
    member = studio.members[0]
    page = browser_page
    login(page, member.user)

    page.goto("/")
    item = paper_item(page)
    assert item.get_attribute("data-status") == "pending"
    assert "还差 1 篇论文" in item.inner_text()
    assert "本学期剩" in item.inner_text()

    item.get_by_role("link", name="去记录").click()
    page.wait_for_url("**/records/works/new/?kind=paper")
    assert page.locator("#id_kind").input_value() == "paper"
    page.locator("#id_title").fill("小学语文课堂提问的实践研究")
    page.locator("#id_date").fill(day.isoformat())
    paper_file = tmp_path / "论文.txt"
    paper_file.write_text(PAPER_TEXT, encoding="utf-8")
    page.locator("#id_file").set_input_files(str(paper_file))
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/records/works/*/")

    page.goto("/")
    item = paper_item(page)
    assert item.get_attribute("data-status") == "met"
    assert "达标" in item.inner_text()
    assert page.console_errors == []
