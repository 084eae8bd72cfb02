#!/bin/bash
# One backup: pg_dump -Fc of the database named by the libpq variables (PGHOST, PGPORT, PGUSER,
# PGPASSWORD, PGDATABASE) to BACKUP_TARGET, then removal of backups older than
# BACKUP_RETENTION_DAYS (default 30) there.
#   BACKUP_TARGET   s3://bucket/prefix (aws cli; S3_ENDPOINT for an S3-compatible server)
#                   or a local directory
#   BACKUP_NAME     file name prefix (default mlb): <name>-<UTC time>.dump
# The dump is checked (pg_restore --list) before it is uploaded, and old backups are removed only
# after a new one is safely stored: a failed run never costs an older backup.
set -euo pipefail

target="${BACKUP_TARGET:?BACKUP_TARGET must be s3://bucket/prefix or a directory}"
target="${target%/}"
name="${BACKUP_NAME:-mlb}"
days="${BACKUP_RETENTION_DAYS:-30}"
[[ "$days" =~ ^[0-9]+$ ]] || { echo "BACKUP_RETENTION_DAYS must be a whole number of days" >&2; exit 2; }
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}"
# S3-compatible servers often reject the newer default checksum trailers.
if [ -n "${S3_ENDPOINT:-}" ]; then
  export AWS_REQUEST_CHECKSUM_CALCULATION="${AWS_REQUEST_CHECKSUM_CALCULATION:-when_required}"
  export AWS_RESPONSE_CHECKSUM_VALIDATION="${AWS_RESPONSE_CHECKSUM_VALIDATION:-when_required}"
fi

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup: $*"; }
aws_() { aws ${S3_ENDPOINT:+--endpoint-url "$S3_ENDPOINT"} "$@"; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$name-$stamp.dump"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

started=$SECONDS
log "dumping ${PGDATABASE:-database} from ${PGHOST:-local socket}"
pg_dump --format=custom --compress=6 --file="$work/$file"
pg_restore --list "$work/$file" >/dev/null
size="$(stat -c %s "$work/$file")"

if [[ "$target" == s3://* ]]; then
  aws_ s3 cp --only-show-errors "$work/$file" "$target/$file"
  existing="$(aws_ s3 ls "$target/" | awk '{print $4}')"
else
  mkdir -p "$target"
  cp "$work/$file" "$target/$file.partial"
  mv "$target/$file.partial" "$target/$file"
  existing="$(cd "$target" && ls -1)"
fi
log "stored $target/$file ($size bytes) in $((SECONDS - started)) s"

# Names sort by time, so "older than the cutoff" is a string comparison.
cutoff="$name-$(date -u -d "-$days days" +%Y%m%dT%H%M%SZ).dump"
removed=0
while read -r old; do
  [[ "$old" == "$name"-*.dump && "$old" != "$file" && "$old" < "$cutoff" ]] || continue
  if [[ "$target" == s3://* ]]; then aws_ s3 rm --only-show-errors "$target/$old"; else rm -f "$target/$old"; fi
  removed=$((removed + 1))
done <<<"$existing"
log "removed $removed backup(s) older than $days days"
