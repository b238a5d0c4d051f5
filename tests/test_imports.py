"""How the code imports itself (issue 22): no module reaches itself again through its imports (an import circle),
and each service's layers import downward only (.importlinter, checked with import-linter).

A circle makes a module's meaning depend on which one was imported first, and forced imports inside functions to
break it at run time; this found five (the portal's app, sign-in and pages; wellbeing's runs, responses and
results; the event contracts and the envelope; the bus and its back-ends; the app factory and the audit log)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("staffroom_shared", "directory", "appraisal", "cpd", "wellbeing", "notifications", "targets",
            "staffroom_portal", "staffroom")


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import one another round a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                member, component = None, []
                while member != module:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_check_finds_a_circle():
    graph = grimp.ImportGraph()
    for importer, imported in (("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")):
        graph.add_import(importer=importer, imported=imported)
    assert circles(graph) == [["a.x", "a.y", "a.z"]]


def test_no_module_imports_itself_round_a_circle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)
    assert circles(graph) == []


def test_each_services_layers_import_downward_only():
    checked = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-2000:]
