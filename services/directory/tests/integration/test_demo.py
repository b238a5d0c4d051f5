"""The demo trust's people to sign in as, on a real SQLite file."""
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
