#!/usr/bin/env bash
# Backup drill: a backup is proven only by restoring it.
# Loads the demo data into a fresh PostgreSQL database, adds an evidence file, runs bin/backup,
# restores the archive with bin/restore into another fresh database and an empty evidence
# folder, then compares every table (row count and an MD5 of its rows in primary-key order,
# computed in SQL), every sequence and every file (SHA-256). Any difference fails the drill.
# It also proves the comparison can fail: one changed row in the copy must be caught.
# Expects PostgreSQL on 127.0.0.1:5432 with the `portal` role (CREATEDB), as .ci/run sets up.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
# The demo data exists only with debug on; the drill is about the data, not the production shape.
export DJANGO_DEBUG=1

PG_BASE=${DRILL_PG_BASE:-postgres://portal:portal@127.0.0.1:5432}
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=portal PGPASSWORD=portal
SOURCE_DB=drill_source_$$
RESTORED_DB=drill_restored_$$
WORK=$(mktemp -d /tmp/backup-drill.XXXXXX)
fail() { echo "BACKUP DRILL FAILED: $*" >&2; exit 1; }
cleanup() {
  dropdb --if-exists "$SOURCE_DB" 2>/dev/null || true
  dropdb --if-exists "$RESTORED_DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Every table's row count and checksum, and every sequence's position, one line each.
# query_to_xml runs the per-table query built from the catalogue inside a single SELECT.
fingerprint() {
  psql --no-psqlrc -v ON_ERROR_STOP=1 -qtA -d "$1" <<'SQL'
SET TIME ZONE 'UTC';
SET extra_float_digits = 3;
WITH tables AS (
  SELECT c.oid, n.nspname, c.relname,
         coalesce((SELECT string_agg(format('t.%I', a.attname), ', '
                                     ORDER BY array_position(i.indkey::int2[], a.attnum))
                   FROM pg_index i
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                   WHERE i.indrelid = c.oid AND i.indisprimary), 't::text') AS order_by
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
), measured AS (
  SELECT relname, query_to_xml(format(
    'SELECT count(*) AS n, coalesce(md5(string_agg(t::text, E''\n'' ORDER BY %s)), ''-'') AS h FROM %I.%I t',
    order_by, nspname, relname), false, true, '') AS x
  FROM tables
)
SELECT 'table ' || relname || ' rows=' || (xpath('/row/n/text()', x))[1]::text
       || ' md5=' || (xpath('/row/h/text()', x))[1]::text
FROM measured
UNION ALL
SELECT 'sequence ' || sequencename || ' last=' || coalesce(last_value::text, 'unset')
FROM pg_sequences WHERE schemaname = 'public'
ORDER BY 1;
SQL
}

files_fingerprint() {  # relative path and SHA-256 of every file
  (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

echo "== drill: the demo data in $SOURCE_DB"
createdb "$SOURCE_DB"
createdb "$RESTORED_DB"
export DATABASE_URL=$PG_BASE/$SOURCE_DB
export DJANGO_MEDIA_ROOT=$WORK/source-media
export PORTAL_VAR_DIR=$WORK/var
mkdir -p "$PORTAL_VAR_DIR"
python manage.py migrate --noinput --verbosity 0
python manage.py load_units >/dev/null
python manage.py seed_demo >/dev/null
python manage.py recompute_progress >/dev/null
# An evidence file through the same service as the report page.
python manage.py shell -v0 -c '
from django.core.files.uploadedfile import SimpleUploadedFile
from portal.models import User
from tasks.models import Task
from tasks.services import progress_report_submit
officer = User.objects.get(username="canbo.hanoi")
task = Task.objects.filter(unit=officer.unit, completion_verified=False, awaiting_verification=False).order_by("pk").first()
pdf = SimpleUploadedFile("bien-ban-kiem-tra.pdf", b"%PDF-1.4\n% backup drill\n" + bytes(range(256)) * 40, "application/pdf")
progress_report_submit(actor=officer, task=task, percent=40, status="dang_trien_khai", note="Diễn tập sao lưu", files=[pdf])
'

echo "== drill: bin/backup"
bin/backup --output-dir "$WORK/backups"
ARCHIVE=$(ls "$WORK"/backups/portal-backup-*.tar)

echo "== drill: bin/restore into $RESTORED_DB and an empty evidence folder"
DATABASE_URL=$PG_BASE/$RESTORED_DB bin/restore "$ARCHIVE" --media-root "$WORK/restored-media"
# A second restore over it is refused: restoring never overwrites by accident.
if DATABASE_URL=$PG_BASE/$RESTORED_DB bin/restore "$ARCHIVE" --media-root "$WORK/restored-media" 2>/dev/null; then
  fail "a restore over a non-empty database was not refused"
fi

echo "== drill: compare"
fingerprint "$SOURCE_DB" >"$WORK/source.txt"
fingerprint "$RESTORED_DB" >"$WORK/restored.txt"
files_fingerprint "$DJANGO_MEDIA_ROOT" >"$WORK/source-files.txt"
files_fingerprint "$WORK/restored-media" >"$WORK/restored-files.txt"
tables=$(grep -c '^table ' "$WORK/source.txt" || true)
files=$(wc -l <"$WORK/source-files.txt")
# A drill over empty data proves nothing.
[ "$tables" -ge 20 ] || fail "only $tables tables in the source"
grep -q '^table tasks_task rows=[1-9]' "$WORK/source.txt" || fail "no tasks in the source"
grep -q '^table tasks_evidencefile rows=[1-9]' "$WORK/source.txt" || fail "no evidence rows in the source"
[ "$files" -ge 1 ] || fail "no evidence files in the source"
diff -u "$WORK/source.txt" "$WORK/restored.txt" || fail "the restored database differs from the source"
diff -u "$WORK/source-files.txt" "$WORK/restored-files.txt" || fail "the restored files differ from the source"
DATABASE_URL=$PG_BASE/$RESTORED_DB python manage.py migrate --check --verbosity 0 \
  || fail "the restored database lacks migrations"
rows=$(grep '^table ' "$WORK/source.txt" | sed 's/.* rows=\([0-9]*\).*/\1/' | awk '{s+=$1} END {print s}')
echo "identical: $tables tables ($rows rows), $(grep -c '^sequence ' "$WORK/source.txt") sequences, $files files"

echo "== drill: the comparison catches a changed row"
psql --no-psqlrc -qtA -d "$RESTORED_DB" -c \
  "UPDATE tasks_task SET title = title || '.' WHERE id = (SELECT min(id) FROM tasks_task)" >/dev/null
fingerprint "$RESTORED_DB" >"$WORK/changed.txt"
if diff -q "$WORK/source.txt" "$WORK/changed.txt" >/dev/null; then
  fail "a changed row went unnoticed: the checksum does not cover the data"
fi
echo "== backup drill passed"
