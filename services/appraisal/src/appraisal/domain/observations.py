"""Observation templates: what a trust or academy looks at in a lesson observation, learning walk, drop-in or
instructional coaching session, and how (if at all) each criterion is graded (issue 24)."""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum

from staffroom_shared.domain import Aggregate
from staffroom_shared.storable import invisible

from .model import TEACHERS_STANDARDS, AppraisalError, ObservationKind, one_of

__all__ = ["Band", "Criterion", "Grade", "GradeNotInSet", "ObservationKind", "Template", "bands", "department_as_kept",
           "same_department", "tidy_department",
           "MAX_CRITERIA", "MAX_NOTICE_DAYS"]

MAX_CRITERIA = 20
MIN_GRADES, MAX_GRADES = 2, 6
MAX_NOTICE_DAYS = 60  # a term's half: more is a typing slip
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class Band(StrEnum):
    """How a grade reads on the trust's QA map, whatever the template calls it."""

    STRENGTH = "strength"
    DEVELOPMENT = "development"
    INTERVENTION = "intervention"


@dataclass(frozen=True)
class Grade:
    label: str
    band: Band

    def __post_init__(self) -> None:
        object.__setattr__(self, "band", one_of(Band, self.band, "a grade's band"))
        if not self.label or not self.label.strip():
            raise AppraisalError("a grade needs a label, such as 'Secure'")


@dataclass(frozen=True)
class Criterion:
    """One thing the template looks at; `grades` empty: it is not graded (strengths and next steps only)."""

    key: str
    label: str
    standard: str | None = None  # a Teachers' Standard code (model.TEACHERS_STANDARDS), or None
    grades: tuple[Grade, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "grades", tuple(self.grades))
        if not KEY.fullmatch(self.key or ""):
            raise AppraisalError(f"criterion key {self.key!r} must be 1 to 40 lower-case letters, digits, - or _, "
                                 "starting with a letter or digit")
        if not self.label or not self.label.strip():
            raise AppraisalError(f"criterion '{self.key}' needs a label")
        if self.standard is not None and self.standard not in TEACHERS_STANDARDS:
            raise AppraisalError(f"criterion '{self.label}': {self.standard!r} is not a Teachers' Standard "
                                 "(use TS1–TS8 or PART2, or none)")
        if self.grades:
            labels = [g.label for g in self.grades]
            if not MIN_GRADES <= len(labels) <= MAX_GRADES:
                raise AppraisalError(f"criterion '{self.label}' has {len(labels)} grades: give none (not graded) or "
                                     f"{MIN_GRADES} to {MAX_GRADES}")
            if len({label.casefold() for label in labels}) != len(labels):
                raise AppraisalError(f"criterion '{self.label}' has the same grade twice; each grade is different")

    @property
    def graded(self) -> bool:
        return bool(self.grades)

    def grade(self, label: str) -> Grade | None:
        return next((g for g in self.grades if g.label == label), None)

    def stored(self) -> dict:
        return {"key": self.key, "label": self.label, "standard": self.standard,
                "grades": [{"label": g.label, "band": g.band.value} for g in self.grades]}

    @classmethod
    def from_stored(cls, stored: dict) -> "Criterion":
        return cls(key=stored["key"], label=stored["label"], standard=stored.get("standard"),
                   grades=tuple(Grade(g["label"], g["band"]) for g in stored.get("grades") or ()))


class GradeNotInSet(AppraisalError):
    """An observation's grade that its template does not offer; `criterion` names the criterion (its key)."""

    def __init__(self, message: str, criterion: str):
        super().__init__(message)
        self.criterion = criterion


@dataclass(eq=False)
class Template(Aggregate):
    name: str
    kind: ObservationKind
    criteria: tuple[Criterion, ...]
    academy_id: uuid.UUID | None = None  # None: trust-wide
    notice_days: int | None = None  # days' notice the observed teacher must have; None: none needed
    retired: bool = False
    created_by: uuid.UUID | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind = one_of(ObservationKind, self.kind, "a template's kind")
        self.criteria = tuple(self.criteria)
        self.check()

    def check(self) -> None:
        if not self.name or not self.name.strip():
            raise AppraisalError("a template needs a name")
        if not 1 <= len(self.criteria) <= MAX_CRITERIA:
            raise AppraisalError(f"a template has 1 to {MAX_CRITERIA} criteria (this one has {len(self.criteria)})")
        keys = [c.key for c in self.criteria]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise AppraisalError(f"each criterion has its own key; repeated: {', '.join(repeated)}")
        if self.notice_days is not None and not 0 <= self.notice_days <= MAX_NOTICE_DAYS:
            raise AppraisalError(f"notice is 0 to {MAX_NOTICE_DAYS} days, or none needed (got {self.notice_days})")

    def applies_to(self, academy_id: uuid.UUID | None) -> bool:
        """Trust-wide templates apply in every academy; an academy's own, there only."""
        return self.academy_id is None or self.academy_id == academy_id

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)

    def check_grades(self, grades: dict[str, str]) -> dict[str, str]:
        """The grades as an observation keeps them, or the first that does not fit, naming its criterion. An ungraded
        criterion takes no grade; a graded one may be left out (not seen in a short visit)."""
        for key, label in grades.items():
            criterion = self.criterion(key)
            if criterion is None:
                raise GradeNotInSet(f"'{key}' is not a criterion of template '{self.name}'", key)
            if not criterion.graded:
                raise GradeNotInSet(f"criterion '{criterion.label}' is not graded in template '{self.name}'", key)
            if criterion.grade(label) is None:
                offered = ", ".join(f"'{g.label}'" for g in criterion.grades)
                raise GradeNotInSet(f"'{label}' is not a grade for criterion '{criterion.label}' (its grades are "
                                    f"{offered})", key)
        return dict(grades)

    def change(self, changes: dict, *, in_use: bool) -> dict[str, list]:
        """Rename, retire or bring back, change the notice, or (while no observation uses it) the criteria; returns
        {field: [before, after]} for what changed. A refused change leaves it as it was."""
        if "criteria" in changes and in_use and tuple(changes["criteria"]) != self.criteria:
            raise AppraisalError(f"template '{self.name}' has observations recorded on it, so its criteria stay as "
                                 "they were graded; retire it and make a new one")
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, tuple(value) if name == "criteria" else value)
        try:
            self.check()
        except AppraisalError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        return {name: [before[name], getattr(self, name)] for name in changes if before[name] != getattr(self, name)}


def tidy_department(name: str | None) -> str | None:
    """A department as typed, made plain: Unicode compatibility forms folded (NFKC: full-width 'ＥＮＧＬＩＳＨ' is
    'ENGLISH'), invisible characters (staffroom_shared.storable.invisible: a zero-width space, a bidi mark, a Hangul
    filler, a blank Braille cell, a combining grapheme joiner) removed, and spaces around and
    between words collapsed to one; None when nothing visible is left."""
    folded = unicodedata.normalize("NFKC", name or "")
    return " ".join("".join(" " if ch.isspace() else ch for ch in folded if ch.isspace() or not invisible(ch)
                            ).split()) or None


def same_department(name: str | None) -> str:
    """A department as the map matches it: tidied (`tidy_department`, so "English\u200b" and "ＥＮＧＬＩＳＨ" are
    "English" and "ENGLISH") and ignoring case ("english ", "ENGLISH" and "English" are one department), as
    objective templates match posts (outsider, issue 24: the zero-width and full-width spellings made rows of
    their own)."""
    return (tidy_department(name) or "").casefold()


def department_as_kept(name: str | None, known: list[str]) -> str | None:
    """The department an observation or a QA action keeps: tidied (`tidy_department`), and the academy's existing
    spelling where one matches (`known`, the most used first), so that one department is not three rows on the QA
    map."""
    tidy = tidy_department(name)
    if tidy is None:
        return None
    return next((k for k in known if same_department(k) == same_department(tidy)), tidy)


def bands(template: Template, grades: dict[str, str]) -> dict[str, Band]:
    """Each graded criterion's band for an observation's grades (criterion key -> band); ungraded criteria, and
    graded ones left without a grade, are absent. Grades the template does not offer are ignored."""
    found: dict[str, Band] = {}
    for criterion in template.criteria:
        grade = criterion.grade(grades.get(criterion.key, "")) if criterion.graded else None
        if grade is not None:
            found[criterion.key] = grade.band
    return found
