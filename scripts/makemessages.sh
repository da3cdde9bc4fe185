#!/usr/bin/env bash
# Refresh the zh_Hans catalogue of one app (or of the project's own templates with "."), then translate the
# new entries by hand. Needs GNU gettext on the developer's machine only (apt-get install gettext).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/makemessages.sh APP|.}
root=$(pwd)
if [ "$target" = "." ]; then
  DJANGO_SETTINGS_MODULE=mingshi.settings PYTHONPATH=$root .venv/bin/django-admin makemessages -l zh_Hans \
    --ignore=.venv --ignore=node_modules --ignore=var --ignore='*/locale/*' \
    $(for dir in */locale; do printf -- '--ignore=%s ' "${dir%/locale}"; done)
else
  (cd "$target" && DJANGO_SETTINGS_MODULE=mingshi.settings PYTHONPATH=$root "$root/.venv/bin/django-admin" makemessages -l zh_Hans)
fi
