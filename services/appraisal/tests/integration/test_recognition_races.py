"""Recognition given many times at once (outsider, issue 24): on PostgreSQL 20 requests at once from one giver to one
colleague gave 6 (limit 3), and 40 to 40 colleagues gave 24 (limit 20), because each request counted the same day
before any had given. A giver's gives are serialised, so the daily limits hold however many arrive together."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from staffroom_shared.errors import TooManyRequests
from staffroom_shared.principal import Principal

from appraisal.adapters.orm import recognitions
from appraisal.domain.recognition import MOST_IN_WINDOW, MOST_TO_ONE_IN_WINDOW
from appraisal.service.recognition import give


def _staff(person: dict) -> Principal:
    return Principal(staff_id=person["staff_id"], roles=frozenset({"staff"}), academy_id=person["academy_id"],
                     subject=str(person["staff_id"]))


AT_ONCE = 10  # requests in flight together; the tests' own commit check takes a second connection from a pool of 15


def all_at_once(world, giver: Principal, recipients: list[uuid.UUID]) -> list[str]:
    """One give per recipient, AT_ONCE of them in flight together from the same moment; what each was told."""
    barrier = threading.Barrier(AT_ONCE)

    def attempt(recipient_id):
        try:
            give(world.context.uow(actor=giver.actor), giver, {
                "recipient_id": recipient_id, "kind": "recognition", "words": "Thank you for covering 9B",
                "visibility": "private"})
            return "given"
        except TooManyRequests:
            return "refused"

    def requests(share):
        barrier.wait()
        return [attempt(recipient_id) for recipient_id in share]

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return [told for shares in pool.map(requests, [recipients[n::AT_ONCE] for n in range(AT_ONCE)])
                for told in shares]


def given_by(world, giver: Principal) -> int:
    return len(world.rows(recognitions, recognitions.c.giver_id == giver.staff_id))


def test_twenty_gives_at_once_to_one_colleague_give_three(world):
    giver, colleague = _staff(world.join(first_name="Ann")), world.join(first_name="Bea")["staff_id"]

    told = all_at_once(world, giver, [colleague] * 20)

    assert told.count("given") == MOST_TO_ONE_IN_WINDOW == given_by(world, giver)
    assert len(world.outbox("appraisal.recognition_given")) == MOST_TO_ONE_IN_WINDOW


def test_forty_gives_at_once_to_forty_colleagues_give_twenty(world):
    giver = _staff(world.join(first_name="Cal"))
    colleagues = [world.join(first_name=f"Colleague{n}")["staff_id"] for n in range(40)]

    told = all_at_once(world, giver, colleagues)

    assert told.count("given") == MOST_IN_WINDOW == given_by(world, giver)
