"""What a service's views use from the web layer: its Blueprint, its request's database session and context,
`public`, and the problem schema errors are documented with. Kept apart from the app factory (staffroom_shared.app), which builds on it, so a blueprint the factory
registers (the audit log's) can use them too."""
from __future__ import annotations

import json

import flask_smorest
from flask import current_app, g
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser

from .context import ServiceContext


class ProblemSchema(Schema):
    """application/problem+json (RFC 9457), with field-level `errors` for validation failures."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Unprocessable Content"})
    status = fields.Integer(metadata={"example": 422})
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Dict(), metadata={"description": "[{location, pointer, detail}]"})


class JsonParser(FlaskParser):
    """webargs' parser, refusing as invalid JSON also what Python's json module cannot hold: an integer of more
    than 4,300 digits (a ValueError) or nesting deeper than the interpreter's stack (a RecursionError). webargs
    catches only JSONDecodeError, so those were 500s."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except (ValueError, RecursionError) as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise  # webargs' own answer: 400, "Invalid JSON body."
            raise json.JSONDecodeError(f"JSON Python cannot hold ({type(exc).__name__})", "?", 0) from exc


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, with two changes: `arguments` given a schema class parses with one instance of
    it, and JSON Python cannot hold is a 400 like any invalid JSON (JsonParser). Given the class, webargs makes a
    new instance on every request, deep-copying every field: 20-85 us of CPU per request (ProgrammeQuerySchema
    66 us, ObjectiveSchema 85 us). A marshmallow schema keeps no state between loads, so one instance serves
    every request and thread."""

    ARGUMENTS_PARSER = JsonParser()

    def arguments(self, schema, *args, **kwargs):
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def public(view):
    """Mark a view (or MethodView class) as open without a token, e.g. a survey's single-use link."""
    view.public = True
    return view


def db_session():
    """The request's read session (closed at teardown)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["staffroom"].read_sessions()
    return g.db_session


def context() -> ServiceContext:
    return current_app.extensions["staffroom"]
