"""The daily job's former name (it is service/daily_job.py). Kept only because a suite-level test outside this
service (tests/security/test_no_usable_link_is_stored.py) imports run_daily from here: remove once it imports
notifications.service.daily_job."""
from .daily_job import run_daily  # noqa: F401
