#!/usr/bin/env bash
# Backs up a demo, wipes it, restores it and compares row counts per table and file hashes with the backup's
# manifest (manage.py backup / restore, apps/ops/backup.py). Exits non-zero on any difference.
#   scripts/check_backup.sh              the embedded default (a scratch SQLite file and media directory)
#   scripts/check_backup.sh --postgres   a scratch PostgreSQL database (ECOCIV_CHECK_DATABASE_URL, default
#                                        postgres://postgres@127.0.0.1:5432/check_backup: dropped and created)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DJANGO_SETTINGS_MODULE=config.settings.dev ECOCIV_MEDIA_ROOT="$work/media" ECOCIV_VAR_DIR="$work/var"
mkdir -p "$ECOCIV_MEDIA_ROOT" "$ECOCIV_VAR_DIR"
if [ "${1:-}" = "--postgres" ]; then
    url=${ECOCIV_CHECK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/check_backup}
    base=${url%/*}; name=${url##*/}
    wipe_db() { psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"; }
    wipe_db
    export ECOCIV_DATABASE_URL=$url
else
    export ECOCIV_DATABASE_URL="sqlite:///$work/ecociv.sqlite3"
    wipe_db() { rm -f "$work/ecociv.sqlite3" "$work/ecociv.sqlite3-wal" "$work/ecociv.sqlite3-shm"; }
fi
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_demo >/dev/null
"$PY" manage.py backup -o "$work/backup"
files=$(find "$ECOCIV_MEDIA_ROOT" -type f | wc -l)
echo "wiping the database and $files media files"
wipe_db
rm -rf "$ECOCIV_MEDIA_ROOT" && mkdir -p "$ECOCIV_MEDIA_ROOT"
"$PY" manage.py restore "$work/backup"
echo "check_backup: OK"
