"""HR's pages: the staff CSV import (all rows or none), setting up and opening an appraisal cycle, completion,
CPD spend and the staff list; and that nobody else can open them."""
from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from staffroom_portal.testing import accessibility_violations, add_long_programme, page_width, sign_in

HEADER = "Staff ID,Forename,Surname,Work Email,School URN,Staff Category,Job Title,FTE,Employment Start\n"


def staff_file(path, urn: str, *, second_start: str):
    path.write_text(HEADER
                    + f"HRT-0001,Ada,Importwood,ada.importwood@oaktrust.example,{urn},SLT,Assistant Headteacher,1.0,"
                      "01/09/2019\n"
                    + f"HRT-0002,Bea,Importwood,bea.importwood@oaktrust.example,{urn},Leadership,Assistant Headteacher,"
                      f"0.8,{second_start}\n")
    return path


def test_academy_hr_imports_staff_and_opens_a_cycle(page, shot, tmp_path):
    sign_in(page, suggested="academy HR")
    page.get_by_role("link", name="HR", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HR")
    assert accessibility_violations(page) == []
    shot("hr-overview")

    page.get_by_role("link", name="Import staff").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import staff from a CSV file")
    assert accessibility_violations(page) == []
    urn = page.locator("#academy-urn").inner_text()
    shot("import-page")

    # A file with one bad row: the problem is shown by row and column, and nobody is imported.
    page.get_by_label("Staff CSV file").set_input_files(staff_file(tmp_path / "bad.csv", urn, second_start="31/02/2021"))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    problem = page.get_by_role("table", name="Problems in the file, by row").get_by_role("row").nth(1)
    expect(problem.get_by_role("rowheader")).to_have_text("3")
    expect(problem).to_contain_text("Employment Start")
    expect(problem).to_contain_text("'31/02/2021' is not a date")
    assert accessibility_violations(page) == []
    shot("import-refused-with-row-errors")
    page.goto("/hr/staff?q=Importwood")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^0 people match"))

    # Fixed, it is checked first: the names it adds are shown, and that same file is imported without choosing it
    # again (issue 20: a check-only run forgot the file and named nobody).
    page.goto("/hr/staff/import")
    page.get_by_label("Staff CSV file").set_input_files(staff_file(tmp_path / "good.csv", urn, second_start="01/03/2021"))
    page.get_by_label("Only check the file; import nothing yet").check()
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="‘good.csv’ is checked and ready")).to_be_visible()
    expect(page.get_by_text("The file is ready to import (2 rows): 2 added")).to_be_visible()
    preview = page.get_by_role("table", name="What importing it will do")
    expect(preview.get_by_role("row")).to_have_count(3)
    expect(preview.get_by_role("row", name=re.compile("Ada Importwood"))).to_contain_text("Added")
    expect(preview.get_by_role("row", name=re.compile("Bea Importwood"))).to_contain_text("Added")
    assert accessibility_violations(page) == []
    shot("import-checked-preview")
    other = page.context.new_page()  # nothing imported yet
    other.goto("/hr/staff?q=Importwood")
    expect(other.get_by_role("status")).to_have_text(re.compile(r"^0 people match"))
    other.close()
    page.get_by_role("button", name="Import this file").click()
    expect(page).to_have_url(re.compile(r"/hr/staff$"))
    expect(page.locator(".flash")).to_have_text("Staff imported from 2 rows: 2 added, 0 changed, 0 unchanged, "
                                                "0 recorded as leaving.")
    page.get_by_label("Search by name, email or post").fill("Importwood")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row").filter(has_text="Importwood")).to_have_count(2)
    assert accessibility_violations(page) == []
    shot("imported")

    # A leaders' cycle for the academy, set up as a draft, then opened after a confirmation.
    page.goto("/hr/appraisal")
    page.get_by_role("link", name="Set up a new cycle").click()
    page.get_by_label("Who it appraises").select_option("leaders")
    page.get_by_role("button", name="Set up the cycle as a draft").click()  # no name yet: refused, choices kept
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the cycle")
    expect(page.get_by_label("Who it appraises")).to_have_value("leaders")
    assert accessibility_violations(page) == []
    shot("new-cycle-needs-a-name")
    page.get_by_label("Name").fill("Leaders, set up by HR")
    page.get_by_role("button", name="Set up the cycle as a draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Leaders, set up by HR?")
    expect(page.locator(".flash")).to_contain_text("is set up as a draft")
    expect(page.locator("dl.facts")).to_contain_text("Draft")
    expect(page.locator("dl.facts")).to_contain_text("Reviews open6 weeks before they are due")  # issue 20
    assert accessibility_violations(page) == []
    shot("confirm-opening")
    page.get_by_role("button", name="Yes, open Leaders, set up by HR").click()

    flash = page.locator(".flash")
    expect(flash).to_have_text(re.compile(r"'Leaders, set up by HR' is open: \d+ appraisals? created\."))
    created = int(re.search(r"(\d+) appraisal", flash.inner_text()).group(1))
    assert created >= 2  # the academy's leaders, at least the two just imported or the demo's head and deputies
    expect(page.get_by_role("heading", name="Completion: Leaders, set up by HR")).to_be_visible()
    rows = page.get_by_role("table", name="Appraisals by stage, by academy").get_by_role("row")
    expect(rows).to_have_count(2)  # the heading row and the academy's own
    expect(rows.nth(1).get_by_role("cell").first).to_have_text(str(created))
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text(str(created))  # all not started yet
    expect(page.get_by_role("row", name=re.compile(r"Leaders, set up by HR.*Open"))).to_be_visible()
    assert accessibility_violations(page) == []
    shot("completion")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the completion figures (CSV)").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("Academy,") and f",{created}," in text


def test_a_workbook_a_mixed_encoding_file_or_old_mac_line_endings_read_right_on_the_import_page(page, tmp_path):
    """Outsider, issue 20: an Excel workbook gave a bare error page ("file file: ... NUL character"), a UTF-8 file
    with one Windows-1252 byte was read as Windows-1252 (every name with an accent garbled, without a word), and a
    file with old Mac line endings was Python's "universal-newline mode?"."""
    sign_in(page, suggested="academy HR")
    page.goto("/hr/staff/import")
    urn = page.locator("#academy-urn").inner_text()

    def upload(name: str, data: bytes):
        (tmp_path / name).write_bytes(data)
        page.get_by_label("Staff CSV file").set_input_files(tmp_path / name)
        page.get_by_label("Only check the file; import nothing yet").check()
        page.get_by_role("button", name="Upload and import").click()

    upload("staff.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml" + bytes(200))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import staff from a CSV file")
    problem = page.get_by_role("table", name="Problems in the file, by row").get_by_role("row").nth(1)
    expect(problem).to_contain_text("the whole file")
    expect(problem).to_contain_text("The file is a spreadsheet workbook (.xlsx or .xls), not a CSV file: in Excel "
                                    "choose File, Save As, CSV UTF-8")  # a sentence (second outsider: "Is a ...")
    expect(page.get_by_role("alert")).to_contain_text("See the 1 problem by row, fix it in your spreadsheet")
    expect(page.locator("main")).not_to_contain_text("file file")

    rows = [f"HRT-0101,Zoë,Mixwood,zoe.mixwood@oaktrust.example,{urn},Teacher,Teacher,1,01/09/2020",
            f"HRT-0102,Amélie,Mixwood,amelie.mixwood@oaktrust.example,{urn},Teacher,Teacher,1,01/09/2020"]
    upload("mixed.csv", (HEADER + rows[0] + "\n").encode() + (rows[1] + "\n").encode("cp1252"))
    problem = page.get_by_role("table", name="Problems in the file, by row").get_by_role("row").nth(1)
    expect(problem.get_by_role("rowheader")).to_have_text("3")
    expect(problem).to_contain_text("This row has a character that is not UTF-8")

    upload("mac.csv", (HEADER + "\n".join(rows) + "\n").replace("\n", "\r").encode("cp1252"))
    expect(page.get_by_text("Nothing was imported")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Amélie Mixwood")  # the preview of who would be added, unspoilt
    expect(page.locator("main")).to_contain_text("Zoë Mixwood")


def test_trust_hr_sees_cpd_spend_and_finds_staff(page, shot):
    sign_in(page, suggested="trust HR")
    page.goto("/hr/cpd")
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD spend and take-up")
    spend = page.get_by_role("table", name="CPD take-up and spend by academy")
    expect(spend.get_by_role("row")).to_have_count(4)  # trust HR sees all three academies
    expect(page.get_by_role("img", name=re.compile("Spend per academy"))).to_be_visible()
    assert accessibility_violations(page) == []
    shot("cpd-spend")
    oldest = page.get_by_label("Budget year").locator("option").last.get_attribute("value")
    page.goto(f"/hr/cpd?year={oldest}")  # issue 20: an empty chart says why, rather than showing nothing
    expect(page.get_by_text("No chart for this year: nothing has been spent yet and no academy has a budget set."
                            )).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Spend per academy"))).to_have_count(0)

    page.goto("/hr/staff")
    page.get_by_label("Search by name, email or post").fill("Headteacher")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("match ‘Headteacher’")
    expect(page.get_by_role("row").filter(has_text="Headteacher").first).to_be_visible()
    shot("staff-search")
    # Issue 20: a name opens the person's record: their details, appraisals, CPD and development plan
    head = page.get_by_role("row").filter(has_text="Headteacher").first.get_by_role("link")
    name = head.inner_text()
    head.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    for section in ("Appraisals", "CPD", "Development plan"):
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Started\s*\d+ \w+ \d{4}"))
    assert accessibility_violations(page) == []

    page.goto("/hr/appraisal")  # trust HR see every academy's completion of the trust-wide cycles
    # Mid-year nobody has signed off, so the chart says so and shows objectives agreed instead, as a head counts
    expect(page.get_by_text(re.compile(r"^None is signed off yet: each is signed off after its end-of-year review, "
                                       r"due \d+ \w+ 20\d\d\."))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Share of appraisals with objectives agreed"))).to_be_visible()
    stages = page.get_by_role("table", name="Appraisals by stage, by academy")
    expect(stages.get_by_role("row")).to_have_count(4)
    # stages named as the appraisal pages name them (second outsider, issue 20: "Mid year reviewed")
    expect(stages.get_by_role("columnheader", name="Mid-year review done")).to_have_count(1)
    expect(stages.get_by_role("columnheader", name="Mid year reviewed")).to_have_count(0)
    chart = page.locator("figure", has=page.get_by_role("img", name=re.compile("with objectives agreed")))
    for row in stages.get_by_role("row").all()[1:]:
        academy, total, _not_started, agreed, mid, end, signed, *_ = row.locator("th, td").all_inner_texts()
        share = round(100 * (int(agreed) + int(mid) + int(end) + int(signed)) / int(total), 1)
        expect(chart.get_by_role("row", name=academy)).to_contain_text(f"{share}%")
    # Completion over time, from the figure the targets service records each day.
    expect(page.get_by_role("heading", name="Reviews done on time, over time")).to_be_visible()
    expect(page.get_by_text("Share of reviews done on time, whole trust")).to_be_visible()
    shot("appraisal-completion")


def test_a_member_of_staff_cannot_open_the_hr_pages(page, shot):
    sign_in(page, suggested="member of staff")
    expect(page.get_by_role("link", name="HR", exact=True)).to_have_count(0)
    for path in ("/hr", "/hr/staff/import", "/hr/appraisal/cycles/new"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    shot("cannot-see")


def test_hr_see_whose_appraisal_is_overdue_and_which_date_was_missed(page, suite, suite_data):
    """Issue 20: academy HR had no list of whose appraisal is overdue and which date was missed."""
    from datetime import date

    import httpx

    sign_in(page, suggested="trust HR")
    page.goto("/hr/appraisal")
    heading = page.get_by_role("heading", name=re.compile(r"^Overdue: "))
    expect(heading).to_be_visible()
    cycle = heading.inner_text().removeprefix("Overdue: ")
    # what a head would count from the appraisals themselves: each one whose next key date has passed
    token = (suite_data / "demo-tokens.txt").read_text().splitlines()[0].split("\t")[3]
    api = httpx.Client(base_url=suite, headers={"Authorization": f"Bearer {token}"})
    [cycle_id] = [c["id"] for c in api.get("/api/appraisal/cycles").json() if c["name"] == cycle]
    next_due = {"not_started": "objectives_due", "objectives_agreed": "mid_year_due",
                "mid_year_reviewed": "end_of_year_due"}
    appraisals = api.get("/api/appraisal/appraisals", params={"cycle_id": cycle_id, "page_size": 500}).json()["items"]
    late = [a for a in appraisals if a["status"] in next_due
            and date.fromisoformat(a["key_dates"][next_due[a["status"]]]) < date.today()]
    table = page.get_by_role("table", name="Overdue appraisals, the longest overdue first")
    expect(table.get_by_role("row")).to_have_count(len(late) + 1)
    assert late  # the demo's cycles are dated so that objectives were due weeks ago
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text(re.compile(r"Objectives\s+\d+ \w+ 20\d\d"))
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appraisal for")


def test_hr_home_page_shows_the_trust_at_a_glance(page):
    """Issue 20: HR had no summary on the home page."""
    sign_in(page, suggested="trust HR")
    page.goto("/")
    glance = page.get_by_role("region", name="The trust at a glance")
    counts = [int(n) for n in re.findall(r"(\d+) (?:met|on track|at risk|missed|with nothing)", glance.inner_text())]
    assert sum(counts) == 16  # every target, by where it stands (the twelfth: issue 24; four for ECTs: issue 25)
    # every open cycle's overdue count, each as its own overdue list counts it (outsider: support staff's were left out)
    lines = re.findall(r"^(.+): (\d+) appraisals? overdue\.$", glance.inner_text(), re.M)
    assert len(lines) >= 2, lines  # the demo's teachers' and support staff's cycles, and any another test opened
    for name, overdue in lines:
        page.goto("/")
        glance.get_by_role("link", name=re.compile("overdue")).nth([n for n, _ in lines].index(name)).click()
        expect(page.get_by_role("heading", name=f"Overdue: {name}")).to_be_visible()
        if overdue == "0":
            expect(page.get_by_text("None: every appraisal in this cycle has met its key dates so far.")).to_be_visible()
            continue
        expect(page.get_by_role("table", name="Overdue appraisals, the longest overdue first").get_by_role("row")
               ).to_have_count(int(overdue) + 1)
    sign_in(page, suggested="academy HR")
    page.goto("/")
    expect(page.get_by_role("region", name="Your academy at a glance")).to_contain_text("overdue")
    # the demo's academy HR are its HR contacts, so they hear what needs HR (outsider: nobody was, so a CPD request
    # over the approval limit and a long-overdue appraisal reached no one in HR)
    for _ in range(60):  # the daily job's overdue notices reach notifications over the bus
        page.goto("/notifications")
        if re.search(r"Overdue appraisal: \w+ \w+", page.get_by_role("main").inner_text()):
            break
        page.wait_for_timeout(1000)
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Overdue appraisal: \w+ \w+"))
    sign_in(page, suggested="member of staff")
    page.goto("/")
    expect(page.get_by_role("region", name=re.compile("at a glance"))).to_have_count(0)


def test_hr_send_a_reminder_from_the_overdue_list_once_a_week(page, context, suite_data):
    """Issue 20: the overdue list had no "send a reminder" (audited, rate-limited)."""
    import time
    from email import policy
    from email.parser import BytesParser

    sign_in(page, suggested="trust HR")
    page.goto("/hr/appraisal#overdue")
    table = page.get_by_role("table", name="Overdue appraisals, the longest overdue first")
    row = table.get_by_role("row").filter(has=page.get_by_role("button", name=re.compile("^Send a reminder"))).first
    name = row.get_by_role("rowheader").inner_text()
    stale = context.new_page()  # the same list, open in another tab before the reminder is sent
    stale.goto(page.url)
    row.get_by_role("button", name=f"Send a reminder about {name}'s appraisal").click()
    expect(page.locator(".flashes")).to_contain_text(
        re.compile(rf"Reminder sent to .*{name}"))
    sent = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    expect(sent).to_contain_text(re.compile(r"Sent \d+ \w+ 20\d\d by "))
    expect(sent).to_contain_text(re.compile(r"Another can be sent from \d+ \w+ 20\d\d"))
    expect(sent.get_by_role("button")).to_have_count(0)
    # the other tab still offers the button; the second reminder is refused, and says when one can be sent
    stale.get_by_role("button", name=f"Send a reminder about {name}'s appraisal").click()
    expect(stale.locator(".flash-error")).to_contain_text(re.compile(
        r"A reminder about this appraisal was sent on \d+ \w+ 20\d\d; another can be sent from \d+ \w+ 20\d\d\."))
    expect(stale.get_by_role("heading", level=1)).to_have_text("Appraisal cycles")
    expect(stale).to_have_url(re.compile(r"/hr/appraisal\?cycle=[0-9a-f-]+#overdue$"))  # a refresh sends nothing
    # the reminder reaches the people who must act by email, through the bus, saying who in HR sent it
    deadline, found = time.monotonic() + 60, []
    while not found and time.monotonic() < deadline:
        emails = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in (suite_data / "mail").glob("*.eml")]
        found = [e for e in emails if str(e["Subject"]).startswith("Reminder:") and name in str(e["Subject"]) + (
            e.get_body(("plain",)).get_content())]
        time.sleep(0.5)
    assert found, f"no reminder email about {name}"
    body = found[0].get_body(("plain",)).get_content()
    assert re.search(r"\w+ \w+ in HR has asked us to remind you: ", body), body


def test_hr_name_who_hears_what_needs_hr(page, browser, suite):
    """Issue 20 (outsider): HR were never told of a CPD request waiting for them, as nobody was named to hear, and
    only the API could name them."""
    sign_in(page, suggested="academy HR")
    page.goto("/hr")
    page.get_by_role("link", name="HR contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HR contacts")
    sections = page.get_by_role("region", name=re.compile("^For "))
    expect(sections).to_have_count(1)  # academy HR: their own academy only
    chooser = sections.get_by_role("combobox")
    chosen = chooser.locator("option:checked").inner_text()
    other = next(o for o in chooser.locator("option").all_inner_texts()[1:] if o != chosen)
    chooser.select_option(label=other)
    sections.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(".flash")).to_have_text("Saved. They hear what needs HR from now on.")
    expect(page.get_by_role("region", name=re.compile("^For ")).get_by_role("combobox").locator("option:checked")
           ).to_have_text(other)
    assert accessibility_violations(page) == []
    chooser = page.get_by_role("region", name=re.compile("^For ")).get_by_role("combobox")
    chooser.select_option(label=chosen)  # put back as it was, for the other tests
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(".flash")).to_contain_text("Saved")

    sign_in(page, suggested="trust HR")
    page.goto("/hr/contacts")
    expect(page.get_by_role("region", name=re.compile("^For "))).to_have_count(4)  # three academies and the trust
    expect(page.get_by_role("region", name="For the trust")).to_be_visible()
    phone = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    sign_in(phone, suggested="trust HR")
    phone.goto("/hr/contacts")
    assert page_width(phone) <= 375
    sign_in(page, suggested="member of staff")
    assert page.goto("/hr/contacts").status == 403


def test_trust_hr_reads_each_services_audit_log_in_words_and_academy_hr_cannot(page):
    """Issue 21: a page for the audit log (trust HR and the data protection officer only), in words: who, what, when,
    no ids, event names or ISO dates; at 1366 and at 375 px."""
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 800})
        sign_in(page, suggested="trust HR")
        page.goto("/hr")
        page.get_by_role("link", name="Audit log").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
        page.get_by_label("Part of Staffroom").select_option(label="Appraisal")
        page.get_by_role("button", name="Show").click()
        table = page.get_by_role("table", name="Audit log of Appraisal, newest first")
        expect(table).to_be_visible()
        shown = page.get_by_role("main").inner_text()
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-|\d{4}-\d{2}-\d{2}|\b[a-z]+\.[a-z_]+\b", shown), shown[:500]
        assert page_width(page) <= width
        assert accessibility_violations(page) == []
    # a date the search cannot take is said, not dropped; a page past the end is no error (outsider 9, issue 21)
    page.goto("/hr/audit?area=directory&since=2026-02-30&page=100001")
    expect(page.get_by_role("alert")).to_contain_text("From: enter a real date between 1900 and 2100")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    sign_in(page, suggested="academy HR")
    page.goto("/hr")
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    assert page.goto("/hr/audit").status == 403


def test_long_unbroken_text_in_the_audit_log_fits_and_is_measured_styled_on_a_slow_network(page):
    """A full run once found /hr/cpd/budget 580 px wide at 375 and /hr/audit 1,630 px wide at 1366, and never again:
    both were measured before portal.css was back (asked for again on every page), as unstyled tables, 117 unbroken
    letters of an audit entry in a cell. Here every request takes 300 ms longer, as on a busy machine, and the
    audit log holds a programme's 200-letter provider (and title): page_width measures the page as it is shown,
    where that text wraps."""
    title = ("Auditing" + "x" * 180 + str(int(time.time())))[:200]
    add_long_programme(page, title)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 800})
        sign_in(page, suggested="trust HR")
        network = page.context.new_cdp_session(page)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", {"offline": False, "latency": 300,
                                                          "downloadThroughput": -1, "uploadThroughput": -1})
        page.goto("/hr/audit")
        page.get_by_label("Part of Staffroom").select_option(label="CPD")
        page.get_by_role("button", name="Show").click()
        table = page.get_by_role("table", name="Audit log of CPD, newest first")
        expect(table).to_contain_text("Provider: " + "P" * 117 + "…")  # a value is cut at 120 letters
        assert page_width(page) <= width, f"/hr/audit is {page_width(page)}px wide on a {width}px screen"
        page.goto("/hr/cpd")
        page.get_by_role("button", name="Set the budget").click()  # the refused form, as the phone check does
        expect(page.get_by_role("alert")).to_be_visible()
        assert page_width(page) <= width, f"{page.url} is {page_width(page)}px wide on a {width}px screen"
        network.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                          "downloadThroughput": -1, "uploadThroughput": -1})
        network.detach()


def test_a_member_of_staff_downloads_a_copy_of_their_data_and_trust_hr_opens_one_for_someone(page):
    """Issue 21: subject access from the portal. A member of staff asks for their own copy and downloads it when every
    part of Staffroom has answered; trust HR finds someone, opens a request with its deadline, and sees its
    progress; academy HR cannot see the page. In words, at 1366 and 375 px."""
    import io
    import zipfile

    sign_in(page, suggested="member of staff")
    page.goto("/")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    page.get_by_role("button", name="Get a copy of my data").click()
    expect(page.get_by_role("status")).to_contain_text("Your copy is being gathered")
    for _ in range(60):  # every service answers over the bus, usually within a few seconds
        if page.get_by_role("link", name=re.compile("Download the copy")).count():
            break
        page.wait_for_timeout(500)
        page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the copy")).click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as bundle:
        assert "summary.html" in bundle.namelist() and "appraisal.json" in bundle.namelist()
        summary = bundle.read("summary.html").decode()
    assert "Your personal data held by Staffroom" in summary and "surveys are anonymous" in summary
    page.get_by_role("button", name="Get a copy of my data").click()  # a second at once is no error page
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")

    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 800})
        sign_in(page, suggested="trust HR")
        page.goto("/hr")
        page.get_by_role("link", name="Subject access requests").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
        page.get_by_label("Whose data? Name, email or post").fill("a")
        page.get_by_role("button", name="Find").click()
        page.get_by_role("button", name=re.compile("^Open a request for ")).first.click()
        expect(page.get_by_role("status")).to_contain_text("It must be answered by")
        table = page.get_by_role("table", name="Subject access requests, newest first")
        expect(table).to_be_visible()
        shown = page.get_by_role("main").inner_text()
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-|\d{4}-\d{2}-\d{2}|\b[a-z]+\.[a-z_]+\b", shown), shown[:500]
        assert page_width(page) <= width
        assert accessibility_violations(page) == []
    sign_in(page, suggested="academy HR")
    assert page.goto("/data/requests").status == 403


def test_trust_hr_give_and_take_away_access_and_others_cannot(page):
    """Issue 21: who has HR or data protection access, which a Google Workspace sign-in carries; trust HR give it on
    the Who has access page and take it away on the person's record. In words, at 1366 and 375 px."""
    sign_in(page, suggested="trust HR")
    page.goto("/hr")
    page.get_by_role("link", name="Who has access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has access")
    table = page.get_by_role("table", name="People with HR or data protection access, by surname")
    expect(table).to_contain_text("Trust HR")  # the demo's trust HR, as the demo gave it
    chosen = page.get_by_label("Member of staff").locator("option").nth(5)
    who = chosen.inner_text().split(",")[0]
    page.get_by_label("Member of staff").select_option(chosen.get_attribute("value"))
    page.get_by_label("Data protection officer").check()
    page.get_by_role("button", name="Give access").click()
    expect(page.get_by_role("status")).to_contain_text("From their next sign-in they have: data protection officer.")
    # giving more adds to it (outsider 18: it replaced it)
    page.get_by_label("Member of staff").select_option(chosen.get_attribute("value"))
    page.get_by_label("HR for their academy").check()
    page.get_by_role("button", name="Give access").click()
    expect(page.get_by_role("status")).to_contain_text(
        "From their next sign-in they have: HR for their academy, data protection officer.")
    row = table.get_by_role("row").filter(has_text=who)
    expect(row).to_contain_text("HR for their academy, data protection officer")
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        shown = page.get_by_role("main").inner_text()
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-|\b(trust_hr|academy_hr|dpo)\b", shown), shown[:500]
        assert page_width(page) <= width
        assert accessibility_violations(page) == []

    row.get_by_role("link", name=who).click()
    access = page.get_by_role("region", name="Access to Staffroom")
    expect(access).to_contain_text("has: HR for their academy, data protection officer")
    expect(access.get_by_label("Data protection officer")).to_be_checked()
    access.get_by_label("Data protection officer").uncheck()
    access.get_by_label("HR for their academy").uncheck()
    access.get_by_role("button", name=re.compile("^Save access")).click()
    expect(page.get_by_role("status")).to_contain_text("they have no HR or data protection access")
    assert page_width(page) <= 375
    page.goto("/hr/access")
    expect(page.get_by_role("table", name=re.compile("People with HR"))).not_to_contain_text(who)

    sign_in(page, suggested="academy HR")
    page.goto("/hr")
    expect(page.get_by_role("link", name="Who has access")).to_have_count(0)
    assert page.goto("/hr/access").status == 403
