"""Wiring for the whole test run."""


def pytest_terminal_summary(terminalreporter):
    """The fault scenarios' counts (tests/faults/kit.py `note`), together at the end of the run."""
    lines = [value for status in ("passed", "failed") for report in terminalreporter.stats.get(status, [])
             if report.when == "call" for name, value in report.user_properties if name == "faults"]
    if lines:
        terminalreporter.section("fault scenarios: events and writes")
        for line in lines:
            terminalreporter.write_line(line)
