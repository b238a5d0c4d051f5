"""The command that gives the first trust HR their access, before anyone can sign in to give it (issue 21)."""
from __future__ import annotations

import os
import subprocess
import sys

from staffroom_shared.testing import ServiceDb


def _grant(tmp_path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory.entrypoints.grant_role", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "STAFFROOM_DATA_DIR": str(tmp_path),
                                                      "LOG_LEVEL": "WARNING"})


def test_the_command_gives_a_role_by_work_email_and_says_what_is_wrong_otherwise(app, client, trust_hr, tmp_path):
    oak = client.post("/academies", json={"name": "Oak", "urn": "140001", "phase": "primary"}, headers=trust_hr).json
    head = client.post("/staff", headers=trust_hr, json={
        "staff_code": "H1", "academy_id": oak["id"], "first_name": "Hannah", "last_name": "Hughes",
        "email": "hannah.hughes@oaktrust.example", "staff_type": "leadership", "post": "Headteacher",
        "start_date": "2019-09-01"}).json

    done = _grant(tmp_path, "Hannah.Hughes@oaktrust.example", "trust_hr")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Hannah Hughes now has trust HR access when they sign in with Google"
    assert client.get(f"/staff/{head['id']}/roles", headers=trust_hr).json == {"roles": ["trust_hr"]}
    audit = [r for r in ServiceDb(app, ("audit_log",)).rows("audit_log") if r["action"] == "staff.roles_changed"]
    assert [(r["actor"], r["changes"]) for r in audit] == [("command line", {"given": ["trust_hr"], "withdrawn": []})]

    for args, says in ((("nobody@oaktrust.example", "trust_hr"), "nobody in the directory has the email address"),
                       (("hannah.hughes@oaktrust.example", "service"), "role is one of academy_hr, trust_hr, dpo"),
                       (("hannah.hughes@oaktrust.example",), "usage:")):
        refused = _grant(tmp_path, *args)
        assert refused.returncode != 0 and says in refused.stderr, refused.stderr

