"""The page helpers on their own: chart macros, question keys, readable API messages, appraiser choices."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

import staffroom_portal
from staffroom_portal import ui
from staffroom_portal.views import actions

TEMPLATES = Path(staffroom_portal.__file__).parent / "templates"


def _line(**kwargs) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    return str(env.get_template("_charts.html").module.line(**kwargs))


def test_a_point_without_a_figure_says_why_in_the_words_its_page_gives():
    """Outsider 4, issue 20: a target with nobody to count showed "not shown", as if it were a hidden survey group."""
    points = [{"label": "1 December 2026", "value": None}, {"label": "2 December 2026", "value": 50}]
    target = _line(title="Daily figure", points=points, unit="%", max=100, missing="nothing to count")
    assert "<td>nothing to count</td>" in target and "not shown" not in target
    assert "<td>not shown</td>" in _line(title="Trend", points=points)  # a survey's hidden group, as before


def test_a_question_s_key_never_ends_in_a_separator():
    """Outsider 5, issue 20: "I have read our wellbeing policy at https://…" made the key
    'i_have_read_our_wellbeing_policy_at_', which the API refuses, so the question could not be added."""
    import re

    from staffroom_portal.views.surveys import _slug

    for text in ("I have read our wellbeing policy at https://example.org", "Our wellbeing policy is clear: https://x",
                 "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18", "???"):
        key = _slug(text, set())
        assert re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", key) and not key.endswith("_"), (text, key)


def test_an_api_s_ids_and_iso_dates_are_put_as_people_say_them():
    """Outsider 5, issue 20: "There is no appraisal with id 0ca4…", "(enrolment 7bc9… is 'confirmed')",
    "nomination 350b…" and "Starts on (2027-09-01)" reached people through refusals and error pages."""
    from staffroom_portal.ui import readable

    uuid = "0ca4c234-84a1-4fb3-80cd-c81e821534c6"
    assert readable(f"There is no appraisal with id {uuid}") == "There is no appraisal"
    assert readable(f"(enrolment {uuid} is 'confirmed')") == "(this enrolment is 'confirmed')"
    assert readable(f"already a future leader (nominated, nomination {uuid})") == "already a future leader (nominated)"
    assert readable("starts on (2027-09-01) must not be after objectives due (2027-06-01)") == (
        "starts on (1 September 2027) must not be after objectives due (1 June 2027)")
    assert readable("Starter D2027-03-20 and 2027-02-31") == "Starter D2027-03-20 and 2027-02-31"  # not days


def test_a_starter_who_has_not_joined_is_not_offered_as_an_appraiser(monkeypatch):
    """Outsider 5, issue 20: the appraiser list offered people starting next term."""
    from datetime import date, timedelta

    from staffroom_portal.views import appraisal

    people = [{"id": "a", "first_name": "Amira", "last_name": "Khan", "post": "Teacher", "start_date": "2019-09-01"},
              {"id": "b", "first_name": "Ben", "last_name": "Hall", "post": "Teacher",
               "start_date": (date.today() + timedelta(days=30)).isoformat()},
              {"id": "c", "first_name": "Cara", "last_name": "Lee", "post": "Teacher", "start_date": "2020-01-06"}]

    class Api:
        def all_pages(self, path, **params):
            assert path == "/api/directory/staff" and params["current"] is True
            return people

    monkeypatch.setattr(appraisal, "api", Api)
    chosen = appraisal._candidates({"status": "not_started", "academy_id": "x", "reviewee_id": "c"})
    assert chosen == [("a", "Amira Khan, Teacher")]


def test_an_api_s_field_names_are_put_as_words():
    """Outsider 6, issue 20: "Closes_on must be after opens_on", "First_name must be one line of text"."""
    from staffroom_portal.ui import readable

    assert readable("Closes_on must be after opens_on.") == "Closes on must be after opens on."
    assert readable("First_name must be one line of text") == "First name must be one line of text"
    assert readable("write to tom_taylor@oak.example") == "write to tom_taylor@oak.example"  # an address stays


def test_a_hidden_figure_still_shows_the_national_figure_its_chart_draws():
    """Outsider 6, issue 20: the chart drew the national marker beside a hidden figure; its table said "none"."""
    from staffroom_portal.views.survey_results import _row

    bench = {"statistic": "percent_favourable", "value": 22.0, "comparison": None, "year": "2024 (wave 3)",
             "population": "teachers and leaders in state schools in England", "source": "DfE"}
    measure = {"title": "Manageable workload", "higher_is_better": True, "suppressed": True, "favourable": None,
               "mean": None, "n": None, "benchmarks": [bench]}
    row = _row(measure, "favourable", {"teaching"})
    assert row["marks"] == [22.0]
    assert row["national"] == "22% (teachers and leaders in state schools in England): ours is not shown"


def test_a_closed_appraisals_reason_gives_its_date_as_people_write_it():
    """Outsider 9, issue 21: "This appraisal is closed: left on 2020-12-08." showed the API's ISO date."""
    from staffroom_portal.views.appraisal import next_step

    line = next_step({"status": "closed", "finished_reason": "left on 2020-12-08", "reviewee_name": "Former member",
                      "appraiser_name": "Priya Shah", "objectives": []}, "hr", None)
    assert line == "This appraisal is closed: left on 8 December 2020."


def test_an_erased_person_is_named_whole_in_passing_not_as_former():
    """Outsider 9, issue 21: "Agreed by Farah … and by Former on …"."""
    from staffroom_portal.views.appraisal import first_name

    assert first_name("Former member of staff ") == "Former member of staff"
    assert first_name("Farah Walker") == "Farah" and first_name(None) == "someone"


def test_a_correlation_has_two_places_and_a_true_minus():
    """Outsider, issue 23: r was shown as '0.0'."""
    assert [ui.two_places(r) for r in (0.0, 0.1, -0.114, -0.0001)] == ["0.00", "0.10", "\u22120.11", "0.00"]


def test_an_action_s_before_is_shown_while_its_after_is_awaited():
    waiting = {"status": "waiting", "note": "the next survey that asks about this will show the change",
               "before": {"title": "Spring survey", "closed_on": "2027-03-01", "mean": -42.4, "favourable": None}}
    words = actions.in_words(waiting, "enps")
    assert words == {"shown": False, "before": {"value": "\u221242", "survey": "Spring survey (closed 1 March 2027)"},
                     "note": "The next survey that asks about this will show the change."}


def test_a_count_is_written_with_its_noun_as_people_write_it():
    """Outsider, issue 24, F9: "1 managers" on the feedback pages."""
    from staffroom_portal.ui import counted

    assert counted(1, "manager") == "1 manager" and counted(2, "manager") == "2 managers"
    assert counted(0, "person", "people") == "0 people" and counted(1, "person", "people") == "1 person"


def test_the_dashboard_s_qa_map_is_the_one_appraisal_chooses_for_the_viewer():
    """Outsider, issue 24: the portal took the latest started round itself, so an academy's own empty round took the
    trust's map off trust HR's dashboard. Appraisal chooses (GET /qa-rounds/latest-map); none for them: no map."""
    from staffroom_portal.backend import ApiError
    from staffroom_portal.views import qa

    class Calls:
        def __init__(self, answer):
            self.answer, self.asked = answer, []

        def get(self, path, **params):
            self.asked.append(path)
            if isinstance(self.answer, ApiError):
                raise self.answer
            return self.answer

    chosen = Calls({"round": {"name": "Autumn 2"}, "still_running": False, "made_from": {"teachers": 101}})
    assert qa.latest_map(chosen)["m"]["round"]["name"] == "Autumn 2"
    assert chosen.asked == ["/api/appraisal/qa-rounds/latest-map"]
    for status in (403, 404):
        assert qa.latest_map(Calls(ApiError(status, "Not Found", "no QA round has started yet"))) is None


def test_a_signed_score_on_a_half_rounds_up_as_by_hand():
    from staffroom_portal.ui import signed
    assert (signed(12.5), signed(0.5), signed(-12.5), signed(11.49), signed(0.4)) == ("+13", "+1", "\u221213", "+11", "0")


def test_the_dashboard_says_whether_its_qa_round_has_ended_or_is_still_running():
    """Outsider, issue 24: a trust-wide round that started today, with one observation, took the place of the 101
    teachers of the round before; appraisal now chooses the newest ended round, and the page says which it shows."""
    from staffroom_portal.views import qa

    class Calls:
        def __init__(self, answer):
            self.answer = answer

        def get(self, path, **params):
            return self.answer

    ended = qa.latest_map(Calls({"still_running": False, "made_from": {"teachers": 101}}), trust_wide=True)
    assert ended["which"] == ("The newest quality assurance round that has ended with teachers observed on your map "
                              "(rounds across every academy come first)")
    running = qa.latest_map(Calls({"still_running": True, "made_from": {"teachers": 1}}))
    assert running["which"].startswith("No quality assurance round has ended yet") and "still running" in running[
        "which"]
    empty = qa.latest_map(Calls({"still_running": False, "made_from": {"teachers": 0}}))
    assert "nobody on your map was observed" in empty["which"]


def test_trust_hr_read_an_academy_s_template_by_the_academy_s_name():
    """Outsider, issue 24: trust HR based at Hillcrest read an Oakfield-only template as "Used by: Your academy"."""
    from staffroom_portal.views.observations import used_by

    oakfield = {"academy_id": "oak", "name": "Oakfield drop-in"}
    assert used_by(oakfield, {"oak": "Oakfield Academy", "hill": "Hillcrest School"}) == "Oakfield Academy"
    assert used_by(oakfield, None) == "Your academy"  # academy HR see only their own academy's templates
    assert used_by({"academy_id": None}, {"oak": "Oakfield Academy"}) == "The whole trust"
