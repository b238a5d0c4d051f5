"""Wellbeing surveys: staff answer anonymously through their own link; HR build a survey and see its results only
once a group is big enough that nobody's answers can be picked out."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from staffroom_portal.testing import Shots, accessibility_violations, sign_in, sign_out, page_width

ACADEMY = "Hillcrest All-Through Academy"
# Support staff at Hillcrest in the demo trust (directory/demo.py), answering only in this file's surveys.
PEOPLE = ["Ellie Walker", "Lily Nowak", "Ben Nowak", "Chloe Singh", "Ben Wright"]
SUPPRESSED = "Not shown, to protect anonymity"


def sign_in_at_hillcrest(page: Page, name: str) -> None:
    """Sign in as this member of staff (the same name can belong to someone at another academy), landing on
    /surveys."""
    sign_out(page)
    page.goto(f"/sign-in?q={name.split()[-1]}&next=/surveys")
    page.get_by_role("row").filter(has_text=name).filter(has_text=ACADEMY) \
        .get_by_role("button", name=f"Sign in as {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing surveys")


def build_and_open(page: Page, title: str, shot=None, also: tuple[str, ...] = ()) -> str:
    """As trust HR: a survey of Hillcrest's support staff, opening today (eNPS, the trust's questions and the sets
    named in `also`). Returns its page's address."""
    sign_in(page, suggested="trust HR")
    page.goto("/surveys/runs")
    page.get_by_role("link", name="Build a new survey").click()
    page.get_by_label("Title").fill(title)
    page.get_by_role("checkbox", name=re.compile(r"^Employee Net Promoter Score")).check()
    page.get_by_role("checkbox", name=re.compile(r"^Trust core questions")).check()
    for name in also:
        page.get_by_role("checkbox", name=re.compile(rf"^{name}")).check()
    page.get_by_label(ACADEMY).check()
    page.get_by_label("Support staff").check()
    if shot:  # and a scale whose questions add up to a score, which respondents are told how it counts
        page.get_by_label(re.compile(r"Short Warwick-Edinburgh")).check()
        shot("hr-builds-a-survey")
    page.get_by_role("button", name="Save the survey as a draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("This survey is a draft")).to_be_visible()
    page.get_by_role("button", name="Schedule the survey and send the invitations now").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"The survey is open: \d+ people have been sent"))
    if shot:
        shot("hr-schedules-it")
    return page.url


def answer(page: Page, title: str, agree: str, recommend: str, comment: str = "", shot=None) -> None:
    """A member of staff, on /surveys, gets a new link and answers in the browser; no request but the API's sees
    the link's token, and the answering requests carry no cookie that could say who sent them."""
    requests = []

    def record(request):
        requests.append(request)

    page.on("request", record)
    if shot:
        assert accessibility_violations(page) == []
        shot("staff-sees-the-survey")
    page.get_by_role("button", name=f"Answer now: “{title}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert "token" not in page.url, "the token must leave the address bar as soon as the page loads"
    expect(page.locator(".who")).to_have_count(0)  # the page says it sends no name: it shows none either
    expect(page).to_have_url(re.compile(r"/surveys/respond$"))
    page.get_by_role("group", name="I feel valued").get_by_label(agree, exact=True).check()
    page.get_by_role("group", name="My workload is manageable").get_by_label(agree, exact=True).check()
    page.get_by_role("group", name=re.compile("recommend this trust")).get_by_role("radio", name=re.compile(rf"^{recommend}\b")).check()
    if comment:
        page.get_by_label("What one change would most improve your working life here?").fill(comment)
    if shot:
        scale = page.get_by_role("region", name=re.compile(r"^Short Warwick-Edinburgh"))
        expect(scale).to_contain_text("A score counts only if you answer all of its questions")
        expect(page.get_by_role("region", name=re.compile(r"^Trust core"))).not_to_contain_text("A score counts")
        assert accessibility_violations(page) == []
        shot("staff-answers")
        # Save part-way, reload (the link is no longer in the address bar): the saved answers come back.
        page.get_by_role("button", name="Save and finish later").click()
        # said beside the buttons, where the person is looking, not at the top of a long form
        expect(page.locator(".actions + [role=status]")).to_contain_text("Your answers are saved")
        page.reload()
        expect(page.get_by_role("group", name="I feel valued").get_by_label(agree, exact=True)).to_be_checked()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for answering")
    expect(page.get_by_text(re.compile(r"^Your link cannot be used to answer again\. After the survey closes, open it "
                                       r"again in this browser to read any replies"))).to_be_visible()
    if shot:
        shot("staff-thanked")
    page.remove_listener("request", record)

    survey_calls = [r for r in requests if "/api/wellbeing/survey" in r.url]
    tokens = {r.headers.get("x-survey-token") for r in survey_calls} - {None}
    assert len(tokens) == 1 and len(survey_calls) >= 2
    token = tokens.pop()
    for r in survey_calls:
        assert "cookie" not in r.all_headers(), "an answer must not travel with the session that says who you are"
    for r in requests:
        if "/api/" not in r.url:
            seen = r.url + " ".join(r.all_headers().values()) + (r.post_data or "")
            assert token not in seen, f"the survey token reached the portal server in {r.method} {r.url}"


def close_and_open_report(page: Page, run_url: str) -> None:
    sign_in(page, suggested="trust HR")
    page.goto(run_url)
    page.get_by_role("link", name="Close the survey now and work out the results").click()
    # confirmed first: it cannot be undone (it acted on one click, outsider, issue 20)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Close .+ now\?$"))
    expect(page.get_by_role("main")).to_contain_text("it cannot be opened again")
    page.get_by_role("button", name=re.compile(r"^Yes, close ")).click()
    expect(page.get_by_role("status")).to_contain_text("The survey is closed")
    expect(page.get_by_role("heading", name="Results")).to_be_visible()


def test_staff_answer_a_survey_and_hr_see_results_only_once_the_group_reaches_the_minimum_size(page, shot):
    small = build_and_open(page, "Support staff check-in (small group)", shot)
    for n, name in enumerate(PEOPLE[:2]):
        sign_in_at_hillcrest(page, name)
        answer(page, "Support staff check-in (small group)", "Agree", "9", shot=shot if n == 0 else None)

    close_and_open_report(page, small)
    # Two answers are fewer than five: nothing is worked out from them, and they are not kept.
    expect(page.get_by_text("2 people answered, fewer than 5. To protect anonymity there are no results, and the "
                            "answers were deleted unread.")).to_be_visible()
    expect(page.get_by_role("region", name=f"Support staff asked at {ACADEMY}")).to_have_count(0)
    expect(page.locator("table.hbars")).to_have_count(0)  # no figures drawn
    expect(page.get_by_text("No written answers are shown")).to_be_visible()
    shot("hr-sees-too-few-to-show")

    full = build_and_open(page, "Support staff check-in", also=("Short Warwick-Edinburgh",))  # which nobody answers
    for name, agree, recommend in zip(PEOPLE, ["Agree", "Strongly agree", "Agree", "Disagree", "Agree"],
                                      ["9", "10", "7", "4", "8"]):
        sign_in_at_hillcrest(page, name)
        answer(page, "Support staff check-in", agree, recommend, comment=f"More planning time, says {agree.lower()}")

    close_and_open_report(page, full)
    # a survey of one academy's staff: its whole is "everyone asked" there, not the trust (issue 19's fourth
    # outsider read "The whole trust" over one academy's figures)
    summary = page.get_by_role("region", name=f"Summary: Support staff asked at {ACADEMY}")
    expect(summary).to_contain_text(re.compile(r"5 of \d+ people answered"))
    expect(summary).not_to_contain_text(SUPPRESSED)
    # eNPS as a head would count it: 2 promoters (9, 10), 1 detractor (4) of 5
    expect(summary).to_contain_text("Employee Net Promoter Score (eNPS): +20")
    expect(summary).to_contain_text("(2 − 1) ÷ 5 × 100 = +20")
    expect(summary.get_by_role("listitem").filter(has_text="Feeling valued")).to_have_text(
        "Feeling valued: 80.0% (4 of 5) here; nationally 66% (teachers and leaders in state schools in England), "
        "2024 (wave 3) (not compared, as ours is of support staff)")  # 4 of 5 agreed; WLTL 2024
    trust = page.get_by_role("region", name=f"Trust core questions: Support staff asked at {ACADEMY}")
    expect(trust.locator("table.hbars rect.bar")).not_to_have_count(0)
    expect(trust.locator("rect.benchmark")).not_to_have_count(0)  # national figures drawn
    valued = trust.get_by_role("row").filter(has_text="Feeling valued")
    expect(valued).to_contain_text("80.0% (4 of 5)")
    # DfE's figures are for teachers and leaders: support staff's are shown beside them, not called better or worse
    expect(valued).to_contain_text("66% (teachers and leaders in state schools in England): not compared, as ours "
                                   "is of support staff")
    workload = trust.get_by_role("row").filter(has_text="Manageable workload")
    expect(workload).to_contain_text("not compared")
    # a chart with nothing in it says why instead (issue 20): nobody answered the wellbeing scale
    wellbeing = page.get_by_role("region", name=f"Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS): "
                                                f"Support staff asked at {ACADEMY}")
    expect(wellbeing.locator("table.hbars")).to_have_count(0)
    expect(wellbeing).to_contain_text("No chart: every figure here is hidden to protect anonymity")
    expect(page.get_by_role("heading", name="What people wrote")).to_be_visible()
    # Written answers are listed once: the survey asked one academy, so its academy is everyone asked (issue 19's
    # sixth outsider read them listed twice as double counting); never for a smaller group.
    expect(page.get_by_role("listitem").filter(has_text="More planning time, says disagree")).to_have_count(1)
    expect(page.get_by_role("region", name=ACADEMY, exact=True)).to_have_count(0)
    # averages to two places throughout (not "3.0" beside "2.89")
    averages = page.locator("td[data-label='Average score']").evaluate_all("tds => tds.map(td => td.textContent)")
    assert averages and all(re.fullmatch(r"\d\.\d\d|not shown|[+-]\d+ \(.*\)", a.strip()) for a in averages), averages
    expect(page.get_by_role("heading", name="Over time")).to_be_visible()
    assert accessibility_violations(page) == []
    shot("hr-sees-the-results")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these results as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("Groups,Academy,Staff type") and "I feel valued" in text
    assert f"\nSupport staff asked at {ACADEMY},,,,People who answered" in text and "The whole trust" not in text
    import csv
    import io
    widths = {len(row) for row in csv.reader(io.StringIO(text))}
    assert widths == {19}, widths  # every row as wide as the header
    assert "The whole trust" not in page.locator("main").inner_text()


def test_the_survey_builder_keeps_what_was_typed_when_it_is_refused(page, shot):
    sign_in(page, suggested="trust HR")
    page.goto("/surveys/runs/new")
    page.get_by_label("Question 1 (optional)", exact=True).fill("Do you have what you need to do your job well?")
    page.get_by_label("How people answer question 1 (optional)").select_option("zero_ten")
    page.get_by_label(ACADEMY).check()
    page.get_by_label("Smallest group to show results for").fill("5.5")
    page.get_by_role("button", name="Save the survey as a draft").click()  # no title
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Some of what you entered needs changing")  # not the API's "invalid fields"
    expect(summary).not_to_contain_text("invalid fields")
    expect(summary.get_by_role("link", name=re.compile("^Title"))).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^Smallest group to show results for: Enter a whole number"))
           ).to_be_visible()  # the page's own words for the field (outsider, issue 23: "Min group size")
    expect(page.get_by_label("Question 1 (optional)", exact=True)).to_have_value("Do you have what you need to do your job well?")
    expect(page.get_by_label("How people answer question 1 (optional)")).to_have_value("zero_ten")
    expect(page.get_by_label(ACADEMY)).to_be_checked()
    expect(page.get_by_label("Support staff")).not_to_be_checked()
    assert accessibility_violations(page) == []
    shot("builder-refused")


def test_staff_cannot_open_survey_results_and_a_bad_link_says_so(page, shot):
    sign_in(page, suggested="trust HR")
    page.goto("/surveys/runs")
    page.get_by_role("link", name="Autumn pulse").click()
    expect(page.get_by_role("heading", name="Who has answered")).to_be_visible()
    run_url = page.url

    sign_in(page, suggested="member of staff")
    page.goto(run_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    shot("staff-cannot-see-results")
    page.goto("/surveys/runs/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    page.goto("/surveys")
    expect(page.get_by_role("row").filter(has_text="Autumn pulse")).to_be_visible()
    assert accessibility_violations(page) == []

    page.goto("/surveys/respond#token=not-a-real-token")
    expect(page.get_by_text(re.compile(r"This link does not work\. A newer link may have replaced this survey link"))).to_be_visible()
    assert "token" not in page.url
    shot("bad-link")


def test_answering_a_survey_and_reading_results_fit_a_phone_screen(browser, suite):
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    shot = Shots(page, "phone-survey-and-results")
    errors = []  # issue 19's fourth outsider saw a console error on HR's survey pages: the missing favicon
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        sign_in_at_hillcrest(page, PEOPLE[0])
        page.get_by_role("button", name=re.compile("Answer now: “Autumn pulse”")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Autumn pulse")
        width = page_width(page)
        assert width <= 375, f"the survey is {width}px wide on a 375px screen: it scrolls sideways"
        # a respondent sees what an instrument's licence asks them to see, not its sources and terms
        text = page.locator("main").inner_text()
        assert "licence" not in text and "https://" not in text, text
        # a rating's choices read top to bottom in order (issue 19's third outsider: wrapped, they read out of order)
        boxes = page.locator("fieldset").first.locator(".choices label").evaluate_all(
            "labels => labels.map(l => [l.textContent.trim(), l.getBoundingClientRect().top])")
        assert len(boxes) >= 5 and all(a[1] < b[1] for a, b in zip(boxes, boxes[1:])), boxes
        shot("survey")
        sign_in(page, suggested="trust HR")
        page.goto("/surveys/runs")
        width = page_width(page)
        assert width <= 375, f"the list of surveys is {width}px wide on a 375px screen: it scrolls sideways"
        page.get_by_role("link", name=re.compile("^Summer")).first.click()  # the latest
        expect(page.get_by_role("heading", name="Results")).to_be_visible()
        page.wait_for_load_state("load")
        width = page_width(page)
        assert width <= 375, f"the results are {width}px wide on a 375px screen: they scroll sideways"
        # and so is every table: the trend, a column per survey, is read survey by survey (issue 19's third
        # outsider found it 641 px wide, to be scrolled sideways)
        tables = page.locator("main table").evaluate_all("ts => ts.map(t => [t.caption?.textContent, t.scrollWidth])")
        assert tables and not [t for t in tables if t[1] > 375], [t for t in tables if t[1] > 375]
        # the trend is a list per measure, each survey's figure on a line as wide as the page, so no title or
        # measure is broken mid-word in a narrow column (outsider, issue 23: 'Sum/mer', 'satisfactio/n')
        widths = page.locator("table.trend-table tbody").locator("th, td").evaluate_all(
            "cs => cs.map(c => c.getBoundingClientRect().width)")
        assert widths and min(widths) > 300, widths
        surveys = page.locator("table.trend-table thead th.num").all_inner_texts()
        assert surveys and all(re.fullmatch(r".+\s+closed \d{1,2} [A-Z][a-z]+ \d{4}", text) for text in surveys), surveys
        # eNPS is a score from -100 to +100 in the trend too, not the share who would recommend
        enps = page.locator("table.trend-table tr").filter(has_text="Employee Net Promoter Score").locator("td")
        assert re.fullmatch(r"[+\u2212]\d{1,3}|0", enps.first.inner_text().strip()), enps.first.inner_text()
        shot("results")
        # Issue 20: every group at once made the page 41,600 px tall (77,518 px at this width, issue 19's thirteenth
        # outsider). It opens on the whole trust; every group is there on request.
        expect(page.get_by_role("region", name="Summary: The whole trust")).to_be_visible()
        expect(page.get_by_role("region", name=re.compile("Academy$"))).to_have_count(0)
        summary = page.evaluate("document.documentElement.scrollHeight")
        page.get_by_label("Show results for").select_option(label="Every group (a long page)")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_role("region", name=re.compile("Academy$")).first).to_be_visible()
        page.wait_for_load_state("load")  # laid out with its stylesheet, as page_width measures
        every = page.evaluate("document.documentElement.scrollHeight")
        # a summary and a section per question set come first (1.5: both pages now carry "Over time", two summers)
        assert summary * 1.5 < every, (summary, every)
        assert page_width(page) <= 375
        assert errors == []
    finally:
        context.close()


def test_hr_are_told_when_an_answer_could_not_be_counted_and_everyone_else_is(page, suite_data):
    """A ballot that got into the box holding what the API now refuses (a NUL, as before the API refused it) is set
    aside at the close on its own; HR read how many answered, and that one could not be counted."""
    import base64
    import json
    import os
    import sqlite3
    import struct
    import uuid as uuid_

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from wellbeing.adapters.sealed import NONCE, capacity
    from wellbeing.domain.instruments import INSTRUMENTS, Questionnaire

    run_url = build_and_open(page, "Support staff check-in (one not counted)")
    for name in PEOPLE:
        sign_in_at_hillcrest(page, name)
        answer(page, "Support staff check-in (one not counted)", "Agree", "8")
    run_id = uuid_.UUID(run_url.rstrip("/").rsplit("/", 1)[1])
    key = base64.b64decode((suite_data / "dev-keys" / "seal-key").read_text().strip())
    database = sqlite3.connect(suite_data / "wellbeing.db", timeout=30)
    instruments = json.loads(database.execute("SELECT instruments FROM runs WHERE id = ?", (run_id.hex,)).fetchone()[0])
    academy = database.execute("SELECT academy_id FROM academies WHERE name = ?", (ACADEMY,)).fetchone()[0]
    plain = json.dumps({"academy_id": str(uuid_.UUID(academy)), "staff_type": "support", "service_band": "2_to_5_years",
                        "items": [["enps.recommend", 3, 3, None]], "measures": [],
                        "comments": [["trust.improve", "a NUL \x00 inside"]]}).encode()
    size = capacity(Questionnaire([INSTRUMENTS[k] for k in instruments]))
    nonce = os.urandom(NONCE)
    box = nonce + AESGCM(key).encrypt(nonce, struct.pack(">I", len(plain)) + plain + bytes(size - len(plain)),
                                      run_id.bytes)
    with database:
        database.execute("INSERT INTO ballots (id, run_id, sealed) VALUES (?, ?, ?)", (uuid_.uuid4().hex, run_id.hex, box))
    database.close()

    close_and_open_report(page, run_url)
    expect(page.get_by_text("1 response could not be counted: the answers could not be stored. Everyone else's "
                            "are counted below.")).to_be_visible()
    expect(page.get_by_role("region", name=f"Summary: Support staff asked at {ACADEMY}")).to_contain_text(
        re.compile(r"5 of \d+ people answered"))


def test_answers_submitted_after_hr_closed_the_survey_are_said_not_to_have_been_sent(page, browser, suite, shot):
    run_url = build_and_open(page, "Support staff check-in (closed early)")
    staff = browser.new_context(base_url=suite)
    respondent = staff.new_page()
    try:
        sign_in_at_hillcrest(respondent, PEOPLE[0])
        respondent.get_by_role("button", name="Answer now: “Support staff check-in (closed early)”").click()
        respondent.get_by_role("group", name="I feel valued").get_by_label("Agree", exact=True).check()
        close_and_open_report(page, run_url)  # HR close it while the answers are still on the screen
        respondent.get_by_role("button", name="Submit my answers").click()
        expect(respondent.get_by_text(re.compile(r"Your answers were not sent\. This survey closed on \d+ \w+ \d{4}, "
                                                 r"so it takes no more answers\."))).to_be_visible()
        expect(respondent.get_by_text("If you have lost your link")).to_have_count(0)  # a new one would not help
        shot("answers-not-sent-after-close")
    finally:
        staff.close()


def test_an_open_invitation_has_a_clear_answer_now(page, suite_data):
    """Issue 20: the Surveys page had no clear "Answer now" for an open invitation, only "I've lost my link"; and
    choosing it emailed "Your invitation" a second time (outsider): the email says it is the new link asked for."""
    sign_in_at_hillcrest(page, PEOPLE[4])
    page.goto("/surveys")
    row = page.get_by_role("row").filter(has_text="Autumn pulse")
    answer = row.get_by_role("button", name="Answer now: “Autumn pulse”")
    expect(answer).to_be_visible()
    expect(answer).not_to_have_class(re.compile("secondary"))  # the page's main action
    expect(row).to_contain_text("carry on with that link instead")
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    answer.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autumn pulse")

    import time
    from email import policy
    from email.parser import BytesParser

    mine = PEOPLE[4].lower().replace(" ", ".")

    def subjects() -> list[str]:
        emails = (BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in (suite_data / "mail").glob("*.eml"))
        return sorted(str(e["Subject"]) for e in emails if str(e["To"]).lower().startswith(mine))

    deadline = time.monotonic() + 60
    while "Your new link: Autumn pulse" not in subjects() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert subjects().count("Your new link: Autumn pulse") == 1, subjects()
    assert subjects().count("Your invitation: Autumn pulse") <= 1, subjects()  # the demo's own, not a second


def _no_sideways_scroll(page: Page, what: str) -> None:
    width = page_width(page)
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{what} is {width}px wide on a {viewport}px screen: it scrolls sideways"


def test_hr_preview_and_change_a_draft_and_only_the_sets_ticked_are_asked(browser, suite):
    """Issue 20: eNPS was in a survey HR had not ticked it for (the builder started with it ticked); HR had no way to
    see the questions before staff did, nor to change a draft."""
    for width, height in ((1366, 768), (375, 740)):
        context = browser.new_context(base_url=suite, viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        shot = Shots(page, f"draft-preview-and-edit-{width}")
        try:
            sign_in(page, suggested="trust HR")
            page.goto("/surveys/runs/new")
            sets = page.get_by_role("group", name="Question sets").get_by_role("checkbox")
            expect(sets).to_have_count(6)  # the five instruments and the optional Development question
            for box in sets.all():
                expect(box).not_to_be_checked()  # nothing is asked that HR did not tick
            title = f"Draft to change at {width}px"
            page.get_by_label("Title").fill(title)
            page.get_by_role("checkbox", name=re.compile(r"^Employee Net Promoter Score")).check()
            page.get_by_role("checkbox", name=re.compile(r"^ONS personal")).check()
            page.get_by_label(re.compile(r"^Question 1\b")).fill("The staff room is a good place to eat lunch")
            # one long address in a question made the page scroll sideways on a phone (outsider, issue 20)
            page.get_by_label(re.compile(r"^Question 2\b")).fill(
                "I have read https://www.gov.uk/government/publications/education-staff-wellbeing-charter/"
                "education-staff-wellbeing-charter-supporting-guidance-for-schools-and-colleges")
            page.get_by_role("button", name="Save the survey as a draft").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(title)

            page.get_by_role("link", name="Change the survey").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Change the draft survey")
            expect(page.get_by_label("Title")).to_have_value(title)
            expect(page.get_by_role("checkbox", name=re.compile(r"^Employee Net Promoter Score"))).to_be_checked()
            expect(page.get_by_label(re.compile(r"^Question 1\b"))).to_have_value("The staff room is a good place to eat lunch")
            _no_sideways_scroll(page, "the draft's form")
            assert accessibility_violations(page) == []
            shot("edit")
            # a refused change says why and keeps what was typed, and changes nothing
            page.get_by_role("checkbox", name=re.compile(r"^Employee Net Promoter Score")).uncheck()
            page.get_by_label("Closes on").fill("2020-01-01")
            page.get_by_role("button", name="Save the changes").click()
            expect(page.get_by_role("alert")).to_contain_text("There is a problem")
            expect(page.get_by_role("checkbox", name=re.compile(r"^Employee Net Promoter Score"))).not_to_be_checked()
            page.get_by_label("Opens on").fill("2030-01-06")  # opening later: scheduling it below invites nobody yet
            page.get_by_label("Closes on").fill("2030-01-31")
            page.get_by_label("Title").fill(f"{title}, changed")
            page.get_by_label("Support staff").check()
            page.get_by_role("button", name="Save the changes").click()
            expect(page.get_by_role("status")).to_contain_text("Your changes to the draft are saved")
            facts = page.locator("dl.facts")
            expect(facts).to_contain_text("31 January 2030")
            expect(facts).to_contain_text("Support staff")
            expect(facts).to_contain_text("ONS personal well-being questions (ONS4); 2 of the trust's own questions")
            expect(facts).not_to_contain_text("Net Promoter")

            page.get_by_role("link", name="Preview the questions as staff will see them").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(f"{title}, changed")
            survey = page.locator("#survey")
            expect(survey.get_by_role("heading", level=2)).to_have_text(["ONS personal well-being questions (ONS4)",
                                                                         "The trust's own questions"])
            expect(survey.get_by_role("group", name="The staff room is a good place to eat lunch")).to_be_visible()
            expect(survey).not_to_contain_text("recommend")
            expect(survey).not_to_contain_text("licence")  # as respondents see it: licences are for HR, below
            licences = page.get_by_role("region", name="For HR: licences and sources")
            expect(licences).to_contain_text("Open Government Licence")
            # sources named by who publishes them, not by raw addresses ("hse.gov.uk" read as a measure key)
            expect(licences.get_by_role("link", name="Government Statistical Service").first).to_be_visible()
            expect(licences).not_to_contain_text(".gov.uk")
            page.get_by_role("button", name="Submit my answers").click()
            expect(page.get_by_text("This is a preview: nothing is saved or sent.")).to_be_visible()
            _no_sideways_scroll(page, "the preview")
            assert accessibility_violations(page) == []
            shot("preview")

            # once scheduled it cannot be changed: no offer, and the address says so
            page.get_by_role("link", name=re.compile("^Back to")).click()
            expect(page).to_have_url(re.compile(r"/surveys/runs/[0-9a-f-]+$"))
            run_url = page.url
            page.get_by_role("button", name=re.compile("^Schedule the survey")).click()
            expect(page.get_by_role("status")).to_contain_text("The survey is scheduled: it opens on 6 January 2030")
            expect(page.get_by_role("link", name="Change the survey")).to_have_count(0)
            page.goto(run_url + "/edit")
            expect(page.get_by_role("status")).to_contain_text("Only a draft survey can be changed")
            expect(page.get_by_role("heading", level=1)).to_have_text(f"{title}, changed")
        finally:
            context.close()


def test_results_open_on_a_summary_with_a_labelled_chart_for_each_question_set(browser, suite):
    """Issue 20: the results were 41,600 px tall, their 9 chart bars had no labels, the chart said "no national
    benchmark" for ONS while the table showed one, SWEMWBS was compared with the men's norm alone, and DfE's figures
    were cited through a secondary website."""
    from datetime import date

    from staffroom.demo import school_year

    summer = school_year(date.today())  # the demo's latest staff survey; the one before was the summer before
    for width, height in ((1366, 768), (375, 740)):
        context = browser.new_context(base_url=suite, viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        shot = Shots(page, f"results-shape-{width}")
        try:
            sign_in(page, suggested="trust HR")
            page.goto("/surveys/runs")
            page.get_by_role("link", name=f"Summer {summer} staff survey").click()
            contents = page.get_by_role("navigation", name="Results on this page")
            expect(contents.get_by_role("link")).to_have_text([
                "Summary", "HSE Management Standards Indicator Tool",
                "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)", "ONS personal well-being questions (ONS4)",
                "Employee Net Promoter Score (eNPS)", "Trust core questions", "Development", "Over time",
                "What people wrote", "Focus on", "Heatmap",
                re.compile("^What goes with")])
            tops = [page.locator(f"#{anchor}").evaluate("e => e.getBoundingClientRect().top")
                    for anchor in ("summary", "set-hse_indicator", "set-trust_core", "over-time")]
            assert tops == sorted(tops), tops  # the summary first, then a section per question set
            summary = page.get_by_role("region", name="Summary: The whole trust")
            expect(summary).to_contain_text(re.compile(r"\d+ of 1\d\d people answered"))  # those in post that June
            # SWEMWBS against the norm for the population surveyed, named: never the men's alone
            expect(summary.get_by_role("listitem").filter(has_text="Mental wellbeing")).to_contain_text(
                "nationally 23.4 (all adults aged 16+ in England), 2010–2013")
            # DfE's figures are for teachers and leaders: the whole staff is not called better or worse than them
            workload = summary.get_by_role("listitem").filter(has_text="Manageable workload")
            expect(workload).to_contain_text("(teachers and leaders in state schools in England), 2024 (wave 3) (not "
                                             "compared, as ours includes support staff)")
            expect(summary.locator("xpath=.//li[contains(., 'Manageable workload')]/parent::ul/preceding-sibling::h4[1]")
                   ).to_have_text("Level with the national figure, or not compared with it")

            # every bar sits beside its label and its figure
            charts = page.locator("table.hbars")
            expect(charts).to_have_count(5)  # HSE, SWEMWBS, ONS, the trust's questions, Development; eNPS a sentence
            for row in charts.locator("tbody tr").all():
                assert row.locator("th").inner_text().strip() and row.locator("td.num").inner_text().strip()
            drawn = page.locator("table.hbars rect.bar").count()
            assert drawn == page.locator("table.hbars tbody tr").count() - page.locator(
                "table.hbars td.num", has_text=re.compile("^(not shown|does not apply)$")).count()
            # the ONS chart shows the national figures its table gives: the chart and its figures agree
            ons = page.get_by_role("region", name="ONS personal well-being questions (ONS4): The whole trust")
            expect(ons.locator("rect.benchmark")).to_have_count(4)
            expect(ons.get_by_role("row").filter(has_text="Life satisfaction")).to_contain_text("7.45 (people aged 16 and over in the UK): ours is")
            expect(ons).not_to_contain_text("no national")
            # DfE's figures cited to DfE
            sources = page.get_by_role("region", name="Trust core questions").locator("details").filter(
                has_text="Where the national figures come from")
            sources.locator("summary").click()
            links = sources.get_by_role("link")
            expect(links).to_have_count(3)
            for href in links.evaluate_all("links => links.map(a => a.href)"):
                assert href.startswith("https://www.gov.uk/government/publications/working-lives-of-teachers-and-leaders"), href

            # over time: the demo's two summers side by side, each measure in the figure its chart shows (ONS was
            # an average in its chart and a share here), with how it changed; the whole trust's, not every academy's
            over_time = page.locator("table.trend-table")
            expect(over_time.locator("thead th")).to_have_text([
                "Measure", re.compile(f"^Summer {summer - 1} staff survey"), re.compile(f"^Summer {summer} staff survey"),
                "Change"])
            life = over_time.get_by_role("row").filter(has_text="Life satisfaction")
            expect(life).to_have_count(1)
            expect(life.locator("th")).to_have_text("Life satisfaction (average, 0 to 10)")
            this_year = ons.get_by_role("row").filter(has_text="Life satisfaction").locator("td.num").inner_text()
            cells = life.locator("td").all_inner_texts()
            assert cells[1] == this_year, (cells, this_year)  # the same figure as the chart above
            before, now = float(cells[0]), float(cells[1])
            step = round(now - before, 2)  # level both summers (as the demo's answers can be) reads "no change"
            expect(life.locator("td").last).to_have_text(
                f"{'up' if step > 0 else 'down'} {abs(step):.2f}" if step else "no change")
            valued = over_time.get_by_role("row").filter(has_text="Feeling valued")
            expect(valued.locator("td").nth(1)).to_have_text(re.compile(r"^\d+\.\d%$"))
            expect(valued.locator("td").last).to_have_text(re.compile(r"^(up|down) \d+\.\d points$|^no change$"))
            expect(over_time.get_by_role("row").filter(has_text="Employee Net Promoter Score").locator("td").first
                   ).to_have_text(re.compile("^([+\u2212]\\d+|0)$"))

            text = page.locator("main").inner_text()
            assert not re.search(r"\d{4}-\d\d-\d\d|[0-9a-f]{8}-[0-9a-f]{4}-", text), text  # no ISO dates, no ids
            tall = page.evaluate("document.documentElement.scrollHeight")
            # "Focus on" and "Plan an action" (issue 23) added about 1,000 px at desktop width and 1,500 on a phone;
            # the heatmap is folded
            assert tall < (10_000 if width > 1000 else 17_000), tall  # 41,600 px before
            _no_sideways_scroll(page, "the results")
            assert accessibility_violations(page) == []
            shot("results")
        finally:
            context.close()


def test_the_survey_page_shows_staff_no_licence_notes_or_addresses_on_a_desktop_or_a_phone(browser, suite):
    """Issue 20: the respondent's page showed licence notes and source addresses (they are for HR and the docs), and
    one long address made it 407 px wide on a 375 px phone."""
    for width, height, name in ((1366, 768, PEOPLE[1]), (375, 740, PEOPLE[2])):
        context = browser.new_context(base_url=suite, viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        try:
            sign_in_at_hillcrest(page, name)
            page.get_by_role("button", name=re.compile("Answer now: “Autumn pulse”")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Autumn pulse")
            expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
            text = page.locator("main").inner_text()
            assert not re.search(r"licen[cs]e|https?://|www\.|doi:", text, re.IGNORECASE), text
            _no_sideways_scroll(page, "the survey")
        finally:
            context.close()
