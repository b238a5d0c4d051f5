"""Wiring for the whole test run."""
import pytest

# The run is spread over the machine's cores by pytest-xdist (pytest.ini: -n auto), a test file at a time, so a
# module's fixtures are made once. These folders each go to one worker, in order: the fault scenarios, because
# each loads the machine with a stack of its own and measures what survives; the deploy scripts, which listen on
# fixed ports; the browser journeys, which share one `staffroom run` started for the session. testpaths lists
# them first, so they start first and the many short files fill in beside them.
ONE_WORKER = ("tests/faults/", "tests/deploy/", "portal/tests/browser/")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByFileOrFolder(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return next((folder for folder in ONE_WORKER if path.startswith(folder)), path)

    return ByFileOrFolder(config, log)


def pytest_terminal_summary(terminalreporter):
    """The fault scenarios' counts (tests/faults/kit.py `note`), together at the end of the run."""
    lines = [value for status in ("passed", "failed") for report in terminalreporter.stats.get(status, [])
             if report.when == "call" for name, value in report.user_properties if name == "faults"]
    if lines:
        terminalreporter.section("fault scenarios: events and writes")
        for line in lines:
            terminalreporter.write_line(line)

