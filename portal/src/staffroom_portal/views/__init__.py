"""The portal's pages, one blueprint per part of the suite."""


def blueprints():
    from . import (actions, appraisal, cpd, data, feedback, home, hr, lifecycle, notifications, pulses,
                   survey_insights, survey_replies, surveys, targets, team)

    return [home.blp, appraisal.blp, team.blp, cpd.blp, notifications.blp, surveys.blp, survey_insights.blp,
            survey_replies.blp, actions.blp, pulses.blp, lifecycle.blp, hr.blp, targets.blp, data.blp,
            feedback.blp]
