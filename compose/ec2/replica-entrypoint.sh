#!/bin/bash
# The ec2 replica's entrypoint: on an empty data directory, clone the nuc primary over the VPN
# (pg_basebackup -R writes standby.signal and primary_conninfo), then hand over to the image's
# own entrypoint, which sees an initialised cluster and simply starts it as a standby.
set -euo pipefail

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec gosu postgres "$BASH_SOURCE" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${NUC_HOST:?NUC_HOST, the VPN address of the nuc, must be set}"
  : "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set (in /var/secrets/env)}"
  export PGPASSWORD="$REPLICATION_PASSWORD"
  until pg_isready -h "$NUC_HOST" -p 5432 -U replicator -q; do
    echo "waiting for the nuc primary at $NUC_HOST:5432"
    sleep 5
  done
  echo "cloning the nuc primary at $NUC_HOST (this takes a while on a big database)"
  pg_basebackup -h "$NUC_HOST" -p 5432 -U replicator -D "$PGDATA" \
    -R -X stream -S "${REPLICATION_SLOT:-ec2_replica}" --checkpoint=fast --progress
  unset PGPASSWORD
fi

exec docker-entrypoint.sh "$@"
