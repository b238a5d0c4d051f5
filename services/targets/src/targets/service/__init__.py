"""Use cases of the targets service: event handlers, judging targets, the daily job, the rebuild, reports."""
