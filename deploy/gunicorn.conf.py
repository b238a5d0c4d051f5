"""Gunicorn settings shared by every Staffroom web process.

Used as: gunicorn -c deploy/gunicorn.conf.py, with STAFFROOM_SERVICE naming the service whose web app it serves
(deploy/service.Dockerfile sets it); an app named on the command line (the portal's) is served instead.
Everything a deployment may want to tune comes from the environment.
"""
import gc
import os
import re

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


if os.environ.get("STAFFROOM_SERVICE"):
    wsgi_app = f"{os.environ['STAFFROOM_SERVICE']}.entrypoints.web:create_app()"


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Not derived from cpu_count(): inside a container that reports the host's
# cores, not the container's share. Scale with replicas instead.
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"

# The proxy waits 60 s for a response; a worker stuck longer than this is
# killed first, so the client gets a clean 502/504 rather than a hang.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = 5

# Recycle workers now and then so a slow leak never takes a service down.
# A worker is forked from the master, which has loaded the app already
# (preload_app), so a recycled worker is back in milliseconds rather than
# seconds; the wide jitter keeps a service's workers from recycling together.
# (With 1000 +/- 100 and imports in every new worker, bench/load.py at
# 200 req/s saw both workers of a service recycle within 4 s of each other
# and the service stall for about 7 s.)
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)
preload_app = True


def pre_fork(server, worker):
    """Put everything the master has loaded (the app: some 110,000 objects) out of the garbage collector's reach
    before forking, as Python's docs advise for fork without exec. A worker's full collection then walks only
    what it made itself: 3.5 ms instead of 71 ms for a service's app, a pause every request in the worker
    waits through. It also stops collections writing to the shared pages, which copy-on-write would copy."""
    gc.freeze()


def post_fork(server, worker):
    """The master built the app; no worker may share a database connection with another (SQLAlchemy: "Using
    Connection Pools with Multiprocessing or os.fork()"), so each starts with an empty pool of its own."""
    context = getattr(server.app.callable, "extensions", {}).get("staffroom")
    if context is not None:
        context.engine.dispose(close=False)

# The heartbeat file must not live on the container's overlay filesystem,
# where a slow disk makes healthy workers look dead.
worker_tmp_dir = "/dev/shm"

# Trust X-Forwarded-Proto/-For from the reverse proxy. The web port is never
# published (compose) or is reachable only inside the cluster (k8s); narrow
# this to the proxy's addresses where that is not so.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Gunicorn 25.1+ opens a control socket under $HOME by default; containers
# are managed by replacing them, and their filesystem is read-only.
control_socket_disable = True

loglevel = os.environ.get("LOG_LEVEL", "info").lower()
errorlog = "-"
accesslog = "-"
# One JSON object per request, the only access line under gunicorn (the service app writes its own only where
# gunicorn does not serve it: staffroom_shared.app.served_by_gunicorn). The correlation id is the one the app answered
# with (the caller's, or one it made). Gunicorn escapes double quotes inside atoms.
# Which service wrote it, as the app's own lines say: the image's STAFFROOM_SERVICE (letters only: it goes into the
# format as it is), or "-" as gunicorn writes what it does not know.
SERVICE = re.sub(r"[^a-z_]", "", os.environ.get("STAFFROOM_SERVICE", "")) or "-"
access_log_format = (
    '{"logger": "gunicorn.access", "service": "' + SERVICE + '", "time": "%(t)s", "remote_addr": "%(h)s",'
    ' "forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s",'
    ' "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s,'
    ' "correlation_id": "%({x-correlation-id}o)s", "user_agent": "%(a)s"}'
)


# A survey link's requests (the portal's survey page, the files it loads, and wellbeing's /survey API: reading,
# saving, submitting, reading and answering replies) are logged without the address, the user agent or how long
# they took: with them, the log ties the sender to the moment, and so to the conversation HR had just replied to
# (docs/wellbeing.md, "Replies to comments"). The proxy does the same (deploy/nginx/nginx.conf).
# The same paths as staffroom_shared.log.SURVEY_LINK_PATH (tests/deploy/test_survey_link_logs.py holds them equal);
# written out, as this file is loaded by gunicorn before any app and may run where the suite is not installed.
SURVEY_LINK = re.compile(r"(/api/wellbeing)?/(survey(/.*)?|feedback/respond/?)|/(surveys|feedback)/respond/?")
SURVEY_PAGE = re.compile(r"https?://[^/]+/(surveys|feedback)/respond/?([?#].*)?")
survey_link_access_log_format = (
    '{"logger": "gunicorn.access", "service": "' + SERVICE + '", "time": "%(t)s", "method": "%(m)s",'
    ' "path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "correlation_id": "%({x-correlation-id}o)s"}'
)


def survey_link(environ) -> bool:
    """Whether a request is a survey link's, or for a file its page loads (the page's address as referrer)."""
    path = environ.get("PATH_INFO") or ""
    return bool(SURVEY_LINK.fullmatch(path) or path.startswith("/static/")
                and SURVEY_PAGE.fullmatch(environ.get("HTTP_REFERER") or ""))


class _Logger(Logger):
    """Leaves successful health probes (every few seconds) out of the access log, and a survey link's requests'
    address, user agent and duration."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in ("/healthz", "/readyz") and str(resp.status).startswith("2"):
            return
        if self.access_log_enabled and survey_link(environ):
            atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
            self.access_log.info(survey_link_access_log_format, atoms)
            return
        super().access(resp, req, environ, request_time)


logger_class = _Logger
