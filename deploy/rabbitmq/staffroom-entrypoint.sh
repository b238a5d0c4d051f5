#!/bin/sh
# Writes the broker's definitions directory, then hands over to the image's
# own entrypoint. The users live in their own file so that definitions.json
# and permissions.json stay free of secrets and can be imported into any
# cluster as they are. The operator's user (STAFFROOM_RABBITMQ_USER) may do
# anything, for the management UI; no service uses it. Each service connects
# as a user of its own name, password STAFFROOM_RABBITMQ_<SERVICE>_PASSWORD,
# whose permissions (permissions.json, made by `staffroom docs` from the
# code) let it publish only its own event types and read only its own queues.
set -eu

: "${STAFFROOM_RABBITMQ_USER:?STAFFROOM_RABBITMQ_USER must be set}"
: "${STAFFROOM_RABBITMQ_PASSWORD:?STAFFROOM_RABBITMQ_PASSWORD must be set}"
services=${STAFFROOM_SERVICES:-directory appraisal cpd wellbeing notifications targets}

defs=/run/staffroom-definitions
mkdir -p "$defs"
cp /etc/rabbitmq/definitions.json "$defs/10-topology.json"

json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
user=$(json_escape "$STAFFROOM_RABBITMQ_USER")
pass=$(json_escape "$STAFFROOM_RABBITMQ_PASSWORD")
service_users=
for service in $services; do
    name=STAFFROOM_RABBITMQ_$(echo "$service" | tr '[:lower:]' '[:upper:]')_PASSWORD
    secret=$(printenv "$name") || { echo "staffroom-entrypoint: $name must be set" >&2; exit 1; }
    service_users="$service_users, {\"name\": \"$service\", \"password\": \"$(json_escape "$secret")\", \"tags\": \"\"}"
done

umask 077
cat > "$defs/20-users.json" <<JSON
{
  "vhosts": [{"name": "staffroom"}],
  "users": [{"name": "$user", "password": "$pass", "tags": "management"}$service_users],
  "permissions": [{"user": "$user", "vhost": "staffroom", "configure": ".*", "write": ".*", "read": ".*"}]
}
JSON
cp /etc/rabbitmq/permissions.json "$defs/30-permissions.json"
chown -R rabbitmq:rabbitmq "$defs"
chmod 700 "$defs"

exec docker-entrypoint.sh "$@"
