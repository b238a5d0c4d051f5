"""The portal's pages, one blueprint per part of the suite."""


def blueprints():
    from . import (actions, appraisal, cpd, data, feedback, home, hr, impact, lifecycle, notifications, pulses,
                   survey_insights, survey_replies, surveys, targets, team)
    from . import objective_templates, priorities  # issue 24: objectives that cascade
    from . import observations  # issue 24: observation templates and coaching
    from . import qa  # the QA map (issue 24)
    from . import recognition
    from . import induction  # statutory induction (issue 25)
    from . import npq  # national professional qualifications (issue 25)

    return [home.blp, appraisal.blp, team.blp, cpd.blp, notifications.blp, surveys.blp, survey_insights.blp,
            survey_replies.blp, actions.blp, pulses.blp, lifecycle.blp, hr.blp, targets.blp, data.blp,
            priorities.blp, objective_templates.blp, recognition.blp, observations.blp, qa.blp, impact.blp,
            feedback.blp, induction.blp, npq.blp]
