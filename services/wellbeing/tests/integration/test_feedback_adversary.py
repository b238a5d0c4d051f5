"""360 feedback against whoever holds the data (docs/wellbeing.md, "360 and upward feedback"), on SQLite and
PostgreSQL: an adversary with every table, the database files and WAL, the outbox and the audit log (not SEAL_KEY)
tries to learn who gave a piece of anonymous feedback, or what a hidden category said."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import json
import re

from staffroom_shared.testing import old_row_versions

from . import test_adversary as adversary
from .test_adversary import Stack, _files

stack, tokens = adversary.stack, adversary.tokens  # the survey adversary's fixtures: SQLite and PostgreSQL

TODAY = date.today()


def _school(stack: Stack) -> dict:
    """A subject, their line manager, six peers, each with a marker word they will write."""
    academy = uuid.uuid4()
    stack.insert("academies", {"academy_id": academy, "name": "Birch Academy"})

    def person(first: str, manager=None) -> dict:
        return {"staff_id": uuid.uuid4(), "academy_id": academy, "first_name": first, "last_name": "Birch",
                "email": f"{first.lower()}@birch.example", "staff_type": "teaching", "start_date": date(2016, 9, 1),
                "leaving_date": None, "line_manager_id": manager}

    manager = person("Manager")
    subject = person("Subject", manager["staff_id"])
    peers = [person(f"Peer{i}") for i in range(6)]
    stack.insert("staff", manager, subject, *peers)
    return {"academy": academy, "manager": manager, "subject": subject, "peers": peers}


def _ask(stack: Stack, school: dict, peers: list[dict]) -> tuple[str, dict]:
    me = stack.tokens.headers(school["subject"]["staff_id"], academy_id=school["academy"])
    request = stack.ok(stack.client.post("/feedback/requests", headers=me, json={
        "closes_on": str(TODAY + timedelta(days=10)), "include_line_manager": True,
        "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers]}), 201)
    return request["id"], {p["staff_id"]: _answer_now(stack, school, request["id"], p["staff_id"])
                           for p in [*peers, school["manager"]]}


def _answer_now(stack: Stack, school: dict, request_id: str, staff_id: uuid.UUID) -> str:
    """A rater's token as Staffroom gives it to their own signed-in browser: a member of staff is emailed none."""
    made = stack.ok(stack.client.post(f"/feedback/requests/{request_id}/link", headers=stack.tokens.headers(
        staff_id, academy_id=school["academy"])), 201)
    return made["link"].split("#token=")[1]


def _answer(stack: Stack, token: str, level: int, words: str, named: bool = False):
    return stack.client.post("/feedback/respond", headers={"X-Survey-Token": token}, json={
        "answers": {"fb360.calm": level, "fb360.keep_doing": words}, "named": named})


def test_no_stored_artefact_ties_an_anonymous_answer_or_comment_to_its_rater(stack):
    lsn = stack.sql("SELECT pg_current_wal_lsn()::text")[0][0] if stack.kind == "postgresql" else None
    school = _school(stack)
    peers = school["peers"][:5]
    request_id, links = _ask(stack, school, peers)
    words = {p["staff_id"]: f"wombat-{uuid.uuid4().hex}" for p in peers}
    outbox, audits = len(stack.rows("outbox")), len(stack.rows("audit_log"))
    for i, peer in enumerate(peers):
        assert _answer(stack, links[peer["staff_id"]], 1 + i, words[peer["staff_id"]], named=(i == 4)).status_code == 204
    assert _answer(stack, links[school["manager"]["staff_id"]], 3, "manager words", named=True).status_code == 204
    # Answering wrote no event and no audit row; the invitation says only whether its link was used.
    assert (len(stack.rows("outbox")), len(stack.rows("audit_log"))) == (outbox, audits)
    assert set(stack.tables["feedback_invitations"].c.keys()) == {"request_id", "staff_id", "category", "token_hash",
                                                                  "answered"}
    # Every ballot is the same size, named or not, whatever its length; nothing in them is readable.
    sizes = {len(row.sealed) for row in stack.rows("feedback_ballots")}
    assert len(sizes) == 1
    before_close = _files(stack, lsn)
    assert not any(w.encode() in before_close for w in words.values())
    closed = stack.ok(stack.client.post(f"/feedback/requests/{request_id}/close", headers=stack.tokens.headers(
        school["subject"]["staff_id"], academy_id=school["academy"])))
    assert not stack.rows("feedback_ballots")
    report = closed["report"]
    [peers_shown] = [c for c in report["categories"] if c["category"] == "peers"]
    texts = peers_shown["comments"][0]["texts"]
    anonymous = [words[p["staff_id"]] for p in peers[:4]]
    assert texts == sorted(anonymous)  # by text: not the order people answered
    if stack.kind == "sqlite":  # the scan sees words where they are stored (PostgreSQL may compress the report)
        assert all(w.encode() in _files(stack, lsn) for w in anonymous)
    # Nothing stored after the close names an anonymous rater beside their words: the report holds no staff id,
    # token hash or time, and the named rater's words are beside their name only.
    stored = str([tuple(r) for r in stack.rows("feedback_requests")])
    for peer in peers[:4]:
        assert str(peer["staff_id"]) not in stored and peer["first_name"] not in stored
    for row in stack.rows("feedback_invitations"):
        assert not any(w in str(tuple(row)) for w in words.values())
    assert [n["name"] for n in report["named"]] == ["Manager Birch", "Peer4 Birch"]
    if stack.kind == "postgresql":  # one transaction wrote the report: its row version orders nothing
        assert len(stack.sql("SELECT DISTINCT xmin FROM feedback_requests WHERE id = :i", i=request_id)) == 1
        # Outsider O8: the old row versions (pageinspect) gave each rater's "answered" in answering order, and each
        # destroyed ballot beside its rater by the transaction that wrote both. After the close there are none.
        for table in ("feedback_invitations", "feedback_ballots"):
            assert old_row_versions(stack.context.config.database_url, table) == 0, table



def test_a_hidden_category_s_words_are_never_stored_readable_nor_shown(stack):
    lsn = stack.sql("SELECT pg_current_wal_lsn()::text")[0][0] if stack.kind == "postgresql" else None
    school = _school(stack)
    peers = school["peers"][:2]
    request_id, links = _ask(stack, school, peers)
    secret = [f"numbat-{uuid.uuid4().hex}" for _ in peers]
    for peer, word in zip(peers, secret):
        assert _answer(stack, links[peer["staff_id"]], 2, word).status_code == 204
    closed = stack.ok(stack.client.post(f"/feedback/requests/{request_id}/close", headers=stack.tokens.headers(
        school["subject"]["staff_id"], academy_id=school["academy"])))
    assert {"category": "peers", "shown": False, "needed": 3} in closed["report"]["categories"]
    files = _files(stack, lsn)
    assert not any(w.encode() in files for w in secret)  # sealed until the close, never written in clear
    assert all(w not in str(closed) for w in secret)


def test_a_link_from_a_mailbox_cannot_read_what_its_owner_answered(stack):
    school = _school(stack)
    request_id, links = _ask(stack, school, school["peers"][:3])
    token = links[school["peers"][0]["staff_id"]]
    assert _answer(stack, token, 5, "private words").status_code == 204
    replay = stack.client.get("/feedback/respond", headers={"X-Survey-Token": token})
    assert replay.status_code == 409 and b"private words" not in replay.data
    assert request_id


def test_an_outside_raters_address_is_in_no_table_file_wal_or_log(stack, caplog):
    """Issue 24: the address of someone outside the trust reaches notifications sealed; wellbeing writes it nowhere,
    in any case (the database files and WAL, the outbox, the audit log, its own log lines)."""
    import logging

    lsn = stack.sql("SELECT pg_current_wal_lsn()::text")[0][0] if stack.kind == "postgresql" else None
    school = _school(stack)
    addresses = [f"quokka-{uuid.uuid4().hex[:12]}@Elsewhere.example" for _ in range(3)]
    me = stack.tokens.headers(school["subject"]["staff_id"], academy_id=school["academy"])
    with caplog.at_level(logging.DEBUG):
        stack.ok(stack.client.post("/feedback/requests", headers=me, json={
            "closes_on": str(TODAY + timedelta(days=10)), "outside_trust": addresses}), 201)
    files = _files(stack, lsn).lower()
    for address in addresses:
        local = address.split("@")[0].lower().encode()
        assert local not in files and local.decode() not in caplog.text.lower()


def test_whoever_holds_every_table_and_event_cannot_answer_for_a_staff_rater(stack):
    """Outside tester, issue 24: with every link for "feedback about Chloe Davies" from the mail folder, they posted
    an answer through each (409 said who had answered), then read the one real answer off the category. A member of
    staff's invitation carries no link, the token behind it was thrown away, and "Answer now" gives a fresh one to
    their signed-in browser only: every stored string shaped like a token, tried as a link, opens nothing."""
    school = _school(stack)
    peers = school["peers"][:3]
    me = stack.tokens.headers(school["subject"]["staff_id"], academy_id=school["academy"])
    request_id = stack.ok(stack.client.post("/feedback/requests", headers=me, json={
        "closes_on": str(TODAY + timedelta(days=10)), "include_line_manager": True,
        "raters": [{"staff_id": str(p["staff_id"]), "category": "peers"} for p in peers]}), 201)["id"]
    issued = [p for p in stack.events("wellbeing.invitation_issued") if p["run_id"] == request_id]
    assert len(issued) == 4 and all(p["sealed_link"] is None and p["answer_in_staffroom"] for p in issued)
    voided = _answer_now(stack, school, request_id, peers[1]["staff_id"])  # made, then replaced: opens nothing
    real = _answer_now(stack, school, request_id, peers[0]["staff_id"])
    assert _answer(stack, real, 5, "GENUINE words").status_code == 204
    _answer_now(stack, school, request_id, peers[1]["staff_id"])
    held = json.dumps({t.name: [list(map(str, r)) for r in stack.rows(t.name)]
                       for t in stack.context.metadata.sorted_tables}, default=str)
    assert real not in held and voided not in held
    # every stored string shaped like a token or its hash (the invitations' keys), and the link "Answer now" replaced
    tried = set(re.findall(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,64}(?![A-Za-z0-9_-])", held)) | {voided}
    assert {r.token_hash for r in stack.rows("feedback_invitations")} < tried
    for guess in tried:
        assert stack.client.get("/feedback/respond", headers={"X-Survey-Token": guess}).status_code == 404
        assert _answer(stack, guess, 1, "filler").status_code == 404
    closed = stack.ok(stack.client.post(f"/feedback/requests/{request_id}/close", headers=me))
    assert {"category": "peers", "shown": False, "needed": 3} in closed["report"]["categories"]
