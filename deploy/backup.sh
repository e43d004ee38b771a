#!/bin/sh
# Nightly backup of the Trợ lý Hòa giải database, keeping the last KEEP_DAYS days.
#
# Run by hoagiai-backup.service as the service user, with the settings of
# /etc/hoagiai/hoagiai.env in the environment (so `hoagiai` finds DATABASE_PATH / DATA_DIR).
# By hand:  sudo systemctl start hoagiai-backup.service   (then: journalctl -u hoagiai-backup)
#
#   HOAGIAI     the hoagiai command            (default /opt/hoagiai/.venv/bin/hoagiai)
#   BACKUP_DIR  where the copies go            (default /var/backups/hoagiai)
#   KEEP_DAYS   how many days of copies to keep (default 14)
set -eu

HOAGIAI="${HOAGIAI:-/opt/hoagiai/.venv/bin/hoagiai}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/hoagiai}"
KEEP_DAYS="${KEEP_DAYS:-14}"

umask 077
mkdir -p "$BACKUP_DIR"
target="$BACKUP_DIR/hoagiai-$(date +%F).sqlite3"

# A consistent copy taken while the bot keeps running, then verified with PRAGMA integrity_check;
# exits non-zero (and so does this script, before deleting anything) when the copy is not sound.
"$HOAGIAI" db backup "$target"

# Retention: only after a good backup, delete our own copies older than KEEP_DAYS days
# (-mtime +N means "at least N+1 whole days old", so KEEP_DAYS nightly copies remain).
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'hoagiai-????-??-??.sqlite3*' \
    -mtime +"$((KEEP_DAYS - 1))" -delete

echo "kept: $(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'hoagiai-????-??-??.sqlite3' | wc -l) backups in $BACKUP_DIR"
