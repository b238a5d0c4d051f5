"""What each caller sees when they list programmes, enrolments and training agreements: the scope rules for the
API's list pages (HR: their academies; trust HR: all; everyone else: their own, and their reports' places)."""
from __future__ import annotations

from staffroom_shared.authz import academy_scope, listing_scope, require
from staffroom_shared.principal import Principal

from ..adapters.catalogue import ProgrammeFilter
from ..adapters.enrolments import EnrolmentFilter
from ..domain.agreements import TrainingAgreement
from ..domain.catalogue import Programme
from ..domain.enrolments import Enrolment
from .unit_of_work import CpdReads


def programmes(reads: CpdReads, principal: Principal, args: dict) -> tuple[list[Programme], int]:
    """Programmes offered to the caller's academy (trust-wide and its own); HR also sees what they run."""
    scope = academy_scope(principal)
    f = ProgrammeFilter(text=args.get("q"), kind=args.get("kind"), tag=args.get("tag"), npq=args.get("npq"),
                        delivery_mode=args.get("delivery_mode"), min_cost=args.get("min_cost"),
                        max_cost=args.get("max_cost"), academy_id=args.get("academy_id"),
                        trust_wide=args.get("trust_wide"))
    if scope is None:
        f.include_inactive = args["include_inactive"]
    elif scope:
        f.academy_ids, f.include_inactive = scope, args["include_inactive"]
    else:
        require(not args["include_inactive"], "only HR lists programmes no longer offered")
        f.available_to = principal.academy_id
    return reads.catalogue.programmes(f, page=args["page"], page_size=args["page_size"])


def enrolments(reads: CpdReads, principal: Principal, args: dict) -> tuple[list[Enrolment], int]:
    """Enrolments the caller may see: their own and their reports' (HR: their academy; trust HR: all)."""
    academy_ids, visible_to = listing_scope(principal, args.get("academy_id"), "enrolments")
    f = EnrolmentFilter(staff_id=args.get("staff_id"), cohort_id=args.get("cohort_id"),
                        programme_id=args.get("programme_id"), status=args.get("status"), academy_ids=academy_ids,
                        visible_to=visible_to)
    return reads.enrolments.find(f, page=args["page"], page_size=args["page_size"])


def agreements(reads: CpdReads, principal: Principal) -> list[TrainingAgreement]:
    """The caller's own training agreements (HR: their academy's; trust HR: all)."""
    scope = academy_scope(principal)
    if scope is None or scope:
        return reads.agreements.find(academy_ids=scope)
    return reads.agreements.find(staff_id=principal.staff_id)
