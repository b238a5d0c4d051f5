"""`staffroom run`: the whole suite on one machine with nothing else installed."""
from __future__ import annotations

import argparse
import logging
import os
import threading
from pathlib import Path

from staffroom_shared import runner
from staffroom_shared.auth import ensure_dev_keys, issue_dev_token
from staffroom_shared.config import ServiceConfig
from staffroom_shared.log import configure_logging

log = logging.getLogger("staffroom")
DAY = 24 * 60 * 60.0


def services():
    """Every service's composition root, in the order they start."""
    from appraisal import bootstrap as appraisal
    from cpd import bootstrap as cpd
    from directory import bootstrap as directory
    from notifications import bootstrap as notifications
    from targets import bootstrap as targets
    from wellbeing import bootstrap as wellbeing

    return [directory, appraisal, cpd, wellbeing, targets, notifications]


class Suite:
    """All services wired for one process: apps mounted under /api/<service>, relays and consumers as threads."""

    def __init__(self, data_dir: Path, environ: dict | None = None):
        self.data_dir = data_dir.resolve()
        self.environ = {**(os.environ if environ is None else environ), "STAFFROOM_DATA_DIR": str(self.data_dir)}
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.modules = services()
        self.configs = {m.NAME: ServiceConfig.from_env(m.NAME, self.environ) for m in self.modules}
        self.contexts = {}

    def prepare(self) -> None:
        from staffroom_portal.migrate import migrate as migrate_portal

        ensure_dev_keys(self.data_dir / "dev-keys")
        migrate_portal(ServiceConfig.from_env("portal", self.environ, bus_url=""))  # its sessions
        for module in self.modules:
            module.migrate(self.configs[module.NAME])
            self.contexts[module.NAME] = module.build(self.configs[module.NAME])
        for module in self.modules:
            # Declare every queue before any relay runs, so no event is published to nobody.
            if module.HANDLERS:
                self.contexts[module.NAME].bus.declare(module.NAME, sorted(module.HANDLERS))

    def wsgi(self):
        """The portal at /, each service's API at /api/<service>. The portal calls the APIs in-process."""
        import httpx
        from flask import Flask, jsonify
        from werkzeug.exceptions import NotFound
        from werkzeug.middleware.dispatcher import DispatcherMiddleware

        from staffroom_portal.app import create_app as create_portal
        from staffroom_portal.backend import Backend
        from staffroom_portal.identity import DevSignIn

        index = Flask("staffroom-apis")

        @index.get("/")
        def api_index():
            return jsonify(service="staffroom", apis={m.NAME: f"/api/{m.NAME}/openapi.json" for m in self.modules})

        mounts = {f"/api/{m.NAME}": _web(m).create_app(self.configs[m.NAME]) for m in self.modules}
        apis = {"/api": index, **mounts}
        backend = Backend("http://staffroom.internal", transport=httpx.WSGITransport(app=DispatcherMiddleware(NotFound(), apis)))
        dev = DevSignIn(self.data_dir / "dev-keys" / "private.pem", suggested=self.demo_people)
        portal = create_portal(ServiceConfig.from_env("portal", self.environ, bus_url=""), backend=backend, dev_sign_in=dev,
                               environ=self.environ)
        return DispatcherMiddleware(portal, apis)

    def start_workers(self) -> None:
        for module in self.modules:
            context = self.contexts[module.NAME]
            self._thread(f"{module.NAME}-relay", runner.relay, context, self.stop)
            if module.HANDLERS:
                self._thread(f"{module.NAME}-consumer", runner.consumer, context, module.HANDLERS, self.stop,
                             getattr(module, "SETTLE", None))
            sender = _entrypoint(module, "sender")
            if sender is not None:  # notifications' email: written to <data>/mail/*.eml without an SMTP_HOST
                self._thread(f"{module.NAME}-sender", sender.loop, context, self.stop, 1.0,
                             sender.settings_for(context, self.environ))

    def start_schedulers(self, every: float = DAY) -> None:
        """Each service's daily job (`<service>.entrypoints.scheduler.run_once`): now, then every 24 hours.

        Started after the demo seeding, so the first run sees the demo cycles. The jobs are safe to
        repeat, so a restart running them again the same day does no harm.
        """
        for module in self.modules:
            scheduler = _scheduler(module)
            if scheduler is not None:
                self._thread(f"{module.NAME}-scheduler", runner.daily_loop, module.NAME, scheduler.run_once,
                             self.contexts[module.NAME], self.stop, every)

    def _thread(self, name, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def seed(self) -> None:
        from directory import demo

        from . import demo as suite_demo

        # CPD's catalogue before its consumer starts, so the demo staff's staff.joined events find the
        # induction programmes when their development plans are made.
        catalogue = suite_demo.seed_cpd_catalogue(self.contexts["cpd"])
        if catalogue["seeded"]:
            log.info("seeded the demo CPD catalogue: %s programmes", catalogue["programmes"])
        result = demo.seed(self.contexts["directory"].uow)
        if result["seeded"]:
            log.info("seeded the demo trust: %s members of staff", result["staff"])

    def seed_after_workers(self, timeout: float = 60.0) -> None:
        """Demo data that other services build from the directory's events, so the relays and consumers
        must be running: this school year's appraisal cycles, opened once the staff copy has caught up, with the
        trust's priorities, QA rounds and recognition (issue 24), and
        wellbeing's surveys (last summer's, answered and closed; this term's pulse, open)."""
        from . import demo

        result = demo.seed_appraisal(self.contexts["directory"], self.contexts["appraisal"], timeout=timeout)
        if result["opened"]:
            log.info("opened the demo appraisal cycles: %s", ", ".join(result["opened"]))
        qa = demo.seed_qa(self.contexts["directory"], self.contexts["appraisal"])
        if qa["rounds"]:
            log.info("seeded the demo QA rounds: %s, %s observations", ", ".join(qa["rounds"]), qa["observations"])
        given = demo.seed_recognition(self.contexts["directory"], self.contexts["appraisal"])
        if given["given"]:
            log.info("seeded the demo recognition: %s given, %s kept as evidence", given["given"], given["kept"])
        demo.seed_hr_contacts(self.contexts["directory"], self.contexts["notifications"])
        budgets = demo.seed_cpd_budgets(self.contexts["directory"], self.contexts["cpd"])
        if budgets["budgets"]:
            log.info("set the demo academies' CPD budgets: %s", budgets["budgets"])
        completions = demo.seed_cpd_impact(self.contexts["directory"], self.contexts["cpd"], timeout=timeout)
        if completions["completed"]:
            log.info("seeded the demo's CPD impact: %s", completions)
        inductions = demo.seed_induction(self.contexts["directory"], self.contexts["cpd"], timeout=timeout)
        if inductions["ects"]:
            log.info("seeded the demo's statutory induction: %s", inductions)
        npqs = demo.seed_npq(self.contexts["directory"], self.contexts["cpd"], timeout=timeout)
        if npqs["places"]:
            log.info("seeded the demo's NPQ places: %s", npqs["places"])
        surveys = demo.seed_wellbeing(self.contexts["directory"], self.contexts["wellbeing"], timeout=timeout)
        if surveys["seeded"]:
            log.info("seeded the demo surveys: %s", ", ".join(surveys["seeded"]))

    def demo_people(self) -> list[dict]:
        """One person per role to try the suite as (none before the demo trust is seeded)."""
        from directory import demo

        try:
            return demo.demo_people(self.contexts["directory"].uow())
        except (IndexError, StopIteration):
            return []

    def demo_tokens(self) -> list[dict]:
        private = self.data_dir / "dev-keys" / "private.pem"
        people = self.demo_people()
        for person in people:
            person["token"] = issue_dev_token(private, staff_id=person["staff_id"], roles=person["roles"],
                                              academy_id=person["academy_id"])
        return people


def api_documents() -> dict[str, dict]:
    """Each service's OpenAPI document and the suite's AsyncAPI document, keyed by their path under docs/."""
    import tempfile

    from staffroom_shared.asyncapi import document

    out = {"events/asyncapi.json": document()}
    with tempfile.TemporaryDirectory() as tmp:
        suite = Suite(Path(tmp), environ={"LOG_LEVEL": "WARNING"})
        for module in suite.modules:
            app = _web(module).create_app(suite.configs[module.NAME])
            out[f"openapi/{module.NAME}.json"] = app.test_client().get("/openapi.json").get_json()
    return out


def broker_permissions() -> dict:
    """Each service's RabbitMQ user's permissions in the `staffroom` vhost, as a definitions file
    (deploy/rabbitmq/permissions.json): it configures nothing (its queues are the definitions'), reads only its own
    queue and dead-letter queue (and
    binds them to the exchanges), publishes to staffroom.events only the event types it owns and binds its queue only
    to the types it handles (topic permissions), and publishes to staffroom.replay with its own queue's name only
    (replaying its dead letters to its own queue). It may not publish to the default exchange nor to staffroom.dlx,
    through which it could reach another service's queue (outsider, issue 21): the broker itself dead-letters. Nobody
    may configure, so delete, the shared exchanges."""
    import re

    from staffroom_shared.contracts import contracts, owner

    def one_of(words) -> str:
        return "^(" + "|".join(re.escape(w) for w in sorted(words)) + ")$" if words else "^$"

    permissions, topics = [], []
    for module in services():
        name = module.NAME
        owned = {event_type for event_type, _ in contracts() if owner(event_type) == name}
        own = (name, f"{name}.dlq")
        # configure nothing: its queues come from the definitions (with configure on its own names it could
        # declare an exchange of that name bound into staffroom.events, or redeclare its queue's dead-lettering)
        permissions.append({"user": name, "vhost": "staffroom", "configure": "^$",
                            "write": one_of({*own, "staffroom.replay"} | ({"staffroom.events"} if owned else set())),
                            "read": one_of({*own, "staffroom.events", "staffroom.dlx", "staffroom.replay"})})
        topics.append({"user": name, "vhost": "staffroom", "exchange": "staffroom.events", "write": one_of(owned),
                       "read": one_of(set(module.HANDLERS))})
        topics.append({"user": name, "vhost": "staffroom", "exchange": "staffroom.replay", "write": one_of({name}),
                       "read": one_of({name})})
        # binds its own dead-letter queue only: another's dead letters are that service's data (outsider 9)
        topics.append({"user": name, "vhost": "staffroom", "exchange": "staffroom.dlx", "write": "^$",
                       "read": one_of({name})})
    return {"permissions": permissions, "topic_permissions": topics}


def write_docs(out: Path, *, check: bool = False) -> int:
    import json

    stale = []
    documents = {**api_documents(), "../deploy/rabbitmq/permissions.json": broker_permissions()}
    for name, doc in documents.items():
        path = (out / name).resolve()
        text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    if stale:
        print("out of date (run `staffroom docs`): " + ", ".join(stale))
        return 1
    return 0


def survey_link_keys(public_only: bool) -> int:
    """Wellbeing seals each survey link to notifications' public key; only notifications' email sender can open it."""
    import sys

    from staffroom_shared.sealing import new_key_pair, private_key, public_of

    if public_only:
        value = os.environ.get("SURVEY_LINK_PRIVATE_KEY") or sys.stdin.readline()
        try:
            print(f"SURVEY_LINK_PUBLIC_KEY={public_of(private_key(value))}")
        except ValueError as exc:
            print(f"staffroom survey-link-keys: SURVEY_LINK_PRIVATE_KEY is not a key ({exc}); make a pair with "
                  "`staffroom survey-link-keys`", file=sys.stderr)
            return 2
        return 0
    private, public = new_key_pair()
    print("# notifications' email sender only: a secret, kept out of every database and backup")
    print(f"SURVEY_LINK_PRIVATE_KEY={private}")
    print("# every wellbeing process: not a secret")
    print(f"SURVEY_LINK_PUBLIC_KEY={public}")
    return 0


def _web(module):
    import importlib

    return importlib.import_module(f"{module.NAME}.entrypoints.web")


def _scheduler(module):
    """The service's scheduler entrypoint if it has a daily job, else None."""
    return _entrypoint(module, "scheduler", "run_once")


def _entrypoint(module, process: str, runs: str = "loop"):
    """The service's `<service>.entrypoints.<process>` if it has `runs` (what the suite runs of it), else None."""
    import importlib
    import importlib.util

    name = f"{module.NAME}.entrypoints.{process}"
    if importlib.util.find_spec(name) is None:
        return None
    entrypoint = importlib.import_module(name)
    return entrypoint if hasattr(entrypoint, runs) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="staffroom")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run every service in one process (SQLite, embedded bus, demo data)")
    run.add_argument("--host", default=os.environ.get("STAFFROOM_HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("STAFFROOM_PORT", "8000")))
    run.add_argument("--data-dir", type=Path, default=Path(os.environ.get("STAFFROOM_DATA_DIR", "data")))
    run.add_argument("--no-seed", action="store_true", help="start with an empty trust")
    run.add_argument("--threads", type=int, default=8)
    docs = sub.add_parser("docs", help="regenerate docs/openapi/<service>.json and docs/events/asyncapi.json")
    docs.add_argument("--out", type=Path, default=Path("docs"))
    docs.add_argument("--check", action="store_true", help="exit 1 if the committed documents are out of date")
    keys = sub.add_parser("survey-link-keys", help="make notifications' key pair for survey links, or print a "
                                                   "private key's public half")
    keys.add_argument("--public", action="store_true",
                      help="print the SURVEY_LINK_PUBLIC_KEY of the SURVEY_LINK_PRIVATE_KEY in the environment "
                           "(or, if it is not set, on standard input)")
    args = parser.parse_args(argv)
    if args.command == "docs":
        return write_docs(args.out, check=args.check)
    if args.command == "survey-link-keys":
        return survey_link_keys(args.public)

    configure_logging(os.environ.get("LOG_LEVEL", "INFO"), "staffroom")
    if os.environ.get("STAFFROOM_ENV") == "production":
        parser.error("the embedded run is for one machine and development; production runs each service under "
                     "gunicorn (see docs/production.md)")
    # Links in emails (a survey's, "I've lost my link") must lead to where this run listens, not to the default port.
    listening = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104 - naming, not binding
    environ = {**os.environ} if os.environ.get("PUBLIC_URL") else {
        **os.environ, "PUBLIC_URL": f"http://{listening}:{args.port}"}
    suite = Suite(args.data_dir, environ=environ)
    suite.prepare()
    if not args.no_seed:
        suite.seed()
    app = suite.wsgi()
    suite.start_workers()
    if not args.no_seed:
        suite.seed_after_workers()
    suite.start_schedulers()
    base = f"http://{args.host}:{args.port}"
    print(f"\nStaffroom is running at {base}/ (data in {suite.data_dir})", flush=True)
    print(f"  open {base}/ in a browser and choose who to be on the development sign-in page")
    for module in suite.modules:
        print(f"  {module.NAME:<13} {base}/api/{module.NAME}/  (OpenAPI: {base}/api/{module.NAME}/openapi.json)")
    if not args.no_seed:
        print("\nDevelopment sign-in tokens (development only; production uses the trust's identity provider):")
        for person in suite.demo_tokens():
            print(f"  {person['as']:<16} {person['name']:<20} {person['token'][:24]}…")
        tokens_file = suite.data_dir / "demo-tokens.txt"
        tokens_file.write_text("".join(f"{p['as']}\t{p['name']}\t{p['staff_id']}\t{p['token']}\n"
                                       for p in suite.demo_tokens()))
        print(f"  full tokens in {tokens_file}\n  e.g. curl -H \"Authorization: Bearer $(cut -f4 {tokens_file} | head -1)\" "
              f"{base}/api/directory/staff/me", flush=True)
    from waitress import serve

    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="staffroom")
    finally:
        suite.stop.set()
    return 0
