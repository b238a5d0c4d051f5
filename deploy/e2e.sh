#!/usr/bin/env bash
# The production processes end to end, without Docker: the image's install
# in a venv, Debian's PostgreSQL and RabbitMQ configured from deploy/ (the
# RabbitMQ node started through deploy/rabbitmq/staffroom-entrypoint.sh),
# and for directory, appraisal, cpd, wellbeing, notifications and targets:
# migrate, gunicorn with deploy/gunicorn.conf.py, the relay (and appraisal's,
# cpd's, wellbeing's and targets' consumers and daily jobs, notifications'
# consumer, daily job and email sender, talking to a real SMTP server on
# 127.0.0.1), with nginx and deploy/nginx/nginx.conf in front, all in
# STAFFROOM_ENV=production. A member of staff added through the directory must
# reach appraisal's copy, and an appraisal in its open cycle, and CPD, and a
# development plan with induction, and wellbeing's copy, and notifications:
# the appraisal's message in their inbox and its email accepted by the SMTP
# server, and targets: its copy, rebuilt from its stored events by
# targets.entrypoints.rebuild. The portal's gunicorn (its image's CMD) runs
# behind the same proxy, which sends / to it; it must refuse to start with
# the development sign-in in production.
#   bash deploy/e2e.sh
# Needs root (apt-get; runs the servers as the postgres and rabbitmq users).
# Everything runs on 127.0.0.1 on its own ports beside any servers already
# on the machine, lives under a temporary folder, and is stopped at the end.
# Debian ships PostgreSQL 15 and RabbitMQ 3.10, not the images' 16 and 3.13.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/staffroom-e2e.XXXXXX)
chmod 755 "$work"
image_venv=/tmp/staffroom-image-venv-$(sha256sum < "$repo/requirements.lock" | cut -c1-12)
pg_port=15432 amqp_port=15673 mgmt_port=15674 dist_port=25673 prom_port=15694
declare -A web_port=([directory]=18000 [appraisal]=18001 [cpd]=18002 [wellbeing]=18003 [notifications]=18004
                     [targets]=18005 [portal]=18006)
portal_check_port=18007
# The services, and the processes each runs besides its web (as docker-compose.yml's <svc>-* blocks).
apis="directory appraisal cpd wellbeing notifications targets"
declare -A processes=([directory]="relay consumer" [appraisal]="relay consumer scheduler" [cpd]="relay consumer scheduler"
                      [wellbeing]="relay consumer scheduler" [notifications]="relay consumer sender scheduler"
                      [targets]="relay consumer scheduler")
declare -A pid_of  # "<svc> <process>" -> its pid
proxy_port=18080 jwks_port=18100 smtp_port=18025
node=staffroome2e@localhost
pids=()
pg_ctl=
step() { printf '\n== %s\n' "$*"; }
as_rabbitmq() { runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq "$@"; }
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    as_rabbitmq rabbitmqctl -n "$node" stop >/dev/null 2>&1 || true
    [[ -n $pg_ctl ]] && runuser -u postgres -- "$pg_ctl" -D "$work/pg/data" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
command -v nginx >/dev/null || missing+=(nginx-light)
if ((${#missing[@]})); then
    step "installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
pg_ctl=$pg_bin/pg_ctl

step "the image's install in $image_venv"
source "$repo/deploy/image-install.sh"
image_install
mkdir -p "$work/app/deploy" && cp "$repo/deploy/gunicorn.conf.py" "$work/app/deploy/"

step "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') with deploy/postgres/init.sh (a role per service)"
install -d -o postgres -g postgres "$work/pg"
echo e2e-postgres-password > "$work/pg/pw" && chown postgres "$work/pg/pw"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U staffroom --auth=scram-sha-256 --pwfile="$work/pg/pw" > "$work/initdb.log"
runuser -u postgres -- "$pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" start > /dev/null
# As the image runs it on first start (POSTGRES_USER, <SERVICE>_DB_PASSWORD), here over TCP.
services="directory appraisal cpd wellbeing notifications targets portal"
for svc in $services; do export "$(echo "$svc" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD=e2e-$svc-db-password"; done
PGHOST=127.0.0.1 PGPORT=$pg_port PGPASSWORD=e2e-postgres-password POSTGRES_USER=staffroom \
    STAFFROOM_DB_TEMPLATE="$repo/deploy/postgres/service-database.sql.in" sh "$repo/deploy/postgres/init.sh"
# Each role owns its own database and is no superuser; none may so much as connect to another's (issue 21).
for svc in $services; do
    for other in $services postgres template1; do
        [[ $other == "$svc" ]] && continue
        if PGPASSWORD=e2e-$svc-db-password psql -h 127.0.0.1 -p "$pg_port" -U "$svc" -d "$other" -Atc "select 1" \
                > "$work/cross.log" 2>&1; then
            echo "FAIL: $svc's role connected to $other's database" >&2; exit 1
        fi
        grep -q "permission denied for database" "$work/cross.log" || { cat "$work/cross.log"; exit 1; }
    done
done
PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d postgres -Atc \
    "select string_agg(d.datname || ' owned by ' || r.rolname || case when r.rolsuper then ' (SUPERUSER)' else '' end, ', '
       order by d.datname) from pg_database d join pg_roles r on r.oid = d.datdba where d.datname in
       ('directory', 'appraisal', 'cpd', 'wellbeing', 'notifications', 'targets', 'portal')" | tee "$work/owners.log"
grep -q SUPERUSER "$work/owners.log" && { echo "FAIL: a service's database is owned by a superuser" >&2; exit 1; }
echo "no service's role connects to another's database, nor to postgres or template1 (56 tried: permission denied)"
pg_isready -h 127.0.0.1 -p "$pg_port" -U staffroom   # the compose health check's command

step "RabbitMQ through deploy/rabbitmq/staffroom-entrypoint.sh (paths and ports moved)"
r=$work/rmq
mkdir -p "$r/etc" "$r/bin" "$r/mnesia" "$r/log"
cp "$repo/deploy/rabbitmq/definitions.json" "$repo/deploy/rabbitmq/permissions.json" "$repo/deploy/rabbitmq/enabled_plugins" \
    "$r/etc/"
sed -e "s#/run/staffroom-definitions#$r/defs#" \
    -e "s#^listeners.tcp.default = .*#listeners.tcp.default = 127.0.0.1:$amqp_port#" \
    -e "s#^management.tcp.port = .*#management.tcp.port = $mgmt_port\nmanagement.tcp.ip = 127.0.0.1\nprometheus.tcp.port = $prom_port\nprometheus.tcp.ip = 127.0.0.1#" \
    "$repo/deploy/rabbitmq/rabbitmq.conf" > "$r/etc/rabbitmq.conf"
diff "$repo/deploy/rabbitmq/rabbitmq.conf" "$r/etc/rabbitmq.conf" | grep '^>' || true
sed -e "s#/run/staffroom-definitions#$r/defs#" -e "s#/etc/rabbitmq/definitions.json#$r/etc/definitions.json#" \
    -e "s#/etc/rabbitmq/permissions.json#$r/etc/permissions.json#" \
    "$repo/deploy/rabbitmq/staffroom-entrypoint.sh" > "$r/entrypoint.sh"
# Stands in for the image's docker-entrypoint.sh: start this node as the rabbitmq user.
cat > "$r/bin/docker-entrypoint.sh" <<EOF
#!/bin/sh
exec runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq RABBITMQ_NODENAME=$node RABBITMQ_DIST_PORT=$dist_port \\
    RABBITMQ_CONFIG_FILE=$r/etc/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$r/etc/enabled_plugins \\
    RABBITMQ_MNESIA_BASE=$r/mnesia RABBITMQ_LOG_BASE=$r/log /usr/lib/rabbitmq/bin/"\$@"
EOF
chmod +x "$r/bin/docker-entrypoint.sh"
chown -R rabbitmq:rabbitmq "$r/etc" "$r/mnesia" "$r/log"
# Each service's broker user, as compose gives the broker their passwords (STAFFROOM_RABBITMQ_<SERVICE>_PASSWORD).
bus_passwords=()
for svc in $apis; do
    bus_passwords+=("STAFFROOM_RABBITMQ_$(echo "$svc" | tr '[:lower:]' '[:upper:]')_PASSWORD=e2e-$svc-bus-password")
done
env PATH="$r/bin:$PATH" STAFFROOM_RABBITMQ_USER=staffroom STAFFROOM_RABBITMQ_PASSWORD=e2e-rabbitmq-password \
    "${bus_passwords[@]}" sh "$r/entrypoint.sh" rabbitmq-server > "$r/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 90); do
    as_rabbitmq rabbitmq-diagnostics -n "$node" -q check_port_connectivity >/dev/null 2>&1 && break
    sleep 1
done
as_rabbitmq rabbitmq-diagnostics -n "$node" -q check_port_connectivity   # the compose health check's command
sed 's/\x1b\[[0-9;]*m//g' "$r/server.log" | grep -oE "Will not seed default.*|Applying definitions from file.*" || true

step "keys for a stand-in identity provider (JWKS over HTTP on 127.0.0.1:$jwks_port)"
mkdir -p "$work/idp"
(cd "$work/idp" && "$image_venv/bin/python" - <<'EOF'
import json
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
open("key.pem", "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
jwk.update(kid="e2e", use="sig", alg="RS256")
json.dump({"keys": [jwk]}, open("jwks.json", "w"))
EOF
)
"$image_venv/bin/python" -m http.server "$jwks_port" --bind 127.0.0.1 --directory "$work/idp" > "$work/idp.log" 2>&1 &
pids+=($!)

export STAFFROOM_ENV=production
# Each service's processes get their own database, as compose gives them (x-<svc>-env).
# Each connects as its own role, as compose gives them: never as the administrator.
pg_url() { echo "postgresql+psycopg://$1:e2e-$1-db-password@127.0.0.1:$pg_port/$1"; }
export DATABASE_URL=$(pg_url directory)
appraisal_env=(env DATABASE_URL="$(pg_url appraisal)")
cpd_env=(env DATABASE_URL="$(pg_url cpd)")
# Notifications' key pair for survey links, made as an operator makes it (staffroom survey-link-keys): the public
# half to every wellbeing process, the private half to the email sender alone, as compose gives them.
read -r survey_link_private survey_link_public < <("$image_venv/bin/python" -c \
    "from staffroom_shared.sealing import new_key_pair; print(*new_key_pair())")
# Survey links start with the proxy's address, as compose's PUBLIC_URL does with the published port.
wellbeing_env=(env DATABASE_URL="$(pg_url wellbeing)" PUBLIC_URL="http://127.0.0.1:$proxy_port"
               SEAL_KEY="$(head -c 32 /dev/urandom | base64)" SURVEY_LINK_PUBLIC_KEY="$survey_link_public")
# Links in emails start with the proxy's address too; SEAL_KEY (its own) signs the unsubscribe links.
notifications_env=(env DATABASE_URL="$(pg_url notifications)" PUBLIC_URL="http://127.0.0.1:$proxy_port"
                   SEAL_KEY="$(head -c 32 /dev/urandom | base64)")
# The directory's SEAL_KEY (its own) seals a staff file HR checked, kept to import as checked.
directory_env=(env SEAL_KEY="$(head -c 32 /dev/urandom | base64)" SCIM_TOKEN=e2e-scim-token-0123456789abcdefghijklmnop)
# targets sends no links, seals nothing and sends no email: its database is all it needs of its own.
targets_env=(env DATABASE_URL="$(pg_url targets)")
# The sender's SMTP settings, as compose gives notifications-sender; the server is the one started below
# (plain SMTP on 127.0.0.1, so no STARTTLS).
smtp_env=(SMTP_HOST=127.0.0.1 SMTP_PORT="$smtp_port" SMTP_SECURITY=none
          MAIL_FROM="E2E Trust <no-reply@e2e.invalid>" TRUST_NAME="E2E Trust")
sender_env=("${smtp_env[@]}" SURVEY_LINK_PRIVATE_KEY="$survey_link_private")
# Each service as its own broker user, as compose gives them (x-<svc>-env); the operator's user only for this
# script's own look at the bus.
bus_url() { echo "amqp://$1:e2e-$1-bus-password@127.0.0.1:$amqp_port/staffroom"; }
export BUS_URL=$(bus_url directory)
operator_bus=amqp://staffroom:e2e-rabbitmq-password@127.0.0.1:$amqp_port/staffroom
appraisal_env+=(BUS_URL="$(bus_url appraisal)")
cpd_env+=(BUS_URL="$(bus_url cpd)")
wellbeing_env+=(BUS_URL="$(bus_url wellbeing)")
notifications_env+=(BUS_URL="$(bus_url notifications)")
targets_env+=(BUS_URL="$(bus_url targets)")
export JWT_JWKS_URL=http://127.0.0.1:$jwks_port/jwks.json JWT_ISSUER=https://idp.e2e.invalid/ JWT_AUDIENCE=api://staffroom
export LOG_LEVEL=INFO
# The portal, as compose's portal-web: its own database (its sessions) and no bus, its own SEAL_KEY (with the
# cookie's session id, the key each session is sealed with), the trust's provider (made up: Authlib fetches its
# metadata only when someone signs in), PUBLIC_URL, PROXY_HOPS=1, and the APIs through the proxy.
portal_env=(env -u BUS_URL DATABASE_URL="$(pg_url portal)" SEAL_KEY="$(head -c 32 /dev/urandom | base64)"
            OIDC_ISSUER=https://idp.e2e.invalid/ OIDC_CLIENT_ID=staffroom-portal OIDC_CLIENT_SECRET=e2e-oidc-client-secret
            PUBLIC_URL="http://127.0.0.1:$proxy_port" PORTAL_API_URL="http://127.0.0.1:$proxy_port" PROXY_HOPS=1)

step "python -m staffroom_portal.migrate"
(cd "$work/app" && "${portal_env[@]}" "$image_venv/bin/python" -m staffroom_portal.migrate) > "$work/portal-migrate.log" 2>&1 \
    || { tail -5 "$work/portal-migrate.log"; echo "FAIL: portal migrate" >&2; exit 1; }
echo "exit 0; tables: $(PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d portal -Atc \
    "select string_agg(tablename, ' ' order by tablename) from pg_tables where schemaname = 'public'")"

for svc in $apis; do
    step "python -m $svc.entrypoints.migrate"
    declare -n env_of_svc=${svc}_env
    (cd "$work/app" && "${env_of_svc[@]}" "$image_venv/bin/python" -m "$svc.entrypoints.migrate") \
        > "$work/$svc-migrate.log" 2>&1 \
        || { tail -5 "$work/$svc-migrate.log"; echo "FAIL: $svc migrate" >&2; exit 1; }
    unset -n env_of_svc
    echo "exit 0; tables: $(PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d "$svc" -Atc \
        "select string_agg(tablename, ' ' order by tablename) from pg_tables where schemaname = 'public'")"
done
# An induction programme in the catalogue, so the joiner's plan suggests it (HR adds these through the API).
(cd "$work/app" && "${cpd_env[@]}" "$image_venv/bin/python" - <<'EOF'
from cpd import bootstrap
from cpd.domain.catalogue import Programme
context = bootstrap.build()
with context.uow(actor="e2e") as uow:
    uow.session.add(Programme(title="E2E Trust induction", kind="staff_induction", provider="E2E Trust",
                              delivery_mode="in_person", cost="0"))
    uow.commit()
print("catalogue: E2E Trust induction (staff_induction, trust-wide)")
EOF
)

step "each service declares its own queue as its own broker user, and may not touch another's; a tap on staffroom.events"
"$image_venv/bin/python" - "$amqp_port" "$operator_bus" <<'EOF'
import json
import os
import sys

from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue
from appraisal.bootstrap import HANDLERS
from directory.bootstrap import HANDLERS as DIRECTORY_HANDLERS
from cpd.bootstrap import HANDLERS as CPD_HANDLERS
from wellbeing.bootstrap import HANDLERS as WELLBEING_HANDLERS
from notifications.bootstrap import HANDLERS as NOTIFICATIONS_HANDLERS
from targets.bootstrap import HANDLERS as TARGETS_HANDLERS
from staffroom_shared.bus.rabbitmq import RabbitBus

port, operator = sys.argv[1], sys.argv[2]
url = lambda svc: f"amqp://{svc}:e2e-{svc}-bus-password@127.0.0.1:{port}/staffroom"
# Each as its own user: the permissions let a service declare (and bind) its own queues and nothing else.
for svc, handlers in (("directory", DIRECTORY_HANDLERS), ("appraisal", HANDLERS), ("cpd", CPD_HANDLERS),
                      ("wellbeing", WELLBEING_HANDLERS), ("notifications", NOTIFICATIONS_HANDLERS),
                      ("targets", TARGETS_HANDLERS)):
    RabbitBus(url(svc)).declare(svc, sorted(handlers))
    print(f"RabbitBus.declare({svc!r}, its bindings) as the {svc} user: accepted, arguments equivalent to "
          "definitions.json")
with Connection(operator) as conn:
    Queue("e2e-tap", Exchange("staffroom.events", type="topic", durable=True, passive=True), routing_key="#",
          auto_delete=True)(conn.channel()).declare()


def refused(what, attempt):
    with Connection(url("wellbeing"), transport_options={"confirm_publish": True}) as conn:
        try:
            attempt(conn)
        except AccessRefused as exc:
            print(f"ok   the wellbeing user may not {what}: {str(exc).splitlines()[0][:100]}")
            return
    raise SystemExit(f"FAIL: the wellbeing user could {what}")


# Another service's event, another's queue, the shared exchange: the broker refuses each (issue 21).
refused("publish staff.joined (directory's)", lambda c: c.Producer(c.channel()).publish(
    b"{}", exchange="staffroom.events", routing_key="staff.joined", retry=False))
refused("read appraisal's queue", lambda c: Queue("appraisal", no_declare=True)(c.channel()).get())
refused("delete the shared exchange", lambda c: Exchange("staffroom.events")(c.channel()).delete())
refused("bind its queue to appraisal.signed_off, which it does not handle", lambda c: Queue(
    "wellbeing", no_declare=True)(c.channel()).bind_to("staffroom.events", routing_key="appraisal.signed_off"))
# Nor any way round to another service's queue (outsider 8, issue 21: a forged staff.joined reached notifications'
# queue through the default exchange, and the consumer applied it).
forged = json.dumps({"type": "staff.joined", "producer": "directory"}).encode()
refused("publish into notifications' queue through the default exchange", lambda c: c.Producer(c.channel()).publish(
    forged, exchange="", routing_key="notifications", retry=False))
refused("publish into notifications' queue through staffroom.replay", lambda c: c.Producer(c.channel()).publish(
    forged, exchange="staffroom.replay", routing_key="notifications", retry=False))
refused("publish into a dead-letter queue through staffroom.dlx", lambda c: c.Producer(c.channel()).publish(
    forged, exchange="staffroom.dlx", routing_key="notifications", retry=False))
refused("bind its queue to staffroom.replay under another queue's name", lambda c: Queue(
    "wellbeing", no_declare=True)(c.channel()).bind_to("staffroom.replay", routing_key="notifications"))
refused("bind its queue to staffroom.dlx to receive notifications' dead letters", lambda c: Queue(
    "wellbeing", no_declare=True)(c.channel()).bind_to("staffroom.dlx", routing_key="notifications"))
# ... nor configure anything, even under its own names (outsider 10, issue 21: an exchange called "wellbeing" bound
# into staffroom.events took a forged event past the topic check; a redeclared wellbeing.dlq dead-lettered into it).
refused("declare an exchange of its own queue's name", lambda c: Exchange("wellbeing", type="fanout")(
    c.channel()).declare())
refused("delete its own dead-letter queue (to redeclare its dead-lettering)", lambda c: Queue(
    "wellbeing.dlq", no_declare=True)(c.channel()).delete())
# ... while its own dead letters still go back to its own queue, as its own user, by staffroom.replay.
with Connection(operator, transport_options={"confirm_publish": True}) as conn:
    conn.Producer(conn.channel()).publish(b'{"e2e": "replay me"}', exchange="", routing_key="wellbeing.dlq",
                                          message_id="e2e-replay", retry=False)
assert RabbitBus(url("wellbeing")).replay_dead_letters("wellbeing") == 1
with Connection(operator) as conn:
    back = Queue("wellbeing", no_declare=True)(conn.channel()).get(no_ack=True)
    assert back is not None and json.loads(back.body) == {"e2e": "replay me"}, back
    assert back.delivery_info["exchange"] == "staffroom.replay", back.delivery_info
print("ok   the wellbeing user replays its own dead letter to its own queue, through staffroom.replay")
EOF

step "an SMTP server for notifications' sender (aiosmtpd on 127.0.0.1:$smtp_port)"
# A real SMTP listener that prints what it accepts. The image installs only requirements.lock; aiosmtpd is a
# development dependency (requirements-dev.lock), so take a Python that has it, or a throwaway venv with it.
smtp_python=
for py in "$image_venv/bin/python" "$repo/.venv/bin/python"; do
    if [[ -x $py ]] && "$py" -c "import aiosmtpd" 2>/dev/null; then smtp_python=$py; break; fi
done
if [[ -z $smtp_python ]]; then
    smtp_venv=/tmp/staffroom-e2e-smtp-venv
    if ! "$smtp_venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
        python3 -m venv "$smtp_venv"
        "$smtp_venv/bin/pip" install -q "$(grep -i '^aiosmtpd==' "$repo/requirements-dev.lock")"
    fi
    smtp_python=$smtp_venv/bin/python
fi
"$smtp_python" -u -m aiosmtpd -n -l "127.0.0.1:$smtp_port" > "$work/smtp.log" 2>&1 &
pids+=($!)
smtp_ok=
for _ in $(seq 50); do
    if "$image_venv/bin/python" -c "import smtplib, sys; smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=2).quit()" \
        "$smtp_port" 2>/dev/null; then smtp_ok=1; break; fi
    sleep 0.2
done
[[ -n $smtp_ok ]] || { cat "$work/smtp.log"; echo "FAIL: the SMTP server did not start" >&2; exit 1; }
echo "$("$smtp_python" -m aiosmtpd --version) ($smtp_python) answers on 127.0.0.1:$smtp_port"
# Production refuses a sender with nowhere to send (no SMTP_HOST), rather than dropping email.
if out=$(cd "$work/app" && timeout 60 "${notifications_env[@]}" "$image_venv/bin/python" \
        -m notifications.entrypoints.sender 2>&1); then
    echo "FAIL: notifications' sender started in production without SMTP_HOST" >&2; exit 1
fi
[[ $out == *"SMTP_HOST must be set in production"* ]] || { echo "$out"; echo "FAIL: sender without SMTP_HOST" >&2; exit 1; }
echo "without SMTP_HOST the sender refuses to start: ${out##*$'\n'}"
# ... and one that could not open the survey links invitations carry sealed, rather than sending them without.
if out=$(cd "$work/app" && timeout 60 "${notifications_env[@]}" "${smtp_env[@]}" "$image_venv/bin/python" \
        -m notifications.entrypoints.sender 2>&1); then
    echo "FAIL: notifications' sender started in production without SURVEY_LINK_PRIVATE_KEY" >&2; exit 1
fi
[[ $out == *"SURVEY_LINK_PRIVATE_KEY must be set in production"* ]] \
    || { echo "$out"; echo "FAIL: sender without SURVEY_LINK_PRIVATE_KEY" >&2; exit 1; }
echo "without SURVEY_LINK_PRIVATE_KEY the sender refuses to start: ${out##*$'\n'}"

step "web (the image's CMD), relay and consumer for directory; web, relay, consumer and the daily job for appraisal, cpd, wellbeing and targets; web, relay, consumer, daily job and email sender for notifications; the portal's web; proxy"
for svc in $apis; do
    declare -n env_of_svc=${svc}_env
    # the image's CMD, with the STAFFROOM_SERVICE its build sets
    (cd "$work/app" && GUNICORN_BIND=127.0.0.1:${web_port[$svc]} STAFFROOM_SERVICE=$svc exec "${env_of_svc[@]}" \
        "$image_venv/bin/gunicorn" -c deploy/gunicorn.conf.py) > "$work/$svc-web.log" 2>&1 &
    pids+=($!)
    for process in ${processes[$svc]}; do
        args=() extra=()
        [[ $process == scheduler ]] && args=(--every 86400)
        [[ $process == sender ]] && extra=("${sender_env[@]}")
        (cd "$work/app" && exec "${env_of_svc[@]}" "${extra[@]}" "$image_venv/bin/python" -m "$svc.entrypoints.$process" \
            "${args[@]}") > "$work/$svc-$process.log" 2>&1 &
        pid_of["$svc $process"]=$!
        pids+=($!)
    done
    unset -n env_of_svc
done
(cd "$work/app" && GUNICORN_BIND=127.0.0.1:${web_port[portal]} exec "${portal_env[@]}" \
    "$image_venv/bin/gunicorn" -c deploy/gunicorn.conf.py "staffroom_portal.app:create_app()") > "$work/portal-web.log" 2>&1 &
pids+=($!)
upstreams=()
for svc in $apis portal; do upstreams+=(-e "s#$svc-web:8000#127.0.0.1:${web_port[$svc]}#"); done
sed "${upstreams[@]}" \
    -e "s#listen 8080;#listen 127.0.0.1:$proxy_port;#" \
    -e "s#pid /tmp/nginx.pid;#pid $work/nginx.pid;#" "$repo/deploy/nginx/nginx.conf" > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -g 'daemon off;' > "$work/nginx-access.log" 2> "$work/nginx-error.log" &
pids+=($!)
for svc in $apis; do
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$proxy_port/api/$svc/readyz" >/dev/null && break; sleep 0.2; done
done
# The portal's health check, as compose's: /healthz on its own port (through the proxy, /healthz is the proxy's).
for _ in $(seq 100); do curl -fs "http://127.0.0.1:${web_port[portal]}/healthz" >/dev/null && break; sleep 0.2; done

"$image_venv/bin/python" - "http://127.0.0.1:$proxy_port" "http://127.0.0.1:${web_port[portal]}" <<'EOF' || { cat "$work/portal-web.log"; exit 1; }
import json, sys, urllib.error, urllib.request
base, direct = sys.argv[1:3]

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None

def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

def check(label, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + label)
    if not cond:
        print(detail)
        sys.exit(1)

s, h, b = get(direct + "/healthz")
check("portal /healthz (compose's health check, on its own port) -> 200", s == 200 and json.loads(b) == {"status": "ok", "service": "portal"}, b)
s, h, b = get(base + "/healthz")
check("through the proxy, /healthz is the proxy's own", s == 200 and b == b"ok\n", b)
s, h, b = get(base + "/", {"X-Correlation-ID": "e2e-portal-1"})
check("GET / through the proxy -> 302 to the sign-in page, X-Correlation-ID returned",
      s == 302 and h["Location"].startswith("/sign-in") and h["X-Correlation-ID"] == "e2e-portal-1", (s, dict(h)))
s, h, b = get(base + h["Location"])
page = b.decode()
check("the sign-in page -> 200, 'Sign in with your trust account', no development sign-in",
      s == 200 and "Sign in with your trust account" in page and "Development sign-in" not in page, page[:500])
check("it carries the portal's Content-Security-Policy", "script-src 'self'" in (h["Content-Security-Policy"] or ""), dict(h))
check("one Referrer-Policy, the portal's same-origin (the proxy's no-referrer would break CSRF checks over https)",
      h.get_all("Referrer-Policy") == ["same-origin"], h.get_all("Referrer-Policy"))
# The session cookie's flags are checked in portal/tests/test_sign_in_config.py; here, only that a visitor who has
# not started signing in is given none.
check("no cookie for a visitor who has not started signing in", h["Set-Cookie"] is None, h["Set-Cookie"])
s, h, b = get(base + "/static/portal.css")
check("GET /static/portal.css through the proxy -> 200 text/css (the installed package's static files)",
      s == 200 and h["Content-Type"].startswith("text/css") and len(b) > 0, (s, dict(h)))
s, h, b = get(base + "/no-such-page")
check("an unknown page -> the portal's own 404 (HTML)", s == 404 and h["Content-Type"].startswith("text/html")
      and b"There is no page at this address" in b, (s, b[:300]))
s, h, b = get(base + "/api/no-such-service/x")
check("an unknown /api/ path -> the proxy's 404 application/problem+json, not the portal",
      s == 404 and h["Content-Type"] == "application/problem+json" and json.loads(b)["status"] == 404, b)
# One survey link saving in a loop is slowed to a person's pace by the proxy (another link is not).
flood = [get(base + "/api/wellbeing/survey", {"X-Survey-Token": "e2e-one-link"})[:2] for _ in range(45)]
limited = [(s, h) for s, h in flood if s == 429]
check("one survey link past 30 requests at once -> 429 application/problem+json with Retry-After",
      limited and all(h["Content-Type"] == "application/problem+json" and h["Retry-After"] == "60"
                      for _, h in limited) and {s for s, _ in flood} <= {404, 429}, [s for s, _ in flood])
s, h, b = get(base + "/api/wellbeing/survey", {"X-Survey-Token": "e2e-another-link"})
check("another link is not held back by the first", s == 404, s)
EOF

OPERATOR_BUS_URL=$operator_bus "$image_venv/bin/python" - "http://127.0.0.1:$proxy_port" "$work/idp/key.pem" <<'EOF' || { cat "$work/notifications-consumer.log"; tail -n 5 "$work/appraisal-consumer.log" "$work/appraisal-relay.log" "$work/targets-consumer.log" "$work/targets-web.log"; PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d notifications -c 'select * from staff' -c 'select event_type, processed_at from inbox' -c 'select recipient_id, subject from messages' || true; exit 1; }
import json, os, sys, time, urllib.error, urllib.parse, urllib.request, uuid
from datetime import datetime, timedelta, timezone
import jwt
from kombu import Connection, Queue
base, key_file = sys.argv[1], sys.argv[2]
now = datetime.now(timezone.utc)

def token_for(sub, roles):
    return jwt.encode({"iss": "https://idp.e2e.invalid/", "aud": "api://staffroom", "sub": sub,
                       "roles": roles, "iat": now, "nbf": now, "exp": now + timedelta(minutes=10)},
                      open(key_file, "rb").read(), algorithm="RS256", headers={"kid": "e2e"})

token = token_for(str(uuid.uuid4()), ["trust_hr"])

def call(method, path, body=None, correlation_id=None, bearer=None):
    headers = {"Authorization": "Bearer " + (bearer or token), "Content-Type": "application/json"}
    if correlation_id:
        headers["X-Correlation-ID"] = correlation_id
    req = urllib.request.Request(base + path, method=method, headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read())

def check(label, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + label)
    if not cond:
        print(detail)
        sys.exit(1)

for svc in ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"):
    s, h, b = call("GET", f"/api/{svc}/readyz")
    check(f"{svc} readyz through the proxy: database and bus ok", s == 200 and b["checks"] == {"database": "ok", "bus": "ok"}, b)
s, h, b = call("GET", "/api/wellbeing/instruments")
check("GET /api/wellbeing/instruments with the token -> 200, the published instruments",
      s == 200 and {"hse_indicator", "swemwbs", "ons4", "enps", "trust_core"} <= {i["key"] for i in b}, b)
s, h, b = call("GET", "/api/notifications/inbox")
check("GET /api/notifications/inbox with the token -> 200, the caller's (empty) inbox",
      s == 200 and b["total"] == 0 and b["items"] == [], b)
s, h, b = call("GET", "/api/targets/targets")
check("GET /api/targets/targets with the trust HR token -> 200, every target with its trust-wide figure",
      s == 200 and len(b) == 16 and "reviews_on_time" in {t["key"] for t in b}
      and all(any(f["academy_id"] is None for f in t["figures"]) for t in b), b)
year = now.year if now.month >= 9 else now.year - 1
s, h, cycle = call("POST", "/api/appraisal/cycles", {"name": f"{year}/{(year + 1) % 100:02d} teachers", "template": "teachers",
                                                      "academy_id": None, "school_year": year})
check("POST /api/appraisal/cycles (trust-wide teachers cycle, this school year) -> 201", s == 201, cycle)
s, h, b = call("POST", f"/api/appraisal/cycles/{cycle['id']}/open")
check("open it while appraisal's staff copy is empty -> 200, no appraisals yet", s == 200, b)
s, h, academy = call("POST", "/api/directory/academies", {"name": "E2E Academy", "urn": "123456", "phase": "primary"})
check("POST /api/directory/academies (trust HR token from the JWKS) -> 201", s == 201, academy)
s, h, staff = call("POST", "/api/directory/staff", {
    "staff_code": "E2E1", "academy_id": academy["id"], "first_name": "Ada", "last_name": "Lovelace",
    "email": "ada@example.invalid", "staff_type": "teaching", "post": "Teacher of Mathematics",
    "start_date": "2026-09-01"}, correlation_id="e2e-staff-1")
check("POST /api/directory/staff -> 201, X-Correlation-ID kept", s == 201 and h["X-Correlation-ID"] == "e2e-staff-1", staff)
s, h, b = call("POST", "/api/directory/staff", {"staff_code": ""})
check("bad input -> 422 application/problem+json", s == 422 and h["Content-Type"].startswith("application/problem+json"), b)

deadline, appraisals = time.time() + 30, {"total": 0}
while appraisals.get("total") != 1 and time.time() < deadline:
    s, h, appraisals = call("GET", f"/api/appraisal/appraisals?reviewee_id={staff['id']}")
    time.sleep(0.3)
check("staff.joined reached appraisal: the joiner has an appraisal in the open cycle (GET /api/appraisal/appraisals)",
      appraisals.get("total") == 1 and appraisals["items"][0]["cycle_id"] == cycle["id"]
      and appraisals["items"][0]["reviewee_name"] == "Ada Lovelace", appraisals)

deadline, plans = time.time() + 30, []
while not plans and time.time() < deadline:
    s, h, plans = call("GET", f"/api/cpd/plans?staff_id={staff['id']}")
    plans = plans if s == 200 else []
    time.sleep(0.3)
check("staff.joined reached cpd: the joiner has a development plan with induction (GET /api/cpd/plans)",
      len(plans) == 1 and plans[0]["created_because"] == "joined"
      and [(i["title"], i["source"]) for i in plans[0]["items"]] == [("E2E Trust induction", "induction")], plans)

wanted, seen = {"staff.joined", "appraisal.appraisal_opened", "cpd.plan_created"}, {}
deadline = time.time() + 15
with Connection(os.environ["OPERATOR_BUS_URL"]) as conn:
    tap = Queue("e2e-tap")(conn.channel())
    while not wanted <= set(seen) and time.time() < deadline:
        m = tap.get(no_ack=True)
        if m is not None and m.delivery_info["routing_key"] in wanted:
            seen.setdefault(m.delivery_info["routing_key"], m)
        elif m is None:
            time.sleep(0.2)
check("directory's relay published staff.joined to staffroom.events", "staff.joined" in seen)
envelope = json.loads(seen["staff.joined"].body)
check("event carries the request's correlation id, persistent delivery",
      envelope["correlation_id"] == "e2e-staff-1" and seen["staff.joined"].properties.get("delivery_mode") == 2, envelope)
check("appraisal's relay published appraisal.appraisal_opened", "appraisal.appraisal_opened" in seen)
opened = json.loads(seen["appraisal.appraisal_opened"].body)
check("appraisal.appraisal_opened carries the same correlation id, from the HTTP request through both services",
      opened["correlation_id"] == "e2e-staff-1" and opened["payload"]["reviewee_id"] == staff["id"], opened)
check("cpd's relay published cpd.plan_created", "cpd.plan_created" in seen)
created = json.loads(seen["cpd.plan_created"].body)
check("cpd.plan_created carries the same correlation id and reason joined",
      created["correlation_id"] == "e2e-staff-1" and created["payload"]["staff_id"] == staff["id"]
      and created["payload"]["reason"] == "joined", created)

# The joiner signs in: staff.joined gave notifications its staff copy, appraisal.appraisal_opened a message.
ada = token_for(staff["id"], [])
deadline, inbox = time.time() + 30, {"total": 0}
while inbox.get("total", 0) < 1 and time.time() < deadline:
    s, h, inbox = call("GET", "/api/notifications/inbox", bearer=ada)
    time.sleep(0.3)
check("appraisal.appraisal_opened reached notifications: the joiner's inbox (GET /api/notifications/inbox, her token)"
      " holds 'Your appraisal for this year is open'",
      s == 200 and inbox.get("total") == 1 and inbox["items"][0]["subject"] == "Your appraisal for this year is open"
      and inbox["items"][0]["category"] == "appraisal", inbox)

# SCIM (issue 21): the identity provider's endpoint through the proxy, with its own token only.
for bearer, wanted in (("e2e-scim-token-0123456789abcdefghijklmnop", 200), (token, 401)):
    req = urllib.request.Request(f"{base}/api/directory/scim/v2/Users?filter=" + urllib.parse.quote(
        f'userName eq "{staff["email"]}"'), headers={"Authorization": "Bearer " + bearer})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, kind, found = r.status, r.headers["Content-Type"], json.loads(r.read())
    except urllib.error.HTTPError as e:
        status, kind, found = e.code, e.headers["Content-Type"], json.loads(e.read())
    check(f"GET /api/directory/scim/v2/Users?filter=userName eq ... -> {wanted} application/scim+json",
          status == wanted and kind.startswith("application/scim+json")
          and (wanted != 200 or found["totalResults"] == 1), (status, kind, found))

# Subject access (issue 21): she asks for a copy of her data; every service answers over the bus as its own broker
# user, and the directory's consumer gathers the answers into one bundle.
s, h, sar = call("POST", "/api/directory/subject-access-requests", {"staff_id": staff["id"]}, bearer=ada)
check("POST /api/directory/subject-access-requests (her token) -> 201", s == 201, sar)
deadline = time.time() + 30
while sar.get("status") != "ready" and time.time() < deadline:
    s, h, sar = call("GET", f"/api/directory/subject-access-requests/{sar['id']}", bearer=ada)
    time.sleep(0.3)
check("every service answered over the bus: " + ", ".join(sar.get("answered", [])), sar.get("status") == "ready", sar)
req = urllib.request.Request(f"{base}/api/directory/subject-access-requests/{sar['id']}/bundle",
                             headers={"Authorization": "Bearer " + ada})
with urllib.request.urlopen(req, timeout=10) as r:
    import io, zipfile
    names = sorted(zipfile.ZipFile(io.BytesIO(r.read())).namelist())
check("her bundle: a summary and one JSON file per service", names == sorted(
    ["summary.html", *(f"{svc}.json" for svc in ("directory", "appraisal", "cpd", "wellbeing", "notifications",
                                                  "targets"))]), names)

# academy.registered reached targets: the academy's figures appear beside the trust's (GET /api/targets/targets).
deadline, named = time.time() + 30, set()
while "E2E Academy" not in named and time.time() < deadline:
    s, h, b = call("GET", "/api/targets/targets")
    named = {f["academy_name"] for t in b for f in t["figures"]} if s == 200 else set()
    time.sleep(0.3)
check("academy.registered reached targets: GET /api/targets/targets (trust HR) shows E2E Academy's figures",
      "E2E Academy" in named, b)
s, h, b = call("GET", "/api/targets/targets", bearer=ada)
check("GET /api/targets/targets with a member of staff's token (not HR) -> 403", s == 403, b)
EOF
psql_cpd() { PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d cpd -Atc "$1"; }
echo "ok   cpd's inbox: $(psql_cpd "select string_agg(event_type, ', ' order by event_type) from inbox")"
unsent=$(psql_cpd "select count(*) from outbox where sent_at is null")
[[ $unsent == 0 ]] || { echo "FAIL: $unsent cpd outbox rows unsent" >&2; exit 1; }
echo "ok   cpd outbox: every row marked sent"
grep -q '"cpd daily job: 0 secondment' "$work/cpd-scheduler.log" \
    || { cat "$work/cpd-scheduler.log"; echo "FAIL: cpd's daily job did not run at start" >&2; exit 1; }
echo "ok   cpd's daily job ran at start"
psql_wellbeing() { PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d wellbeing -Atc "$1"; }
copy=
for _ in $(seq 100); do
    copy=$(psql_wellbeing "select first_name || ' ' || last_name || ', ' || staff_type from staff")
    [[ -n $copy ]] && break
    sleep 0.3
done
[[ $copy == "Ada Lovelace, teaching" ]] || { cat "$work/wellbeing-consumer.log"; echo "FAIL: wellbeing's staff copy holds '$copy'" >&2; exit 1; }
echo "ok   staff.joined reached wellbeing: its staff copy (its own database): $copy"
echo "ok   wellbeing's inbox: $(psql_wellbeing "select string_agg(event_type, ', ' order by event_type) from inbox")"
unsent=$(psql_wellbeing "select count(*) from outbox where sent_at is null")
[[ $unsent == 0 ]] || { echo "FAIL: $unsent wellbeing outbox rows unsent" >&2; exit 1; }
echo "ok   wellbeing outbox: every row marked sent"
grep -qF '"wellbeing daily job: 0 run(s) opened' "$work/wellbeing-scheduler.log" \
    || { cat "$work/wellbeing-scheduler.log"; echo "FAIL: wellbeing's daily job did not run at start" >&2; exit 1; }
echo "ok   wellbeing's daily job ran at start"
psql_notifications() { PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d notifications -Atc "$1"; }
copy=$(psql_notifications "select first_name || ' ' || last_name || ' <' || email || '>' from staff")
[[ $copy == "Ada Lovelace <ada@example.invalid>" ]] \
    || { cat "$work/notifications-consumer.log"; echo "FAIL: notifications' staff copy holds '$copy'" >&2; exit 1; }
echo "ok   staff.joined reached notifications: its staff copy (its own database): $copy"
echo "ok   notifications' inbox: $(psql_notifications "select string_agg(event_type, ', ' order by event_type) from inbox")"
deliveries=
for _ in $(seq 100); do
    deliveries=$(psql_notifications "select string_agg(address || ' ' || status || ' after ' || attempts, ', ') from deliveries")
    [[ -z $deliveries || $deliveries == *pending* ]] || break
    sleep 0.3
done
[[ $deliveries == "ada@example.invalid sent after 1" ]] \
    || { cat "$work/notifications-sender.log"; echo "FAIL: notifications' deliveries: '$deliveries'" >&2; exit 1; }
echo "ok   notifications' sender: the joiner's appraisal email accepted by the SMTP server ($deliveries)"
grep -qxF "Subject: Your appraisal for this year is open" "$work/smtp.log" \
    && grep -qxF "To: ada@example.invalid" "$work/smtp.log" \
    && grep -qxF "From: E2E Trust <no-reply@e2e.invalid>" "$work/smtp.log" \
    || { cat "$work/smtp.log"; echo "FAIL: the SMTP server did not receive the appraisal email" >&2; exit 1; }
echo "ok   the SMTP server received $(grep -cxF -- '---------- MESSAGE FOLLOWS ----------' "$work/smtp.log") message(s): From, To and Subject as sent"
grep -qF '"email: 1 sent, 0 to retry, 0 dead-lettered"' "$work/notifications-sender.log" \
    || { cat "$work/notifications-sender.log"; echo "FAIL: the sender did not log the email as sent" >&2; exit 1; }
if grep -qE '"level": "(WARNING|ERROR|CRITICAL)"|Traceback' "$work/notifications-sender.log" \
        "$work/notifications-consumer.log"; then
    cat "$work/notifications-sender.log" "$work/notifications-consumer.log"
    echo "FAIL: warnings or errors in notifications' sender or consumer log" >&2; exit 1
fi
echo "ok   notifications' sender and consumer logs: no warning, error or traceback"
unsent=$(psql_notifications "select count(*) from outbox where sent_at is null")
[[ $unsent == 0 ]] || { echo "FAIL: $unsent notifications outbox rows unsent" >&2; exit 1; }
echo "ok   notifications outbox: every row marked sent"
grep -qE '"notifications daily job: [0-9]+ reminder\(s\) sent, [0-9]+ digest\(s\) gathered"' "$work/notifications-scheduler.log" \
    || { cat "$work/notifications-scheduler.log"; echo "FAIL: notifications' daily job did not run at start" >&2; exit 1; }
echo "ok   notifications' daily job ran at start"
psql_targets() { PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d targets -Atc "$1"; }
copy=
for _ in $(seq 100); do
    copy=$(psql_targets "select first_name || ' ' || last_name || ', ' || post from staff")
    [[ -n $copy ]] && break
    sleep 0.3
done
[[ $copy == "Ada Lovelace, Teacher of Mathematics" ]] \
    || { cat "$work/targets-consumer.log"; echo "FAIL: targets' staff copy holds '$copy'" >&2; exit 1; }
echo "ok   staff.joined reached targets: its staff copy (its own database): $copy"
echo "ok   targets' inbox: $(psql_targets "select string_agg(event_type, ', ' order by event_type) from inbox")"
grep -qE '"targets daily job: [0-9]+ met, [0-9]+ at risk announced; [1-9][0-9]* snapshot\(s\)"' "$work/targets-scheduler.log" \
    || { cat "$work/targets-scheduler.log"; echo "FAIL: targets' daily job did not run at start" >&2; exit 1; }
echo "ok   targets' daily job ran at start: $(psql_targets "select count(*) from snapshots") trend point(s) recorded"
# The one-off rebuild, as run after a release that changes how targets are computed: with the consumer running,
# it replays every stored event into the read model, which comes out the same.
stored=$(psql_targets "select count(*) from events")
before=$(psql_targets "select string_agg(staff_id || ' ' || academy_id || ' ' || start_date, ', ') from staff")
out=$(cd "$work/app" && "${targets_env[@]}" "$image_venv/bin/python" -m targets.entrypoints.rebuild 2> "$work/targets-rebuild.log") \
    || { cat "$work/targets-rebuild.log"; echo "FAIL: targets rebuild" >&2; exit 1; }
replayed=$("$image_venv/bin/python" -c 'import json, sys; print(json.loads(sys.argv[1])["replayed"])' "$out")
after=$(psql_targets "select string_agg(staff_id || ' ' || academy_id || ' ' || start_date, ', ') from staff")
((stored > 0 && replayed >= stored)) && [[ $after == "$before" ]] \
    || { cat "$work/targets-rebuild.log"; echo "FAIL: targets rebuild printed $out; $stored event(s) stored; staff '$before' -> '$after'" >&2; exit 1; }
echo "ok   python -m targets.entrypoints.rebuild (production, consumer running): $out; the staff copy is the same"
if grep -qE '"level": "(WARNING|ERROR|CRITICAL)"|Traceback' "$work/targets-consumer.log" "$work/targets-scheduler.log" \
        "$work/targets-rebuild.log" "$work/notifications-scheduler.log"; then
    cat "$work/targets-consumer.log" "$work/targets-scheduler.log" "$work/targets-rebuild.log" "$work/notifications-scheduler.log"
    echo "FAIL: warnings or errors in targets' consumer, daily job or rebuild, or notifications' daily job" >&2; exit 1
fi
echo "ok   targets' consumer, daily job and rebuild logs, notifications' daily job log: no warning, error or traceback"
unsent=$(psql_targets "select count(*) from outbox where sent_at is null")
[[ $unsent == 0 ]] || { echo "FAIL: $unsent targets outbox rows unsent" >&2; exit 1; }
echo "ok   targets outbox: every row marked sent"
psql_appraisal() { PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d appraisal -Atc "$1"; }
copy=$(psql_appraisal "select first_name || ' ' || last_name || ', ' || post from staff")
[[ $copy == "Ada Lovelace, Teacher of Mathematics" ]] || { echo "FAIL: appraisal's staff copy holds '$copy'" >&2; exit 1; }
echo "ok   appraisal's staff copy (its own database): $copy"
echo "ok   appraisal's inbox: $(psql_appraisal "select string_agg(event_type, ', ' order by event_type) from inbox")"
unsent=$(psql_appraisal "select count(*) from outbox where sent_at is null")
[[ $unsent == 0 ]] || { echo "FAIL: $unsent appraisal outbox rows unsent" >&2; exit 1; }
echo "ok   appraisal outbox: every row marked sent"
grep -q '"appraisal daily job: 0 overdue' "$work/appraisal-scheduler.log" \
    || { cat "$work/appraisal-scheduler.log"; echo "FAIL: the daily job did not run at start" >&2; exit 1; }
echo "ok   appraisal's daily job ran at start (before the cycle opened: 0 overdue)"
unsent=$(PGPASSWORD=e2e-postgres-password psql -h 127.0.0.1 -p "$pg_port" -U staffroom -d directory -Atc \
    "select count(*) from outbox where sent_at is null")
[[ $unsent == 0 ]] || { echo "FAIL: $unsent outbox rows unsent" >&2; exit 1; }
echo "ok   outbox: every row marked sent"

relay_pid=${pid_of[directory relay]}
kill -TERM "$relay_pid"
for _ in $(seq 100); do kill -0 "$relay_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$relay_pid" 2>/dev/null && { echo "FAIL: relay ignored SIGTERM" >&2; exit 1; }
echo "ok   relay stops on SIGTERM within 10 s"
for svc in $apis; do
    for process in ${processes[$svc]}; do
        [[ $process == relay ]] && continue
        pid=${pid_of[$svc $process]}
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && { echo "FAIL: $svc $process ignored SIGTERM" >&2; exit 1; }
        echo "ok   $svc $process stops on SIGTERM within 10 s"
    done
done

step "the portal refuses the development sign-in in production"
# Its CMD with compose's production settings plus PORTAL_DEV_SIGN_IN=1: gunicorn must exit non-zero (timeout's
# 124 would mean it was still serving), saying why.
rc=0
out=$(cd "$work/app" && GUNICORN_BIND=127.0.0.1:$portal_check_port WEB_CONCURRENCY=1 timeout 20 "${portal_env[@]}" \
    PORTAL_DEV_SIGN_IN=1 "$image_venv/bin/gunicorn" -c deploy/gunicorn.conf.py "staffroom_portal.app:create_app()" 2>&1) || rc=$?
if ((rc == 0 || rc == 124)); then
    echo "$out" | tail -5; echo "FAIL: the portal started in production with PORTAL_DEV_SIGN_IN=1" >&2; exit 1
fi
[[ $out == *"development sign-in"* ]] || { echo "$out" | tail -5; echo "FAIL: the portal's refusal does not mention the development sign-in" >&2; exit 1; }
echo "ok   exit $rc: $(grep -m1 -o 'ConfigError: .*' <<< "$out")"

printf '\nEnd-to-end check passed.\n'
