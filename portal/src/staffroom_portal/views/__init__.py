"""The portal's pages, one blueprint per part of the suite."""


def blueprints():
    from . import appraisal, cpd, data, home, hr, lifecycle, notifications, surveys, targets, team

    return [home.blp, appraisal.blp, team.blp, cpd.blp, notifications.blp, surveys.blp, lifecycle.blp, hr.blp, targets.blp, data.blp]
