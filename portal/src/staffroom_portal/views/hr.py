"""Pages for hr (being built)."""
from __future__ import annotations

from flask import Blueprint

blp = Blueprint("hr", __name__)
