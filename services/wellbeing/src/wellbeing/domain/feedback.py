"""360, upward and peer feedback: who may be asked about whom, the question sets, and what a closed request shows.

A request asks chosen raters, by category, about one member of staff (the subject). Answers wait sealed in the
ballot box until the request closes (as a survey run's do); then `tally` opens them in memory and works out the
report. An anonymous category is shown only with at least its threshold of anonymous answers (the trust's k, never
below 3; direct reports never below the survey minimum of 5); a hidden category shows nothing, not even how many
answered. A rater who chose to be named is shown with their name and counted in no anonymous category, so no
category's figures can be taken from another's. There is no figure across categories (an "all raters" total would
give a hidden category by subtraction).
"""
from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from staffroom_shared.domain import Aggregate
from staffroom_shared.figures import mean

from .events import FeedbackInvitationIssued, FeedbackRequestClosed
from .instruments import Instrument, Item, Questionnaire
from .model import MIN_GROUP_SIZE, StaffMember, in_words

MIN_K = 3  # the trust's k may be raised, never set below this
DEFAULT_K = 3


class Category(str, enum.Enum):
    LINE_MANAGER = "line_manager"
    PEERS = "peers"
    DIRECT_REPORTS = "direct_reports"
    OTHERS = "others"


CATEGORY_NAMES = {Category.LINE_MANAGER: "Line manager", Category.PEERS: "Peers",
                  Category.DIRECT_REPORTS: "Direct reports", Category.OTHERS: "People outside the trust"}

MAX_OUTSIDE = 10  # addresses per request: enough for a 360, too few to make the trust's mail server a spammer
# The longest a request or round stays open: a half term (six or seven weeks) and a holiday. Answers wait sealed
# under SEAL_KEY until the close, and an open request holds back any other about the same person (F7), so one open
# for years would hold HR's rounds back for years (outsider, issue 24, finding 5).
LONGEST_OPEN = timedelta(weeks=8)


class RequestStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class FeedbackError(ValueError):
    """A rule a request refused; `field` names the input it points at."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def threshold(category: Category, k: int) -> int | None:
    """How many anonymous answers a category needs to be shown; None: it can only be named (one line manager)."""
    if k < MIN_K:
        raise FeedbackError(f"the smallest group for feedback is at least {MIN_K}", "k")
    if category is Category.LINE_MANAGER:
        return None
    if category is Category.DIRECT_REPORTS:
        return max(k, MIN_GROUP_SIZE)  # people a manager manages are the survey's minimum, as any survey of staff
    return k


def thresholds(k: int, invited: list[tuple[uuid.UUID | None, Category]] | None = None,
               reports_now: set[uuid.UUID] = frozenset()) -> dict[Category, int | None]:
    """Each category's threshold for one request at its close. A category holding anyone who is, at the close, a
    direct report of the person it is about needs the direct reports' minimum, whatever category they were asked
    in: a headteacher moved three of his reports under another manager, asked them as peers, moved them back and
    read them with 3 answers (outsider, issue 24, finding 3). Someone asked as a direct report is in the direct
    reports' category, which needs its minimum whoever has moved since."""
    needed = {c: threshold(c, k) for c in Category}
    for staff_id, category in invited or ():
        if staff_id is not None and staff_id in reports_now and needed[category] is not None:
            needed[category] = max(needed[category], needed[Category.DIRECT_REPORTS])
    return needed


def check_closing(closes_on: date, today: date) -> date:
    """A closing date after today and at most LONGEST_OPEN ahead."""
    if closes_on <= today:
        raise FeedbackError("the closing date must be after today", "closes_on")
    if closes_on > today + LONGEST_OPEN:
        raise FeedbackError(f"the closing date must be at most {LONGEST_OPEN.days // 7} weeks ahead (on or before "
                            f"{in_words(today + LONGEST_OPEN)}): answers wait unread until the close, and while it "
                            "is open no other feedback about the same person can ask the same people", "closes_on")
    return closes_on


def check_k(k: int) -> int:
    threshold(Category.PEERS, k)
    return k


# -- question sets ------------------------------------------------------------------------------------------------

def _set(key: str, title: str, statements: list[tuple[str, str]], keep: str, more: str) -> Instrument:
    items = tuple(Item(f"{key}.{slug}", text, "agreement5") for slug, text in statements) + (
        Item(f"{key}.keep_doing", keep, "text"), Item(f"{key}.more_of", more, "text"))
    return Instrument(key=key, title=title, instructions="How far do you agree? Skip any you cannot judge.",
                      licence="Staffroom's own questions", citation="", items=items, measures=())


QUESTION_SETS = {
    "360": _set("fb360", "360 feedback", [
        ("communicates", "Communicates clearly and listens well."),
        ("supports", "Supports colleagues and shares what works."),
        ("reliable", "Does what they say they will, on time."),
        ("improves", "Looks for ways to improve their practice."),
        ("pupils", "Keeps pupils' learning and wellbeing at the centre."),
        ("calm", "Stays calm and constructive under pressure."),
    ], "What should they keep doing?", "What could they do more of?"),
    "upward": _set("upward", "Upward feedback", [
        ("clear", "My line manager makes clear what is expected of me."),
        ("listens", "My line manager listens to me and acts on what I say."),
        ("recognises", "My line manager recognises my work."),
        ("develops", "My line manager supports my development."),
        ("workload", "My line manager takes my workload and wellbeing seriously."),
        ("appraisal", "My appraisal meetings are useful."),
    ], "What should your line manager keep doing?", "What could your line manager do more of?"),
}


def questionnaire(question_set: str) -> Questionnaire:
    if question_set not in QUESTION_SETS:
        raise FeedbackError(f"unknown question set {question_set!r}; one of: {', '.join(QUESTION_SETS)}",
                            "question_set")
    return Questionnaire([QUESTION_SETS[question_set]])


# -- requests -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rater:
    staff_id: uuid.UUID
    category: Category


@dataclass
class FeedbackInvitation:
    """Who was asked, in which category, and whether they answered: never what, never when. Someone outside the
    trust has no staff id (None) and their address is kept nowhere: it went to notifications sealed."""

    request_id: uuid.UUID
    staff_id: uuid.UUID | None
    category: Category
    token_hash: str
    answered: bool | None = False  # None once the request has closed: kept, it would count a hidden category


def choose_raters(subject: StaffMember, line_manager_id: uuid.UUID | None, chosen: list[Rater],
                  reports_of_subject: set[uuid.UUID], include_line_manager: bool,
                  requester_id: uuid.UUID | None = None, outside: int = 0,
                  names: dict[uuid.UUID, str] | None = None) -> list[Rater]:
    """The raters of a 360 request: those chosen plus (if asked) the subject's line manager. Nobody rates
    themselves, nobody is asked twice, and each is asked in the category they are in: direct reports are the
    subject's own (the copy of the directory says) and only ever asked as direct reports (whose answers need 5),
    the line manager only as line manager (named). Whoever makes the request is not asked in it: they would count
    themselves in an anonymous category and could take their own answers away (outsider, issue 24). `outside`: how
    many people outside the trust are asked as well (they are enough on their own). `names`: the chosen people the
    caller may see by name; a refusal names nobody else (and never by an id)."""
    raters: dict[uuid.UUID, Rater] = {}
    for rater in chosen:
        if rater.category is Category.LINE_MANAGER:
            raise FeedbackError("the line manager is not chosen: tick 'ask my line manager'", "raters")
        if rater.category is Category.OTHERS:
            raise FeedbackError("people outside the trust are asked by their email address, not chosen from the "
                                "staff list", "raters")
        if rater.staff_id == subject.staff_id:
            raise FeedbackError("nobody can rate themselves", "raters")
        if rater.staff_id == requester_id:
            raise FeedbackError("whoever asks for the feedback is not one of the people asked", "raters")
        if rater.staff_id == line_manager_id:
            raise FeedbackError("the line manager is asked as line manager (tick 'ask my line manager'), never in "
                                "another group", "raters")
        if rater.staff_id in reports_of_subject and rater.category is not Category.DIRECT_REPORTS:
            raise FeedbackError("a direct report of the person the feedback is about is asked as a direct report, "
                                "never in another group", "raters")
        if rater.category is Category.DIRECT_REPORTS and rater.staff_id not in reports_of_subject:
            raise FeedbackError(f"{_who(rater.staff_id, names)} is not a direct report of the person the feedback "
                                "is about: ask them as a peer", "raters")
        if rater.staff_id in raters:
            raise FeedbackError(f"{_who(rater.staff_id, names)} is chosen twice: ask each person once", "raters")
        raters[rater.staff_id] = rater
    if include_line_manager:
        if line_manager_id is None:
            raise FeedbackError("the directory names no line manager for this person", "include_line_manager")
        if requester_id is not None and requester_id == line_manager_id:  # outsider: he was his own named rater
            raise FeedbackError("you asked for this feedback, so you are not one of those asked: untick 'ask the "
                                "line manager'", "include_line_manager")
        raters[line_manager_id] = Rater(line_manager_id, Category.LINE_MANAGER)
    if not raters and not outside:
        raise FeedbackError("choose at least one person to ask", "raters")
    return list(raters.values())


def _who(staff_id: uuid.UUID, names: dict[uuid.UUID, str] | None) -> str:
    """A chosen person as a refusal names them: by name if the caller may see it, else without saying who."""
    name = (names or {}).get(staff_id)
    return name if name else "one of the people chosen"


# One address as a person types it into a form: a local part of the usual characters (no quoted strings, no
# comments, no IP literals), a domain of at least two labels of letters, digits and inner hyphens, a letter TLD.
_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def email_address(typed: str) -> str:
    """The address, trimmed and in lower case (so one person is not asked twice as Ann@x and ann@x), or a refusal
    that says what is wrong with it (without repeating it: an address is personal data, and error logs keep text)."""
    address = typed.strip().lower() if isinstance(typed, str) else ""
    if not address:
        raise FeedbackError("an email address is empty", "outside_trust")
    if address[0] in "=+-@":  # a spreadsheet opened from an export would run it as a formula (outsider)
        raise FeedbackError("an email address cannot start with =, +, - or @: check it was copied in full",
                            "outside_trust")
    if len(address) > 254 or address.count("@") != 1:
        raise FeedbackError("an email address is not one address of the form name@example.org", "outside_trust")
    local, domain = address.split("@")
    labels = domain.split(".")
    if not (len(local) <= 64 and _LOCAL.fullmatch(local) and len(labels) >= 2
            and all(_LABEL.fullmatch(label) for label in labels) and labels[-1].isalpha() and len(labels[-1]) >= 2):
        raise FeedbackError("an email address is not one address of the form name@example.org", "outside_trust")
    return address


def outside_raters(typed: list[str]) -> list[str]:
    """The addresses of people outside the trust to ask (category "others"): each valid, in lower case, each once,
    and at most MAX_OUTSIDE of them, so a request cannot be used to send mail to a list."""
    if len(typed) > MAX_OUTSIDE:
        raise FeedbackError(f"at most {MAX_OUTSIDE} people outside the trust can be asked in one request", "outside_trust")
    addresses: list[str] = []
    for one in typed:
        address = email_address(one)
        if address in addresses:
            raise FeedbackError("the same email address is given twice: ask each person once", "outside_trust")
        addresses.append(address)
    return addresses


def untagged(address: str) -> str:
    """An address without a +tag in its local part: jade.ahmed+360@x and jade.ahmed@x reach the same mailbox."""
    local, _, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


def domains_to_check(addresses: list[str]) -> list[str]:
    """The domains whose staff addresses decide whether these addresses are the trust's: each address's domain
    and every domain above it (mail.oaktrust.example is under oaktrust.example), of two labels or more."""
    found: list[str] = []
    for address in addresses:
        labels = domain_of(address).split(".")
        found += [".".join(labels[i:]) for i in range(len(labels) - 1)]
    return sorted(set(found))


def refuse_colleagues(addresses: list[str], colleagues: set[str], trust_domains: set[str] = frozenset()) -> None:
    """A colleague is asked as a colleague, never as someone outside the trust: typed as "outside" they would be
    asked twice (one request minus another gives a third person's answers) or counted with k instead of a direct
    report's 5 (outsider). `colleagues`: the addresses of staff in wellbeing's copy of the directory (current or
    past) that match them, trimmed and in lower case; `trust_domains`: which of `domains_to_check` any staff
    address is at. A +tag is ignored on both sides (jade.ahmed+360@ is jade.ahmed@), and any address at a domain
    the trust's staff addresses use, or under it, is refused too: whoever has an address there is a colleague, to
    be asked as one (outsider, issue 24, finding 2). The refusal does not repeat the address."""
    theirs = {untagged(c) for c in colleagues}
    if any(untagged(address) in theirs for address in addresses):
        raise FeedbackError("one of the addresses is a colleague's in the trust: choose them as a colleague "
                            "instead", "outside_trust")
    trust_domains = {*trust_domains, *(domain_of(c) for c in colleagues)}
    for address in addresses:
        domain = domain_of(address)
        if any(domain == d or domain.endswith("." + d) for d in trust_domains):
            raise FeedbackError(f"an address at {domain} is the trust's own: people with one are colleagues, so "
                                "choose them from the staff list instead", "outside_trust")


@dataclass(frozen=True)
class OpenRequest:
    """An open request about someone, as the overlap rule needs it: whom it asked (staff; None is never in it),
    whether it asked people outside the trust, and (for an upward round's) the round's title."""

    title: str
    closes_on: date
    raters: frozenset
    outside: bool
    round_title: str | None = None


def refuse_overlap(about: str, raters: set[uuid.UUID], outside: bool, open_requests: list[OpenRequest],
                   field: str = "raters") -> None:
    """Two open requests about the same person never share a rater (F7, outsider): two reports from nearly the same
    people can be subtracted to give the answers of those who differ, as HR could with two overlapping upward rounds
    about one manager. People outside the trust cannot be compared with anyone (their addresses are kept nowhere: a
    colleague's own address typed as "outside" is one of the same people), so a request that asks people outside the
    trust is never open beside another request about the same person, in either order."""
    for other in open_requests:
        what = (f"the upward round \"{other.round_title}\"" if other.round_title
                else f"the request \"{other.title}\"")
        if outside or other.outside:
            raise FeedbackError(f"{what} about {about} is open until {in_words(other.closes_on)}, and a request "
                                "that asks people outside the trust cannot be open beside another about the same "
                                "person: their addresses cannot be compared with the other's raters. Ask once it "
                                "has closed", "outside_trust" if outside else field)
        if raters & other.raters:
            raise FeedbackError(f"{what} asks some of the same people about {about} and is open until "
                                f"{in_words(other.closes_on)}: two reports from the same people could be compared "
                                "to tell one person's answers. Ask them once it has closed, or ask other people", field)


@dataclass(frozen=True)
class ShownReport:
    """An earlier request about someone whose report showed an anonymous category: its title, closing day, the
    colleagues it asked and whether it asked people outside the trust."""

    title: str
    closed_on: date
    raters: frozenset[uuid.UUID] = frozenset()
    outside: bool = False


def shows_anonymous(report: dict | None) -> bool:
    """Whether a closed request's report showed any anonymous category (named answers alone do not count)."""
    return any(c.get("shown") for c in (report or {}).get("categories", []))


def school_year(day: date) -> tuple[date, date]:
    """The school year a day is in: 1 September to 31 August."""
    start = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    return start, date(start.year + 1, 8, 31)


def refuse_second_report(about: str, raters: set[uuid.UUID], outside: bool, shown: list[ShownReport], today: date,
                         field: str | None = None) -> None:
    """No two reports about a person in a school year that show an anonymous category come from any of the same
    people (outsider, issue 24, finding 4): peers X, Y, Z, W and then X, Y, Z, one after the other, subtract to W's
    ratings and comment, as the threat model forbids for surveys. Two reports from nobody in common cannot be
    subtracted, so a manager whose peers' 360 was shown in October still gets their direct reports' upward feedback
    in spring. People outside the trust cannot be compared with anyone (their addresses are kept nowhere), so a
    report that asked them, or a request that asks them, is one a school year. An earlier request that showed
    nothing (too few answered, or only named answers) does not count."""
    start, end = school_year(today)
    for earlier in shown:
        if not start <= earlier.closed_on <= end:
            continue
        if outside or earlier.outside:
            why = "people outside the trust cannot be compared with the people asked before"
        elif raters & earlier.raters:
            why = "it asked some of the same people"
        else:
            continue
        raise FeedbackError(f"{about} already had feedback this school year that was shown (\"{earlier.title}\", "
                            f"closed on {in_words(earlier.closed_on)}), and {why}: a second report could be compared "
                            "with it to tell one person's answers. Ask other colleagues, or ask again from "
                            f"{in_words(end + timedelta(days=1))}", field)


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 manager", "2 managers": a count and its noun, as a person would write them."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def who_was_asked(invited: list[tuple[uuid.UUID | None, Category]],
                  names: dict[uuid.UUID, str]) -> list[tuple[str, Category]]:
    """Who was asked, as the request's page lists them: colleagues by name, and people outside the trust only as
    how many ("2 people outside the trust"): their addresses were never kept, and a count is all anyone needs."""
    listed = [(names.get(s, ""), c) for s, c in invited if s is not None]
    outside = sum(1 for s, _ in invited if s is None)
    if outside:
        listed.append((plural(outside, "person outside the trust", "people outside the trust"), Category.OTHERS))
    return listed


class FeedbackRequest(Aggregate):
    """A request for feedback about one member of staff; `round_id`: one manager's part of an upward round."""

    def __init__(self, *, subject_id: uuid.UUID, academy_id: uuid.UUID, question_set: str, closes_on: date, k: int,
                 requested_by: str, title: str, today: date, round_id: uuid.UUID | None = None,
                 id: uuid.UUID | None = None):
        questionnaire(question_set)
        check_closing(closes_on, today)
        self.id = id or uuid.uuid4()
        self.subject_id, self.academy_id, self.question_set = subject_id, academy_id, question_set
        self.closes_on, self.k, self.requested_by, self.title = closes_on, check_k(k), requested_by, title
        self.round_id, self.status, self.shared = round_id, RequestStatus.OPEN, False
        # `answered` is never kept: while open the invitations' flags are counted for HR, and a stored 0 beside
        # them would be a false count (a subject access copy said "Answered 0" of a request with answers, finding 6)
        self.invited, self.answered, self.report, self.closed_at = 0, None, None, None

    def invite(self, rater: Rater, token_hash: str, academy_id: uuid.UUID, about: str | None = None
               ) -> FeedbackInvitation:
        """A member of staff: their invitation carries no link (`answer_in_staffroom`), and the token behind
        `token_hash` is thrown away, so nothing emailed or stored answers in their place. They answer from Feedback
        in Staffroom ("Answer now", `new_link`): whoever held the mail spool answered with two peers' links and read
        the third's answers off the category (outside tester, issue 24)."""
        self.invited += 1
        self.record(FeedbackInvitationIssued(run_id=self.id, staff_id=rater.staff_id, academy_id=academy_id,
                                             title=self.title, closes_on=self.closes_on, sealed_link=None,
                                             reissued=False, answer_in_staffroom=True, about=about))
        return FeedbackInvitation(self.id, rater.staff_id, rater.category, token_hash)

    def new_link(self, invitation: FeedbackInvitation, token_hash: str, today: date) -> None:
        """"Answer now": a new token for a member of staff's own invitation (the old one, emailed or made by an
        earlier "Answer now", stops working), given to their signed-in browser only. Nothing is published: news of
        it in the rater's inbox and email named, in notifications' tables and the mail spool, exactly who answered
        each closed request (outsider O8); someone answering in their place would show them "already given"."""
        if invitation.staff_id is None:  # someone outside the trust cannot sign in: their emailed link is all
            raise FeedbackError("people outside the trust answer with the link in their email")
        if invitation.answered:
            raise FeedbackError("you have already given this feedback")
        if not self.accepting(today):
            raise FeedbackError("this request for feedback is closed, so it takes no more answers")
        invitation.token_hash = token_hash

    def invite_outside(self, rater_id: uuid.UUID, token_hash: str, sealed_link: str, sealed_address: str,
                       about: str) -> FeedbackInvitation:
        """Someone outside the trust: the event names them by `rater_id`, made for this one email (nobody in the
        directory), to which both seals are bound; the invitation keeps no id and no address at all."""
        self.invited += 1
        self.record(FeedbackInvitationIssued(run_id=self.id, staff_id=rater_id, academy_id=self.academy_id,
                                             title=self.title, closes_on=self.closes_on, sealed_link=sealed_link,
                                             reissued=False, about=about, sealed_address=sealed_address))
        return FeedbackInvitation(self.id, None, Category.OTHERS, token_hash)

    def accepting(self, today: date) -> bool:
        return self.status is RequestStatus.OPEN and today <= self.closes_on

    def due_to_close(self, today: date) -> bool:
        return self.status is RequestStatus.OPEN and today > self.closes_on

    def close(self, ballots: list[dict], at: datetime, invited: list[tuple[uuid.UUID | None, Category]] | None = None,
              reports_now: set[uuid.UUID] = frozenset()) -> None:
        """`invited`: who was asked in which category (None: report every category); `reports_now`: the subject's
        direct reports at the close, whose category needs the direct reports' minimum whatever it is."""
        if self.status is not RequestStatus.OPEN:
            raise FeedbackError("this feedback request is already closed")
        asked = None if invited is None else {c for _, c in invited}
        self.report = tally(self.question_set, ballots, self.k, asked, thresholds(self.k, invited, reports_now))
        # No count the report does not show is kept: with the shown categories' counts and the named answers, the
        # total would give a hidden category's (outsider); the invitations' flags are cleared with it (service).
        self.answered, self.status, self.closed_at = None, RequestStatus.CLOSED, at
        self.record(FeedbackRequestClosed(request_id=self.id, academy_id=self.academy_id))

    def share(self, shared: bool) -> None:
        self.shared = shared


def must_be_named(category: Category) -> bool:
    """A line manager is one person: their answers can only be shown with their name."""
    return category is Category.LINE_MANAGER


def may_be_named(category: Category) -> bool:
    """Someone outside the trust is known to us only by a link: no name of theirs could be shown as checked."""
    return category is not Category.OTHERS


def ballot(category: Category, answers: dict, name: str | None, named: bool | None = None) -> dict:
    """What a rater's ballot holds (sealed until the close): category, answers, and a name only if they chose it."""
    if must_be_named(category) and name is None:
        raise FeedbackError("a line manager's answers are always shown with their name", "named")
    if named and not may_be_named(category):
        raise FeedbackError("people outside the trust answer without a name: untick 'Show my name with my "
                            "answers'", "named")
    return {"category": category.value, "answers": answers, "name": name}


# -- the close ----------------------------------------------------------------------------------------------------

@dataclass
class _Pile:
    ratings: dict[str, list[int]] = field(default_factory=dict)
    comments: dict[str, list[str]] = field(default_factory=dict)
    n: int = 0


def tally(question_set: str, ballots: list[dict], k: int, asked: set[Category] | None = None,
          needed_by: dict[Category, int | None] | None = None) -> dict:
    """The report of a closed request, from its opened ballots (in any order): named answers one by one; each
    anonymous category that was asked (`asked`; None: all), its figures only if at least its threshold answered
    (`needed_by`, as `thresholds` gives them; by default each category's own), and each statement's only if at
    least that many rated it; comments sorted by text (never in the order given)."""
    needed_by = needed_by or thresholds(k)
    items = questionnaire(question_set).items
    rated = [i for i in items.values() if i.scale != "text"]
    texts = [i for i in items.values() if i.scale == "text"]
    named, piles = [], {c: _Pile() for c in Category if c is not Category.LINE_MANAGER}
    for one in ballots:
        category, answers = Category(one["category"]), one["answers"]
        if one.get("name") is not None:
            named.append({"name": one["name"], "category": category.value,
                          "ratings": [{"key": i.key, "text": i.text, "value": answers[i.key]}
                                      for i in rated if i.key in answers],
                          "comments": [{"key": i.key, "question": i.text, "text": answers[i.key]}
                                       for i in texts if i.key in answers]})
            continue
        if category is Category.LINE_MANAGER:  # cannot happen (refused when answering): never shown unnamed
            continue
        pile = piles[category]
        pile.n += 1
        for key, value in answers.items():
            if key in items and items[key].scale == "text":
                pile.comments.setdefault(key, []).append(value)
            elif key in items:
                pile.ratings.setdefault(key, []).append(value)
    categories = []
    for category, pile in piles.items():
        needed = max(needed_by[category], threshold(category, k))  # never below the category's own
        if asked is not None and category not in asked:
            continue
        if pile.n < needed:
            categories.append({"category": category.value, "shown": False, "needed": needed})
            continue
        statements = []
        for item in rated:
            values = pile.ratings.get(item.key, [])
            shown = len(values) >= needed
            statements.append({"key": item.key, "text": item.text, "shown": shown,
                               "answered": len(values) if shown else None,
                               "mean": mean(values) if shown else None,  # a half up, as by hand
                               "counts": [values.count(v) for v in range(1, 6)] if shown else None})
        comments = [{"key": i.key, "question": i.text, "texts": sorted(pile.comments.get(i.key, []))} for i in texts]
        categories.append({"category": category.value, "shown": True, "needed": needed, "answered": pile.n,
                           "statements": statements, "comments": comments})
    return {"named": sorted(named, key=lambda x: (x["category"], x["name"])), "categories": categories}


# -- upward rounds ------------------------------------------------------------------------------------------------

class FeedbackRound(Aggregate):
    """HR's upward round: every manager in scope with enough direct reports is asked about by their reports."""

    def __init__(self, *, title: str, academy_id: uuid.UUID | None, closes_on: date, created_by: str, today: date,
                 id: uuid.UUID | None = None):
        check_closing(closes_on, today)
        self.id = id or uuid.uuid4()
        self.title, self.academy_id, self.closes_on, self.created_by = title, academy_id, closes_on, created_by
        self.opened_on, self.managers, self.invited, self.status = today, 0, 0, RequestStatus.OPEN

    def close_if_done(self, requests: list[FeedbackRequest]) -> None:
        """A round is complete once every manager's request has closed."""
        if all(r.status is RequestStatus.CLOSED for r in requests):
            self.status = RequestStatus.CLOSED


def managers_in_scope(people: list[StaffMember], managers_of: dict[uuid.UUID, uuid.UUID | None],
                      academy_id: uuid.UUID | None, today: date, k: int) -> tuple[dict[uuid.UUID, list[StaffMember]],
                                                                                  list[uuid.UUID]]:
    """Each manager (in post, in scope) with their direct reports in post, and the managers left out because they
    have fewer reports than upward feedback needs to be shown (the direct reports' threshold)."""
    in_post = {p.staff_id: p for p in people if p.in_post(today, starting_by=today)}
    reports: dict[uuid.UUID, list[StaffMember]] = {}
    for person in in_post.values():
        manager = managers_of.get(person.staff_id)
        if manager in in_post and (academy_id is None or in_post[manager].academy_id == academy_id):
            reports.setdefault(manager, []).append(person)
    needed = threshold(Category.DIRECT_REPORTS, k)
    included = {m: r for m, r in reports.items() if len(r) >= needed}
    left_out = sorted((m for m, r in reports.items() if len(r) < needed), key=str)
    return dict(sorted(included.items(), key=lambda kv: str(kv[0]))), left_out


def too_few_reports(k: int) -> str:
    """Why a manager with too few direct reports is left out of an upward round, in words."""
    return (f"fewer than {threshold(Category.DIRECT_REPORTS, k)} direct reports in post, so their answers could "
            "never be shown")
