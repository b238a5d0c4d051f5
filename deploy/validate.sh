#!/usr/bin/env bash
# Checks the production layout without a Docker engine. Run from anywhere:
#   bash deploy/validate.sh
# Needs root for apt-get the first time (Debian's docker-compose and
# nginx-light); Python tools go into a throwaway venv under /tmp.
# Touches nothing in the repository.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/staffroom-deploy-check.XXXXXX)
venv=${STAFFROOM_CHECK_VENV:-/tmp/staffroom-deploy-check-venv}
image_venv=/tmp/staffroom-image-venv-$(sha256sum < "$repo/requirements.lock" | cut -c1-12)
app_port=${CHECK_APP_PORT:-18000}
proxy_port=${CHECK_PROXY_PORT:-18080}
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

need_apt=()
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
command -v nginx >/dev/null || need_apt+=(nginx-light)
if ((${#need_apt[@]})); then
    step "installing ${need_apt[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [[ ! -x $venv/bin/kubernetes-validate ]]; then
    step "creating $venv (pyyaml, yamllint, kubernetes-validate, gunicorn)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q pyyaml yamllint kubernetes-validate gunicorn
fi

cd "$repo"
dummy_env=(
    POSTGRES_PASSWORD=dummy-postgres-password
    DIRECTORY_DB_PASSWORD=dummy-directory-db-password
    APPRAISAL_DB_PASSWORD=dummy-appraisal-db-password
    CPD_DB_PASSWORD=dummy-cpd-db-password
    WELLBEING_DB_PASSWORD=dummy-wellbeing-db-password
    NOTIFICATIONS_DB_PASSWORD=dummy-notifications-db-password
    TARGETS_DB_PASSWORD=dummy-targets-db-password
    PORTAL_DB_PASSWORD=dummy-portal-db-password
    DIRECTORY_RABBITMQ_PASSWORD=dummy-directory-bus-password
    APPRAISAL_RABBITMQ_PASSWORD=dummy-appraisal-bus-password
    CPD_RABBITMQ_PASSWORD=dummy-cpd-bus-password
    WELLBEING_RABBITMQ_PASSWORD=dummy-wellbeing-bus-password
    NOTIFICATIONS_RABBITMQ_PASSWORD=dummy-notifications-bus-password
    TARGETS_RABBITMQ_PASSWORD=dummy-targets-bus-password
    RABBITMQ_PASSWORD=dummy-rabbitmq-password
    JWT_JWKS_URL=https://idp.example.invalid/discovery/keys
    JWT_ISSUER=https://idp.example.invalid/
    JWT_AUDIENCE=api://staffroom
    WELLBEING_SEAL_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
    NOTIFICATIONS_SEAL_KEY=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=
    SMTP_HOST=smtp.example.invalid
    PUBLIC_URL=https://staffroom.example.invalid
    PORTAL_SEAL_KEY=CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCA=
    DIRECTORY_SEAL_KEY=FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA=
    SURVEY_LINK_PUBLIC_KEY=DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDA=
    SURVEY_LINK_PRIVATE_KEY=EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEA=
    OIDC_ISSUER=https://idp.example.invalid/
    OIDC_CLIENT_ID=staffroom-portal
    OIDC_CLIENT_SECRET=dummy-oidc-client-secret
)

step "docker-compose config (Debian docker-compose $(docker-compose version --short))"
env -i PATH="$PATH" "${dummy_env[@]}" docker-compose -f docker-compose.yml config > "$work/compose.yml"
echo "renders: $(grep -c '^  [a-z]' "$work/compose.yml") top-level entries"
"$venv/bin/python" - "$work/compose.yml" <<'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
processes = {"directory": ("migrate", "web", "relay", "consumer", "scheduler"),
             "appraisal": ("migrate", "web", "relay", "consumer", "scheduler"),
             "cpd": ("migrate", "web", "relay", "consumer", "scheduler"),
             "wellbeing": ("migrate", "web", "relay", "consumer", "scheduler"),
             "notifications": ("migrate", "web", "relay", "consumer", "sender", "scheduler"),  # and the email sender
             "targets": ("migrate", "web", "relay", "consumer", "scheduler")}
expect = {"postgres", "rabbitmq", "proxy", "portal-migrate", "portal-web"} | {
    f"{svc}-{p}" for svc, ps in processes.items() for p in ps}
assert expect <= set(s), expect - set(s)
for svc, ps in processes.items():
    for p in ps:
        name = f"{svc}-{p}"
        env = s[name]["environment"]
        assert env["STAFFROOM_ENV"] == "production", name
        # its own role, never the administrator (issue 21)
        assert env["DATABASE_URL"] == f"postgresql+psycopg://{svc}:dummy-{svc}-db-password@postgres:5432/{svc}", name
        # its own broker user, never the operator's (issue 21)
        assert env["BUS_URL"] == f"amqp://{svc}:dummy-{svc}-bus-password@rabbitmq:5672/staffroom", name
        assert s[name]["image"] == s[f"{svc}-web"]["image"], name
        assert s[name]["image"].split("/")[-1].startswith(f"{svc}:"), name
        if p == "web":
            assert "command" not in s[name]  # the image's CMD: gunicorn
        else:
            assert s[name]["command"][2] == f"{svc}.entrypoints.{p}", name
        if p == "migrate":
            assert s[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
            assert s[name]["restart"] == "no", name
        else:
            assert s[name]["depends_on"][f"{svc}-migrate"]["condition"] == "service_completed_successfully", name
            assert s[name]["depends_on"]["rabbitmq"]["condition"] == "service_healthy", name
            assert s[name]["restart"] == "unless-stopped", name
    assert s["proxy"]["depends_on"][f"{svc}-web"]["condition"] == "service_healthy"
    assert "healthcheck" in s[f"{svc}-web"], svc
for svc in ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"):
    assert s[f"{svc}-scheduler"]["command"][-2:] == ["--every", "86400"], svc  # a loop, not a one-off that restarts
# Survey links, the links in emails and the portal's sign-in all start with the one PUBLIC_URL given.
for name in [f"{svc}-{p}" for svc in ("wellbeing", "notifications") for p in processes[svc]] + ["portal-web"]:
    assert s[name]["environment"]["PUBLIC_URL"] == "https://staffroom.example.invalid", name
# Each service seals or signs with its own key (<SVC>_SEAL_KEY), the same in all its processes.
processes["portal"] = ("web",)  # from here on: the portal's one process too
for svc, key in (("wellbeing", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
                 ("notifications", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="),
                 ("portal", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCA="),
                 ("directory", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA=")):
    assert {s[f"{svc}-{p}"]["environment"]["SEAL_KEY"] for p in processes[svc]} == {key}, svc
# Survey links leave wellbeing sealed to notifications' public key (every wellbeing process has it, as each
# refuses to start without it); the private key that opens them reaches notifications-sender and nothing else.
for p in processes["wellbeing"]:
    assert s[f"wellbeing-{p}"]["environment"]["SURVEY_LINK_PUBLIC_KEY"] == "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDA=", p
holders = [name for name, svc in s.items() if "SURVEY_LINK_PRIVATE_KEY" in (svc.get("environment") or {})]
assert holders == ["notifications-sender"], holders
assert s["notifications-sender"]["environment"]["SURVEY_LINK_PRIVATE_KEY"] == "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEA="
# The portal: the image's CMD (gunicorn), production, the same token settings as every service, its own
# sign-in settings, the APIs through the proxy, its own database (its sessions) and no bus or SMTP settings.
portal, directory = s["portal-web"], s["directory-web"]
env = portal["environment"]
assert portal["image"].split("/")[-1].startswith("portal:") and "command" not in portal, portal
assert portal["image"].rsplit("/", 1)[0] == directory["image"].rsplit("/", 1)[0], portal["image"]  # same registry
assert portal["restart"] == "unless-stopped", portal
assert portal["depends_on"] == {"portal-migrate": {"condition": "service_completed_successfully"}}, portal  # not the proxy
assert s["portal-migrate"]["command"] == ["python", "-m", "staffroom_portal.migrate"]
assert s["portal-migrate"]["image"] == portal["image"]
assert s["portal-migrate"]["environment"] == {k: v for k, v in env.items() if not k.startswith(("WEB_", "GUNICORN_"))}
assert env["DATABASE_URL"] == "postgresql+psycopg://portal:dummy-portal-db-password@postgres:5432/portal", env
assert "/healthz" in " ".join(portal["healthcheck"]["test"]), portal["healthcheck"]  # it has no /readyz
assert s["proxy"]["depends_on"]["portal-web"]["condition"] == "service_healthy"
assert env["STAFFROOM_ENV"] == "production" and str(env["PROXY_HOPS"]) == "1", env
for k in ("JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_STAFF_ID_CLAIM", "LOG_LEVEL"):
    assert env[k] == directory["environment"][k], k  # it verifies the same tokens the APIs do
assert (env["OIDC_ISSUER"], env["OIDC_CLIENT_ID"], env["OIDC_CLIENT_SECRET"], env["OIDC_FORWARD"]) == (
    "https://idp.example.invalid/", "staffroom-portal", "dummy-oidc-client-secret", "access_token"), env
assert env["PORTAL_API_URL"] == "http://proxy:8080", env
assert not {"BUS_URL", "PORTAL_DEV_SIGN_IN"} & set(env) and not any(k.startswith("SMTP_") for k in env), env
# The OIDC settings (the client secret among them) reach the portal only.
for name, svc in s.items():
    if name not in ("portal-web", "portal-migrate"):
        assert not any(k.startswith("OIDC_") for k in svc.get("environment") or {}), name
# The sender, and only the sender, talks to the SMTP server; the code's defaults where nothing is given.
sender = s["notifications-sender"]["environment"]
assert sender["SMTP_HOST"] == "smtp.example.invalid", sender
assert (str(sender["SMTP_PORT"]), sender["SMTP_SECURITY"]) == ("587", "starttls"), sender
assert (sender["SMTP_USERNAME"], sender["SMTP_PASSWORD"]) == ("", ""), sender  # empty: no login
assert sender["MAIL_FROM"] and sender["TRUST_NAME"], sender
for p in processes["notifications"]:
    if p != "sender":
        assert not any(k.startswith("SMTP_") for k in s[f"notifications-{p}"]["environment"]), p
# targets sends no links, seals nothing and sends no email: none of those settings reach it.
for p in processes["targets"]:
    env = s[f"targets-{p}"]["environment"]
    assert not {"PUBLIC_URL", "SEAL_KEY"} & set(env) and not any(k.startswith("SMTP_") for k in env), p
for name in ("postgres", "rabbitmq", "proxy"):
    assert "healthcheck" in s[name], name
# Each service's role is made on PostgreSQL's first start with the password its DATABASE_URL carries; the
# administrator's password reaches PostgreSQL alone.
pg = s["postgres"]["environment"]
for svc in [*processes, "portal"]:
    assert pg[f"{svc.upper()}_DB_PASSWORD"] == f"dummy-{svc}-db-password", svc
holders = [name for name, svc in s.items() if "dummy-postgres-password" in str(svc.get("environment"))]
assert holders == ["postgres"], holders
# ... and the broker's: each service's user is made with the password its BUS_URL carries; the operator's password
# reaches RabbitMQ alone, and the permissions file is mounted beside the definitions.
rmq = s["rabbitmq"]["environment"]
for svc in ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"):
    assert rmq[f"STAFFROOM_RABBITMQ_{svc.upper()}_PASSWORD"] == f"dummy-{svc}-bus-password", svc
holders = [name for name, svc in s.items() if "dummy-rabbitmq-password" in str(svc.get("environment"))]
assert holders == ["rabbitmq"], holders
mounts = {v.split(":")[1] if isinstance(v, str) else v["target"] for v in s["rabbitmq"]["volumes"]}
assert "/etc/rabbitmq/permissions.json" in mounts, mounts
mounts = {v.split(":")[1] if isinstance(v, str) else v["target"] for v in s["postgres"]["volumes"]}
assert {"/docker-entrypoint-initdb.d/10-staffroom.sh", "/docker-entrypoint-initdb.d/service-database.sql.in"} <= mounts
print("services, commands, env and start order as intended")
EOF

step "docker-compose refuses to start without each required variable"
for i in "${!dummy_env[@]}"; do
    var=${dummy_env[$i]%%=*}
    rest=("${dummy_env[@]:0:$i}" "${dummy_env[@]:$((i + 1))}")
    if out=$(env -i PATH="$PATH" "${rest[@]}" docker-compose -f docker-compose.yml config -q 2>&1); then
        fail "compose accepted a missing $var"
    fi
    echo "without $var: refused (${out##*: })"
done

step "nginx -t on deploy/nginx/nginx.conf as it is"
nginx -t -c "$repo/deploy/nginx/nginx.conf"

step "proxy smoke test: nginx (copy, upstream -> 127.0.0.1) + gunicorn with deploy/gunicorn.conf.py"
cat > "$work/fakeapp.py" <<'EOF'
import gc, json, time
def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(3)
    body = json.dumps({
        "path": environ["PATH_INFO"], "query": environ["QUERY_STRING"],
        "scheme": environ["wsgi.url_scheme"],
        "correlation_id": environ.get("HTTP_X_CORRELATION_ID"),
        "prefix": environ.get("HTTP_X_FORWARDED_PREFIX"),
        "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
        "length": len(environ["wsgi.input"].read()),
        "frozen": gc.get_freeze_count(),
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
EOF
sed -e "s#directory-web:8000#127.0.0.1:$app_port#" -e "s#appraisal-web:8000#127.0.0.1:$app_port#" \
    -e "s#cpd-web:8000#127.0.0.1:$app_port#" -e "s#wellbeing-web:8000#127.0.0.1:$app_port#" \
    -e "s#notifications-web:8000#127.0.0.1:$app_port#" -e "s#targets-web:8000#127.0.0.1:$app_port#" \
    -e "s#portal-web:8000#127.0.0.1:$app_port#" \
    -e "s#listen 8080;#listen 127.0.0.1:$proxy_port;#" \
    -e "s#pid /tmp/nginx.pid;#pid $work/nginx.pid;#" \
    -e "s#proxy_read_timeout 60s;#proxy_read_timeout 2s;#" \
    deploy/nginx/nginx.conf > "$work/nginx.conf"
echo "differences from deploy/nginx/nginx.conf:"
diff deploy/nginx/nginx.conf "$work/nginx.conf" | grep '^>' || true
GUNICORN_BIND=127.0.0.1:$app_port WEB_CONCURRENCY=2 GUNICORN_THREADS=2 \
    "$venv/bin/gunicorn" -c deploy/gunicorn.conf.py --chdir "$work" fakeapp:app \
    > "$work/gunicorn.log" 2>&1 &
pids+=($!)
nginx -c "$work/nginx.conf" -g 'daemon off;' > "$work/nginx-access.log" 2> "$work/nginx-error.log" &
pids+=($!)
for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$proxy_port/healthz" >/dev/null && curl -fs "http://127.0.0.1:$app_port/healthz" >/dev/null && break
    sleep 0.2
done
base=http://127.0.0.1:$proxy_port
head -c $((10 * 1024 * 1024)) /dev/zero > "$work/10MiB"
head -c $((10 * 1024 * 1024 + 1)) /dev/zero > "$work/10MiB+1"
"$venv/bin/python" - "$base" "$work" <<'EOF'
import json, subprocess, sys
base, work = sys.argv[1], sys.argv[2]

def get(path, *args):
    out = subprocess.run(
        ["curl", "-s", "-D", "-", *args, base + path], capture_output=True, check=True
    ).stdout.decode("latin-1")
    head, _, body = out.partition("\r\n\r\n")
    while head.startswith("HTTP/1.1 100"):  # curl's Expect: 100-continue on big bodies
        head, _, body = body.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return int(lines[0].split()[1]), headers, body

def check(label, cond):
    print(("ok   " if cond else "FAIL ") + label)
    if not cond:
        sys.exit(1)

s, h, b = get("/api/directory/staff/42?active=1", "-H", "X-Correlation-ID: abc-123", "-H", "X-Forwarded-Proto: https")
j = json.loads(b)
check("/api/directory/staff/42?active=1 reaches the service as /staff/42?active=1", (s, j["path"], j["query"]) == (200, "/staff/42", "active=1"))
check("X-Correlation-ID passed through and returned", j["correlation_id"] == "abc-123" and h["x-correlation-id"] == "abc-123")
check("X-Forwarded-Prefix /api/directory and X-Forwarded-For set", j["prefix"] == "/api/directory" and j["forwarded_for"] == "127.0.0.1")
check("gunicorn trusts X-Forwarded-Proto from the proxy", j["scheme"] == "https")
check(f"the worker was forked with the master's objects frozen out of the collector ({j['frozen']})", j["frozen"] > 1000)
s, h, b = get("/api/directory/openapi.json")
check("/api/directory/openapi.json -> /openapi.json", json.loads(b)["path"] == "/openapi.json")
s, h, b = get("/api/appraisal/appraisals?page=2", "-H", "X-Correlation-ID: app-1")
j = json.loads(b)
check("/api/appraisal/appraisals?page=2 reaches appraisal as /appraisals?page=2, prefix /api/appraisal",
      (s, j["path"], j["query"], j["prefix"], j["correlation_id"]) == (200, "/appraisals", "page=2", "/api/appraisal", "app-1"))
s, h, b = get("/api/appraisal")
check("/api/appraisal redirects relatively to /api/appraisal/", s == 301 and h["location"] == "/api/appraisal/")
s, h, b = get("/api/cpd/plans/me", "-H", "X-Correlation-ID: cpd-1")
j = json.loads(b)
check("/api/cpd/plans/me reaches cpd as /plans/me, prefix /api/cpd",
      (s, j["path"], j["prefix"], j["correlation_id"]) == (200, "/plans/me", "/api/cpd", "cpd-1"))
s, h, b = get("/api/wellbeing/instruments?x=1", "-H", "X-Correlation-ID: wb-1")
j = json.loads(b)
check("/api/wellbeing/instruments?x=1 reaches wellbeing as /instruments?x=1, prefix /api/wellbeing",
      (s, j["path"], j["query"], j["prefix"], j["correlation_id"]) == (200, "/instruments", "x=1", "/api/wellbeing", "wb-1"))
s, h, b = get("/api/wellbeing")
check("/api/wellbeing redirects relatively to /api/wellbeing/", s == 301 and h["location"] == "/api/wellbeing/")
s, h, b = get("/api/notifications/inbox?unread=true", "-H", "X-Correlation-ID: nt-1")
j = json.loads(b)
check("/api/notifications/inbox?unread=true reaches notifications as /inbox?unread=true, prefix /api/notifications",
      (s, j["path"], j["query"], j["prefix"], j["correlation_id"]) == (200, "/inbox", "unread=true", "/api/notifications", "nt-1"))
s, h, b = get("/api/notifications")
check("/api/notifications redirects relatively to /api/notifications/", s == 301 and h["location"] == "/api/notifications/")
s, h, b = get("/api/targets/targets/reviews_on_time/trend?since=2026-09-01", "-H", "X-Correlation-ID: tg-1")
j = json.loads(b)
check("/api/targets/targets/reviews_on_time/trend?since=2026-09-01 reaches targets as /targets/reviews_on_time/trend?since=2026-09-01, prefix /api/targets",
      (s, j["path"], j["query"], j["prefix"], j["correlation_id"]) == (200, "/targets/reviews_on_time/trend", "since=2026-09-01", "/api/targets", "tg-1"))
s, h, b = get("/api/targets")
check("/api/targets redirects relatively to /api/targets/", s == 301 and h["location"] == "/api/targets/")
s, h, b = get("/api/directory/staff", "-H", 'X-Correlation-ID: x" injected')
j = json.loads(b)
check("malformed correlation id replaced by a generated one", j["correlation_id"] != 'x" injected' and h["x-correlation-id"] == j["correlation_id"])
s, h, b = get("/api/directory")
check("/api/directory redirects relatively to /api/directory/", s == 301 and h["location"] == "/api/directory/")
s, h, b = get("/api/directory/imports", "--data-binary", "@" + work + "/10MiB")
check("10 MiB body accepted", s == 200 and json.loads(b)["length"] == 10 * 1024 * 1024)
s, h, b = get("/api/directory/imports", "--data-binary", "@" + work + "/10MiB+1")
check("10 MiB + 1 byte refused: 413 application/problem+json", s == 413 and h["content-type"] == "application/problem+json" and json.loads(b)["status"] == 413)
s, h, b = get("/api/nowhere/x")
check("unknown path: 404 application/problem+json", s == 404 and h["content-type"] == "application/problem+json")
s, h, b = get("/api/")
check("/api/ itself: 404 application/problem+json, not the portal", s == 404 and h["content-type"] == "application/problem+json")
s, h, b = get("/api/directory/staff")
check("an API's response carries the proxy's Referrer-Policy: no-referrer", h.get("referrer-policy") == "no-referrer")
s, h, b = get("/sign-in?next=/cpd", "-H", "X-Correlation-ID: portal-1", "-H", "X-Forwarded-Proto: https")
j = json.loads(b)
check("/sign-in?next=/cpd reaches the portal unchanged (no prefix stripped or sent), correlation id kept, scheme https",
      (s, j["path"], j["query"], j["prefix"], j["correlation_id"], j["scheme"], h["x-correlation-id"])
      == (200, "/sign-in", "next=/cpd", None, "portal-1", "https", "portal-1"))
for path in ("/", "/static/portal.css", "/surveys/respond", "/sign-in/callback"):
    s, h, b = get(path)
    check(f"{path} reaches the portal as {path}", s == 200 and json.loads(b)["path"] == path)
check("the proxy adds no Referrer-Policy to the portal's pages (the portal's same-origin keeps the Referer its CSRF check needs over https)",
      "referrer-policy" not in h and h["x-correlation-id"])
s, h, b = get("/api/directory/slow")
check("service too slow: 504 application/problem+json", s == 504 and json.loads(b)["status"] == 504)
EOF
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
"$venv/bin/python" - "$base" "$work" <<'EOF'
import json, subprocess, sys
base, work = sys.argv[1], sys.argv[2]
out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", base + "/api/directory/staff"], capture_output=True).stdout.decode()
body, code = out.rsplit("\n", 1)
assert code == "503" and json.loads(body)["status"] == 503, out
print("ok   service down: 503 application/problem+json")
access = [l for l in open(work + "/gunicorn.log") if l.startswith("{")]
for l in access:
    json.loads(l)
assert access and not any('"/healthz"' in l for l in access)
print(f"ok   gunicorn access log: {len(access)} JSON lines, health probes left out")
for l in open(work + "/nginx-access.log"):
    json.loads(l)
print("ok   nginx access log is JSON")
EOF

step "JSON, YAML and Kubernetes schemas"
"$venv/bin/python" - <<'EOF'
import glob, json, yaml
d = json.load(open("deploy/rabbitmq/definitions.json"))
ex = {e["name"]: e for e in d["exchanges"]}
assert ex["staffroom.events"]["type"] == "topic" and ex["staffroom.events"]["durable"]
assert ex["staffroom.dlx"]["type"] == "topic" and ex["staffroom.dlx"]["durable"]  # topic permissions: own dead letters
assert ex["staffroom.replay"]["type"] == "topic" and ex["staffroom.replay"]["durable"]
queues = {q["name"]: q for q in d["queues"]}
bindings = {(b["source"], b["destination"], b["routing_key"]) for b in d["bindings"]}
services = [n for n in queues if not n.endswith(".dlq")]
for s in services:
    args = queues[s]["arguments"]
    assert queues[s]["durable"] and args["x-queue-type"] == "quorum", s
    assert (args["x-dead-letter-exchange"], args["x-dead-letter-routing-key"]) == ("staffroom.dlx", s), s
    assert queues[s + ".dlq"]["arguments"] == {"x-queue-type": "quorum"}, s
    assert ("staffroom.dlx", s + ".dlq", s) in bindings, s
    assert ("staffroom.replay", s, s) in bindings, s  # its own dead letters come back by this way only
for source, destination, key in bindings:
    if source == "staffroom.replay":
        assert destination == key, (destination, key)
    if source == "staffroom.events":
        assert destination in services, (destination, key)
print("definitions.json: valid JSON; topology as specified for", ", ".join(services))
for f in sorted(glob.glob("deploy/k8s/*.yaml")):
    print(f, "parses:", [doc["kind"] for doc in yaml.safe_load_all(open(f)) if doc])
EOF
"$venv/bin/kubernetes-validate" --strict -k 1.30.0 deploy/k8s/*.yaml
"$venv/bin/yamllint" -s -d '{extends: default, rules: {line-length: {max: 140}, document-start: disable, truthy: {check-keys: false}, braces: {max-spaces-inside: 1}}}' \
    docker-compose.yml deploy/k8s/
echo "yamllint: clean"

step "RabbitMQ entrypoint (copy with paths moved under $work, chown and image entrypoint stubbed)"
mkdir -p "$work/rmq/bin" "$work/rmq/etc"
cp deploy/rabbitmq/definitions.json deploy/rabbitmq/permissions.json "$work/rmq/etc/"
sed -e "s#/run/staffroom-definitions#$work/rmq/run#" -e "s#/etc/rabbitmq/definitions.json#$work/rmq/etc/definitions.json#" \
    -e "s#/etc/rabbitmq/permissions.json#$work/rmq/etc/permissions.json#" \
    deploy/rabbitmq/staffroom-entrypoint.sh > "$work/rmq/entrypoint.sh"
bus_passwords=(STAFFROOM_RABBITMQ_DIRECTORY_PASSWORD=d STAFFROOM_RABBITMQ_APPRAISAL_PASSWORD=a
               STAFFROOM_RABBITMQ_CPD_PASSWORD=c STAFFROOM_RABBITMQ_WELLBEING_PASSWORD='w"e\ll'
               STAFFROOM_RABBITMQ_NOTIFICATIONS_PASSWORD=n STAFFROOM_RABBITMQ_TARGETS_PASSWORD=t)
printf '#!/bin/sh\n:\n' > "$work/rmq/bin/chown"
printf '#!/bin/sh\necho "handed over: $*"\n' > "$work/rmq/bin/docker-entrypoint.sh"
chmod +x "$work/rmq/bin/"*
env PATH="$work/rmq/bin:$PATH" STAFFROOM_RABBITMQ_USER=staffroom STAFFROOM_RABBITMQ_PASSWORD='pa"ss\word' \
    "${bus_passwords[@]}" sh "$work/rmq/entrypoint.sh" rabbitmq-server
python3 - "$work/rmq/run" <<'EOF'
import json, os, stat, sys
run = sys.argv[1]
assert sorted(os.listdir(run)) == ["10-topology.json", "20-users.json", "30-permissions.json"]
users = json.load(open(run + "/20-users.json"))
assert users["users"][0] == {"name": "staffroom", "password": 'pa"ss\\word', "tags": "management"}
assert users["users"][4] == {"name": "wellbeing", "password": 'w"e\\ll', "tags": ""}, users["users"]
assert [u["name"] for u in users["users"]] == ["staffroom", "directory", "appraisal", "cpd", "wellbeing",
                                                "notifications", "targets"]
assert users["permissions"] == [{"user": "staffroom", "vhost": "staffroom", "configure": ".*", "write": ".*",
                                 "read": ".*"}]  # the services' come from permissions.json
assert json.load(open(run + "/30-permissions.json")) == json.load(open("deploy/rabbitmq/permissions.json"))
assert stat.S_IMODE(os.stat(run + "/20-users.json").st_mode) == 0o600
print("definitions directory written; awkward password survives JSON escaping; users file is 0600")
EOF
if PATH="$work/rmq/bin:$PATH" STAFFROOM_RABBITMQ_USER=staffroom sh "$work/rmq/entrypoint.sh" rabbitmq-server 2>/dev/null; then
    fail "RabbitMQ entrypoint started without a password"
fi
echo "refuses to start without STAFFROOM_RABBITMQ_PASSWORD"
if env PATH="$work/rmq/bin:$PATH" STAFFROOM_RABBITMQ_USER=staffroom STAFFROOM_RABBITMQ_PASSWORD=x \
        "${bus_passwords[@]:1}" sh "$work/rmq/entrypoint.sh" rabbitmq-server 2>/dev/null; then
    fail "RabbitMQ entrypoint started without a service's password"
fi
echo "refuses to start without a service's STAFFROOM_RABBITMQ_<SERVICE>_PASSWORD"

step "the image's install steps, in a venv ($image_venv)"
# The Dockerfile's pip lines on a copy of what it COPYs; the repository is untouched.
source "$repo/deploy/image-install.sh"
image_install
# The portal's pages come from package data: every template and static file of the copy must be installed.
"$image_venv/bin/python" - "$work/ctx/portal/src/staffroom_portal" <<'EOF'
import pathlib, sys
import staffroom_portal
source, installed = pathlib.Path(sys.argv[1]), pathlib.Path(staffroom_portal.__file__).parent
assert "site-packages" in str(installed), installed  # a real install, not an editable one
for part in ("templates", "static"):
    want = sorted(str(f.relative_to(source)) for f in (source / part).rglob("*") if f.is_file())
    have = sorted(str(f.relative_to(installed)) for f in (installed / part).rglob("*") if f.is_file())
    assert want and have == want, (part, sorted(set(want) - set(have)))
    print(f"installed portal package carries its {part}: {len(have)} file(s)")
EOF
rm -rf "$work/ctx"
# Like the image: WORKDIR holds deploy/gunicorn.conf.py and nothing else.
mkdir -p "$work/app/deploy" && cp deploy/gunicorn.conf.py "$work/app/deploy/"
(cd "$work/app" && "$image_venv/bin/python" - "$repo/deploy/rabbitmq/definitions.json" <<'EOF'
import importlib, json, sys
from staffroom_shared.bus.rabbitmq import dead_letter_queue, service_queue
definitions = json.load(open(sys.argv[1]))
for service in ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"):
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    assert list((bootstrap.MIGRATIONS / "versions").glob("*.py")), f"{service}: migrations missing from the package"
    print("installed package carries its migrations:", bootstrap.MIGRATIONS)
    # The queue's bindings as the consumer declares them (one per event type it handles), so a
    # broker set up from definitions.json delivers exactly what the code expects: nothing it
    # would dead-letter as unhandled, nothing missing before the consumer first starts.
    bound = sorted(b["routing_key"] for b in definitions["bindings"]
                   if b["source"] == "staffroom.events" and b["destination"] == service)
    assert bound == sorted(bootstrap.HANDLERS), (service, bound, sorted(bootstrap.HANDLERS))
    if bootstrap.HANDLERS:
        print(f"definitions.json binds queue {service} to what it handles:", ", ".join(bound))
queues = {q["name"]: q for q in definitions["queues"]}
for name, q in queues.items():
    code = dead_letter_queue(name[:-4]) if name.endswith(".dlq") else service_queue(name, [])
    assert q["arguments"] == code.queue_arguments, (name, q["arguments"], code.queue_arguments)
print("definitions.json queue arguments equal what staffroom_shared declares:", ", ".join(queues))
EOF
)
for svc in directory appraisal cpd wellbeing notifications targets; do
    if (cd "$work/app" && env -i PATH="$PATH" STAFFROOM_ENV=production "$image_venv/bin/python" -m $svc.entrypoints.migrate) 2> "$work/refused.log"; then
        fail "$svc migrate ran in production mode on development defaults"
    fi
    echo "$svc: production mode on development defaults is refused: $(tail -1 "$work/refused.log")"
done
# The portal has only its CMD: gunicorn, which cannot load the app (preload_app: in the master), must
# exit non-zero and say why.
if (cd "$work/app" && env -i PATH="$PATH" STAFFROOM_ENV=production GUNICORN_BIND=127.0.0.1:$app_port WEB_CONCURRENCY=1 \
        timeout 60 "$image_venv/bin/gunicorn" -c deploy/gunicorn.conf.py "staffroom_portal.app:create_app()") 2> "$work/refused.log"; then
    fail "the portal's CMD ran in production mode on development defaults"
fi
grep -q "portal: JWT_JWKS_URL .* must be set in production" "$work/refused.log" || { cat "$work/refused.log"; fail "the portal's refusal does not say why"; }
echo "portal: production mode on development defaults is refused: $(grep -m1 -o 'ConfigError: portal: .*' "$work/refused.log")"

step "the image's processes, development mode (SQLite, embedded bus): migrate, then the CMD behind the proxy"
export STAFFROOM_DATA_DIR=$work/app/data
# One service at a time on $app_port, where the proxy copy sends /api/directory/, /api/appraisal/, /api/cpd/,
# /api/wellbeing/, /api/notifications/ and /api/targets/.
for svc_path in directory:/staff appraisal:/appraisals cpd:/plans/me wellbeing:/instruments notifications:/inbox \
        targets:/targets; do
    svc=${svc_path%%:*} protected=${svc_path#*:}
    (cd "$work/app" && "$image_venv/bin/python" -m $svc.entrypoints.migrate) > "$work/migrate.log" 2>&1 \
        || { cat "$work/migrate.log"; fail "$svc migrate"; }
    echo "python -m $svc.entrypoints.migrate: exit 0"
    (cd "$work/app" && GUNICORN_BIND=127.0.0.1:$app_port WEB_CONCURRENCY=1 \
        exec "$image_venv/bin/gunicorn" -c deploy/gunicorn.conf.py "$svc.entrypoints.web:create_app()") > "$work/web.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$app_port/healthz" >/dev/null && break; sleep 0.2; done
    "$venv/bin/python" - "$base" "$svc" "$protected" <<'EOF' || { cat "$work/web.log"; fail "$svc web behind the proxy"; }
import sys, urllib.error, urllib.request
base, svc, protected = sys.argv[1:4]
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
for path in (f"/api/{svc}/healthz", f"/api/{svc}/readyz", f"/api/{svc}/openapi.json"):
    status, headers, body = get(path)
    assert status == 200, (path, status, body[:300])
    print(f"ok   {path} -> 200")
status, headers, body = get(f"/api/{svc}{protected}")
assert status == 401 and headers["Content-Type"].startswith("application/problem+json"), (status, body[:300])
print(f"ok   /api/{svc}{protected} without a token -> 401 application/problem+json")
EOF
    kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done
# The portal's CMD on the same port (development mode, a made-up provider: its metadata is fetched only when
# someone signs in), its pages and static files served from the installed package.
(cd "$work/app" && GUNICORN_BIND=127.0.0.1:$app_port WEB_CONCURRENCY=1 OIDC_ISSUER=https://idp.example.invalid/ \
    OIDC_CLIENT_ID=staffroom-portal OIDC_CLIENT_SECRET=dummy PORTAL_API_URL=$base \
    exec "$image_venv/bin/gunicorn" -c deploy/gunicorn.conf.py "staffroom_portal.app:create_app()") > "$work/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$app_port/healthz" >/dev/null && break; sleep 0.2; done
"$venv/bin/python" - "$base" "http://127.0.0.1:$app_port" <<'EOF' || { cat "$work/web.log"; fail "portal web behind the proxy"; }
import json, sys, urllib.error, urllib.request
base, direct = sys.argv[1:3]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
opener = urllib.request.build_opener(NoRedirect)
def get(url):
    try:
        with opener.open(url, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
status, headers, body = get(direct + "/healthz")
assert status == 200 and json.loads(body)["service"] == "portal", (status, body[:300])
print("ok   portal /healthz (on its own port; the proxy's /healthz is the proxy's) -> 200")
status, headers, body = get(base + "/")
assert status == 302 and headers["Location"].startswith("/sign-in"), (status, headers["Location"])
print(f"ok   / through the proxy -> 302 {headers['Location']}")
status, headers, body = get(base + "/sign-in")
assert status == 200 and b"Sign in with" in body and "script-src 'self'" in headers["Content-Security-Policy"], (status, body[:300])
print("ok   /sign-in through the proxy -> 200, 'Sign in with', Content-Security-Policy")
status, headers, body = get(base + "/static/portal.css")
assert status == 200 and headers["Content-Type"].startswith("text/css") and body, (status, headers["Content-Type"])
print("ok   /static/portal.css through the proxy -> 200 text/css (package data)")
EOF
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
out=$(cd "$work/app" && "$image_venv/bin/python" -m directory.entrypoints.scheduler 2> "$work/scheduler.log") \
    || { cat "$work/scheduler.log"; fail "directory scheduler"; }
[[ $out == '{"expired": {"outbox": 0, "inbox": 0, "audit": 0, "checked_files": 0, "leavers": 0, "subject_access_copies": 0}}' ]] || fail "directory scheduler printed $out"
echo "python -m directory.entrypoints.scheduler (once): exit 0, $out"
out=$(cd "$work/app" && "$image_venv/bin/python" -m appraisal.entrypoints.scheduler 2> "$work/scheduler.log") \
    || { cat "$work/scheduler.log"; fail "appraisal scheduler"; }
[[ $out == '{"overdue": 0, "closed": 0, "opened": 0, "withdrawn": 0, "expired": {"outbox": 0, "inbox": 0, "audit": 0, "appraisals": 0, "recognition": 0, "coaching": 0}}' ]] || fail "appraisal scheduler printed $out"
echo "python -m appraisal.entrypoints.scheduler (once): exit 0, $out"
out=$(cd "$work/app" && "$image_venv/bin/python" -m cpd.entrypoints.scheduler 2> "$work/scheduler.log") \
    || { cat "$work/scheduler.log"; fail "cpd scheduler"; }
[[ $out == '{"secondments_started": 0, "secondments_ended": 0, "leavers": 0, "impact_checks_asked": 0, "induction_items_due": 0, "expired": {"outbox": 0, "inbox": 0, "audit": 0, "inductions": 0}}' ]] || fail "cpd scheduler printed $out"
echo "python -m cpd.entrypoints.scheduler (once): exit 0, $out"
out=$(cd "$work/app" && "$image_venv/bin/python" -m wellbeing.entrypoints.scheduler 2> "$work/scheduler.log") \
    || { cat "$work/scheduler.log"; fail "wellbeing scheduler"; }
[[ $out == '{"opened": 0, "reminded": 0, "closed": 0, "failed": 0, "expired": {"outbox": 0, "inbox": 0, "audit": 0, "invitations": 0, "comments": 0, "feedback_invitations": 0, "feedback_reports": 0}}' ]] || fail "wellbeing scheduler printed $out"
echo "python -m wellbeing.entrypoints.scheduler (once): exit 0, $out"
out=$(cd "$work/app" && "$image_venv/bin/python" -m notifications.entrypoints.scheduler 2> "$work/scheduler.log") \
    || { cat "$work/scheduler.log"; fail "notifications scheduler"; }
[[ $out == '{"reminders": 0, "digests": 0, "expired": {"outbox": 0, "inbox": 0, "audit": 0, "messages": 0, "reminders": 0}}' ]] || fail "notifications scheduler printed $out"
echo "python -m notifications.entrypoints.scheduler (once): exit 0, $out"
# targets' daily job also records a trend point for every target (trust-wide; no academies yet), so its
# snapshots are the number of targets, not 0.
out=$(cd "$work/app" && "$image_venv/bin/python" -m targets.entrypoints.scheduler 2> "$work/scheduler.log") \
    || { cat "$work/scheduler.log"; fail "targets scheduler"; }
targets=$(cd "$work/app" && "$image_venv/bin/python" -c "from targets.domain.targets import TARGETS; print(len(TARGETS))")
((targets > 0)) || fail "targets: no targets defined"
[[ $out == "{\"targets.met\": 0, \"targets.at_risk\": 0, \"snapshots\": $targets, \"expired\": {\"outbox\": 0, \"inbox\": 0, \"audit\": 0, \"staff_copies\": 0}}" ]] || fail "targets scheduler printed $out"
echo "python -m targets.entrypoints.scheduler (once): exit 0, $out"
# The one-off rebuild of targets' read model from its stored events (none yet).
out=$(cd "$work/app" && "$image_venv/bin/python" -m targets.entrypoints.rebuild 2> "$work/rebuild.log") \
    || { cat "$work/rebuild.log"; fail "targets rebuild"; }
[[ $out == '{"replayed": 0, "targets.met": 0, "targets.at_risk": 0}' ]] || fail "targets rebuild printed $out"
echo "python -m targets.entrypoints.rebuild (once): exit 0, $out"
unset STAFFROOM_DATA_DIR

step "shell scripts"
sh -n deploy/rabbitmq/staffroom-entrypoint.sh && bash -n deploy/validate.sh && bash -n deploy/e2e.sh && bash -n deploy/image-install.sh && echo "syntax ok"

printf '\nAll deploy checks passed.\n'
