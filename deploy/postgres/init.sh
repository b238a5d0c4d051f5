#!/bin/sh
# Run once by the postgres image, as POSTGRES_USER (the administrator, whom no
# service uses), when the data volume is first initialised: for each service,
# a database owned by a role of its own, its password from <SERVICE>_DB_PASSWORD
# (see docs/production.md). A service added after the volume exists needs
# service-database.sql.in run for it by hand (docs/production.md).
set -eu
template=${STAFFROOM_DB_TEMPLATE:-/docker-entrypoint-initdb.d/service-database.sql.in}
for service in ${STAFFROOM_SERVICES:-directory appraisal cpd wellbeing notifications targets portal}; do
    name=$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD
    password=$(printenv "$name") || { echo "init.sh: set $name" >&2; exit 1; }
    psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname postgres \
        -v service="$service" -v password="$password" -f "$template"
done
# Nor the cluster's own databases: by default PUBLIC may connect to postgres and
# template1 and read their catalogues (database and role names; outsider 17).
psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname postgres \
    -c "REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC"
