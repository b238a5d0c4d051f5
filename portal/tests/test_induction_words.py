"""HR's appraisal pages say how many early career teachers a cycle left out, in plain words (issue 25)."""
from __future__ import annotations

from staffroom_portal.views.hr import through_induction


def test_one_and_several_ects_left_out_are_said_as_people_say_them():
    assert through_induction(1) == "1 early career teacher serving induction is appraised through induction instead."
    assert through_induction(3) == "3 early career teachers serving induction are appraised through induction instead."
