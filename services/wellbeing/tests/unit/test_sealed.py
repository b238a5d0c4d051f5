"""Sealed drafts and ballots: one size for a run whatever they hold, and only the right keys open them."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing.adapters import sealed
from wellbeing.domain.instruments import INSTRUMENTS, SCALES, TEXT_MAX_LENGTH, Questionnaire, custom_instrument
from wellbeing.domain.scoring import score
from wellbeing.service.respond import seal_ballot
from staffroom_shared.storable import text_problem

RUN = uuid.uuid4()
KEY = bytes(range(32))
FORM = Questionnaire([*INSTRUMENTS.values(), custom_instrument(
    [{"key": f"free{n}", "text": f"Anything else ({n})?", "scale": "text"} for n in range(3)])])
SIZE = sealed.capacity(FORM)
GROUP = type("Group", (), {"academy_id": uuid.uuid4(), "staff_type": "leadership", "service_band": "5_to_10_years"})
# Text as long as allowed, in the characters JSON writes longest that a comment may hold: a control character (six
# bytes, \u0001) is refused as text that shows as something else (outsider O6, issue 24), so one outside the Basic
# Multilingual Plane (four bytes of UTF-8). The run's size still allows six a character.
LONGEST = "\U0001F600" * TEXT_MAX_LENGTH


def _answers(fill) -> dict:
    return {key: fill(item) for key, item in FORM.items.items()}


def _longest(item):
    scale = SCALES[item.scale]
    return LONGEST if scale.is_text else scale.maximum


def test_every_question_answered_at_full_length_fits_the_run_s_size():
    answers = _answers(_longest)
    draft = sealed.seal(KEY, RUN, answers, SIZE)
    ballot = seal_ballot(KEY, RUN, GROUP, score(FORM, answers), SIZE)
    assert len(draft) == len(ballot) == sealed.NONCE + 4 + SIZE + 16
    assert sealed.unseal(KEY, RUN, draft) == answers


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_valid_answers_seal_to_the_same_size(data):
    def answer(item):
        scale = SCALES[item.scale]
        if scale.is_text:
            return data.draw(st.text(min_size=1, max_size=TEXT_MAX_LENGTH).filter(str.strip).map(str.strip)
                             .filter(lambda t: "\x00" not in t and text_problem(t) is None))
        return data.draw(st.integers(scale.minimum, scale.maximum))

    chosen = data.draw(st.sets(st.sampled_from(sorted(FORM.items))))
    answers = {key: value for key, value in _answers(answer).items() if key in chosen}
    assert len(sealed.seal(KEY, RUN, answers, SIZE)) == sealed.NONCE + 4 + SIZE + 16
    if answers:
        assert len(seal_ballot(KEY, RUN, GROUP, score(FORM, answers), SIZE)) == sealed.NONCE + 4 + SIZE + 16


def test_a_draft_opens_only_with_its_link_and_its_browser_s_key_together():
    key = sealed.draft_key(KEY, "the-link-token", "browser-key-" + "a" * 20)
    box = sealed.seal(key, RUN, {"trust.improve": "private"}, SIZE)
    for wrong in (sealed.draft_key(KEY, "the-link-token", ""),                       # the link alone
                  sealed.draft_key(KEY, "another-token", "browser-key-" + "a" * 20),  # the browser alone
                  sealed.draft_key(bytes(32), "the-link-token", "browser-key-" + "a" * 20)):  # without SEAL_KEY
        with pytest.raises(sealed.Unopenable):
            sealed.unseal(wrong, RUN, box)
    with pytest.raises(sealed.Unopenable):  # nor as another run's
        sealed.unseal(key, uuid.uuid4(), box)
    assert sealed.unseal(key, RUN, box) == {"trust.improve": "private"}
