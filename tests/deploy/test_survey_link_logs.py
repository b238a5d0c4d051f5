"""A survey link's requests leave no address, user agent or duration in our access logs (docs/wellbeing.md, "Replies
to comments"): gunicorn's logger as deploy/gunicorn.conf.py sets it, and nginx as deploy/nginx/nginx.conf sets it,
run here against a stand-in upstream. An outside tester tied authors to their comments from these fields."""
import datetime
import json
import logging
import re
import runpy
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import httpx
from gunicorn.config import Config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ADDRESS, AGENT, FORWARDED = "203.0.113.7", "Tester-Browser/1.0", "198.51.100.9"
SURVEY_PAGE = "https://staffroom.example/surveys/respond"
NGINX_PORT, UPSTREAM_PORT = 18761, 18762  # this part's ports


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _gunicorn_line(path: str, referer: str | None = None) -> str:
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf["access_log_format"])
    logger = conf["logger_class"](cfg)
    lines = _Lines()
    logger.access_log.addHandler(lines)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT,
               **({"HTTP_REFERER": referer} if referer else {})}
    request = SimpleNamespace(headers=[("USER-AGENT", AGENT), ("X-FORWARDED-FOR", FORWARDED)])
    # the id the app answered with (the caller's, or one it made): gunicorn's is the only access line it serves
    response = SimpleNamespace(status="200 OK", sent=94467, headers=[("X-Correlation-ID", "c-1")])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=31))
    [line] = lines.lines
    return line


def _identifies(line: str) -> bool:
    return any(found in line for found in (ADDRESS, AGENT, FORWARDED))


def test_gunicorn_logs_a_survey_link_s_requests_without_address_user_agent_or_duration():
    for path, referer in (("/survey/replies", None), ("/survey", None), ("/survey/submission", None),
                          ("/surveys/respond", None), ("/static/survey.js", SURVEY_PAGE),
                          ("/feedback/respond", None),  # a 360 feedback link's (outsider, issue 24)
                          ("/static/feedback.js", SURVEY_PAGE.replace("/surveys/", "/feedback/"))):
        line = _gunicorn_line(path, referer)
        fields = json.loads(line)
        assert fields["path"] == path and fields["status"] == 200 and fields["bytes"] == "94467"
        assert fields["correlation_id"] == "c-1"
        assert not _identifies(line) and "duration_us" not in fields, line
    for path, referer in (("/runs/1/replies", None), ("/surveys/runs/1/replies", None), ("/static/portal.css", None),
                          ("/surveys", None), ("/feedback/requests", None)):
        line = _gunicorn_line(path, referer)
        assert _identifies(line), path  # everything else as before
        assert json.loads(line)["correlation_id"] == "c-1" and "duration_us" in json.loads(line)


class _Upstream(BaseHTTPRequestHandler):
    def _answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def test_nginx_logs_a_survey_link_s_requests_without_address_user_agent_or_duration(tmp_path):
    upstream = ThreadingHTTPServer(("127.0.0.1", UPSTREAM_PORT), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    conf = re.sub(r"[a-z]+-web:8000", f"127.0.0.1:{UPSTREAM_PORT}", conf)
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{NGINX_PORT};").replace(
        "pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    (tmp_path / "nginx.conf").write_text(conf)
    with open(tmp_path / "access.log", "wb") as access, open(tmp_path / "error.log", "wb") as errors:
        nginx = subprocess.Popen(["nginx", "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf"),
                                  "-g", "daemon off;"], stdout=access, stderr=errors)
    try:
        base = f"http://127.0.0.1:{NGINX_PORT}"
        headers = {"User-Agent": AGENT, "X-Forwarded-For": FORWARDED}
        for _ in range(50):
            try:
                httpx.get(base + "/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        # A 360 feedback link's requests are a survey link's too (outsider, issue 24: they were logged in full).
        sent = [("POST", "/api/wellbeing/survey/replies", {}), ("GET", "/api/wellbeing/survey", {}),
                ("GET", "/surveys/respond", {}), ("GET", "/static/survey.js", {"Referer": SURVEY_PAGE}),
                ("POST", "/api/wellbeing/feedback/respond", {}), ("GET", "/feedback/respond", {}),
                ("GET", "/static/feedback.js", {"Referer": SURVEY_PAGE.replace("/surveys/", "/feedback/")}),
                ("GET", "/static/portal.css", {}), ("GET", "/api/wellbeing/runs", {})]
        for method, path, extra in sent:
            assert httpx.request(method, base + path, headers={**headers, **extra}).status_code == 200, path
        for _ in range(50):
            lines = (tmp_path / "access.log").read_text().splitlines()
            if len(lines) >= len(sent):
                break
            time.sleep(0.1)
    finally:
        nginx.terminate()
        nginx.wait(10)
        upstream.shutdown()
    logged = {json.loads(line)["uri"]: line for line in lines}
    assert sorted(logged) == sorted(path for _, path, _ in sent)
    for _, path, _ in sent[:7]:
        assert not _identifies(logged[path]) and "duration" not in logged[path], logged[path]
    for _, path, _ in sent[7:]:
        assert "127.0.0.1" in logged[path] and AGENT in logged[path], logged[path]  # everything else as before


def test_gunicorn_and_the_services_own_log_agree_on_which_requests_are_a_survey_link_s():
    from staffroom_shared.log import SURVEY_LINK_PATH

    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["SURVEY_LINK"].pattern == SURVEY_LINK_PATH.pattern
