"""No pinned dependency has a known vulnerability, unless it is justified below (issue 8).

The data is PyPI's vulnerability feed (the PyPA advisory database and OSV, as PyPI serves them in its JSON API),
the same feed `pip-audit -s pypi` reads. pip-audit itself is not used: it asks for /pypi/<name>/<version>/json,
which this machine's registry mirror answers 404, and pip-audit takes a 404 for "not on PyPI", skips the package
and still exits 0 -- on this machine it audited none of the pins and passed. So the audit is done here with two
URLs and one rule:

  * /pypi/<name>/json (the project) names the latest release and the vulnerabilities that affect it. When the pin
    is the latest release, that list is the pin's.
  * Otherwise /pypi/<name>/<version>/json is asked, which is pip-audit's own source.
  * When neither answers for the pin (it is behind the latest release, on this machine), the latest release's
    vulnerabilities are still checked: one not yet fixed there may well affect the pin too. What was fixed after
    the pin cannot be seen, so a shipped pin (requirements.lock, what the images install) may stay behind for
    GRACE after a newer release came out, and then fails the test until it is moved. Test-only pins
    (requirements-dev.lock) never reach a deployment and are only reported. Failing the build the day anything
    upstream releases would keep main red; PyPI's answer here has also named a "latest" release that its own
    release list did not have.

A finding is fixed by moving the pin past `fixed_in`, or justified by adding its id to JUSTIFIED with the reason.
PyPI must be reachable: the test fails, never skips, when it is not (installing the pins needed it too).
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from urllib3 import PoolManager, Retry

ROOT = Path(__file__).resolve().parents[2]
PYPI = "https://pypi.org/pypi"

# Vulnerability id (PYSEC-, GHSA-, CVE-) -> why it does not apply to Staffroom. Empty: nothing needed saying.
JUSTIFIED: dict[str, str] = {}
GRACE = timedelta(days=30)
# A dropped connection or a 5xx from PyPI is tried again (three times, backing off), not taken for an answer.
_HTTP = PoolManager(retries=Retry(total=3, backoff_factor=0.5, status_forcelist=(500, 502, 503, 504)), timeout=30)


@dataclass
class Audit:
    name: str
    version: str
    shipped: bool
    latest: str = ""
    source: str = ""  # which URL answered for the pinned version, "" when none did
    findings: list[dict] = field(default_factory=list)
    newer_since: datetime | None = None  # when unaudited: when the first release after the pin came out

    def line(self) -> str:
        ids = ", ".join(f"{v['id']} (fixed in {', '.join(v['fixed_in']) or 'no release'})" for v in self.findings)
        state = ids or "no known vulnerability"
        if not self.source:
            since = f" since {self.newer_since:%Y-%m-%d}" if self.newer_since else ""
            state += f"; fixes after it NOT AUDITED (latest {self.latest}{since})"
        return f"{self.name}=={self.version}{'' if self.shipped else ' [test only]'}: {state}"

    def overdue(self, now: datetime) -> bool:
        return self.shipped and not self.source and self.newer_since is not None and now - self.newer_since > GRACE


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
    response = _HTTP.request("GET", url)
    if response.status == 404:
        return None
    assert response.status == 200, f"{url}: HTTP {response.status}"
    return json.loads(response.data)


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
    if answer is None:
        answer, result.newer_since = project, _first_release_after(project["releases"], version)
    result.findings = [v for v in answer.get("vulnerabilities") or [] if v.get("withdrawn") is None]
    return result


def _first_release_after(releases: dict[str, list[dict]], version: str) -> datetime | None:
    """Upload time of the earliest final, unyanked release newer than `version` (None if there is none)."""
    def final(v: str) -> Version | None:
        try:
            parsed = Version(v)
        except InvalidVersion:
            return None
        return None if parsed.is_prerelease or parsed.is_devrelease else parsed

    pinned = Version(version)
    times = [datetime.fromisoformat(f["upload_time"]) for v, files in releases.items()
             if (parsed := final(v)) is not None and parsed > pinned for f in files if not f.get("yanked")]
    return min(times, default=None)


def audit_locks(get=_get) -> list[Audit]:
    shipped = pins(ROOT / "requirements.lock")
    everything = pins(ROOT / "requirements-dev.lock")
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda item: audit(*item, item[0] in shipped, get), sorted(everything.items())))


def problems(audits: list[Audit], now: datetime | None = None) -> list[str]:
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)  # PyPI gives upload times in UTC, without a zone
    return [a.line() for a in audits if any(v["id"] not in JUSTIFIED for v in a.findings) or a.overdue(now)]


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


RELEASES = {"1.0": [{"upload_time": "2026-01-01T00:00:00"}],
            "1.1": [{"upload_time": "2026-03-01T00:00:00", "yanked": True}],  # yanked: not a release to move to
            "2.0rc1": [{"upload_time": "2026-04-01T00:00:00"}],  # a pre-release neither
            "2.0": [{"upload_time": "2026-05-01T00:00:00"}, {"upload_time": "2026-05-02T00:00:00"}]}


def _feed(latest: str, per_version: dict[str, list[dict]]):
    """PyPI as two URLs: the project answers with `latest`, RELEASES and per_version[latest]; a version missing
    from per_version answers 404, as this machine's mirror does for every version."""
    def get(url: str):
        version = url.removeprefix(f"{PYPI}/pkg/").removesuffix("json").strip("/") or latest
        if version not in per_version:
            return None
        return {"info": {"version": latest}, "releases": RELEASES, "vulnerabilities": per_version[version]}
    return get


def test_the_rule_for_pins_behind_the_latest_release_and_withdrawn_or_justified_findings(monkeypatch):
    vuln = {"id": "GHSA-test-0001", "fixed_in": ["2.0"], "withdrawn": None}
    unfixed = {"id": "GHSA-test-0003", "fixed_in": [], "withdrawn": None}
    withdrawn = {"id": "GHSA-test-0002", "fixed_in": [], "withdrawn": "2026-01-01T00:00:00Z"}
    feed = _feed("2.0", {"2.0": [withdrawn], "1.0": [vuln]})

    assert audit("pkg", "2.0", True, feed).findings == []  # the latest, from the project URL; withdrawn ignored
    behind = audit("pkg", "1.0", True, feed)  # behind, but its own URL answers: the finding is reported
    assert [v["id"] for v in behind.findings] == ["GHSA-test-0001"] and problems([behind]) == [behind.line()]

    # Behind, and its own URL answers 404: audited against the latest's list only, and only for GRACE after 2.0.
    shipped = audit("pkg", "1.0", True, _feed("2.0", {"2.0": []}))
    assert shipped.source == "" and shipped.newer_since == datetime(2026, 5, 1)
    assert problems([shipped], now=datetime(2026, 5, 20)) == []
    assert problems([shipped], now=datetime(2026, 6, 20)) == [
        "pkg==1.0: no known vulnerability; fixes after it NOT AUDITED (latest 2.0 since 2026-05-01)"]
    assert problems([audit("pkg", "1.0", False, _feed("2.0", {"2.0": []}))], now=datetime(2026, 6, 20)) == []
    still_open = audit("pkg", "1.0", False, _feed("2.0", {"2.0": [unfixed]}))  # unfixed in the latest: reported
    assert problems([still_open], now=datetime(2026, 5, 20)) == [still_open.line()]

    monkeypatch.setitem(JUSTIFIED, "GHSA-test-0001", "not reachable from Staffroom's code")
    assert problems([behind]) == []
