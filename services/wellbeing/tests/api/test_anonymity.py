"""Trying to find out who answered what, and failing: through the stored rows, small groups, subtracting
one report from another, and watching the figures move while a survey is open."""
from __future__ import annotations

import uuid

from wellbeing.domain.disclosure import Cell, equations

ANSWER_TABLES = ("ballots", "comments", "drivers", "results")


def _run_with_answers(trust, answers, sizes: dict[str, tuple[int, int]], comment=None):
    for name, (teaching, support) in sizes.items():
        trust.academy(name, teaching=teaching, support=support)
    run, links = trust.open()
    for i, (_staff_id, token) in enumerate(sorted(links.items())):
        assert trust.answer(token, answers(1 + i % 5, enps=i % 11, comment=comment and f"{comment} {i}")).status_code == 204
    return run, links


def test_no_stored_answer_joins_back_to_a_person_or_a_link_or_a_time(trust, db, answers):
    run, links = _run_with_answers(trust, answers, {"Oak": (6, 0)}, comment="Secret remark")
    people = {str(s["staff_id"]) for s in trust.staff["Oak"]}
    from wellbeing.service.respond import token_hash
    secrets = people | set(links.values()) | {token_hash(t) for t in links.values()}
    for table in ANSWER_TABLES:
        columns = set(db.tables[table].c.keys())
        assert not columns & {"staff_id", "token", "token_hash", "invitation_id", "created_at", "submitted_at", "ip"}
        assert not any(str(c.type).upper().startswith(("DATETIME", "TIMESTAMP")) for c in db.tables[table].c)
        for row in db.rows(table):
            assert not {str(v) for v in row.values()} & secrets, table
    # six answers wait, sealed, in the box until the run closes
    assert (len(db.rows("comments")), len(db.rows("ballots"))) == (0, 6)
    assert not any(b"Secret remark" in row["sealed"] for row in db.rows("ballots"))
    trust.close(run["id"])
    assert (len(db.rows("comments")), len(db.rows("ballots"))) == (6, 0)
    for row in db.rows("comments"):
        assert row["id"].version == 4  # random: its order says nothing about when
    # nor does anything written beside the answers: no audit row, no event, for a submission
    assert not [a for a in db.audit() if a["actor"] == "respondent"]
    assert {e["type"] for e in db.events()} == {"wellbeing.survey_opened", "wellbeing.invitation_issued",
                                                "wellbeing.survey_closed", "wellbeing.results_published"}
    invitation = db.rows("invitations")[0]
    assert set(invitation) == {"run_id", "staff_id", "token_hash", "academy_id", "staff_type", "service_band", "status"}


def test_saved_drafts_are_sealed_so_the_database_cannot_read_them(trust, db):
    trust.academy("Oak", teaching=5)
    run, links = trust.open()
    token = next(iter(links.values()))
    assert trust.answer(token, {"trust.improve": "My line manager shouts", "hse.21": 5}, final=False).status_code == 204
    [draft] = db.rows("drafts")
    assert b"shouts" not in draft["sealed"] and b"hse.21" not in draft["sealed"]
    assert draft["token_hash"] != token


def test_no_response_size_follows_the_answers_so_access_logs_hold_nothing_of_them(trust, client, answers):
    """Found by issue 19's third outsider: access logs record each response's bytes; a save echoed the answers and
    the questionnaire carried the draft, so sizes matched comment lengths (and, with the order invitations were
    answered, named 11 of 12 respondents). Saves now send nothing back and the questionnaire has one size."""
    from wellbeing.domain.instruments import TEXT_MAX_LENGTH

    trust.academy("Oak", teaching=6)
    _, links = trust.open()
    tokens = list(links.values())
    drafts = [{}, {"hse.1": 1}, answers(3, enps=10, comment="x"), answers(5, comment="\U0001f600\"é" * 600),
              {**answers(1, enps=0), "trust.improve": "\U0001f600" * TEXT_MAX_LENGTH}]
    sizes = set()
    for token, draft in zip(tokens, drafts):
        if draft:
            saved = trust.answer(token, draft, final=False)
            assert (saved.status_code, saved.data) == (204, b"")
        mine = client.get("/survey", headers={"X-Survey-Token": token, "X-Draft-Key": trust.browser})
        assert mine.status_code == 200 and {k: v for k, v in mine.get_json()["saved"].items()} == {
            k: v.strip() if isinstance(v, str) else v for k, v in draft.items()}
        sizes.add(len(mine.data))
        elsewhere = client.get("/survey", headers={"X-Survey-Token": token})  # another browser: nothing opens
        assert elsewhere.get_json()["saved_elsewhere"] is bool(draft)
        sizes.add(len(elsewhere.data))
    assert len(sizes) == 1, sizes


def test_a_domain_s_questions_less_the_domain_give_nobody_s_answer(trust, client, answers):
    """Issue 19's sixth outsider: eleven answered the HSE "Change" domain in full and one answered only hse.26 (5);
    the three questions' totals less three times the domain's total was that person's 5."""
    trust.academy("Oak", teaching=12)
    run, links = trust.open(instruments=["hse_indicator", "enps"])
    for i, token in enumerate(links.values()):
        given = {f"hse.{n}": 1 + (n + i) % 5 for n in range(1, 36)} | {"enps.recommend": 7}
        if i == 0:
            given = {key: value for key, value in given.items() if key not in ("hse.28", "hse.32")} | {"hse.26": 5}
        assert trust.answer(token, given).status_code == 204
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
    for group in (g for g in report["groups"] if not g["suppressed"]):
        [change] = [m for m in group["measures"] if m["key"] == "hse.change"]
        items = [i for i in group["items"] if i["key"] in ("hse.26", "hse.28", "hse.32")]
        assert {i["n"] for i in items} == {change["n"]} == {11}, group  # the same eleven people throughout
        # so the questions' totals are three times the domain's: subtracting them leaves nobody's answer
        assert abs(sum(i["mean"] for i in items) / 3 - change["mean"]) < 0.01, (items, change)


Q1 = [{"key": "q1", "text": "I have what I need to do my job", "scale": "agreement5"}]


def _drivers(client, trust, run_id) -> dict:
    found = client.get(f"/runs/{run_id}/drivers", headers=trust.hr()).get_json()
    return {d["measure"]: (d["n"], d["correlation"]) for d in found["drivers"]}


def test_a_driver_over_one_fewer_than_its_measure_is_not_shown(trust, client):
    """Issue 19's seventh outsider: six answered q1 and eNPS, one only q1 (3). The driver's n was one short of
    q1's, and only one value of the seventh q1 answer made the published r come out: that person's 3."""
    trust.academy("Oak", teaching=7)
    run, links = trust.open(instruments=["enps"], questions=Q1, outcome="enps")
    for i, token in enumerate(links.values()):
        given = {"custom.q1": [4, 4, 2, 5, 5, 3, 3][i]} | ({"enps.recommend": [9, 3, 10, 7, 6, 8][i]} if i < 6 else {})
        assert trust.answer(token, given).status_code == 204
    trust.close(run["id"])
    assert "custom.q1" not in _drivers(client, trust, run["id"])


def test_no_driver_is_shown_for_a_group_whose_figure_is_hidden_nor_an_academy_through_its_only_staff_type(
        trust, client, db):
    """Issue 19's seventh outsider: with q1 hidden for the trust (three of Elm's seven answered it), the trust's q1
    driver still said n = 10 and its r, which with the eNPS figures gave Elm's three answers; and Oak's hidden q1
    was shown anyway as Oak's only staff type's."""
    trust.academy("Oak", teaching=7)
    trust.academy("Elm", teaching=7)
    run, links = trust.open(instruments=["enps"], questions=Q1, outcome="enps")
    oak = {p["staff_id"] for p in trust.staff["Oak"]}
    elm_q1 = iter([1, 1, 2])
    for staff_id, token in links.items():
        given = {"enps.recommend": 9 if staff_id in oak else 4}
        if staff_id in oak:
            given["custom.q1"] = 4
        else:
            q1 = next(elm_q1, None)
            if q1 is not None:
                given["custom.q1"] = q1
        assert trust.answer(token, given).status_code == 204
    trust.close(run["id"])
    assert "custom.q1" not in _drivers(client, trust, run["id"])  # its pairs (10) are 4 short of eNPS's 14
    q1 = [row for row in db.rows("results") if row["figure"] == "custom.q1" and row["kind"] == "measure"]
    shown = {(row["cut"], row["n"]) for row in q1 if not row["suppressed"]}
    assert not {n for _, n in shown} & {3, 7}, shown  # neither Elm's three nor Oak's seven on their own
    from wellbeing.domain.disclosure import driver_shown
    assert driver_shown(10, 10, 10, 5) and driver_shown(10, 16, 10, 5)  # the same people, or k more: shown
    assert not driver_shown(10, 11, 10, 5) and not driver_shown(10, None, 10, 5)


def test_a_trust_driver_is_not_shown_where_one_academy_leaves_out_fewer_than_k(trust, client):
    """Issue 19's eighth outsider: Oak's fifteen all answered life satisfaction 8 and ten of them happiness; of
    Elm's six, one answered life satisfaction (1) and not happiness. The trust's happiness driver left out six
    (at least k), five of them Oak's, whose answers were known: only one value of Elm's one made r come out."""
    trust.academy("Oak", teaching=15)
    trust.academy("Elm", teaching=0, support=6)
    run, links = trust.open(instruments=["ons4"], outcome="ons.life_satisfaction")
    oak = [p["staff_id"] for p in trust.staff["Oak"]]
    elm = [p["staff_id"] for p in trust.staff["Elm"]]
    for i, staff_id in enumerate(oak):
        given = {"ons.life_satisfaction": 8} | ({"ons.happiness": i % 10} if i < 10 else {})
        assert trust.answer(links[staff_id], given).status_code == 204
    for staff_id, life, happy in zip(elm, [3, 6, 7, 9, 10, 1], [2, 4, 5, 7, 9, None]):
        given = {"ons.life_satisfaction": life} | ({"ons.happiness": happy} if happy is not None else {})
        assert trust.answer(links[staff_id], given).status_code == 204
    trust.close(run["id"])
    assert "ons.happiness" not in _drivers(client, trust, run["id"])


def test_a_hidden_group_looks_the_same_whether_its_lone_member_answered_skipped_or_not(trust, client, db, answers):
    """Issue 19's tenth outsider: the one leader's hidden group listed four of the five questions (so the leader had
    answered, and skipped the fifth), and was missing altogether when the leader did not answer."""
    from wellbeing.domain.instruments import INSTRUMENTS

    trust.academy("Oak", teaching=6, support=4)
    leader = {"staff_id": uuid.uuid4(), "academy_id": trust.academies["Oak"], "first_name": "L", "last_name": "Oak",
              "email": "leader@oak.example", "staff_type": "leadership", "start_date": trust.staff["Oak"][0]["start_date"],
              "leaving_date": None}
    db.insert("staff", leader)
    seen = []
    for leader_answers in ({"trust.valued": 4}, None):  # answers one of the questions; does not answer at all
        run, links = trust.open(instruments=["enps", "trust_core"], title=f"Pulse {len(seen)}")
        for staff_id, token in links.items():
            if staff_id == leader["staff_id"]:
                if leader_answers:
                    assert trust.answer(token, leader_answers).status_code == 204
            else:
                mine = {k: v for k, v in answers(3).items() if k.startswith(("enps.", "trust."))}
                assert trust.answer(token, mine).status_code == 204
        trust.close(run["id"])
        report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
        [group] = [g for g in report["groups"] if g["cut"] == "staff_type" and g["staff_type"] == "leadership"] or [
            g for g in report["groups"] if g["cut"] == "academy_staff_type" and g["staff_type"] == "leadership"]
        assert group["suppressed"]
        leaders = [row for row in db.rows("results") if row["run_id"] == uuid.UUID(run["id"])
                   and row["cut"] == "academy_staff_type" and row["staff_type"] == "leadership"]
        seen.append(({m["key"] for m in group["measures"]}, {i["key"] for i in group["items"]},
                     sorted((row["kind"], row["figure"], row["suppressed"], row["n"]) for row in leaders)))
    rated = {item.key for key in ("enps", "trust_core") for item in INSTRUMENTS[key].items if item.scale != "text"}
    assert seen[0] == seen[1] and seen[0][1] == rated, seen


def test_which_staff_types_are_grouped_does_not_say_whether_a_lone_leader_answered(trust, client, db, answers):
    """Issue 19's tenth outsider: "support staff and leaders" were shown together when Oak's one leader had answered
    and apart when they had not, because the groups were drawn from who answered. They are drawn from who was
    asked, so the report hides and groups the same cells either way."""
    trust.academy("Oak", teaching=8, support=6)
    trust.academy("Elm", teaching=8, support=6)
    db.insert("staff", {"staff_id": uuid.uuid4(), "academy_id": trust.academies["Oak"], "first_name": "L",
                        "last_name": "Oak", "email": "leader@oak.example", "staff_type": "leadership",
                        "start_date": trust.staff["Oak"][0]["start_date"], "leaving_date": None})
    leader = db.rows("staff", email="leader@oak.example")[0]["staff_id"]
    seen = []
    for leader_answers in (True, False):
        run, links = trust.open(instruments=["enps"], title=f"Pulse {len(seen)}")
        for staff_id, token in links.items():
            if staff_id != leader or leader_answers:
                mine = {key: value for key, value in answers(4).items() if key.startswith("enps.")}
                assert trust.answer(token, mine).status_code == 204
        trust.close(run["id"])
        report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
        seen.append(sorted((g["cut"], g["academy_name"] or "", g["staff_type_name"] or "", g["service_band_name"] or "",
                            g["suppressed"], tuple(m["suppressed"] for m in g["measures"]),
                            tuple(i["suppressed"] for i in g["items"])) for g in report["groups"]))
    assert ("staff_type", "", "Support staff and leaders", "", False, (False,), (False,)) in seen[1], seen[1]
    assert seen[0] == seen[1]


def test_a_small_group_shows_no_figure_and_no_comment(trust, client, answers):
    # Elm has 3 people: below the minimum of 5, so hidden; and Oak too, or trust minus Oak would be Elm.
    run, _ = _run_with_answers(trust, answers, {"Oak": (8, 0), "Elm": (3, 0)}, comment="Remark")
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report?cut=academy", headers=trust.hr()).get_json()
    for group in report["groups"]:
        assert group["suppressed"] and group["responses"] is None
        assert all(m["mean"] is None and m["n"] is None for m in group["measures"])
        assert all(i["distribution"] is None for i in group["items"])
    comments = client.get(f"/runs/{run['id']}/comments", headers=trust.hr()).get_json()
    assert [c["cut"] for c in comments] == ["trust"]  # only the trust's 11 people's comments, not per academy
    # academy HR at the small academy sees nothing of their own staff's answers
    elm = client.get(f"/runs/{run['id']}/report", headers=trust.hr("Elm")).get_json()
    assert all(g["suppressed"] for g in elm["groups"] if g["academy_name"] == "Elm")


def test_no_two_reports_subtract_to_reveal_a_small_group(trust, client, answers):
    # Oak: 6 teachers, 2 support; Elm: 5 teachers, 1 support; Ash: 7 teachers. Several cells are below 5.
    run, _ = _run_with_answers(trust, answers, {"Oak": (6, 2), "Elm": (5, 1), "Ash": (7, 0)})
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
    true_sizes = {("Oak", "teaching"): 6, ("Oak", "support"): 2, ("Elm", "teaching"): 5, ("Elm", "support"): 1,
                  ("Ash", "teaching"): 7}
    names = {str(v): k for k, v in trust.academies.items()}
    figures = {}
    for g in report["groups"]:
        cell = Cell(g["cut"], g["academy_id"], g["staff_type"], g["service_band"])
        figures[cell] = g["responses"]
    # Every published sum either hides nothing or hides two or more groups with at least 5 people between them.
    cells = {cell: 1 for cell in figures}
    for total, parts in equations(cells):
        if figures.get(total) is None:
            continue
        hidden = [p for p in parts if figures[p] is None]
        if hidden:
            assert len(hidden) >= 2
            hidden_people = figures[total] - sum(figures[p] for p in parts if figures[p] is not None)
            assert hidden_people >= 5, (total, hidden)
    # and so neither small group's own answers can be worked out from what is shown
    for (academy, staff_type), size in true_sizes.items():
        cell = next(c for c in figures if c.cut == "academy_staff_type" and names[c.academy_id] == academy
                    and c.staff_type == staff_type)
        if size < 5:
            assert figures[cell] is None
    assert figures[Cell("trust")] == 21


def test_nothing_moves_while_a_survey_is_open_so_watching_it_reveals_nothing(trust, client, answers):
    trust.academy("Oak", teaching=6)
    run, links = trust.open()
    tokens_ = list(links.values())
    for token in tokens_[:5]:
        trust.answer(token, answers(3))
    hr = trust.hr()
    before = {path: client.get(f"/runs/{run['id']}/{path}", headers=hr) for path in ("report", "comments", "drivers")}
    assert all(r.status_code == 409 for r in before.values())
    trust.answer(tokens_[5], answers(1, enps=0))
    after = client.get(f"/runs/{run['id']}/progress", headers=hr).get_json()
    assert after == [{"academy_id": str(trust.academies["Oak"]), "invited": 6, "responded": 6, "response_rate": 100.0}]
    assert client.get(f"/runs/{run['id']}/report", headers=hr).status_code == 409


def test_the_minimum_group_size_can_be_raised_but_never_lowered(trust, client):
    trust.academy("Oak", teaching=5)
    lowered = client.post("/runs", headers=trust.hr(), json={
        "title": "Pulse", "instruments": ["enps"], "opens_on": "2026-12-01", "closes_on": "2026-12-10",
        "min_group_size": 3})
    assert lowered.status_code == 422 and "never lowered" in str(lowered.get_json())
    raised = trust.run(instruments=["enps"], min_group_size=10)
    assert raised["min_group_size"] == 10
    assert uuid.UUID(raised["id"])


def test_two_people_swapping_who_skipped_a_question_are_not_compared_where_the_group_s_count_is_hidden(
        trust, client, db):
    """Issue 19's twelfth outsider: at academy B (5 teachers under two years in post, 8 of ten years or more),
    2 of the newer teachers answered happiness only, and of the others P0 skipped life satisfaction and P1 answered
    0; in the next run P1 skipped it and P0 answered 10. B's count of respondents was hidden but life satisfaction
    was shown (n=7 in both), and the trend, taking B's hidden count as 0, compared them: 4.29 then 5.71, which is
    P0's and P1's answers. No figure is shown where the group's count is hidden, and then it is not compared."""
    from datetime import date

    trust.academy("B", teaching=8, started=date(2012, 1, 1))
    db.insert("staff", *[{"staff_id": uuid.uuid4(), "academy_id": trust.academies["B"], "first_name": f"N{i}",
                          "last_name": "B", "email": f"n{i}@b.example", "staff_type": "teaching",
                          "start_date": date.today().replace(day=1), "leaving_date": None} for i in range(5)])
    trust.academy("C", teaching=15, started=date(2012, 1, 1))
    trust.academy("S", teaching=0, support=6, started=date(2012, 1, 1))
    newer = [row["staff_id"] for row in db.rows("staff", academy_id=trust.academies["B"]) if row["first_name"][0] == "N"]
    older = [p["staff_id"] for p in trust.staff["B"]]
    reports = []
    for p0, p1 in (((None), 0), (10, None)):
        run, links = trust.open(instruments=["ons4"], title=f"Run {len(reports) + 1}")
        for staff_id, token in links.items():
            if staff_id in newer:
                if staff_id in newer[:2]:
                    assert trust.answer(token, {"ons.happiness": 6}).status_code == 204
                continue
            life = {older[0]: p0, older[1]: p1}.get(staff_id, 5)
            given = {"ons.happiness": 6} | ({"ons.life_satisfaction": life} if life is not None else {})
            assert trust.answer(token, given).status_code == 204
        trust.close(run["id"])
        reports.append(client.get(f"/runs/{run['id']}/report", headers=trust.hr("B")).get_json())
    for report in reports:
        [b] = [g for g in report["groups"] if g["cut"] == "academy" and g["academy_name"] == "B"]
        if b["suppressed"]:  # B's count is hidden: so is every figure of B's
            assert all(m["suppressed"] and m["mean"] is None for m in b["measures"]), b["measures"]
    points = [point for series in reports[1]["trend"] if series["measure"] == "ons.life_satisfaction"
              and series["academy_id"] == str(trust.academies["B"]) for point in series["points"]]
    assert all(p["mean"] is None for p in points[1:]), points  # never the two people's answers


def test_a_survey_of_leaders_three_at_each_academy_shows_its_whole_and_says_whose_it_is(trust, client, db):
    """Issue 19's thirteenth outsider: nine leaders, three at each of three academies, all answered, and nothing
    was shown: leaving those of a staff type that asked fewer than k out of every count left the whole run at 0.
    The run's own group shows its nine (each academy's three stay hidden), with its comments, and is called what
    it is: "Leaders across the trust", not "The whole trust"."""
    from datetime import date

    for name in ("Ash", "Beech", "Cedar"):
        trust.academy(name, teaching=0)
        db.insert("staff", *[{"staff_id": uuid.uuid4(), "academy_id": trust.academies[name], "first_name": f"L{i}",
                              "last_name": name, "email": f"l{i}@{name.lower()}.example", "staff_type": "leadership",
                              "start_date": date(2015, 9, 1), "leaving_date": None} for i in range(3)])
    run, links = trust.open(instruments=["enps", "trust_core"], staff_types=["leadership"])
    assert len(links) == 9
    for i, token in enumerate(links.values()):
        assert trust.answer(token, {"enps.recommend": (i * 3) % 11, "trust.valued": 1 + i % 5,
                                    "trust.improve": "More time to lead"}).status_code == 204
    trust.close(run["id"])
    report = client.get(f"/runs/{run['id']}/report", headers=trust.hr()).get_json()
    assert report["everyone"] == "Leaders across the trust"
    [whole] = [g for g in report["groups"] if g["cut"] == "trust"]
    assert not whole["suppressed"] and whole["responses"] == 9
    assert all(g["suppressed"] for g in report["groups"] if g["cut"] == "academy")
    comments = client.get(f"/runs/{run['id']}/comments", headers=trust.hr()).get_json()
    assert [len(c["comments"][0]["texts"]) for c in comments if c["cut"] == "trust"] == [9]
