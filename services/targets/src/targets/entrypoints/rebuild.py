"""Rebuild the read model from the events stored here: `python -m targets.entrypoints.rebuild`.

Empties the per-person facts and applies every stored event again, in the order first applied, in one
transaction (consumers wait for it). Definitions, announced statuses and the trend are kept. Prints the
counts as JSON. Safe to run at any time; run it after a change to how events become facts.
"""
from __future__ import annotations

import argparse
import json

from staffroom_shared.log import configure_logging

from ..service.rebuild import rebuild


def main(argv: list[str] | None = None) -> int:
    from .. import bootstrap

    argparse.ArgumentParser(prog="python -m targets.entrypoints.rebuild", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    configure_logging(service=bootstrap.NAME)
    context = bootstrap.build()
    try:
        print(json.dumps(rebuild(context.uow(actor="rebuild"))), flush=True)
    finally:
        context.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
