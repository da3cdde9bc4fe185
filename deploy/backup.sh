#!/usr/bin/env bash
# Back up the 名师工作室 site: the database and the uploads, into one dated directory.
#
#   deploy/backup.sh [DEST_DIR]          (DEST_DIR defaults to $BACKUP_DIR, then /srv/mingshi/backups)
#
# Reads DATABASE_URL, VAR_DIR, MEDIA_ROOT and STORAGE_BACKEND from the environment; when DATABASE_URL is not set it
# loads $MINGSHI_ENV_FILE (default /etc/mingshi/mingshi.env) if that file is readable. Writes
#   DEST_DIR/mingshi-YYYYmmdd-HHMMSS/{database.pgdump | database.sqlite3, media.tar.gz, SHA256SUMS, INFO}
# and prints that directory. The app may keep running: pg_dump and SQLite's backup API both take a consistent
# snapshot. BACKUP_KEEP_DAYS=N deletes this destination's backups older than N days afterwards.
set -euo pipefail
umask 077

APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/load-env.sh
. "$APP_DIR/deploy/load-env.sh"
ENV_FILE=${MINGSHI_ENV_FILE:-/etc/mingshi/mingshi.env}
if [ -z "${DATABASE_URL+x}" ] && [ -r "$ENV_FILE" ]; then
  load_env "$ENV_FILE"
fi

DEST=${1:-${BACKUP_DIR:-/srv/mingshi/backups}}
VAR_DIR=${VAR_DIR:-$APP_DIR/var}
MEDIA_ROOT=${MEDIA_ROOT:-$VAR_DIR/media}
DATABASE_URL=${DATABASE_URL:-}
PYTHON=${PYTHON:-$APP_DIR/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3

stamp=$(date +%Y%m%d-%H%M%S)
target="$DEST/mingshi-$stamp"
work="$target.partial"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# --- Database -----------------------------------------------------------------------------------------------
case "$DATABASE_URL" in
  postgres://*|postgresql://*|pgsql://*)
    # libpq knows postgresql:// and postgres://; the settings also accept pgsql://.
    pg_url="postgresql://${DATABASE_URL#*://}"
    pg_dump --format=custom --no-owner --no-privileges --file="$work/database.pgdump" "$pg_url"
    db_kind=postgresql
    ;;
  ""|sqlite://*)
    if [ -z "$DATABASE_URL" ]; then
      db_path="$VAR_DIR/db.sqlite3"
    else
      db_path="${DATABASE_URL#sqlite://}"
      [ -n "$db_path" ] || db_path="$VAR_DIR/db.sqlite3"
    fi
    if [ ! -f "$db_path" ]; then
      echo "backup.sh: no SQLite database at $db_path" >&2
      exit 1
    fi
    # SQLite's online backup API: a consistent copy even while the app writes.
    "$PYTHON" - "$db_path" "$work/database.sqlite3" <<'PY'
import sqlite3, sys
source, copy = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with copy:
    source.backup(copy)
copy.close()
source.close()
PY
    db_kind=sqlite
    ;;
  *)
    echo "backup.sh: DATABASE_URL scheme not supported: ${DATABASE_URL%%://*}" >&2
    exit 1
    ;;
esac

# --- Uploads ------------------------------------------------------------------------------------------------
if [ "${STORAGE_BACKEND:-filesystem}" = "s3" ]; then
  echo "backup.sh: uploads live in the S3 bucket; back the bucket up with its own tools (docs/deploy.md)." >&2
  media_kind=s3-not-included
else
  mkdir -p "$MEDIA_ROOT"
  tar --create --gzip --file="$work/media.tar.gz" --directory="$MEDIA_ROOT" .
  media_kind=filesystem
fi

{
  echo "created=$(date --iso-8601=seconds)"
  echo "database=$db_kind"
  echo "media=$media_kind"
  echo "git=$(git -C "$APP_DIR" rev-parse HEAD 2>/dev/null || echo unknown)"
} > "$work/INFO"
(
  cd "$work"
  files=(database.*)
  [ -f media.tar.gz ] && files+=(media.tar.gz)
  sha256sum -- "${files[@]}" > SHA256SUMS
)

mv "$work" "$target"
trap - EXIT

if [ -n "${BACKUP_KEEP_DAYS:-}" ] && [ "$BACKUP_KEEP_DAYS" -gt 0 ]; then
  find "$DEST" -mindepth 1 -maxdepth 1 -type d -name 'mingshi-*' -mtime +"$BACKUP_KEEP_DAYS" -exec rm -rf {} +
fi

echo "$target"
