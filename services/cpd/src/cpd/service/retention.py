"""What the CPD service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

Training records, development plans, training agreements, nominations and NPQ places are part of a person's personnel file:
they are kept while the person is employed and anonymised with the rest of it when the directory announces
that the file's retention has ended (staff.erased; service.handlers).

An ECT's induction record (its reviews, formal assessments, support plans and the appropriate body's decision) is
kept six years from the day induction ended here (passed, failed or the ECT left), as DfE's guidance asks of the
records and forms of induction [S1 2.77, 5.3, 5.11]; one still being served is kept.
"""
from __future__ import annotations

from datetime import date

from staffroom_shared.retention import Period, Record, platform_records

from ..adapters.orm import metadata
from .unit_of_work import CpdUnitOfWork

INDUCTION = ("DfE, Induction for early career teachers (England), April 2024: schools and appropriate bodies keep "
             "induction records and assessment forms for six years (S1 2.77, 5.3, 5.11)")


def _inductions_ended_before(uow: CpdUnitOfWork, cutoff: date, _today: date) -> int:
    return uow.inductions.delete_ended_before(cutoff)


RECORDS = (
    *platform_records(metadata),
    Record("inductions", "early career teachers' induction: posts, absence, timetable, progress reviews, formal "
           "assessments, signatures, support plans and the appropriate body's decision", Period(6, "year"),
           "the day induction ended at the academy (passed, failed or left)", INDUCTION, _inductions_ended_before),
)
