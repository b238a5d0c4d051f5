"""A relay, consumer, scheduler or sender loads no web stack: no Flask, flask-smorest or PyJWT, which only a web
process uses. Each of them otherwise carried some 15-20 MB more (docs/performance.md, memory)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB_ONLY = ("flask", "flask_smorest", "apispec", "webargs", "jwt")
BACKGROUND = sorted(f"{p.parents[1].name}.entrypoints.{p.stem}"
                    for kind in ("relay", "consumer", "scheduler", "sender")
                    for p in ROOT.glob(f"services/*/src/*/entrypoints/{kind}.py"))


def test_every_kind_of_background_process_is_checked():
    assert len(BACKGROUND) == 19 and {m.split(".")[-1] for m in BACKGROUND} == {"relay", "consumer", "scheduler",
                                                                                 "sender"}


@pytest.mark.parametrize("module", BACKGROUND)
def test_a_background_process_loads_no_web_stack(module, tmp_path):
    # As `python -m <module>` would before it runs: the module and what its main builds (the service's context).
    service = module.split(".")[0]
    code = (f"import importlib, json, sys; importlib.import_module({module!r}); "
            f"importlib.import_module('{service}.bootstrap').build(); "
            f"print(json.dumps(sorted(m for m in {WEB_ONLY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={"PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "BUS_URL": "memory://"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [], f"{module} imports {out.stdout.strip()}"
