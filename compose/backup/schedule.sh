#!/bin/bash
# The backup service: runs backup.sh once a day, at the first minute at or after BACKUP_AT (HH:MM,
# container time, UTC by default): a container started later in the day backs up at once. A failed
# run is retried every 30 minutes. A heartbeat file feeds the container health check.
set -uo pipefail

at="${BACKUP_AT:-03:30}"
[[ "$at" =~ ^[0-2][0-9]:[0-5][0-9]$ ]] || { echo "BACKUP_AT must be HH:MM" >&2; exit 2; }
: "${BACKUP_TARGET:?BACKUP_TARGET must be set (in /var/secrets/env)}"
last=""

run() {
  if backup.sh; then
    date -u +%Y-%m-%dT%H:%M:%SZ >/tmp/backup-last-success
  else
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup: FAILED (next attempt in 30 minutes)" >&2
    return 1
  fi
}

trap 'exit 0' TERM INT
echo "backups daily at $at to $BACKUP_TARGET, kept ${BACKUP_RETENTION_DAYS:-30} days"
retry_after=0
while true; do
  touch /tmp/backup-heartbeat
  today="$(date +%F)"
  if [[ "$last" != "$today" && ! "$(date +%H:%M)" < "$at" ]]; then
    if (( SECONDS >= retry_after )); then
      if run; then last="$today"; else retry_after=$((SECONDS + 1800)); fi
    fi
  fi
  sleep 60 & wait $!
done
