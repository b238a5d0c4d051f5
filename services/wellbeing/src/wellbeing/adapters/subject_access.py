"""Where the wellbeing service holds something about a person, for a subject access request (issue 21;
docs/privacy.md): that they were invited to a survey, never what they answered."""
from __future__ import annotations

from staffroom_shared.subject_access import Holding, subject

from .orm import actions, feedback_invitations, feedback_requests, invitations, staff

HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("the surveys you were invited to", invitations, subject(invitations.c.staff_id),
            withheld=("token_hash",), theirs_alone=("status",),
            theirs_alone_why="Whether you answered each survey: it is only in a copy you ask for yourself (Your "
                             "data), since HR never learn who answered a survey (docs/wellbeing.md)."),
    Holding("the actions after staff surveys that you lead", actions, subject(actions.c.owner_id),
            withheld=("created_by",)),
    # what raters said: read on the Feedback page, never in a bundle HR handle; how many answered is counted only for
    # HR while it is open and kept by nobody after, so the copy states no count (it said "Answered 0", finding 6)
    Holding("the feedback asked for about you", feedback_requests, subject(feedback_requests.c.subject_id),
            withheld=("report", "requested_by", "answered")),
    Holding("the feedback you were asked to give", feedback_invitations, subject(feedback_invitations.c.staff_id),
            withheld=("token_hash",), theirs_alone=("answered",),
            theirs_alone_why="Whether you answered each request for feedback: it is only in a copy you ask for "
                             "yourself (Your data), since HR never learn who answered (docs/wellbeing.md)."),
)
