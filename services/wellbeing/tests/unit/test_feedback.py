"""The rules of 360 and upward feedback (domain.feedback), without Flask or a database."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from wellbeing.domain.events import FeedbackRequestClosed
from wellbeing.domain.feedback import (
    CATEGORY_NAMES, MAX_OUTSIDE, Category, FeedbackError, FeedbackRequest, FeedbackRound, OpenRequest, Rater,
    RequestStatus, ShownReport, ballot, choose_raters, domains_to_check, email_address, managers_in_scope,
    outside_raters, plural, refuse_colleagues, refuse_overlap, refuse_second_report, school_year, shows_anonymous,
    tally, threshold, thresholds, untagged, who_was_asked,
)
from wellbeing.domain.model import StaffMember

TODAY = date(2027, 3, 1)
AT = datetime(2027, 3, 20, tzinfo=timezone.utc)


def person(academy=None, manager=None) -> StaffMember:
    return StaffMember(staff_id=uuid.uuid4(), academy_id=academy or uuid.uuid4(), staff_type="teaching",
                       start_date=date(2015, 9, 1), leaving_date=None)


def answers(level: int, keep: str | None = None) -> dict:
    out = {f"fb360.{k}": level for k in ("communicates", "supports", "reliable", "improves", "pupils", "calm")}
    if keep:
        out["fb360.keep_doing"] = keep
    return out


def shown(report: dict) -> dict:
    return {c["category"]: c for c in report["categories"]}


def test_k_is_never_below_three_and_direct_reports_never_below_five():
    with pytest.raises(FeedbackError):
        threshold(Category.PEERS, 2)
    assert threshold(Category.PEERS, 3) == 3
    assert threshold(Category.DIRECT_REPORTS, 3) == 5
    assert threshold(Category.DIRECT_REPORTS, 7) == 7
    assert threshold(Category.LINE_MANAGER, 3) is None


def test_a_category_below_k_shows_nothing_not_even_how_many_answered():
    ballots = [ballot(Category.PEERS, answers(4, "Calm"), None), ballot(Category.PEERS, answers(2), None)]
    peers = shown(tally("360", ballots, 3))["peers"]
    assert peers == {"category": "peers", "shown": False, "needed": 3}


def test_a_category_at_k_shows_its_figures_and_comments_sorted_not_in_order_given():
    ballots = [ballot(Category.PEERS, answers(v, keep), None) for v, keep in ((5, "Zest"), (3, "Assemblies"), (4, None))]
    peers = shown(tally("360", ballots, 3))["peers"]
    assert peers["shown"] and peers["answered"] == 3
    first = peers["statements"][0]
    assert first["mean"] == 4.0 and first["counts"] == [0, 0, 1, 1, 1]
    assert peers["comments"][0]["texts"] == ["Assemblies", "Zest"]


@pytest.mark.parametrize("levels, mean", [((3, 4, 5, 1), 3.3), ((4, 4, 4, 5), 4.3), ((2, 2, 2, 3), 2.3),
                                          ((1, 1, 2), 1.3)])
def test_a_statements_mean_on_a_half_rounds_up_as_a_hand_count_does(levels, mean):
    ballots = [ballot(Category.PEERS, answers(v), None) for v in levels]
    assert shown(tally("360", ballots, 3))["peers"]["statements"][0]["mean"] == mean

def test_direct_reports_need_five_even_when_k_is_three():
    four = [ballot(Category.DIRECT_REPORTS, answers(3), None) for _ in range(4)]
    assert not shown(tally("360", four, 3))["direct_reports"]["shown"]
    five = four + [ballot(Category.DIRECT_REPORTS, answers(3), None)]
    assert shown(tally("360", five, 3))["direct_reports"]["shown"]


def test_named_answers_are_shown_by_name_and_count_toward_no_anonymous_category():
    ballots = [ballot(Category.PEERS, answers(4), None), ballot(Category.PEERS, answers(4), None),
               ballot(Category.PEERS, answers(1, "Be on time"), "Ada Lovelace")]
    report = tally("360", ballots, 3)
    assert not shown(report)["peers"]["shown"]  # two anonymous answers: the named one does not make three
    [named] = report["named"]
    assert named["name"] == "Ada Lovelace" and named["comments"][0]["text"] == "Be on time"


def test_a_statement_too_few_rated_is_hidden_inside_a_shown_category():
    partial = {"fb360.communicates": 5}
    ballots = [ballot(Category.PEERS, answers(3), None) for _ in range(2)] + [ballot(Category.PEERS, partial, None)]
    peers = shown(tally("360", ballots, 3))["peers"]
    calm = next(s for s in peers["statements"] if s["key"] == "fb360.calm")
    assert calm == {"key": "fb360.calm", "text": calm["text"], "shown": False, "answered": None, "mean": None,
                    "counts": None}


def test_there_is_no_figure_across_categories():
    ballots = [ballot(Category.PEERS, answers(4), None) for _ in range(3)] + [
        ballot(Category.DIRECT_REPORTS, answers(1), None) for _ in range(2)]
    report = tally("360", ballots, 3)
    assert set(report) == {"named", "categories"}
    assert shown(report)["direct_reports"] == {"category": "direct_reports", "shown": False, "needed": 5}


def test_only_the_categories_asked_are_reported():
    ballots = [ballot(Category.PEERS, answers(4), None) for _ in range(3)]
    assert [c["category"] for c in tally("360", ballots, 3, {Category.PEERS, Category.LINE_MANAGER})["categories"]] \
        == ["peers"]
    assert [c["category"] for c in tally("360", ballots, 3)["categories"]] == ["peers", "direct_reports", "others"]


def test_a_line_manager_must_be_named():
    with pytest.raises(FeedbackError):
        ballot(Category.LINE_MANAGER, answers(3), None)


def test_raters_are_checked():
    subject, manager, report, peer = person(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with pytest.raises(FeedbackError, match="themselves"):
        choose_raters(subject, manager, [Rater(subject.staff_id, Category.PEERS)], set(), False)
    with pytest.raises(FeedbackError, match="not a direct report"):
        choose_raters(subject, manager, [Rater(peer, Category.DIRECT_REPORTS)], set(), False)
    with pytest.raises(FeedbackError, match="twice"):
        choose_raters(subject, manager, [Rater(peer, Category.PEERS), Rater(peer, Category.PEERS)], set(), False)
    raters = choose_raters(subject, manager, [Rater(peer, Category.PEERS), Rater(report, Category.DIRECT_REPORTS)],
                           {report}, True)
    assert Rater(manager, Category.LINE_MANAGER) in raters and len(raters) == 3


def test_each_rater_is_asked_only_in_the_group_they_are_in_and_never_by_themselves():
    """Outsider, issue 24: three direct reports asked as "peers" were shown with 3 answers where direct reports need
    5; the line manager asked as an anonymous peer (or asking about their report and listing themselves) could count
    themselves in a category and take their own answers away from it."""
    subject, manager, reports, peers = person(), uuid.uuid4(), [uuid.uuid4() for _ in range(3)], [uuid.uuid4(),
                                                                                                    uuid.uuid4()]
    with pytest.raises(FeedbackError, match="asked as a direct report"):
        choose_raters(subject, manager, [Rater(r, Category.PEERS) for r in reports], set(reports), False)
    for include_line_manager in (False, True):
        with pytest.raises(FeedbackError, match="asked as line manager"):
            choose_raters(subject, manager, [Rater(manager, Category.PEERS), *(Rater(p, Category.PEERS) for p in peers)],
                          set(), include_line_manager)
    requester = uuid.uuid4()
    with pytest.raises(FeedbackError, match="whoever asks"):
        choose_raters(subject, None, [Rater(requester, Category.PEERS), *(Rater(p, Category.PEERS) for p in peers)],
                      set(), False, requester)
    chosen = choose_raters(subject, manager, [*(Rater(r, Category.DIRECT_REPORTS) for r in reports),
                                              *(Rater(p, Category.PEERS) for p in peers)], set(reports), False, manager)
    assert {r.category for r in chosen if r.staff_id in reports} == {Category.DIRECT_REPORTS}


def _request() -> FeedbackRequest:
    return FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360",
                           closes_on=date(2027, 3, 15), k=3, requested_by="t", title="Feedback for Ada", today=TODAY)


def test_a_request_invites_a_member_of_staff_with_no_link_and_closes_once():
    request = _request()
    invitation = request.invite(Rater(uuid.uuid4(), Category.PEERS), "h" * 64, uuid.uuid4(), "Ada Oak")
    [issued] = request.recorded
    assert invitation.answered is False and issued.sealed_link is None and issued.answer_in_staffroom
    assert not issued.reissued and issued.about == "Ada Oak"
    request.pull_events()
    request.close([], AT)
    assert request.status is RequestStatus.CLOSED
    # so notifications sends no invitation to it that has not gone yet (outsider O6 F9)
    assert request.recorded == [FeedbackRequestClosed(request_id=request.id, academy_id=request.academy_id)]
    with pytest.raises(FeedbackError):
        request.close([], AT)
    assert len(request.recorded) == 1


def test_answer_now_replaces_the_token_of_an_unanswered_invitation_and_publishes_nothing():
    """Outsider O8: its news ("You opened the feedback about ...") named, in notifications and the mail spool,
    exactly who answered each closed request."""
    request = _request()
    invitation = request.invite(Rater(uuid.uuid4(), Category.PEERS), "h" * 64, uuid.uuid4())
    request.pull_events()
    request.new_link(invitation, "n" * 64, TODAY)
    assert invitation.token_hash == "n" * 64 and request.recorded == []


@pytest.mark.parametrize("answered, today, outside, refusal", [
    (True, TODAY, False, "already given"),
    (False, date(2027, 3, 16), False, "closed"),
    (False, TODAY, True, "link in their email"),
])
def test_answer_now_is_refused_once_answered_once_closed_and_to_someone_outside_the_trust(answered, today, outside,
                                                                                         refusal):
    request = _request()
    invitation = request.invite(Rater(uuid.uuid4(), Category.PEERS), "h" * 64, uuid.uuid4())
    invitation.answered = answered
    if outside:
        invitation.staff_id = None
    request.pull_events()
    with pytest.raises(FeedbackError, match=refusal):
        request.new_link(invitation, "n" * 64, today)
    assert invitation.token_hash == "h" * 64 and not request.recorded


def test_a_closing_date_must_be_after_today():
    with pytest.raises(FeedbackError):
        FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360", closes_on=TODAY,
                        k=3, requested_by="t", title="x", today=TODAY)


def test_upward_rounds_leave_out_managers_with_fewer_than_five_reports():
    academy = uuid.uuid4()
    big, small = person(academy), person(academy)
    team = [person(academy) for _ in range(5)]
    pair = [person(academy) for _ in range(4)]
    managers = {p.staff_id: big.staff_id for p in team} | {p.staff_id: small.staff_id for p in pair}
    included, left_out = managers_in_scope([big, small, *team, *pair], managers, academy, TODAY, 3)
    assert list(included) == [big.staff_id] and left_out == [small.staff_id]


# -- people outside the trust (issue 24) ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("  Grace.Hopper@Navy.Example ", "grace.hopper@navy.example"),
    ("o'brien+360@mail.school.org.uk", "o'brien+360@mail.school.org.uk"),
])
def test_an_email_address_is_trimmed_and_put_in_lower_case(typed, expected):
    assert email_address(typed) == expected


@pytest.mark.parametrize("typed", [
    "", "   ", "grace", "grace@", "@navy.example", "grace@navy", "grace@@navy.example", "gr ace@navy.example",
    "grace@navy..example", "grace.@navy.example", ".grace@navy.example", "grace@-navy.example", "grace@navy.e",
    "grace@navy.example\nBcc: all@navy.example", "a,b@navy.example", "grace@navy.123", "x" * 65 + "@navy.example",
    "g@" + "a" * 250 + ".example", '"grace"@navy.example', "grace@[10.0.0.1]", None,
])
def test_anything_but_one_plain_email_address_is_refused_without_repeating_it(typed):
    with pytest.raises(FeedbackError) as refused:
        email_address(typed)
    assert refused.value.field == "outside_trust"
    assert not (typed and typed.strip()) or typed.strip() not in str(refused.value)


def test_the_same_address_twice_in_any_case_is_refused():
    with pytest.raises(FeedbackError, match="twice"):
        outside_raters(["ann@oak.example", " ANN@Oak.Example"])
    assert outside_raters(["Ann@oak.example", "bo@elm.example"]) == ["ann@oak.example", "bo@elm.example"]


def test_at_most_ten_people_outside_the_trust_are_asked_in_one_request():
    assert MAX_OUTSIDE == 10
    assert len(outside_raters([f"p{i}@oak.example" for i in range(10)])) == 10
    with pytest.raises(FeedbackError, match="at most 10"):
        outside_raters([f"p{i}@oak.example" for i in range(11)])


def test_people_outside_the_trust_are_enough_to_ask_but_never_chosen_from_the_staff_list():
    subject = person()
    assert choose_raters(subject, None, [], set(), False, outside=3) == []
    with pytest.raises(FeedbackError, match="at least one"):
        choose_raters(subject, None, [], set(), False, outside=0)
    with pytest.raises(FeedbackError, match="by their email address"):
        choose_raters(subject, None, [Rater(uuid.uuid4(), Category.OTHERS)], set(), False)


def test_people_outside_the_trust_are_anonymous_with_k_like_peers_and_cannot_be_named():
    assert threshold(Category.OTHERS, 3) == 3 and threshold(Category.OTHERS, 4) == 4
    assert CATEGORY_NAMES[Category.OTHERS] == "People outside the trust"
    with pytest.raises(FeedbackError, match="without a name"):
        ballot(Category.OTHERS, answers(3), None, named=True)
    two = [ballot(Category.OTHERS, answers(3), None) for _ in range(2)]
    assert shown(tally("360", two, 3))["others"] == {"category": "others", "shown": False, "needed": 3}
    assert shown(tally("360", two + two[:1], 3))["others"]["shown"]


def test_an_invitation_outside_the_trust_keeps_no_id_and_its_event_carries_only_seals():
    request = FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360",
                              closes_on=date(2027, 3, 14), k=3, requested_by="me", title="Feedback for Ada",
                              today=TODAY)
    rater = uuid.uuid4()
    invitation = request.invite_outside(rater, "h" * 64, "sealed-link", "sealed-address", "Ada Lovelace")
    assert invitation.staff_id is None and invitation.category is Category.OTHERS and request.invited == 1
    [event] = request.recorded
    assert event.staff_id == rater and event.sealed_address == "sealed-address" and event.about == "Ada Lovelace"
    assert event.academy_id == request.academy_id and event.feedback


def test_who_was_asked_lists_colleagues_by_name_and_people_outside_the_trust_by_how_many():
    ann, bo = uuid.uuid4(), uuid.uuid4()
    invited = [(ann, Category.PEERS), (None, Category.OTHERS), (bo, Category.LINE_MANAGER), (None, Category.OTHERS)]
    assert who_was_asked(invited, {ann: "Ann", bo: "Bo"}) == [
        ("Ann", Category.PEERS), ("Bo", Category.LINE_MANAGER), ("2 people outside the trust", Category.OTHERS)]
    assert who_was_asked([(None, Category.OTHERS)], {})[0][0] == "1 person outside the trust"
    assert plural(1, "manager") == "1 manager" and plural(2, "manager") == "2 managers"


# -- F7: no two open requests about one person share a rater ------------------------------------------------------

def test_a_second_open_request_about_someone_may_not_ask_any_of_the_same_people():
    ann, bo, cy = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    open_ = [OpenRequest("Feedback for Mo Head", date(2027, 3, 14), frozenset({ann, bo}), False)]
    with pytest.raises(FeedbackError) as refused:
        refuse_overlap("Mo Head", {bo, cy}, False, open_)
    assert str(refused.value).startswith('the request "Feedback for Mo Head" asks some of the same people about Mo '
                                         "Head and is open until 14 March 2027")
    refuse_overlap("Mo Head", {cy}, False, open_)  # nobody in common: nothing to subtract


def test_an_upward_round_is_refused_while_another_open_round_asks_about_the_same_manager():
    reports = frozenset(uuid.uuid4() for _ in range(5))
    open_ = [OpenRequest("Upward feedback for Mo Head", date(2027, 3, 14), reports, False, round_title="Spring")]
    with pytest.raises(FeedbackError, match='the upward round "Spring" asks some of the same people about Mo Head '
                                            "and is open until 14 March 2027") as refused:
        refuse_overlap("Mo Head", set(reports), False, open_, "academy_id")
    assert refused.value.field == "academy_id"


def test_a_request_asking_outside_the_trust_is_never_open_beside_another_about_the_same_person_either_way():
    """Outsider: B asked X, Y, Z's own work addresses as "outside" beside A asking X, Y, Z, W: A minus B gave W."""
    asked = frozenset(uuid.uuid4() for _ in range(4))
    staff_only = [OpenRequest("Feedback for Mo Head", date(2027, 3, 14), asked, False)]
    with pytest.raises(FeedbackError, match='the request "Feedback for Mo Head" about Mo Head is open until 14 March '
                                            "2027, and a request that asks people outside the trust") as refused:
        refuse_overlap("Mo Head", set(), True, staff_only)
    assert refused.value.field == "outside_trust"
    outside_only = [OpenRequest("Feedback for Mo Head", date(2027, 3, 14), frozenset(), True)]
    with pytest.raises(FeedbackError, match="asks people outside the trust cannot be open beside"):
        refuse_overlap("Mo Head", {uuid.uuid4()}, False, outside_only)  # nobody in common, still refused
    round_ = [OpenRequest("Upward feedback for Mo Head", date(2027, 3, 14), asked, False, round_title="Spring")]
    with pytest.raises(FeedbackError, match='the upward round "Spring" about Mo Head'):
        refuse_overlap("Mo Head", set(), True, round_)
    refuse_overlap("Mo Head", set(), True, [])  # alone, it may ask outside


def test_a_colleague_s_address_is_refused_as_outside_the_trust_without_repeating_it():
    addresses = outside_raters(["  Ann.Oak@Oak.Example ", "gov@elsewhere.example"])
    with pytest.raises(FeedbackError) as refused:
        refuse_colleagues(addresses, {"ann.oak@oak.example", "bo@oak.example"})
    assert str(refused.value) == ("one of the addresses is a colleague's in the trust: choose them as a colleague "
                                  "instead") and refused.value.field == "outside_trust"
    refuse_colleagues(["gov@elsewhere.example"], {"bo@oak.example"})


@pytest.mark.parametrize("typed", ["=cmd|leakzz7@x.org", "+ann@oak.example", "-ann@oak.example", "@ann@oak.example"])
def test_an_address_starting_like_a_spreadsheet_formula_is_refused(typed):
    with pytest.raises(FeedbackError, match="cannot start with =, \\+, - or @") as refused:
        email_address(typed)
    assert "leakzz7" not in str(refused.value) and "oak.example" not in str(refused.value)


def test_whoever_asks_is_never_the_line_manager_asked():
    subject, manager = person(), uuid.uuid4()
    with pytest.raises(FeedbackError, match="you asked for this feedback, so you are not one of those asked") as no:
        choose_raters(subject, manager, [Rater(uuid.uuid4(), Category.PEERS)], set(), True, requester_id=manager)
    assert no.value.field == "include_line_manager"
    assert [r.category for r in choose_raters(subject, manager, [], set(), True, requester_id=subject.staff_id)] == [
        Category.LINE_MANAGER]


def test_the_close_keeps_no_answered_total():
    request = FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360",
                              closes_on=date(2027, 3, 15), k=3, requested_by="t", title="Feedback for Ada",
                              today=TODAY)
    request.close([ballot(Category.PEERS, answers(4), None)] * 2, AT)
    assert request.answered is None and request.report["categories"][0]["shown"] is False


def test_only_one_open_request_about_someone_asks_people_outside_the_trust():
    open_ = [OpenRequest("Feedback for Mo Head", date(2027, 3, 14), frozenset(), True)]
    with pytest.raises(FeedbackError, match="outside the trust cannot be open beside another"):
        refuse_overlap("Mo Head", set(), True, open_)


# -- an outside tester's findings of 7 December 2026 (issue 24) ---------------------------------------------------

def test_f2_a_colleague_s_address_with_a_plus_tag_is_still_theirs():
    """Finding 2: jade.ahmed.26+360@oaktrust.example passed as "outside" where jade.ahmed.26@ was refused."""
    assert untagged("jade.ahmed.26+360@oaktrust.example") == "jade.ahmed.26@oaktrust.example"
    assert untagged("a+b+c@x.example") == "a@x.example" and untagged("plain@x.example") == "plain@x.example"
    for colleagues in ({"jade.ahmed.26@oaktrust.example"}, {"jade.ahmed.26+staff@oaktrust.example"}):
        with pytest.raises(FeedbackError, match="a colleague's in the trust") as refused:
            refuse_colleagues(outside_raters([" Jade.Ahmed.26+360@OakTrust.example "]), colleagues)
        assert "jade" not in str(refused.value)


def test_f2_any_address_at_a_domain_the_trust_s_staff_use_or_under_it_is_refused_and_another_school_s_is_not():
    trust = {"oaktrust.example", "oak.sch.uk"}
    for typed in ("new.person@oaktrust.example", "zorro@mail.oaktrust.example", "headteacher@oak.sch.uk"):
        with pytest.raises(FeedbackError, match="is the trust's own") as refused:
            refuse_colleagues([typed], set(), trust)
        assert refused.value.field == "outside_trust" and typed.split("@")[0] not in str(refused.value)
    # a colleague at another school under the same public suffix is outside the trust
    refuse_colleagues(["head@elm.sch.uk", "gov@oaktrust-friends.example"], set(), trust)
    assert domains_to_check(["a@mail.oak.sch.uk", "b@x.example"]) == [
        "mail.oak.sch.uk", "oak.sch.uk", "sch.uk", "x.example"]


def test_f3_a_category_holding_someone_who_is_a_direct_report_at_the_close_needs_five():
    """Finding 3: a head moved three reports away, asked them as peers, moved them back: shown with 3 answers."""
    moved, peer = [uuid.uuid4() for _ in range(3)], uuid.uuid4()
    invited = [*((s, Category.PEERS) for s in moved), (peer, Category.PEERS)]
    assert thresholds(3, invited, set(moved))[Category.PEERS] == 5
    assert thresholds(3, invited, set())[Category.PEERS] == 3
    assert thresholds(7, invited, set(moved))[Category.PEERS] == 7  # never below k either
    request = FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360",
                              closes_on=date(2027, 3, 15), k=3, requested_by="t", title="Feedback for Ben",
                              today=TODAY)
    request.close([ballot(Category.PEERS, answers(4, "Moved"), None) for _ in range(4)], AT, invited, {moved[0]})
    assert request.report["categories"] == [{"category": "peers", "shown": False, "needed": 5}]


def test_f4_a_second_report_shown_about_someone_in_one_school_year_is_refused():
    """Finding 4: peers X, Y, Z, W then X, Y, Z, one after the other: the counts subtract to W's answers."""
    assert school_year(date(2027, 3, 1)) == (date(2026, 9, 1), date(2027, 8, 31))
    assert school_year(date(2027, 9, 1)) == (date(2027, 9, 1), date(2028, 8, 31))
    x, y, z, w, p = (uuid.uuid4() for _ in range(5))
    earlier = [ShownReport("Feedback for Ben Taylor", date(2026, 11, 2), frozenset({x, y, z, w}))]
    with pytest.raises(FeedbackError) as refused:
        refuse_second_report("Ben Taylor", {x, y, z}, False, earlier, TODAY)
    assert str(refused.value).startswith('Ben Taylor already had feedback this school year that was shown ("Feedback '
                                         'for Ben Taylor", closed on 2 November 2026), and it asked some of the same '
                                         'people')
    assert str(refused.value).endswith("Ask other colleagues, or ask again from 1 September 2027")
    with pytest.raises(FeedbackError, match="one of the|people outside the trust cannot be compared"):
        refuse_second_report("Ben Taylor", {p}, True, earlier, TODAY)  # outside raters cannot be compared
    with pytest.raises(FeedbackError, match="people outside the trust cannot be compared"):
        refuse_second_report("Ben Taylor", {p}, False, [ShownReport("o", date(2026, 11, 2), frozenset(), True)], TODAY)
    refuse_second_report("Ben Taylor", {p}, False, earlier, TODAY)  # nobody in common: nothing to subtract
    refuse_second_report("Ben Taylor", {x, y, z}, False, earlier, date(2027, 9, 1))  # a new school year
    refuse_second_report("Ben Taylor", {x}, False, [ShownReport("x", date(2026, 8, 31), frozenset({x}))],
                         TODAY)  # last school year's


def test_f4_only_a_report_showing_an_anonymous_category_counts():
    assert not shows_anonymous({"named": [{"name": "Mo"}], "categories": [{"category": "peers", "shown": False}]})
    assert shows_anonymous({"named": [], "categories": [{"category": "peers", "shown": True}]})
    assert not shows_anonymous(None)


def test_f5_a_closing_date_is_at_most_eight_weeks_ahead_for_a_request_and_a_round():
    latest = TODAY + timedelta(weeks=8)
    FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360", closes_on=latest, k=3,
                    requested_by="t", title="x", today=TODAY)
    FeedbackRound(title="Spring", academy_id=None, closes_on=latest, created_by="hr", today=TODAY)
    with pytest.raises(FeedbackError, match="at most 8 weeks ahead \\(on or before 26 April 2027\\)") as refused:
        FeedbackRequest(subject_id=uuid.uuid4(), academy_id=uuid.uuid4(), question_set="360",
                        closes_on=date(2099, 1, 1), k=3, requested_by="t", title="x", today=TODAY)
    assert refused.value.field == "closes_on"
    with pytest.raises(FeedbackError, match="at most 8 weeks ahead"):
        FeedbackRound(title="Spring", academy_id=None, closes_on=latest + timedelta(days=1), created_by="hr",
                      today=TODAY)


def test_a_refusal_names_a_chosen_person_the_caller_may_see_and_otherwise_no_one_and_never_by_id():
    subject, peer, stranger = person(), uuid.uuid4(), uuid.uuid4()
    with pytest.raises(FeedbackError) as twice:
        choose_raters(subject, None, [Rater(peer, Category.PEERS)] * 2, set(), False, names={peer: "Jade Ahmed"})
    assert str(twice.value) == "Jade Ahmed is chosen twice: ask each person once"
    with pytest.raises(FeedbackError) as not_a_report:
        choose_raters(subject, None, [Rater(stranger, Category.DIRECT_REPORTS)], set(), False,
                      names={peer: "Jade Ahmed"})
    assert str(not_a_report.value).startswith("one of the people chosen is not a direct report")
    assert str(stranger) not in str(not_a_report.value)
