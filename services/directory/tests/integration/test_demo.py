"""The demo trust's people to sign in as, on a real SQLite file."""
from datetime import date

from directory import bootstrap, demo
from directory.service.staff import register_academy
from staffroom_shared.config import ServiceConfig


def test_one_person_per_role_is_found_even_when_the_first_academy_has_no_headteacher(tmp_path):
    config = ServiceConfig.from_env("directory", {"STAFFROOM_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"})
    bootstrap.migrate(config)
    context = bootstrap.build(config)
    try:
        demo.seed(context.uow, per_academy=12)
        # An academy HR added by hand, whose name sorts first and which has nobody in it yet.
        register_academy(context.uow(), demo.SERVICE_PRINCIPAL, {"name": "Abbey Fields Academy", "urn": "149999",
                                                                 "phase": "primary"})
        people = demo.demo_people(context.uow())
    finally:
        context.engine.dispose()
    assert [p["as"] for p in people] == ["trust HR", "academy HR", "line manager", "member of staff"]


def test_someone_imported_later_does_not_become_a_demo_persona(tmp_path):
    """Outsider 4, issue 20: after HR imported "Tara Assistant" under the demo's head of department, the sign-in
    page's "member of staff" was Tara, not the person demo-tokens.txt named."""
    from directory.service.staff import add_staff

    config = ServiceConfig.from_env("directory", {"STAFFROOM_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"})
    bootstrap.migrate(config)
    context = bootstrap.build(config)
    try:
        demo.seed(context.uow, per_academy=12)
        before = demo.demo_people(context.uow())
        manager = next(p for p in before if p["as"] == "line manager")
        add_staff(context.uow(), demo.SERVICE_PRINCIPAL, {
            "staff_code": "T1", "academy_id": manager["academy_id"], "first_name": "Tara", "last_name": "Aaronson",
            "email": "tara.aaronson@example.org", "staff_type": "support", "post": "Head of Department",
            "start_date": date(2020, 9, 1), "line_manager_id": manager["staff_id"]})
        after = demo.demo_people(context.uow())
    finally:
        context.engine.dispose()
    assert after == before
