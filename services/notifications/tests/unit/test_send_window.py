"""The sender's rate limit: at most N emails in any 60 seconds, on a clock the test moves."""
from __future__ import annotations

import pytest

from notifications.entrypoints.sender import SendWindow
from notifications.service.email import SmtpSettings


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_no_limit_allows_a_full_batch_every_time():
    window = SendWindow(None, Clock())
    for _ in range(3):
        assert window.allowance(50) == 50
        window.spend(50)
    assert window.seconds_to_next() == 0.0


def test_a_limit_allows_a_burst_then_one_more_as_each_leaves_the_minute():
    clock = Clock()
    window = SendWindow(30, clock)
    assert window.allowance(50) == 30
    window.spend(20)
    clock.now += 10
    assert window.allowance(50) == 10
    window.spend(10)
    assert window.allowance(50) == 0
    assert window.seconds_to_next() == pytest.approx(50.0)  # the first 20 leave the window at 60 s
    clock.now += 49.9
    assert window.allowance(50) == 0
    clock.now += 0.1
    assert window.allowance(50) == 20 and window.seconds_to_next() == 0.0
    window.spend(20)
    clock.now += 10  # the 10 sent at 10 s have left; the 20 just sent have not
    assert window.allowance(50) == 10


@pytest.mark.parametrize("value, expected", [("30", 30), ("", None), (None, None)])
def test_the_limit_comes_from_the_environment(value, expected):
    environ = {"SMTP_HOST": "smtp.office365.com"} | ({"SMTP_MAX_PER_MINUTE": value} if value is not None else {})
    assert SmtpSettings.from_env(environ).max_per_minute == expected


@pytest.mark.parametrize("value", ["0", "-5", "thirty", "2.5"])
def test_a_limit_that_is_not_a_positive_whole_number_is_refused(value):
    with pytest.raises(ValueError, match="SMTP_MAX_PER_MINUTE"):
        SmtpSettings.from_env({"SMTP_HOST": "smtp.office365.com", "SMTP_MAX_PER_MINUTE": value})
