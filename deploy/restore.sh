#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh: the database and the uploads are replaced by the backup's.
#
#   deploy/restore.sh BACKUP_DIR --yes
#
# Stop the app first (systemctl stop mingshi-gunicorn mingshi-celery-worker mingshi-celery-beat) and start it
# again afterwards. Reads DATABASE_URL, VAR_DIR, MEDIA_ROOT like backup.sh. The checksums are verified before
# anything is touched. PostgreSQL: the dump is restored in one transaction (--clean --if-exists), so a failure
# leaves the database as it was. Uploads: the backup is unpacked beside MEDIA_ROOT and swapped in, and the
# replaced directory is removed at the end (RESTORE_KEEP_REPLACED=1 keeps it).
set -euo pipefail
umask 027

APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/load-env.sh
. "$APP_DIR/deploy/load-env.sh"
backup=${1:?usage: deploy/restore.sh BACKUP_DIR --yes}
confirm=${2:-}
ENV_FILE=${MINGSHI_ENV_FILE:-/etc/mingshi/mingshi.env}
if [ -z "${DATABASE_URL+x}" ] && [ -r "$ENV_FILE" ]; then
  load_env "$ENV_FILE"
fi
VAR_DIR=${VAR_DIR:-$APP_DIR/var}
MEDIA_ROOT=${MEDIA_ROOT:-$VAR_DIR/media}
DATABASE_URL=${DATABASE_URL:-}
PYTHON=${PYTHON:-$APP_DIR/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3

if [ ! -f "$backup/SHA256SUMS" ]; then
  echo "restore.sh: $backup is not a backup made by backup.sh (no SHA256SUMS)" >&2
  exit 1
fi
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "restore.sh: checksums do not match" >&2; exit 1; }

if [ "$confirm" != "--yes" ]; then
  echo "restore.sh: this REPLACES the database and the uploads with $backup. Run again with --yes." >&2
  exit 2
fi

# --- Database -----------------------------------------------------------------------------------------------
case "$DATABASE_URL" in
  postgres://*|postgresql://*|pgsql://*)
    [ -f "$backup/database.pgdump" ] || { echo "restore.sh: the backup holds no PostgreSQL dump" >&2; exit 1; }
    pg_url="postgresql://${DATABASE_URL#*://}"
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="$pg_url" "$backup/database.pgdump"
    ;;
  ""|sqlite://*)
    [ -f "$backup/database.sqlite3" ] || { echo "restore.sh: the backup holds no SQLite database" >&2; exit 1; }
    if [ -z "$DATABASE_URL" ]; then
      db_path="$VAR_DIR/db.sqlite3"
    else
      db_path="${DATABASE_URL#sqlite://}"
      [ -n "$db_path" ] || db_path="$VAR_DIR/db.sqlite3"
    fi
    mkdir -p "$(dirname "$db_path")"
    # The backup API replaces the whole content of the target database in one step.
    "$PYTHON" - "$backup/database.sqlite3" "$db_path" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
target.close()
source.close()
PY
    ;;
  *)
    echo "restore.sh: DATABASE_URL scheme not supported: ${DATABASE_URL%%://*}" >&2
    exit 1
    ;;
esac

# --- Uploads ------------------------------------------------------------------------------------------------
if [ -f "$backup/media.tar.gz" ]; then
  stamp=$(date +%Y%m%d-%H%M%S)
  media_parent=$(dirname "$MEDIA_ROOT")
  incoming="$media_parent/.media-restoring-$stamp"
  replaced="$media_parent/.media-replaced-$stamp"
  mkdir -p "$incoming"
  tar --extract --gzip --file="$backup/media.tar.gz" --directory="$incoming" --no-same-owner
  if [ -e "$MEDIA_ROOT" ]; then
    mv "$MEDIA_ROOT" "$replaced"
  fi
  mv "$incoming" "$MEDIA_ROOT"
  if [ -e "$replaced" ]; then
    if [ "${RESTORE_KEEP_REPLACED:-0}" = "1" ]; then
      echo "restore.sh: the previous uploads are kept in $replaced"
    else
      rm -rf "$replaced"
    fi
  fi
else
  echo "restore.sh: the backup holds no uploads (S3 storage?); MEDIA_ROOT left as it is." >&2
fi

echo "restore.sh: restored $backup"
