#!/bin/bash
# Runs once, when the nuc's database is first created: the replication role and the ec2 replica's
# slot. REPLICATION_PASSWORD comes from the secrets env file.
set -euo pipefail
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set (in /var/secrets/env) on the nuc}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$REPLICATION_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD %L', :'password') \gexec
SELECT pg_create_physical_replication_slot('ec2_replica');
SQL
