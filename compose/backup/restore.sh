#!/bin/bash
# Restores a backup made by backup.sh into a new (or empty) database.
#   restore.sh SOURCE DATABASE
#   SOURCE    s3://bucket/prefix/mlb-….dump, a local .dump file, or "latest" (the newest under
#             BACKUP_TARGET)
#   DATABASE  created when missing; refused when it already holds tables, so a restore never
#             overwrites data. Connection: the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD).
# Point DATABASE_URL at the restored database (or rename it) and start the server.
set -euo pipefail

source="${1:?usage: restore.sh SOURCE DATABASE}"
database="${2:?usage: restore.sh SOURCE DATABASE}"
[[ "$database" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "DATABASE must be a plain name" >&2; exit 2; }
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}"
# S3-compatible servers often reject the newer default checksum trailers.
if [ -n "${S3_ENDPOINT:-}" ]; then
  export AWS_REQUEST_CHECKSUM_CALCULATION="${AWS_REQUEST_CHECKSUM_CALCULATION:-when_required}"
  export AWS_RESPONSE_CHECKSUM_VALIDATION="${AWS_RESPONSE_CHECKSUM_VALIDATION:-when_required}"
fi

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) restore: $*"; }
aws_() { aws ${S3_ENDPOINT:+--endpoint-url "$S3_ENDPOINT"} "$@"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$source" == latest ]]; then
  target="${BACKUP_TARGET:?BACKUP_TARGET is needed to find the latest backup}"
  target="${target%/}"
  if [[ "$target" == s3://* ]]; then
    newest="$(aws_ s3 ls "$target/" | awk '{print $4}' | grep -E '\.dump$' | sort | tail -n 1)"
  else
    newest="$(cd "$target" && ls -1 | grep -E '\.dump$' | sort | tail -n 1)"
  fi
  [[ -n "$newest" ]] || { echo "no backup found under $target" >&2; exit 1; }
  source="$target/$newest"
fi

if [[ "$source" == s3://* ]]; then
  aws_ s3 cp --only-show-errors "$source" "$work/restore.dump"
  file="$work/restore.dump"
else
  file="$source"
fi
pg_restore --list "$file" >/dev/null

exists="$(psql -d postgres -Atc "select 1 from pg_database where datname = '$database'")"
if [[ "$exists" == 1 ]]; then
  tables="$(psql -d "$database" -Atc "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")"
  if [[ "$tables" != 0 ]]; then
    echo "database $database already holds $tables tables: restore into a new database" >&2
    exit 1
  fi
else
  createdb "$database"
fi

started=$SECONDS
log "restoring $source into $database"
pg_restore --dbname="$database" --no-owner --no-privileges --exit-on-error --jobs=2 "$file"
log "restored in $((SECONDS - started)) s"
