"""What every page shares: forms that keep what was typed and show the API's reasons, and display filters."""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from flask import Blueprint, request

from .backend import ApiError

FORM_ERRORS = (400, 409, 422)  # the person can fix these by changing what they typed


class Form:
    """A submitted form's values and, after a refused submission, the reasons (per field and overall)."""

    def __init__(self, values=None, error: ApiError | None = None, name: str | None = None):
        self.values = values if values is not None else {}
        self.error = error
        self.name = name  # which form on the page was sent, when a page has several
        self.fields = error.field_errors() if error else {}

    def value(self, field: str, default=""):
        value = self.values.get(field)
        return default if value is None else value

    def for_(self, name: str) -> "Form":
        """This form's state if it was the one submitted, else an empty one."""
        return self if self.name == name else Form()


def submit(call: Callable[[], object], name: str | None = None) -> Form:
    """Run an API call for the submitted form; a refusal the person can fix comes back as a Form to show again."""
    try:
        call()
    except ApiError as error:
        if error.status not in FORM_ERRORS:
            raise
        return Form(request.form, error, name)
    return Form(request.form, None, name)


def fields(*names: str, blanks_as_none: bool = True, **conversions) -> dict:
    """The named fields of the submitted form as an API body: blanks left out (or None), conversions applied."""
    out = {}
    for name in names:
        raw = request.form.get(name, "").strip()
        if raw == "":
            if not blanks_as_none:
                continue
            out[name] = None
            continue
        convert = conversions.get(name)
        out[name] = convert(raw) if convert else raw
    return out


def register_filters(blp: Blueprint) -> None:
    @blp.app_template_filter("day")
    def _day(value) -> str:
        if not value:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
        return f"{value.day} {value:%B %Y}" if not isinstance(value, datetime) else \
            f"{value.day} {value:%B %Y}, {value:%H:%M}"

    @blp.app_template_filter("words")
    def _words(value) -> str:
        return str(value or "").replace("_", " ")

    @blp.app_template_filter("money")
    def _money(value) -> str:
        if value in (None, ""):
            return ""
        return f"£{float(value):,.2f}".replace(".00", "")

    @blp.app_template_filter("pct")
    def _pct(value, places: int = 0) -> str:
        return "" if value is None else f"{float(value):.{places}f}%"
