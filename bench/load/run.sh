#!/usr/bin/env bash
# The load test end to end: a banner-scale PostgreSQL database, gunicorn under the production profile on the
# loopback, 20 simulated people for two minutes, then gunicorn stops. Figures land in var/load/ (bench/README.md).
#
#   bench/load/run.sh                     # everything
#   SKIP_GENERATE=1 bench/load/run.sh     # keep the database from the last run
#   USERS=20 DURATION=2m WORKERS=3 PORT=8811 bench/load/run.sh
#   ROLES="Host Member" bench/load/run.sh # only some roles (Locust user classes: Officer, Host, Member)
#   STUDIOS=1000 bench/load/run.sh        # a region instead of a banner (generate_banner.py --studios)
#
# Needs a local PostgreSQL that the postgres role reaches without a password, and Locust, which is not one of
# the product's dependencies: it is installed into var/locust-venv on first use (pip install locust==2.47.0).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
OUT="$ROOT/var/load"
PORT="${PORT:-8811}"
USERS="${USERS:-20}"
SPAWN_RATE="${SPAWN_RATE:-2}"
DURATION="${DURATION:-2m}"
WORKERS="${WORKERS:-3}"
LOCUST_VERSION="2.47.0"
mkdir -p "$OUT"

# The production profile, as deploy/mingshi.env.example sets it, with three loopback exceptions: HTTP to gunicorn
# directly (no TLS redirect — Locust plays nginx and sends X-Forwarded-Proto: https) and no Redis
# (background jobs run in-process, which none of the pages visited starts).
export DJANGO_ENV=production
export DEBUG=0
export SECRET_KEY="${SECRET_KEY:-load-test-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mingshi_load}"
export VAR_DIR="$OUT/var"
export MEDIA_ROOT="$OUT/var/media"
export LOG_LEVEL=WARNING
unset REDIS_URL

export LOAD_STUDIOS="${STUDIOS:-30}"  # the locustfile spreads its people over this many studios

LOCUST="${LOCUST:-$(command -v locust || true)}"
if [ -z "$LOCUST" ]; then
    if [ ! -x "$ROOT/var/locust-venv/bin/locust" ]; then
        python3 -m venv "$ROOT/var/locust-venv"
        "$ROOT/var/locust-venv/bin/pip" install --quiet "locust==$LOCUST_VERSION"
    fi
    LOCUST="$ROOT/var/locust-venv/bin/locust"
fi

if [ -z "${SKIP_GENERATE:-}" ]; then
    "$PY" bench/generate_banner.py --studios "${STUDIOS:-30}"   # migrates first
else
    "$PY" manage.py migrate --noinput -v 0
fi
"$PY" manage.py collectstatic --noinput -v 0

GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS="$WORKERS" "$ROOT/.venv/bin/gunicorn" mingshi.wsgi \
    -c deploy/gunicorn.conf.py --access-logfile "$OUT/access.log" --error-logfile "$OUT/gunicorn.log" \
    --pid "$OUT/gunicorn.pid" --daemon
SAMPLER=""
stop_gunicorn() {
    if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
    if [ -f "$OUT/gunicorn.pid" ]; then
        kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true
        rm -f "$OUT/gunicorn.pid"
    fi
}
trap stop_gunicorn EXIT

for _try in $(seq 1 50); do
    if curl -fsS -o /dev/null 2>/dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/accounts/login/"; then break; fi
    sleep 0.2
done

# The machine's load average every 5 s: figures taken while something else runs are not the server's own.
( while sleep 5; do cut -d' ' -f1 /proc/loadavg; done ) > "$OUT/loadavg.txt" &
SAMPLER=$!
"$LOCUST" -f bench/load/locustfile.py --host "http://127.0.0.1:$PORT" --headless \
    -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" --stop-timeout 10 \
    --csv "$OUT/load" --html "$OUT/load.html" --only-summary ${ROLES:-} 2>&1 | tee "$OUT/locust.txt"
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""
python3 bench/load/summarize.py "$OUT/load_stats.csv" | tee "$OUT/summary.md"
sort -n "$OUT/loadavg.txt" | awk -v cores="$(nproc)" '{v[NR]=$1} END {if (NR) printf "load average during the run: %s min, %s median, %s max on %d cores\n", v[1], v[int((NR+1)/2)], v[NR], cores}' \
    | tee -a "$OUT/summary.md"
echo "figures: $OUT/summary.md, $OUT/load_stats.csv (per page group), $OUT/load.html, $OUT/locust.txt"
