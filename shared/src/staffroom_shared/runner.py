"""Process entrypoint helpers: migrate, relay and consumer loops with clean shutdown on SIGTERM."""
from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from .context import ServiceContext
from .consumer import InboxConsumer
from .relay import Relay

log = logging.getLogger(__name__)


def alembic_config(migrations_dir: Path, database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def migrate(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def _stop(signum, _frame):
        log.info("signal %s: finishing the current message, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    return stop


def relay(context: ServiceContext, stop: threading.Event) -> Relay:
    worker = Relay(context.engine, context.metadata.tables["outbox"], context.bus)
    log.info("relay for %s publishing to %s", context.config.service, context.config.bus_url.split("@")[-1])
    worker.run(stop.is_set)
    return worker


SETTLE_EVERY = 0.5


def consumer(context: ServiceContext, handlers: dict, stop: threading.Event, settle=None, *,
             name: str | None = None) -> None:
    """Consume until `stop`. `settle(context)`, if given, runs beside it about every SETTLE_EVERY seconds: work
    the handlers leave for once per burst of events rather than once per event (targets' judgements)."""
    queue = name or context.config.service
    inbox = InboxConsumer(queue, context.uow, handlers, should_stop=stop.is_set)
    finished, settler = threading.Event(), None
    if settle is not None:
        settler = threading.Thread(target=settle_loop, name=f"{queue}-settle", daemon=True,
                                   args=(settle, context, lambda: stop.is_set() or finished.is_set()))
        settler.start()
    log.info("consumer %s bound to %s", queue, ", ".join(inbox.bindings))
    try:
        context.bus.consume(queue, inbox.bindings, inbox, should_stop=stop.is_set)
    finally:
        finished.set()  # stopped, or failed: the settler stops with the consumer either way
        if settler is not None:
            settler.join()


def settle_loop(settle, context: ServiceContext, should_stop, every: float = SETTLE_EVERY) -> None:
    """Call `settle(context)` every `every` seconds until `should_stop()`. A failure (the database down) is logged
    and the call made again next time: what it had to do is still recorded, so nothing is lost by waiting."""
    while True:
        time.sleep(every)
        if should_stop():
            return
        try:
            settle(context)
        except Exception:  # noqa: BLE001 - a settler that dies quietly leaves its work undone for good
            log.exception("%s settle failed; trying again in %.1fs", context.config.service, every)


# -- `python -m <service>.entrypoints.<process>`: each service's modules call these with its bootstrap.

def main_migrate(bootstrap) -> None:
    from .log import configure_logging

    configure_logging(service=bootstrap.NAME)
    bootstrap.migrate()


def main_relay(bootstrap) -> None:
    from .log import configure_logging

    configure_logging(service=bootstrap.NAME)
    relay(bootstrap.build(), stop_on_signals())


def main_consumer(bootstrap) -> None:
    from .log import configure_logging

    configure_logging(service=bootstrap.NAME)
    consumer(bootstrap.build(), bootstrap.HANDLERS, stop_on_signals(), getattr(bootstrap, "SETTLE", None))


# -- daily jobs -------------------------------------------------------------------------------------

DAY = 24 * 60 * 60.0
RETRY_AFTER_FAILURE = 300.0


def daily_loop(name: str, job, context: ServiceContext, stop: threading.Event, every: float = DAY) -> None:
    """Run `job(context)` at start, then every `every` seconds until `stop`; a failed run (database down)
    is tried again sooner. The jobs are safe to repeat, so a restart running one again does no harm."""
    while not stop.is_set():
        try:
            job(context)
            wait = every
        except Exception:  # noqa: BLE001 - a scheduler that dies quietly does nothing ever again
            wait = min(every, RETRY_AFTER_FAILURE)
            log.exception("%s daily job failed; trying again in %.0fs", name, wait)
        stop.wait(wait)


def main_scheduler(bootstrap, job, doc: str, argv: list[str] | None = None) -> int:
    """`python -m <service>.entrypoints.scheduler [--every SECONDS]`: once (cron, CronJob) or as a loop."""
    import argparse
    import json

    from .log import configure_logging

    parser = argparse.ArgumentParser(prog=f"python -m {bootstrap.NAME}.entrypoints.scheduler", description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, metavar="SECONDS",
                        help="keep running: the job now, then every SECONDS (86400 for daily)")
    args = parser.parse_args(argv)
    configure_logging(service=bootstrap.NAME)
    context = bootstrap.build()
    if args.every is None:
        print(json.dumps(job(context)), flush=True)
        return 0
    if args.every <= 0:
        parser.error("--every must be a positive number of seconds")
    daily_loop(bootstrap.NAME, job, context, stop_on_signals(), args.every)
    return 0
