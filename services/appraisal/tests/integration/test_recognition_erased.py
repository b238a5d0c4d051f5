"""Recognition the giver withdraws, or HR removes, leaves no readable copy in the database's files: on SQLite neither
the file nor its write-ahead log holds the words, and on PostgreSQL no old row version does (outsider O8: withdrawn
and removed words read back with pageinspect, beside the giver's and recipient's ids)."""
from __future__ import annotations

from pathlib import Path

import pytest

from staffroom_shared.principal import Principal
from staffroom_shared.testing import old_row_versions

from appraisal.service.recognition import give, remove, withdraw

WORDS = "Unmistakable words 5b1c"
TRUST_HR = Principal(staff_id=None, roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")


def _staff(person: dict) -> Principal:
    return Principal(staff_id=person["staff_id"], roles=frozenset({"staff"}), academy_id=person["academy_id"],
                     subject=str(person["staff_id"]))


@pytest.mark.parametrize("how", ["withdrawn by the giver", "removed by HR"])
def test_no_copy_of_the_words_is_left_in_the_files(world, how):
    giver, recipient = _staff(world.join(first_name="Ann")), world.join(first_name="Bea")
    item = give(world.context.uow(actor=giver.actor), giver, {
        "recipient_id": recipient["staff_id"], "kind": "recognition", "words": WORDS, "visibility": "private"})
    if how == "removed by HR":
        remove(world.context.uow(actor=TRUST_HR.actor), TRUST_HR, item.id, "Abusive")
    else:
        withdraw(world.context.uow(actor=giver.actor), giver, item.id)
    url = world.context.config.database_url
    if url.startswith("sqlite"):
        database = Path(world.context.engine.url.database)
        files = [f for f in (database, database.with_name(database.name + "-wal")) if f.exists()]
        assert files and not [f.name for f in files if WORDS.encode() in f.read_bytes()]
    else:
        for table in ("recognitions", "outbox"):
            assert old_row_versions(url, table) == 0, table
