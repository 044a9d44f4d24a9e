#!/bin/sh
# Run by the postgres image on the first start of an empty data directory, as the superuser:
# the roles of deploy/roles.sql (the owner that migrates, the app role the hub connects as).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner_password="$HUB_OWNER_PASSWORD" -v app_password="$HUB_APP_PASSWORD" \
    -f /hub/roles.sql
