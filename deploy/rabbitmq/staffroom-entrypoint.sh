#!/bin/sh
# Writes the broker's definitions directory, then hands over to the image's
# own entrypoint. The user lives in its own file so that definitions.json
# stays free of secrets and can be imported into any cluster as it is.
set -eu

: "${STAFFROOM_RABBITMQ_USER:?STAFFROOM_RABBITMQ_USER must be set}"
: "${STAFFROOM_RABBITMQ_PASSWORD:?STAFFROOM_RABBITMQ_PASSWORD must be set}"

defs=/run/staffroom-definitions
mkdir -p "$defs"
cp /etc/rabbitmq/definitions.json "$defs/10-topology.json"

json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
user=$(json_escape "$STAFFROOM_RABBITMQ_USER")
pass=$(json_escape "$STAFFROOM_RABBITMQ_PASSWORD")

umask 077
cat > "$defs/20-users.json" <<JSON
{
  "vhosts": [{"name": "staffroom"}],
  "users": [{"name": "$user", "password": "$pass", "tags": "management"}],
  "permissions": [{"user": "$user", "vhost": "staffroom", "configure": ".*", "write": ".*", "read": ".*"}]
}
JSON
chown -R rabbitmq:rabbitmq "$defs"
chmod 700 "$defs"

exec docker-entrypoint.sh "$@"
