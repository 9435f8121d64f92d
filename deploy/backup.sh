#!/usr/bin/env bash
# Back up the ordet database: one compressed pg_dump file, then drop dumps older than KEEP_DAYS.
# Usage: deploy/backup.sh DATABASE_URL BACKUP_DIR   (URL in libpq form: postgresql://user@host/db)
set -euo pipefail
url="${1:?DATABASE_URL}"
dir="${2:?BACKUP_DIR}"
keep_days="${KEEP_DAYS:-30}"
mkdir -p "$dir"
stamp="$(date +%Y-%m-%dT%H%M%S)"
tmp="$dir/.ordet-$stamp.dump.partial"
# Custom format: compressed, and pg_restore can restore it into an empty database.
pg_dump --format=custom --no-owner --no-privileges --file="$tmp" "$url"
mv "$tmp" "$dir/ordet-$stamp.dump"  # a half-written dump never looks like a backup
find "$dir" -name 'ordet-*.dump' -mtime +"$keep_days" -delete
echo "$dir/ordet-$stamp.dump"
