"""The two WSGI apps that bench/run.py serves under gunicorn, side by side, with the same settings.

- directory_app(): the real directory service (directory.entrypoints.web.create_app) with a real production-style
  config read from the environment (PostgreSQL or SQLite, RabbitMQ bus URL, JWT verification, JSON
  access logging at INFO) -- exactly what deploy/gunicorn.conf.py serves.
- appraisal_app(): the real appraisal service (appraisal.entrypoints.web.create_app), configured the same way.
- bare_app(): the floor -- a plain Flask app with a plain SQLAlchemy engine doing a primary-key read of
  one table (BENCH_TABLE: `staff` for the directory, `appraisals` for appraisal) on the same database
  and returning the row as JSON, at GET /<table>/<id>. No auth, no schemas.

Both read their settings from BENCH_* environment variables that bench/run.py sets.
"""
from __future__ import annotations

import os


def directory_app():
    from directory.entrypoints.web import create_app
    from staffroom_shared.config import ServiceConfig

    # ServiceConfig.from_env reads DATABASE_URL, BUS_URL, JWT_*, STAFFROOM_ENV, LOG_LEVEL...
    return create_app(ServiceConfig.from_env("directory"))


def appraisal_app():
    from appraisal.entrypoints.web import create_app
    from staffroom_shared.config import ServiceConfig

    return create_app(ServiceConfig.from_env("appraisal"))


def bare_app():
    import uuid

    from flask import Flask, abort, jsonify
    from sqlalchemy import MetaData, Table, create_engine, select
    from sqlalchemy.orm import Session

    url = os.environ["BENCH_DATABASE_URL"]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    else:
        engine = create_engine(url, pool_size=5, max_overflow=10)
    name = os.environ.get("BENCH_TABLE", "staff")
    table = Table(name, MetaData(), autoload_with=engine)
    # gunicorn's master builds the app (preload_app) and forks the workers: hand them no pooled connection, or
    # two workers talk over one socket (seen: wrong rows and 404s, a request hung for 30 s).
    engine.dispose()
    app = Flask("bare")
    app.extensions["bench_engine"] = engine  # bench/instructions.py counts its round trips

    @app.get(f"/{name}/<uuid:row_id>")
    def get_row(row_id: uuid.UUID):
        with Session(engine) as session:
            row = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if row is None:
            abort(404)
        return jsonify(dict(row))

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
