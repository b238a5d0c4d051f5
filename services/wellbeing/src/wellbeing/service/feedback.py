"""360, upward and peer feedback: requesting it, answering with a link, closing, upward rounds, and who sees what.

It rides on the surveys' machinery: single-use links made as survey links are (only the SHA-256 of the token is kept).
A member of staff's invitation carries no link: they answer from Feedback in Staffroom ("Answer now", which gives a
fresh link to their own signed-in browser); only someone outside the trust is emailed theirs, sealed to
notifications' key in `wellbeing.invitation_issued`. Answers sealed under SEAL_KEY and padded to
one size per question set (adapters.sealed) until the close, which opens them together, writes the report and
deletes them. No answer writes an audit row or an event, and the invitation keeps only whether it was used.
"""
from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from staffroom_shared.authz import can_manage_academy, require
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal
from staffroom_shared.retention import forget_pages_after

from ..adapters import sealed
from ..adapters.feedback import FeedbackRepository
from ..adapters.repository import StaffRepository
from ..domain.feedback import (
    CATEGORY_NAMES, Category, FeedbackError, FeedbackInvitation, FeedbackRequest, FeedbackRound, Rater,
    RequestStatus, ballot, check_k, threshold, choose_raters, domains_to_check, managers_in_scope, may_be_named,
    must_be_named, outside_raters, plural, questionnaire, refuse_colleagues, refuse_overlap, refuse_second_report,
    school_year, too_few_reports, who_was_asked,
)
from ..domain.instruments import SCALES, TEXT_MAX_LENGTH
from ..domain.model import in_words
from .respond import new_token, token_hash
from .runs import Links
from .unit_of_work import WellbeingUnitOfWork

log = logging.getLogger(__name__)

ANSWER_PAGE = "/feedback/respond"
NAME_ROOM = 6 * 202 + 64  # a named rater's "First Last" (100 + 1 + 100 characters) at JSON's widest, in every ballot


def refused(exc: FeedbackError) -> Unprocessable:
    return Unprocessable(str(exc), errors=[{"pointer": f"#/{exc.field}", "detail": str(exc)}] if exc.field else None)


def ballot_size(question_set: str) -> int:
    """Every ballot of a question set is this size, named or not, whatever was written."""
    return sealed.capacity(questionnaire(question_set)) + NAME_ROOM


# -- who may see and do what ---------------------------------------------------------------------------------------

def _is_hr_for(principal: Principal, request: FeedbackRequest) -> bool:
    return principal.has_role("trust_hr") or (principal.has_role("academy_hr")
                                              and can_manage_academy(principal, request.academy_id))


def _relation(repo: FeedbackRepository, principal: Principal, request: FeedbackRequest) -> str | None:
    """'subject', 'line_manager', 'hr' or None (a stranger, who is told the request does not exist)."""
    if principal.staff_id is not None and principal.staff_id == request.subject_id:
        return "subject"
    if principal.staff_id is not None and repo.line_manager_of(request.subject_id) == principal.staff_id:
        return "line_manager"
    if _is_hr_for(principal, request):
        return "hr"
    return None


def _hr_not_asked(repo: FeedbackRepository, principal: Principal, request: FeedbackRequest, relation: str | None,
                  invited=None) -> bool:
    """HR, and not one of the raters: a rater in HR who saw how many had answered, and could close it, would choose
    the moment that leaves the fewest answers beside their own (outsider O6, issue 24)."""
    return relation == "hr" and not (principal.staff_id is not None and any(
        staff_id == principal.staff_id for staff_id, _ in (invited if invited is not None else repo.invited(request.id))))


def _found(repo: FeedbackRepository, principal: Principal, request: FeedbackRequest | None,
           request_id: uuid.UUID) -> tuple[FeedbackRequest, str]:
    relation = None if request is None else _relation(repo, principal, request)
    if relation is None:
        raise NotFound("there is no such feedback request, or it is not yours to see")
    return request, relation


# -- the trust's k -------------------------------------------------------------------------------------------------

def settings(session) -> dict:
    k = FeedbackRepository(session).k()
    return {"k": k, "direct_reports": max(k, 5)}


def set_k(uow: WellbeingUnitOfWork, principal: Principal, k: int) -> dict:
    require(principal.has_role("trust_hr"), "only trust HR set the smallest group for feedback")
    try:
        check_k(k)
    except FeedbackError as exc:
        raise refused(exc) from exc
    with uow:
        uow.feedback.set_k(k, principal.actor)
        uow.audit("set", "feedback_settings", 1, {"k": k})
        uow.commit()
    return {"k": k, "direct_reports": max(k, 5)}


# -- asking for feedback -------------------------------------------------------------------------------------------

def choices(session, principal: Principal, subject_id: uuid.UUID | None) -> dict:
    """Whom a request about this person (the caller, or someone they line-manage) may ask."""
    repo, people = FeedbackRepository(session), StaffRepository(session)
    subject_id = subject_id or principal.staff_id
    subject = people.find(subject_id) if subject_id else None
    if subject is None or not _may_request(repo, principal, subject_id):
        raise NotFound(NOBODY_TO_ASK_ABOUT)
    today = date.today()
    manager = repo.line_manager_of(subject_id)
    reports = repo.reports_of(subject_id)
    colleagues = [p for p in repo.colleagues(subject.academy_id)
                  if p.staff_id != subject_id and p.in_post(today, starting_by=today)]
    names = people.names([subject_id, manager, *(p.staff_id for p in colleagues)])
    return {"subject": {"staff_id": subject_id, "name": names.get(subject_id, "")},
            # whoever asks is never asked: a line manager asking about their report is not offered as line manager
            "line_manager": {"staff_id": manager, "name": names.get(manager, "")}
            if manager in names and manager != principal.staff_id else None,
            "colleagues": [{"staff_id": p.staff_id, "name": names.get(p.staff_id, ""),
                            "direct_report": p.staff_id in reports} for p in colleagues if p.staff_id != manager],
            **settings(session)}


NOBODY_TO_ASK_ABOUT = "you can ask for feedback only about yourself or someone you line-manage"


def _may_request(repo: FeedbackRepository, principal: Principal, subject_id: uuid.UUID) -> bool:
    """The subject themselves, or their line manager (their appraiser)."""
    return principal.staff_id is not None and (
        principal.staff_id == subject_id or repo.line_manager_of(subject_id) == principal.staff_id)


def request_feedback(uow: WellbeingUnitOfWork, principal: Principal, data: dict, links: Links,
                     today: date | None = None) -> FeedbackRequest:
    today = today or date.today()
    subject_id = data.get("subject_id") or principal.staff_id
    with uow:
        subject = uow.staff.find(subject_id) if subject_id else None
        if subject is None or not _may_request(uow.feedback, principal, subject_id):
            raise NotFound(NOBODY_TO_ASK_ABOUT)
        # One request about a person opens at a time: two at the same instant both passed the overlap check.
        uow.feedback.lock_people([subject_id])
        chosen = [Rater(r["staff_id"], Category(r["category"])) for r in data.get("raters", [])]
        people = {r.staff_id: uow.staff.find(r.staff_id) for r in chosen}
        people[subject_id] = subject
        try:
            # Addresses live in this function's memory only: sealed to notifications below, kept nowhere here.
            outside = outside_raters(data.get("outside_trust", []))
            refuse_colleagues(outside, uow.feedback.colleague_addresses(outside),
                              uow.feedback.trust_domains(domains_to_check(outside)))
            manager = uow.feedback.line_manager_of(subject_id)
            if manager is not None and manager not in people:
                people[manager] = uow.staff.find(manager)
            raters = choose_raters(subject, manager, chosen, uow.feedback.reports_of(subject_id),
                                   data.get("include_line_manager", False), principal.staff_id, outside=len(outside),
                                   names=_names_seen(uow, subject, people, today))
        except FeedbackError as exc:
            raise refused(exc) from exc
        gone = [s for s in {r.staff_id for r in raters} if people[s] is None
                or not people[s].in_post(today, starting_by=today)]
        if gone:
            raise Unprocessable("some of the people chosen are not in post: choose colleagues who work in the trust "
                                "now", errors=[{"pointer": "#/raters", "detail": (
                                    f"{plural(len(gone), 'of the people chosen is', 'of the people chosen are')} "
                                    "not in post")}])
        name = uow.staff.names([subject_id]).get(subject_id, "a colleague")
        try:
            refuse_second_report(name, {r.staff_id for r in raters}, bool(outside), uow.feedback.shown_since(
                [subject_id], school_year(today)[0]).get(subject_id, []), today, None)  # about the whole request
            refuse_overlap(name, {r.staff_id for r in raters}, bool(outside),
                           uow.feedback.open_about([subject_id]).get(subject_id, []),
                           "outside_trust" if outside and not raters else "raters")
            request = FeedbackRequest(subject_id=subject_id, academy_id=subject.academy_id,
                                      question_set=data.get("question_set", "360"), closes_on=data["closes_on"],
                                      k=uow.feedback.k(), requested_by=principal.actor, title=f"Feedback for {name}",
                                      today=today)
        except FeedbackError as exc:
            raise refused(exc) from exc
        uow.feedback.add(request)
        uow.feedback.add_invitations([_invite(request, rater, people[rater.staff_id].academy_id, name)
                                      for rater in raters]
                                     + [_invite_outside(request, address, links, name) for address in outside])
        uow.audit("request", "feedback_request", request.id, {"subject_id": str(subject_id),
                                                               "invited": len(raters) + len(outside)})
        uow.commit()
        return request


def _names_seen(uow: WellbeingUnitOfWork, subject, people: dict, today: date) -> dict[uuid.UUID, str]:
    """The names a refusal may give: colleagues in post at the subject's academy, as the choices list shows them to
    whoever asks (and the line manager, whom it shows too); anyone else is "one of the people chosen"."""
    seen = [s for s, p in people.items() if p is not None and p.academy_id == subject.academy_id
            and p.in_post(today, starting_by=today)]
    return uow.staff.names(seen)


def _invite(request: FeedbackRequest, rater: Rater, academy_id: uuid.UUID, about: str | None = None
            ) -> FeedbackInvitation:
    """A member of staff: the token is made and thrown away (its hash keys the invitation and opens nothing); they
    get one from "Answer now" (`new_link`), in their own signed-in browser."""
    _, hashed = new_token()
    return request.invite(rater, hashed, academy_id, about)


def _invite_outside(request: FeedbackRequest, address: str, links: Links, about: str) -> FeedbackInvitation:
    """Someone outside the trust: their link and their address both sealed to notifications' key, bound to an id
    made for this one invitation; neither the address nor that id is stored here."""
    token, hashed = new_token()
    rater_id = uuid.uuid4()
    return request.invite_outside(rater_id, hashed, links.sealed(token, request.id, rater_id, ANSWER_PAGE),
                                  links.sealed_address(address, request.id, rater_id), about)


# -- "Answer now": the requests a member of staff is asked to answer -------------------------------------------------

def asked_of_me(session, principal: Principal, today: date | None = None) -> list[dict]:
    """The open requests the caller is asked to answer: whom about, in which group, until when, whether they have
    (their own invitations only; never anyone else's)."""
    today = today or date.today()
    if principal.staff_id is None:
        return []
    repo = FeedbackRepository(session)
    asked = repo.asked_of(principal.staff_id)
    names = StaffRepository(session).names([r.subject_id for r, _, _ in asked])
    return [{"request_id": r.id, "title": r.title, "about": names.get(r.subject_id, ""),
             "kind": "upward" if r.round_id else "360", "category": c.value, "category_name": CATEGORY_NAMES[c],
             "closes_on": r.closes_on, "answered": bool(answered), "open": r.accepting(today)}
            for r, c, answered in asked]


def new_link(uow: WellbeingUnitOfWork, principal: Principal, request_id: uuid.UUID, links: Links,
             today: date | None = None) -> str:
    """"Answer now": a fresh link to the caller's own invitation (the one before it stops working), returned to
    their signed-in browser only; nobody else (the subject, HR, another rater) can get it: to them the request does
    not exist. Nothing is published about it (domain: FeedbackRequest.new_link)."""
    today = today or date.today()
    with uow:
        request = uow.feedback.get(request_id, shared=True)  # as an answer does: a close waits, or comes first
        invitation = uow.feedback.invitation_of(request_id, principal.staff_id, lock=True) \
            if principal.staff_id is not None and request is not None else None
        if invitation is None:
            raise NotFound("you were not asked to give this feedback")
        token, hashed = new_token()
        try:
            request.new_link(invitation, hashed, today)
        except FeedbackError as exc:
            raise Conflict(str(exc)) from exc
        uow.commit()
        return links.link(token, ANSWER_PAGE)


# -- answering with a link -----------------------------------------------------------------------------------------

@dataclass
class Asked:
    request: FeedbackRequest
    invitation: FeedbackInvitation
    subject_name: str


def _asked(repo: FeedbackRepository, people: StaffRepository, token: str | None, today: date, *,
           lock: bool = False) -> Asked:
    if not token:
        raise NotFound("there is no feedback link in this address")
    hashed = token_hash(token)
    invitation = repo.invitation(hashed)
    if invitation is None:
        raise NotFound("this feedback link does not work: it may not have been copied in full, or a newer one from "
                       "\"Answer now\" has replaced it")
    if lock:  # the request first, shared, as a survey's run: a close holds it exclusively while it opens the box
        request = repo.get(invitation.request_id, shared=True)
        invitation = repo.invitation(hashed, lock=True)
    else:
        request = repo.get(invitation.request_id)
    if invitation.answered:
        raise Conflict("you have already answered with this link")
    if not request.accepting(today):
        raise Conflict(f"this feedback request closed on {in_words(request.closed_at.date() if request.closed_at else request.closes_on)}, "
                       "so it takes no more answers", survey="closed")
    name = people.names([request.subject_id]).get(request.subject_id, "a colleague")
    return Asked(request, invitation, name)


def form(session, token: str | None, today: date | None = None) -> dict:
    """What the answer page shows: whom it is about, in which category, the questions."""
    asked = _asked(FeedbackRepository(session), StaffRepository(session), token, today or date.today())
    items = questionnaire(asked.request.question_set).items.values()
    return {"title": asked.request.title, "subject": asked.subject_name, "closes_on": asked.request.closes_on,
            "category": asked.invitation.category.value, "category_name": CATEGORY_NAMES[asked.invitation.category],
            "must_be_named": must_be_named(asked.invitation.category),
            "may_be_named": may_be_named(asked.invitation.category),
            "shown_from": _needed(asked.request, asked.invitation.category),
            "questions": [{"key": i.key, "text": i.text, "scale": i.scale,
                           "labels": list(SCALES[i.scale].labels) if i.scale != "text" else [],
                           "max_length": TEXT_MAX_LENGTH if i.scale == "text" else None} for i in items]}


def _needed(request: FeedbackRequest, category: Category) -> int | None:
    return threshold(category, request.k)


def answer(uow: WellbeingUnitOfWork, token: str | None, answers: dict, named: bool, key: bytes,
           today: date | None = None) -> None:
    """The one answer a link gives: sealed in the ballot box until the close, with the rater's name inside only if
    they chose to be named. Writes no audit row and no event."""
    today = today or date.today()
    with uow:
        asked = _asked(uow.feedback, uow.staff, token, today, lock=True)
        asked_of = questionnaire(asked.request.question_set)
        given = {k: v.strip() if isinstance(v, str) else v for k, v in answers.items()}
        errors = asked_of.errors(given)
        if errors:
            raise Unprocessable("some answers are not valid; nothing was sent", errors=[
                {"pointer": f"#/answers/{k}" if k != "_schema" else "#/answers", "detail": m}
                for k, messages in errors.items() for m in messages])
        if not given:
            raise Unprocessable("there are no answers to send", errors=[
                {"pointer": "#/answers", "detail": "answer at least one question"}])
        name = uow.staff.names([asked.invitation.staff_id]).get(asked.invitation.staff_id) \
            if named and asked.invitation.staff_id is not None else None
        try:
            content = ballot(asked.invitation.category, given, name, named)
        except FeedbackError as exc:
            raise refused(exc) from exc
        if not uow.feedback.mark_answered(asked.invitation.token_hash):
            raise Conflict("you have already answered with this link")
        uow.feedback.add_ballot(asked.request.id, sealed.seal(key, asked.request.id, content,
                                                              ballot_size(asked.request.question_set)))
        uow.commit()


# -- closing -------------------------------------------------------------------------------------------------------

def close_request(uow: WellbeingUnitOfWork, request: FeedbackRequest, key: bytes, at: datetime | None = None) -> None:
    """Open every ballot in memory, work out the report, delete the ballots: one transaction (the caller's)."""
    opened = [sealed.unseal(key, request.id, box) for box in uow.feedback.boxes(request.id)]
    at = at or datetime.now(timezone.utc)
    try:
        # whoever is, or was in the year before the close, the subject's direct report needs the direct reports'
        # minimum, in whatever category: moved away to be asked as a peer and moved back, they count even before the
        # move back reaches this copy (outsider, issue 24; a request is open 8 weeks at most)
        request.close(opened, at, uow.feedback.invited(request.id),
                      uow.feedback.reports_of(request.subject_id, since=at - timedelta(days=365)))
    except FeedbackError as exc:
        raise Conflict(str(exc)) from exc
    uow.feedback.destroy_ballots(request.id)
    uow.feedback.forget_answered(request.id)
    # who answered, and in which order, was in SQLite's write-ahead log until its next checkpoint (outsider O7), and in
    # PostgreSQL's old row versions, each ballot's beside its rater's by the transaction that wrote both (outsider O8)
    forget_pages_after(uow, ("feedback_invitations", "feedback_ballots"))


def close_early(uow: WellbeingUnitOfWork, principal: Principal, request_id: uuid.UUID, key: bytes) -> FeedbackRequest:
    with uow:
        request, relation = _found(uow.feedback, principal, uow.feedback.get(request_id, lock=True), request_id)
        # HR too (audited): a request left open for long held back every other about the same person (finding 5)
        require((relation in ("subject", "line_manager") or _hr_not_asked(uow.feedback, principal, request, relation))
                and request.round_id is None,
                "the person the feedback is about, their line manager or HR who were not asked to answer it close a "
                "request; an upward round's requests close with the round")
        if request.status is not RequestStatus.OPEN:
            raise Conflict("this feedback request is already closed")
        close_request(uow, request, key)
        uow.audit("close", "feedback_request", request.id)
        uow.commit()
        return request


def close_due(uow: WellbeingUnitOfWork, key: bytes, today: date) -> int:
    """The daily job: close every request past its closing date, each in its own transaction."""
    with uow:
        due = uow.feedback.due_to_close(today)
    closed = 0
    for request_id in due:
        try:
            with uow:
                request = uow.feedback.get(request_id, lock=True)
                if request is None or not request.due_to_close(today):
                    continue
                close_request(uow, request, key)
                uow.audit("close", "feedback_request", request.id)
                if request.round_id is not None:
                    uow.feedback.round(request.round_id, lock=True).close_if_done(
                        uow.feedback.listed(round_id=request.round_id))
                uow.commit()
                closed += 1
        except Exception:  # noqa: BLE001 - one request that cannot close holds up no other; tried again tomorrow
            log.exception("feedback request %s could not be closed", request_id)
    return closed


# -- sharing and reading -------------------------------------------------------------------------------------------

def share(uow: WellbeingUnitOfWork, principal: Principal, request_id: uuid.UUID, shared: bool) -> FeedbackRequest:
    with uow:
        request, relation = _found(uow.feedback, principal, uow.feedback.get(request_id, lock=True), request_id)
        require(relation == "subject", "only the person the feedback is about can share their report")
        request.share(shared)
        uow.audit("share" if shared else "unshare", "feedback_request", request.id)
        uow.commit()
        return request


def listed(session, principal: Principal) -> list[dict]:
    """Requests about me, about the people I line-manage, and (HR) about their academy's people or the trust's."""
    repo = FeedbackRepository(session)
    found: dict[uuid.UUID, FeedbackRequest] = {}
    if principal.staff_id is not None:
        mine = [principal.staff_id, *repo.reports_of(principal.staff_id)]
        found |= {r.id: r for r in repo.listed(subject_ids=mine)}
    if principal.has_role("trust_hr"):
        found |= {r.id: r for r in repo.listed(every=True)}
    elif principal.has_role("academy_hr") and principal.academy_id:
        found |= {r.id: r for r in repo.listed(academy_id=principal.academy_id)}
    rounds: dict = {}
    return [view(session, principal, r, detail=False, rounds=rounds) for r in
            sorted(found.values(), key=lambda r: (r.status is not RequestStatus.OPEN, r.closes_on, str(r.id)))]


def get(session, principal: Principal, request_id: uuid.UUID) -> dict:
    repo = FeedbackRepository(session)
    request, _ = _found(repo, principal, repo.get(request_id), request_id)
    return view(session, principal, request)


def view(session, principal: Principal, request: FeedbackRequest, *, detail: bool = True,
         rounds: dict | None = None) -> dict:
    """The request as the caller may see it. The subject reads the report; their line manager only if it is shared;
    HR never (they see who was asked and how many answered). Nobody sees who answered or when."""
    repo, people = FeedbackRepository(session), StaffRepository(session)
    relation = _relation(repo, principal, request)
    invited = repo.invited(request.id) if detail else []
    hr_not_asked = _hr_not_asked(repo, principal, request, relation, invited if detail else None) and not (
        _in_round_of(repo, principal, request, {} if rounds is None else rounds))
    asker = _staff_id(request.requested_by)
    names = people.names([request.subject_id, *(s for s, _ in invited if s is not None), *([asker] if asker else [])])
    out = {"id": request.id, "title": request.title, "subject_id": request.subject_id,
           "subject": names.get(request.subject_id, ""), "kind": "upward" if request.round_id else "360",
           "asked_by": "HR" if request.round_id else names.get(asker, ""),
           "question_set": request.question_set, "closes_on": request.closes_on, "status": request.status,
           "shared": request.shared, "invited": request.invited, "k": request.k, "you_are": relation,
           "closed_on": request.closed_at.date() if request.closed_at else None,
           "may_close": (relation in ("subject", "line_manager") or hr_not_asked) and request.round_id is None
           and request.status is RequestStatus.OPEN,
           # HR see how many answered while it is open, not after: with the report's shown categories it would say
           # how many answered in a hidden one (outsider, issue 24); never HR asked to answer it (outsider O6)
           "answered": repo.answered_count(request.id)
           if hr_not_asked and request.status is RequestStatus.OPEN else None, "report": None,
           "asked": [{"name": name, "category": c.value, "category_name": CATEGORY_NAMES[c]}
                     for name, c in who_was_asked(invited, names)],
           "too_few_to_show": _too_few(request, invited) if detail and request.status is RequestStatus.OPEN else []}
    if detail and request.status is RequestStatus.CLOSED and (
            relation == "subject" or (relation == "line_manager" and request.shared)):
        out["report"] = request.report
    return out


def _too_few(request: FeedbackRequest, invited: list[tuple[uuid.UUID | None, Category]]) -> list[dict]:
    """The anonymous groups asked of fewer people than their answers need to be shown together: only answers given
    with a name can show (outsider O6, issue 24: a request asking two peers, with k 3, was taken without a word)."""
    asked = Counter(category for _, category in invited)
    asked[Category.OTHERS] += request.invited - len(invited)  # people outside the trust: counted, never listed
    return [{"category": c.value, "category_name": CATEGORY_NAMES[c], "asked": n, "needed": needed}
            for c, n in sorted(asked.items(), key=lambda item: item[0].value)
            if n and (needed := threshold(c, request.k)) is not None and n < needed]


def _staff_id(actor: str) -> uuid.UUID | None:
    """Whoever asked, as a member of staff's id (a request's `requested_by` is the asker's actor)."""
    try:
        return uuid.UUID(actor)
    except (TypeError, ValueError):
        return None


# -- upward rounds -------------------------------------------------------------------------------------------------

def _may_run_round(principal: Principal, academy_id: uuid.UUID | None) -> None:
    if academy_id is None:
        require(principal.has_role("trust_hr"), "only trust HR open a trust-wide upward round")
    else:
        require(can_manage_academy(principal, academy_id) and (principal.has_role("academy_hr")
                                                               or principal.has_role("trust_hr")),
                "HR open upward rounds for their own academy")


def open_round(uow: WellbeingUnitOfWork, principal: Principal, data: dict, links: Links,
               today: date | None = None) -> dict:
    """Every manager in scope with enough direct reports in post gets a request, and each of their reports an
    invitation (no link: they answer with "Answer now"): one transaction of bulk inserts plus the invitations' outbox
    rows. `links` is unused since staff are emailed none; kept so callers need not change."""
    today = today or date.today()
    academy_id = data.get("academy_id")
    _may_run_round(principal, academy_id)
    with uow:
        if academy_id is not None and uow.academies.unknown([academy_id]):
            raise Unprocessable("unknown academy", errors=[
                {"pointer": "#/academy_id", "detail": "the directory has no such academy: choose one from the list"}])
        k = uow.feedback.k()
        try:
            round_ = FeedbackRound(title=data["title"], academy_id=academy_id, closes_on=data["closes_on"],
                                   created_by=principal.actor, today=today)
        except FeedbackError as exc:
            raise refused(exc) from exc
        everyone = uow.staff.everyone()
        included, too_few = managers_in_scope(everyone, uow.feedback.managers_of(), academy_id, today, k)
        names = uow.staff.names([*included, *too_few])
        left_out = [{"manager": names.get(m, ""), "reason": too_few_reports(k)} for m in too_few]
        # Opening requests about these managers waits for any other opening about them (sorted: no deadlock).
        uow.feedback.lock_people(included)
        open_about = uow.feedback.open_about(included)
        shown = uow.feedback.shown_since(included, school_year(today)[0])
        for manager, reports in list(included.items()):
            about = names.get(manager, "a manager")
            try:  # a manager who cannot be asked about now is left out, not the whole round (finding 5)
                refuse_second_report(about, {p.staff_id for p in reports}, False, shown.get(manager, []), today,
                                     "academy_id")
                refuse_overlap(about, {p.staff_id for p in reports}, False, open_about.get(manager, []),
                               "academy_id")
            except FeedbackError as exc:
                left_out.append({"manager": about, "reason": str(exc)})
                del included[manager]
        left_out.sort(key=lambda x: (x["reason"] == too_few_reports(k), x["manager"]))
        if not included:
            raise Unprocessable(
                "nobody can be asked about in this round: " + "; ".join(
                    f"{x['manager']}: {x['reason']}" if x["manager"] else x["reason"] for x in left_out[:3])
                if left_out else "no manager in scope has direct reports in post",
                errors=[{"pointer": "#/academy_id", "detail": f"{x['manager']}: {x['reason']}"}
                        for x in left_out[:20]])
        uow.feedback.add_round(round_)
        academy_of = {p.staff_id: p.academy_id for p in everyone if p.staff_id in included}
        requests, invitations = [], []
        for manager, reports in included.items():
            request = FeedbackRequest(subject_id=manager, academy_id=academy_of[manager], question_set="upward",
                                      closes_on=round_.closes_on, k=k, requested_by=principal.actor,
                                      title=f"Upward feedback for {names.get(manager, 'your line manager')}",
                                      today=today, round_id=round_.id)
            requests.append(request)
            invitations += [_invite(request, Rater(p.staff_id, Category.DIRECT_REPORTS), p.academy_id,
                                    names.get(manager))
                            for p in reports]
        round_.managers, round_.invited = len(requests), len(invitations)
        uow.feedback.add_all(requests)
        uow.feedback.add_invitations(invitations)
        uow.audit("open", "feedback_round", round_.id, {"managers": len(requests), "invited": len(invitations)})
        uow.commit()
        return {"round": round_, "left_out": left_out}


def _round_found(repo: FeedbackRepository, principal: Principal, round_: FeedbackRound | None,
                 round_id: uuid.UUID) -> FeedbackRound:
    if round_ is None or not (principal.has_role("trust_hr") or (
            principal.has_role("academy_hr") and round_.academy_id is not None
            and can_manage_academy(principal, round_.academy_id))):
        raise NotFound("there is no such upward round, or it is not yours to see")
    return round_


def rounds(session, principal: Principal) -> list[dict]:
    require(principal.has_role("trust_hr") or principal.has_role("academy_hr"), "upward rounds are for HR")
    repo = FeedbackRepository(session)
    found = repo.rounds(every=True) if principal.has_role("trust_hr") else repo.rounds(principal.academy_id)
    return [round_view(session, principal, r, detail=False) for r in found]


def get_round(session, principal: Principal, round_id: uuid.UUID) -> dict:
    repo = FeedbackRepository(session)
    return round_view(session, principal, _round_found(repo, principal, repo.round(round_id), round_id))


def _in_round_of(repo: FeedbackRepository, principal: Principal, request: FeedbackRequest, rounds: dict) -> bool:
    """Whether the request is one of an upward round the caller is in (`rounds` remembers each round's answer): HR
    asked to answer about one manager saw the counts on the round's other requests (outsider O8), as the round's
    page no longer shows them (round_view)."""
    if request.round_id is None or principal.staff_id is None:
        return False
    if request.round_id not in rounds:
        round_ = repo.round(request.round_id)
        rounds[request.round_id] = _in_round(repo, principal, round_,
                                             {m for _, m, *_ in repo.round_progress(round_.id)})
    return rounds[request.round_id]


def _in_round(repo: FeedbackRepository, principal: Principal, round_: FeedbackRound, managers: set) -> bool:
    """Whether the caller is one of the round's managers, or asked to answer about one of them."""
    return principal.staff_id is not None and (principal.staff_id in managers or any(
        request.round_id == round_.id for request, _, _ in repo.asked_of(principal.staff_id)))


def round_view(session, principal: Principal, round_: FeedbackRound, *, detail: bool = True) -> dict:
    """Who was asked about and how far each has got: counts only, never an answer or who gave it."""
    repo = FeedbackRepository(session)
    progress = repo.round_progress(round_.id)
    names = StaffRepository(session).names([m for _, m, *_ in progress]) if detail else {}
    # Counts of answers only while the round is open, and never to someone in it: asked about (an HR officer who is
    # also a manager would watch their own count move, outsider, issue 24) or asked to answer (outsider O7: a direct
    # report in HR watched her manager's count and closed the round).
    counted = round_.status is RequestStatus.OPEN and not _in_round(repo, principal, round_,
                                                                    {m for _, m, *_ in progress})
    return {"id": round_.id, "title": round_.title, "academy_id": round_.academy_id, "closes_on": round_.closes_on,
            "opened_on": round_.opened_on, "status": round_.status, "managers": round_.managers,
            "invited": round_.invited, "answered": sum(a for _, _, _, a, _ in progress) if counted else None,
            "complete": all(st is RequestStatus.CLOSED for *_, st in progress),
            # a manager's request closed (its flags cleared) shows no count, even in a round still open
            "requests": [{"request_id": r, "manager": names.get(m, ""), "invited": i,
                          "answered": a if counted and st is RequestStatus.OPEN else None, "status": st}
                         for r, m, i, a, st in progress] if detail else []}


def close_round(uow: WellbeingUnitOfWork, principal: Principal, round_id: uuid.UUID, key: bytes) -> FeedbackRound:
    """HR close a round early: every manager's request closes now, in one transaction."""
    with uow:
        round_ = _round_found(uow.feedback, principal, uow.feedback.round(round_id, lock=True), round_id)
        if round_.status is not RequestStatus.OPEN:
            raise Conflict("this upward round is already closed")
        # Not a manager asked about in it. HR asked to answer in it may close it (they see no counts): in a small
        # academy its HR are often all direct reports of a manager in the round (outsider O7; docs/wellbeing.md).
        if any(r.subject_id == principal.staff_id for r in uow.feedback.listed(round_id=round_.id)):
            raise Forbidden("you are one of the managers asked about in this round, so another HR officer closes it")
        for request in uow.feedback.listed(round_id=round_.id):
            if request.status is RequestStatus.OPEN:
                close_request(uow, request, key)
        round_.close_if_done(uow.feedback.listed(round_id=round_.id))
        uow.audit("close", "feedback_round", round_.id)
        uow.commit()
        return round_
