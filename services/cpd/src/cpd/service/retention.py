"""What the CPD service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

Training records, development plans, training agreements and nominations are part of a person's personnel file:
they are kept while the person is employed and anonymised with the rest of it when the directory announces
that the file's retention has ended (staff.erased; service.handlers).
"""
from __future__ import annotations

from staffroom_shared.retention import platform_records

from ..adapters.orm import metadata

RECORDS = platform_records(metadata)
