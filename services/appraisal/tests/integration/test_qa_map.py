"""The QA map's SQL on both databases (issue 24): rounds, observations in a round read back for the map (JSON
grades, the academies list) and actions with their coaching links, through the same
commands the API calls."""
from __future__ import annotations

from datetime import date, timedelta

from staffroom_shared.events import new_event
from staffroom_shared.principal import Principal

from appraisal.domain.observations import Band
from appraisal.service import appraisals as commands
from appraisal.service import observation_templates, qa

TODAY = date.today()
GRADES = [{"label": "Secure", "band": "strength"}, {"label": "Not yet", "band": "intervention"}]


def test_a_round_s_observations_make_its_map_and_its_actions_keep_their_links(world):
    hr = Principal(staff_id=None, roles=frozenset({"trust_hr"}), academy_id=None, subject="tests")
    world.deliver(new_event("academy.registered", {"academy_id": world.academy_id, "name": "Oakfield Primary",
                                                   "urn": "140001", "phase": "primary"}, producer="directory",
                            correlation_id="qa"))
    manager = world.join(staff_type="leadership")["staff_id"]
    people = [world.join(line_manager_id=manager) for _ in range(4)]
    teachers = [person["staff_id"] for person in people]
    world.open_cycle("teachers")
    uow = world.context.uow
    template = observation_templates.create_template(uow(), hr, {
        "name": "Drop-in", "kind": "drop_in", "criteria": [
            {"key": "adaptive", "label": "Adaptive teaching", "grades": GRADES}]})
    [qa_round] = qa.create_series(uow(), hr, {
        "name": "Autumn", "template_id": template.id, "academy_ids": [world.academy_id],
        "starts_on": TODAY - timedelta(days=10), "ends_on": TODAY + timedelta(days=10)})
    for teacher, grade in zip(teachers, ("Secure", "Secure", "Secure", "Not yet")):
        (row,) = world.appraisals_of(teacher)
        commands.add_observation(uow(), hr, row.id, {
            "observer_id": manager, "observed_on": TODAY, "focus": "Adapting", "template_id": template.id,
            "grades": {"adaptive": grade}, "department": "Maths", "qa_round_id": qa_round.id})
    with uow() as reads:
        found = qa.qa_map(reads, hr, qa_round.id)
        assert found["round"].academy_ids == [world.academy_id]
        [maths, total] = found["rows"]
        assert maths["department"] == "Maths" and maths["cells"][0]["teachers"] == 4
        assert maths["cells"][0]["band"] is Band.STRENGTH  # three of four strong; one of four under a third
        assert total["department"] is None and found["trust"][0]["teachers"] == 4
    # the directory moved a teacher to a support post as she was observed: once staff.updated arrives she is off the
    # map (outsider O8 F, issue 24)
    world.deliver(world.staff_event("staff.updated", {**people[2], "staff_type": "support"}, changed=["staff_type"]))
    with uow() as reads:
        assert qa.qa_map(reads, hr, qa_round.id)["trust"][0]["teachers"] == 3
    world.deliver(world.staff_event("staff.updated", people[2], changed=["staff_type"]))  # and back, for what follows
    pairs = [(teachers[0], teachers[3])]
    action = qa.create_action(uow(), hr, qa_round.id, {
        "kind": "share", "criterion": "adaptive", "academy_id": world.academy_id, "department": "Maths",
        "owner_id": manager, "pairs": [{"coach_id": c, "colleague_id": w} for c, w in pairs]})
    with uow() as reads:
        shown = qa.action(reads, hr, action.id)
        assert shown["action"].band_then is Band.STRENGTH and shown["band_now"] is Band.STRENGTH
        assert [(link["link"].coach_id, link["link"].colleague_id) for link in shown["links"]] == pairs
        assert [link["coach_name"] for link in qa.my_links(reads, Principal(
            staff_id=teachers[3], roles=frozenset({"staff"}), academy_id=world.academy_id, subject="t"))]

    # the colleague coached is erased six years after leaving: their coaching link and request go, the action stays
    colleague = Principal(staff_id=teachers[3], roles=frozenset({"staff"}), academy_id=world.academy_id, subject="t")
    qa.ask_for_coaching(uow(), colleague, "adaptive")
    world.deliver(world.staff_event("staff.erased", {**people[3], "first_name": "Former", "last_name": "Member",
                                                    "leaving_date": TODAY - timedelta(days=1)}, erased_on=TODAY))
    with uow() as reads:
        assert reads.qa.links(person=teachers[3]) == [] and reads.qa.requests(staff_id=teachers[3]) == []
        assert reads.qa.action(action.id) is not None
