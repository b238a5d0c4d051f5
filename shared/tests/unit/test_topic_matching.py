"""AMQP topic matching, which the embedded bus uses to route as RabbitMQ's topic exchange does."""
import pytest

from staffroom_shared.bus import topic_matches


@pytest.mark.parametrize("pattern, key", [
    ("staff.joined", "staff.joined"),
    ("staff.*", "staff.joined"),
    ("*.joined", "staff.joined"),
    ("#", "staff.joined"),
    ("#", "staff"),
    ("staff.#", "staff"),
    ("staff.#", "staff.joined"),
    ("staff.#", "staff.joined.late"),
    ("#.joined", "joined"),
    ("#.joined", "staff.joined"),
    ("a.#.z", "a.z"),
    ("a.#.z", "a.b.c.z"),
    ("*.*", "appraisal.review_completed"),
])
def test_pattern_matches_key(pattern, key):
    assert topic_matches(pattern, key)


@pytest.mark.parametrize("pattern, key", [
    ("staff.joined", "staff.left"),
    ("staff.*", "staff"),
    ("staff.*", "staff.joined.late"),
    ("*.joined", "joined"),
    ("staff.#", "staffroom.joined"),
    ("staff.#", "xstaff.joined"),
    ("#.joined", "staff.rejoined"),
    ("a.#.z", "a.zz"),
    ("staff.joined", "staffxjoined"),  # a dot is a separator, never a wildcard
    ("staff.joined", "staff.joined.v2"),
    ("cpd.enrolled", "appraisal.review_completed"),
])
def test_pattern_does_not_match_key(pattern, key):
    assert not topic_matches(pattern, key)
