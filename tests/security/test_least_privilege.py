"""Each service reaches only its own database (issue 21): on real PostgreSQL, two services' databases made as
deploy/postgres/init.sh makes them (from the same file), each migrated by its own role, which is no superuser; and
neither role can connect to the other's database, let alone read its tables."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text

from appraisal import bootstrap as appraisal
from directory import bootstrap as directory
from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import postgres_database


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_a_service_s_role_owns_its_database_is_no_superuser_and_cannot_reach_another_s():
    with postgres_database("lpdir") as directory_url, postgres_database("lpapr") as appraisal_url:
        # migrations run as the owner, not as an administrator
        directory.migrate(ServiceConfig(service="directory", database_url=directory_url, bus_url=""))
        appraisal.migrate(ServiceConfig(service="appraisal", database_url=appraisal_url, bus_url=""))
        engine = create_engine(directory_url)
        with engine.connect() as db:
            me, superuser, owner = db.execute(text(
                "SELECT current_user, r.rolsuper, pg_get_userbyid(d.datdba) FROM pg_roles r, pg_database d "
                "WHERE r.rolname = current_user AND d.datname = current_database()")).one()
            tables = db.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                                     "AND tableowner = current_user")).scalar()
        engine.dispose()
        assert (superuser, owner == me) == (False, True) and tables > 3
        directory_role = directory_url.split("//", 1)[1].split("@", 1)[0]
        appraisal_db = appraisal_url.rsplit("/", 1)[1]
        # the directory's role, at the appraisal database: refused at the door
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(_plain(appraisal_url.replace(appraisal_db + "@", directory_role + "@", 1)), connect_timeout=5)
        # ... and the other way round
        appraisal_role = appraisal_db
        directory_db = directory_url.rsplit("/", 1)[1]
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(_plain(directory_url.replace(directory_db + "@", appraisal_role + "@", 1)), connect_timeout=5)
        # nor can it make itself more than it is
        with psycopg.connect(_plain(directory_url), autocommit=True) as conn:
            for grab in ("ALTER ROLE CURRENT_USER SUPERUSER", "CREATE DATABASE another",
                         f'GRANT "{directory_role}" TO "{appraisal_role}"'):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(grab)
