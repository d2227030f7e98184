#!/usr/bin/env bash
# Production shape, natively: the same bin/ commands docker-compose runs.
# gunicorn with debug off on PostgreSQL, static files through whitenoise, /healthz with
# the broker reachable, a Celery worker on Redis answering a ping, a dashboard cached in
# Redis and still served with Redis stopped, and 503 when the database goes down.
# Expects PostgreSQL and Redis running (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=${SMOKE_DATABASE_URL:-postgres://portal:portal@127.0.0.1:5432/portal}
export CELERY_BROKER_URL=${SMOKE_BROKER_URL:-redis://127.0.0.1:6379/1}
export DJANGO_CACHE_URL=${SMOKE_CACHE_URL:-redis://127.0.0.1:6379/2}
PORTAL_VAR_DIR=$(mktemp -d)
export PORTAL_VAR_DIR
# Two reports an hour, so that the third shows the throttle (429) in the production shape.
export DJANGO_THROTTLE_REPORTS_PER_HOUR=2
export BIND=127.0.0.1:8765 WEB_CONCURRENCY=2 WORKER_NAME=smoke@%h WORKER_CONCURRENCY=1
BASE=http://127.0.0.1:8765
PIDS=()
REDIS_STOPPED=
redis_up() { redis-cli -u "$DJANGO_CACHE_URL" ping 2>/dev/null | grep -q PONG; }
restart_redis() {  # as .ci/run starts it
  redis_up && return 0
  mkdir -p /tmp/ci-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --appendonly yes --dir /tmp/ci-redis >/dev/null
  for _ in $(seq 30); do redis_up && return 0; sleep 0.5; done
  echo "Redis did not come back" >&2
  return 1
}
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$REDIS_STOPPED" ]; then restart_redis || true; fi
}
trap cleanup EXIT
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }

bin/release
bin/web >"$PORTAL_VAR_DIR/web.log" 2>&1 &
PIDS+=($!)
bin/worker >"$PORTAL_VAR_DIR/worker.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 60); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 1; done
health=$(curl -s "$BASE/healthz") || { cat "$PORTAL_VAR_DIR/web.log"; fail "gunicorn did not answer"; }
echo "healthz: $health"
python - "$health" <<'PY'
import json, sys
state = json.loads(sys.argv[1])
assert state == {"status": "ok", "database": "ok", "broker": "ok"}, state
PY

# Pages and static files over the proxy's HTTPS header (SSL redirect is on in production).
login=$(curl -sf -H 'X-Forwarded-Proto: https' "$BASE/dang-nhap/") || fail "login page"
grep -q 'Đăng nhập' <<<"$login" || fail "login page is not Vietnamese"
css=$(grep -o '/static/vendor/bootstrap-5.3.9/bootstrap\.min\.[0-9a-f]*\.css' <<<"$login" | head -1 || true)
[ -n "$css" ] || fail "no hashed static URL in the login page"
headers=$(curl -sfI -H 'X-Forwarded-Proto: https' "$BASE$css") || fail "static file $css"
grep -qi 'cache-control: .*immutable' <<<"$headers" || fail "static file not served by whitenoise: $headers"
# Content-Security-Policy without inline scripts, Permissions-Policy, __Host- cookies.
login_headers=$(curl -sfI -H 'X-Forwarded-Proto: https' "$BASE/dang-nhap/") || fail "login page headers"
csp=$(grep -i '^content-security-policy:' <<<"$login_headers" || true)
[ -n "$csp" ] || fail "no Content-Security-Policy: $login_headers"
script_src=$(grep -io "script-src[^;]*" <<<"$csp" | tr -d '\r' || true)
[ "$script_src" = "script-src 'self'" ] || fail "scripts must come only from 'self' (no unsafe-inline): $csp"
grep -qi '^permissions-policy: .*camera=()' <<<"$login_headers" || fail "no Permissions-Policy"
grep -qi '^set-cookie: __Host-csrftoken=.*secure' <<<"$login_headers" || fail "CSRF cookie is not __Host- and Secure"
echo "headers: $csp"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/dang-nhap/")
[ "$code" = 301 ] || fail "plain HTTP should redirect to HTTPS, got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' "$BASE/khong-co/")
[ "$code" = 404 ] || fail "unknown URL should be 404, got $code"

# The worker answers a ping through Redis.
for _ in $(seq 30); do
  celery -A portal inspect ping --timeout 5 >"$PORTAL_VAR_DIR/ping.txt" 2>&1 && break
  sleep 1
done
grep -q pong "$PORTAL_VAR_DIR/ping.txt" || { cat "$PORTAL_VAR_DIR/worker.log"; fail "worker did not answer ping"; }
echo "worker: $(grep -o 'smoke@[^:]*: OK' "$PORTAL_VAR_DIR/ping.txt" | head -1) pong"

# A leader's dashboard, cached in Redis (the production cache), and still served with Redis stopped.
cookie=$(python manage.py shell -v0 -c '
import datetime
from django.contrib.sessions.backends.db import SessionStore
from portal.models import User
from tasks.models import Programme
Programme.objects.get_or_create(name="Đề án 06 (kiểm tra)", defaults=dict(document_number="06/QĐ-TTg",
    issuing_body="Thủ tướng Chính phủ", year=2026, start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2030, 12, 31)))
user, _ = User.objects.get_or_create(username="smoke.lanhdao")
session = SessionStore()
session["_auth_user_id"], session["_auth_user_backend"] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
')
dashboard() { curl -s -L -o "$PORTAL_VAR_DIR/dashboard.html" -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
  -H "Cookie: __Host-sessionid=$cookie" "$BASE/bang-dieu-khien/"; }
code=$(dashboard)
[ "$code" = 200 ] && grep -q "id=\"freshness\"" "$PORTAL_VAR_DIR/dashboard.html" || fail "dashboard: $code $(head -c 300 "$PORTAL_VAR_DIR/dashboard.html")"
[ "$(redis-cli -u "$DJANGO_CACHE_URL" --scan --pattern '*dashboard-page*' | wc -l)" -ge 1 ] \
  || fail "dashboard page not cached in Redis"
redis-cli -u "$DJANGO_CACHE_URL" shutdown nosave >/dev/null 2>&1 || true
REDIS_STOPPED=1
code=$(dashboard)
restart_redis
[ "$code" = 200 ] || fail "dashboard with Redis stopped should be computed from the database, got $code"
echo "dashboard: cached in Redis, served from the database with Redis stopped"

# Meeting reports are throttled per user (counted in Redis): the third in the hour is a 429 in Vietnamese.
# The user and Redis outlive a run: forget this hour's count of an earlier run, so it starts at 0.
programme_id=$(python manage.py shell -v0 -c '
from exports.throttle import reset_count
from portal.models import User
from tasks.models import Programme
reset_count(User.objects.get(username="smoke.lanhdao"), "reports")
print(Programme.objects.get(name="Đề án 06 (kiểm tra)").pk)')
report() { curl -s -o "$PORTAL_VAR_DIR/report.out" -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
  -H "Cookie: __Host-sessionid=$cookie" "$BASE/xuat-nhap/bao-cao/?programme=$programme_id&unit=01&ky=2026"; }
for attempt in 1 2; do
  code=$(report)
  [ "$code" = 200 ] || fail "report $attempt should be built, got $code $(head -c 300 "$PORTAL_VAR_DIR/report.out")"
done
code=$(report)
[ "$code" = 429 ] || fail "the third report in the hour should be throttled, got $code"
grep -q "giới hạn" "$PORTAL_VAR_DIR/report.out" || fail "the 429 page is not the Vietnamese one"
echo "reports: throttled after 2 an hour (429)"

# Staff must pass two-factor: a signed-in staff session without it is sent to enrol, with the headers.
staff_cookie=$(python manage.py shell -v0 -c '
from django.contrib.sessions.backends.db import SessionStore
from portal.models import User
user, _ = User.objects.get_or_create(username="smoke.quantri", defaults={"is_staff": True})
session = SessionStore()
session["_auth_user_id"], session["_auth_user_backend"] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
')
mfa_headers=$(curl -s -o /dev/null -D - -H 'X-Forwarded-Proto: https' -H "Cookie: __Host-sessionid=$staff_cookie" "$BASE/admin/")
grep -q '^HTTP/1.1 302' <<<"$mfa_headers" || fail "staff without two-factor should be redirected: $mfa_headers"
grep -qi '^location: /xac-thuc-hai-buoc/?next=%2Fadmin%2F' <<<"$mfa_headers" || fail "staff not sent to enrol: $mfa_headers"
grep -qi '^content-security-policy:' <<<"$mfa_headers" || fail "the redirect has no CSP"
echo "two-factor: staff sent to enrolment"

# Database down: /healthz says 503; then bring it back.
PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
pg_ctlcluster "$PG_VERSION" main stop
code=$(curl -s -o "$PORTAL_VAR_DIR/down.json" -w '%{http_code}' "$BASE/healthz")
pg_ctlcluster "$PG_VERSION" main start
echo "healthz with PostgreSQL stopped: $code $(cat "$PORTAL_VAR_DIR/down.json")"
[ "$code" = 503 ] || fail "healthz should be 503 with the database down"
echo "smoke test passed"
