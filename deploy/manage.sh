#!/usr/bin/env bash
# Run manage.py with the production environment: deploy/manage.sh migrate, deploy/manage.sh createsuperuser, …
# Run it as the service user: sudo -u mingshi /srv/mingshi/app/deploy/manage.sh check --deploy
set -euo pipefail
APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=deploy/load-env.sh
. "$APP_DIR/deploy/load-env.sh"
ENV_FILE=${MINGSHI_ENV_FILE:-/etc/mingshi/mingshi.env}
if [ -r "$ENV_FILE" ]; then
  load_env "$ENV_FILE"
else
  echo "manage.sh: cannot read $ENV_FILE (set MINGSHI_ENV_FILE)" >&2
  exit 1
fi
cd "$APP_DIR"
exec "$APP_DIR/.venv/bin/python" manage.py "$@"
