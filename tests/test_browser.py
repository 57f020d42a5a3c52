"""The chat page in a real browser: Debian's chromium driven by Playwright, the model faked.

Screenshots land in test-artifacts/screenshots/ (git-ignored). About 40 s.
"""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from coach.chat import Conversation
from coach.settings import PROJECT_ROOT
from tests.fake_llm import PHD_Q, PYTORCH_Q, echo_top_passage, scripted

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# Flags that let chromium run headless on a machine with no network, GPU or sandbox.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not installed. Run `sudo apt-get install chromium` (`make test` does)."
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable,
            headless=True,
            args=FLAGS,
            viewport={"width": 1366, "height": 900},
        )
        yield context
        context.close()


def open_chat(browser: BrowserContext, url: str) -> Page:
    page = browser.new_page()
    page.goto(url)
    expect(page.locator("#question textarea")).to_be_visible(timeout=30_000)
    return page


def ask(page: Page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_for_answer(page: Page, answers: int) -> None:
    """Until the page shows this many finished answers, each with its 4 sources and suggestions."""
    expect(page.locator("#chat details.source")).to_have_count(4 * answers, timeout=60_000)
    expect(page.get_by_text("Writing an answer from these passages")).to_have_count(0, timeout=60_000)
    expect(page.locator("#suggestion-0")).to_be_visible(timeout=10_000)


def test_question_sources_answer_follow_up_vote_and_html_in_the_browser(browser, app_with):
    running = app_with(scripted(), facts=False)
    page = open_chat(browser, running.url)
    expect(
        page.get_by_text("Do I need a PhD to become an AI engineer?")
    ).to_be_visible()  # first-visit examples
    shot(page, "1-first-visit")

    ask(page, PYTORCH_Q)
    wait_for_answer(page, answers=1)
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Sources found in the guides")
    answer = chat.get_by_text("The guide gives Deep Learning Frameworks (PyTorch) 6 weeks")
    expect(answer).to_be_visible()
    marker = answer.inner_text().rsplit("[", 1)[1].split("]")[0]
    # The source with that number is the passage holding "6 weeks", marked as cited; it unfolds.
    source = chat.locator("details.source", has_text=f"[{marker}]").first
    expect(source).to_contain_text("Deep Learning Frameworks (PyTorch)")
    expect(source).to_contain_text("cited")
    source.locator("summary").click()
    expect(source.locator("blockquote")).to_contain_text("Daniel Bourke")
    shot(page, "2-answer-with-sources")

    page.locator("#chat button[aria-label='Like']").last.click()
    expect(page.get_by_text("Thanks, your feedback is saved.")).to_be_visible(timeout=10_000)
    [vote] = running.feedback.votes()
    assert (vote["vote"], vote["question"]) == ("up", PYTORCH_Q)
    assert "6 weeks" in vote["answer"]
    assert [(c["n"], c["section"]) for c in vote["citations"]] == [
        (int(marker), "Skills You'll Need to Learn > Deep Learning Frameworks (PyTorch)")
    ]

    suggestion = page.locator("#suggestion-0").inner_text()
    assert suggestion.endswith("?") and "Deep Learning Engineer" in suggestion
    page.locator("#suggestion-0").click()
    expect(chat.locator(".message-row", has_text=suggestion)).to_have_count(1, timeout=10_000)
    wait_for_answer(page, answers=2)
    shot(page, "3-follow-up")

    html = "<b>bold?</b> <script>document.title='hacked'</script><img src=x onerror=alert(1)>"
    ask(page, f"{html} {PYTORCH_Q}")
    wait_for_answer(page, answers=3)
    expect(chat).to_contain_text(html)
    assert chat.locator("b", has_text="bold?").count() == 0
    assert chat.locator("img[src='x']").count() == 0
    assert page.title() == "Career Coach"
    shot(page, "4-html-shown-as-text")

    # A vote on the second of three answers is stored against the second question.
    page.locator("#chat button[aria-label='Dislike']").nth(1).click()
    deadline = time.monotonic() + 10
    while len(running.feedback.votes()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [(v["vote"], v["question"]) for v in running.feedback.votes()][1] == ("down", suggestion)

    page.locator("#restart").click()
    expect(chat.locator(".message-row")).to_have_count(0)
    expect(page.locator("#suggestion-0")).to_be_hidden()


def test_second_user_is_shown_their_place_in_line_and_gets_their_own_answer(browser, app_with):
    running = app_with(echo_top_passage, facts=False)
    running.fake.delay = 0.25  # a slow model, so the second request has to wait
    first, second = open_chat(browser, running.url), open_chat(browser, running.url)
    ask(first, PYTORCH_Q)
    expect(first.locator("#question textarea")).to_be_disabled()  # one question at a time per tab
    expect(first.locator("#chat")).to_contain_text("Sources found", timeout=20_000)
    ask(second, PHD_Q)
    expect(second.locator("#chat")).to_contain_text("1 question is ahead of yours; about ", timeout=10_000)
    shot(second, "5-waiting-in-the-queue")
    for page, question in ((first, PYTORCH_Q), (second, PHD_Q)):
        wait_for_answer(page, answers=1)
        rows = page.locator("#chat .message-row")
        expect(rows.first).to_contain_text(question)
    expect(second.locator("#chat")).not_to_contain_text(PYTORCH_Q)
    expect(first.locator("#question textarea")).to_be_enabled()
    shot(second, "6-queued-answer")


def test_new_conversation_stops_the_answer_being_written(browser, app_with):
    running = app_with(echo_top_passage, facts=False)
    running.fake.delay = 0.3
    page = open_chat(browser, running.url)
    ask(page, PYTORCH_Q)
    expect(page.locator("#chat")).to_contain_text("Sources found", timeout=20_000)
    page.locator("#restart").click()
    time.sleep(6)  # longer than the rest of the answer takes to arrive
    expect(page.locator("#chat .message-row")).to_have_count(0)
    expect(page.locator("#question textarea")).to_be_enabled()


def test_an_answer_from_the_facts_says_what_it_is_about_and_one_click_asks_another_move(browser, app_with):
    running = app_with(scripted())
    page = open_chat(browser, running.url)
    ask(page, "How long does the backend move take?")  # two guides start from a backend developer
    chat = page.locator("#chat")
    expect(chat).to_contain_text("The guide gives a timeline of 9-12 months", timeout=60_000)
    ask(page, "How long is the longest phase of the backend to deep learning roadmap?")
    expect(chat).to_contain_text(
        "About: Backend Developer → Deep Learning Engineer · Phase 3: Advanced Architectures and "
        "Specialization · weeks",
        timeout=60_000,
    )
    fix = page.locator("button.correction", has_text="Deep Learning Engineer → AI Architect")
    expect(fix).to_be_visible(timeout=10_000)
    shot(page, "5-about-and-correction")
    fix.click()
    # The same question, of the guide picked: its own longest phase, and the focus set to it.
    expect(chat).to_contain_text(
        "The longest phase is Phase 1: Foundation Building: Architecture and Cloud, at 8 weeks",
        timeout=60_000,
    )
    expect(page.locator("#focus input")).to_have_value("Deep Learning Engineer → AI Architect")
    assert running.fake.requests == []  # answered from the facts: the model was never asked


def test_a_question_typed_as_the_last_answer_closes_is_kept_and_answered(browser, app_with, monkeypatch):
    running = app_with(scripted())
    answer = Conversation.reply
    updated = threading.Event()

    def lingering(self, *args, **kwargs):
        """The answer is on screen and the box is on again, but the event has not closed yet:
        it sends the same screen once more, then closes 3 s later."""
        last = None
        for last in answer(self, *args, **kwargs):
            yield last
        time.sleep(2)
        yield last
        updated.set()
        time.sleep(3)

    monkeypatch.setattr(Conversation, "reply", lingering)
    page = open_chat(browser, running.url)
    ask(page, "How long does the backend move take?")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("The guide gives a timeline of 9-12 months", timeout=60_000)
    box = page.locator("#question textarea")
    question = "How long is the longest phase of the backend to deep learning roadmap?"
    box.fill(question)  # typed while the answer's last updates are still coming
    assert updated.wait(30)
    page.wait_for_timeout(1_000)  # the late update reaches the page
    expect(box).to_have_value(question)  # the late update left what was typed alone
    box.press("Enter")
    expect(chat).to_contain_text(
        "The longest phase is Phase 3: Advanced Architectures and Specialization, at 10 weeks",
        timeout=30_000,
    )


def test_compare_two_moves_and_open_the_passage_behind_a_value(browser, app_with):
    running = app_with(scripted())
    page = open_chat(browser, running.url)
    page.get_by_role("tab", name="Compare").click()
    page.locator("#compare-go").click()
    expect(page.locator("#compare-table")).to_contain_text("Pick two or three transitions to compare.")
    picks = page.locator("#compare-picks input")
    for name in ("Backend Developer → Deep Learning Engineer", "Deep Learning Engineer → AI Architect"):
        picks.click()
        picks.fill(name.split(" → ")[0])
        page.get_by_role("option", name=name, exact=True).click()
    page.locator("#compare-go").click()
    table = page.locator("#compare-table table.compare")
    expect(table.locator("thead th")).to_have_text(
        ["", "Backend Developer → Deep Learning Engineer", "Deep Learning Engineer → AI Architect"]
    )

    def row(label: str):
        return (
            table.locator("tbody tr")
            .filter(has=page.locator("th[scope='row']", has_text=label))
            .locator("td")
        )

    expect(row("Salary change").nth(0).locator("summary")).to_have_text(
        ["+40%", '"40-100%" (elsewhere in the guide)']
    )
    expect(row("Salary change").nth(1).locator("summary")).to_have_text(["+20%"])
    expect(row("Certifications").nth(0)).to_have_text("not in the guide")
    timeline = row("Timeline").nth(0).locator("details.cell").first
    expect(timeline.locator("summary")).to_have_text("9-12 months")
    timeline.locator("summary").click()
    expect(timeline.locator("mark")).to_have_text("9-12 months")
    expect(timeline).to_contain_text("characters 187-198 of 003_64d046e4da0a868d.txt")
    skill = row("Critical skills").nth(0).locator("details.cell").first
    skill.locator("summary").click()
    expect(skill.locator("mark")).to_have_text(
        ["Advanced Mathematics (Linear Algebra, Calculus, Probability)", "8 weeks"]
    )
    shot(page, "7-compare")
    assert running.fake.requests == []  # read from the facts: no model call


def test_the_pay_tab_shows_every_figure_as_written_with_its_chart(browser, app_with):
    running = app_with(scripted())
    page = open_chat(browser, running.url)
    page.get_by_role("tab", name="Pay").click()
    table = page.locator("#pay-table table.pay")
    expect(table.locator("tbody tr")).to_have_count(14)
    median = table.locator("tbody tr", has=page.locator("td", has_text="median annual pay"))
    expect(median.locator("td").nth(3)).to_have_text(
        "U.S. Bureau of Labor Statistics, Occupational Outlook Handbook, Data Scientists, 2024"
    )
    expect(median.locator("td").nth(4)).to_have_text("2024")
    median.locator("summary").click()
    expect(median.locator("mark")).to_have_text("$108,020")
    chart = page.locator("#pay-chart img")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 500  # the PNG loaded, not a broken image
    shot(page, "8-pay")


def test_the_plan_tab_makes_a_dated_plan_with_files_to_download(browser, app_with):
    running = app_with(scripted())
    page = open_chat(browser, running.url)
    page.get_by_role("tab", name="Plan").click()
    move = page.locator("#plan-move input")
    move.click()
    move.fill("Deep Learning Engineer → Machine")
    page.get_by_role("option", name="Deep Learning Engineer → Machine Learning Engineer", exact=True).click()
    page.locator("#plan-hours input").fill("20")
    page.locator("#plan-start textarea, #plan-start input").first.fill("2027-01-04")
    page.locator("#plan-have textarea, #plan-have input").first.fill("SQL")
    page.locator("#plan-go").click()
    text = page.locator("#plan-text")
    expect(text).to_contain_text("Plan: Deep Learning Engineer → Machine Learning Engineer", timeout=15_000)
    expect(text).to_contain_text("A guide week is taken as 40 hours of work")
    expect(text).to_contain_text("Week 1 · 04 Jan – 10 Jan 2027 · Phase 1: Foundation Building")
    expect(text).to_contain_text(
        "Learn SQL fundamentals through LeetCode or HackerRank practice (SQL)"
    )  # dropped
    expect(page.locator("#plan-files a[download]")).to_have_count(2)
    links = page.locator("#plan-files a[download]").evaluate_all("links => links.map(a => a.href)")
    assert [link.rsplit("/", 1)[-1] for link in links] == ["plan.md", "plan.ics"]
    shot(page, "9-plan")
    page.locator("#plan-start textarea, #plan-start input").first.fill("next week")
    page.locator("#plan-go").click()
    expect(text).to_have_text(
        "The start date 'next week' is not a date. Write it as YYYY-MM-DD.", timeout=15_000
    )
    assert running.fake.requests == []


def test_an_empty_question_shows_a_notice_and_adds_nothing(browser, app_with):
    running = app_with(scripted(), facts=False)
    page = open_chat(browser, running.url)
    ask(page, "   ")
    expect(page.get_by_text("The question is empty: type a question first.")).to_be_visible(timeout=10_000)
    shot(page, "10-empty-question")
    expect(page.locator("#chat .message")).to_have_count(0)
    assert not running.fake.requests
    ask(page, PYTORCH_Q)  # the next question is answered as usual
    wait_for_answer(page, answers=1)
    expect(page.locator("#chat .message").first).to_contain_text(PYTORCH_Q)


def test_the_status_line_says_how_far_the_model_is(browser, coach_with, launch):
    from app import ModelStatus

    coach, _ = coach_with(scripted())
    status = ModelStatus("_The model is starting: answers from the guides' facts work now._")
    url, _ = launch(coach, status)
    page = open_chat(browser, url)
    expect(page.locator("#model-status")).to_contain_text("The model is starting")
    status.text = "_Model ready. Reading the guides once, for faster answers: 2 of 5 done._"
    expect(page.locator("#model-status")).to_contain_text("2 of 5 done", timeout=15_000)
    shot(page, "status-line")
