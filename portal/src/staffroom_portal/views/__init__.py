"""The portal's pages, one blueprint per part of the suite."""


def blueprints():
    from . import home

    return [home.blp]
