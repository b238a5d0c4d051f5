"""No pinned dependency has a known vulnerability, unless it is justified below (issue 8).

The data is PyPI's vulnerability feed (the PyPA advisory database and OSV, as PyPI serves them in its JSON API),
the same feed `pip-audit -s pypi` reads. pip-audit itself is not used: it asks for /pypi/<name>/<version>/json,
which this machine's registry mirror answers 404, and pip-audit takes a 404 for "not on PyPI", skips the package
and still exits 0 -- on this machine it audited none of the pins and passed. So the audit is done here with two
URLs and one rule:

  * /pypi/<name>/json (the project) names the latest release and the vulnerabilities that affect it. When the pin
    is the latest release, that list is the pin's.
  * Otherwise /pypi/<name>/<version>/json is asked, which is pip-audit's own source.
  * A pin that neither answers for is not audited, and that fails the test for anything requirements.lock ships
    in the images. A test-only pin (requirements-dev.lock) that cannot be audited is only reported: it never
    reaches a deployment, and failing the build on every upstream test-tool release would keep main red.

A finding is fixed by moving the pin past `fixed_in`, or justified by adding its id to JUSTIFIED with the reason.
PyPI must be reachable: the test fails, never skips, when it is not (installing the pins needed it too).
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPI = "https://pypi.org/pypi"

# Vulnerability id (PYSEC-, GHSA-, CVE-) -> why it does not apply to Staffroom. Empty: nothing needed saying.
JUSTIFIED: dict[str, str] = {}


@dataclass
class Audit:
    name: str
    version: str
    shipped: bool
    latest: str = ""
    source: str = ""  # which URL answered for the pinned version, "" when none did
    findings: list[dict] = field(default_factory=list)

    def line(self) -> str:
        ids = ", ".join(f"{v['id']} (fixed in {', '.join(v['fixed_in']) or 'no release'})" for v in self.findings)
        state = ids or ("no known vulnerability" if self.source else f"NOT AUDITED (latest is {self.latest})")
        return f"{self.name}=={self.version}{'' if self.shipped else ' [test only]'}: {state}"


def pins(lock: Path) -> dict[str, str]:
    """name -> version for every `name==version` line, following `-r other.lock`."""
    found: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found |= pins(lock.parent / line[3:].strip())
        elif line:
            requirement = Requirement(line)
            (version,) = (spec.version for spec in requirement.specifier if spec.operator == "==")
            found[canonicalize_name(requirement.name)] = version
    return found


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def audit(name: str, version: str, shipped: bool, get=_get) -> Audit:
    result = Audit(name, version, shipped)
    project = get(f"{PYPI}/{name}/json")
    if project is None:
        raise LookupError(f"{name} is not on PyPI")
    result.latest = project["info"]["version"]
    if result.latest == version:
        answer, result.source = project, f"{PYPI}/{name}/json"
    else:
        answer = get(f"{PYPI}/{name}/{version}/json")
        result.source = f"{PYPI}/{name}/{version}/json" if answer is not None else ""
    if answer is not None:
        result.findings = [v for v in answer.get("vulnerabilities") or [] if v.get("withdrawn") is None]
    return result


def audit_locks(get=_get) -> list[Audit]:
    shipped = pins(ROOT / "requirements.lock")
    everything = pins(ROOT / "requirements-dev.lock")
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda item: audit(*item, item[0] in shipped, get), sorted(everything.items())))


def problems(audits: list[Audit]) -> list[str]:
    unjustified = [a for a in audits if any(v["id"] not in JUSTIFIED for v in a.findings)]
    unaudited = [a for a in audits if a.shipped and not a.source]
    return [a.line() for a in unjustified + unaudited]


def test_no_pinned_dependency_has_an_unjustified_known_vulnerability():
    audits = audit_locks()
    print("\n".join(a.line() for a in audits))
    assert len(audits) == len(pins(ROOT / "requirements-dev.lock")) > 40
    assert not problems(audits), "\n".join(problems(audits))


def test_a_known_vulnerability_is_found_in_pypis_feed():
    """ecdsa's maintainers do not fix timing side channels, so its latest release carries GHSA-wj6h-64fc-37mp
    (Minerva): the audit must report it from the live feed, for whatever release is latest when this runs."""
    latest = _get(f"{PYPI}/ecdsa/json")["info"]["version"]
    found = audit("ecdsa", latest, shipped=True)
    assert "GHSA-wj6h-64fc-37mp" in {v["id"] for v in found.findings}, found.line()
    assert problems([found]) == [found.line()]


def _feed(latest: str, per_version: dict[str, list[dict] | None]):
    """PyPI as two URLs: the project answers with `latest` and per_version[latest]; a version missing from
    per_version answers 404, as this machine's mirror does for every version."""
    def get(url: str):
        version = url.removeprefix(f"{PYPI}/pkg/").removesuffix("json").strip("/") or latest
        if version not in per_version:
            return None
        return {"info": {"version": latest}, "vulnerabilities": per_version[version]}
    return get


def test_the_rule_for_pins_behind_the_latest_release_and_withdrawn_or_justified_findings(monkeypatch):
    vuln = {"id": "GHSA-test-0001", "fixed_in": ["2.0"], "withdrawn": None}
    withdrawn = {"id": "GHSA-test-0002", "fixed_in": [], "withdrawn": "2026-01-01T00:00:00Z"}
    feed = _feed("2.0", {"2.0": [withdrawn], "1.0": [vuln]})

    assert audit("pkg", "2.0", True, feed).findings == []  # the latest, from the project URL; withdrawn ignored
    behind = audit("pkg", "1.0", True, feed)  # behind, but its own URL answers: the finding is reported
    assert [v["id"] for v in behind.findings] == ["GHSA-test-0001"] and problems([behind]) == [behind.line()]

    unreachable = _feed("2.0", {"2.0": []})
    shipped, test_only = audit("pkg", "1.0", True, unreachable), audit("pkg", "1.0", False, unreachable)
    assert shipped.source == "" and problems([shipped]) == ["pkg==1.0: NOT AUDITED (latest is 2.0)"]
    assert problems([test_only]) == []

    monkeypatch.setitem(JUSTIFIED, "GHSA-test-0001", "not reachable from Staffroom's code")
    assert problems([behind]) == []
