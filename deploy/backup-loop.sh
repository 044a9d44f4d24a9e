#!/bin/sh
# The compose file's backup service (deploy/compose.yaml): pg_dump of the hub's database every
# BACKUP_INTERVAL_SECONDS into BACKUP_DIR, dumps older than BACKUP_KEEP_DAYS deleted. Run by the
# postgres image, so pg_dump is of the server's own version. With --check: exit 0 while the
# newest dump is younger than two intervals (the service's healthcheck).
# Restore: docs/operations.md, "Restore".
set -eu
dir=${BACKUP_DIR:-/backups}
interval=${BACKUP_INTERVAL_SECONDS:-86400}
keep=${BACKUP_KEEP_DAYS:-14}

if [ "${1:-}" = "--check" ]; then
    minutes=$(( (interval * 2 + 59) / 60 ))
    [ -n "$(find "$dir" -maxdepth 1 -name 'hub-*.dump' -mmin "-$minutes" | head -n 1)" ]
    exit
fi

umask 077
# On TERM: a dump under way is left to finish (stop_grace_period), a wait ends at once. The
# trap only notes the request and ends the sleeper: it may come before `sleeper=$!` is set.
stopping= sleeper=
# KILL, not TERM: a sleeper just forked may not have its own signal handling yet.
trap 'stopping=1; [ -z "$sleeper" ] || kill -KILL "$sleeper" 2>/dev/null' TERM INT
while [ -z "$stopping" ]; do
    name="hub-$(date -u +%Y%m%dT%H%M%SZ).dump"
    # Written under a temporary name and renamed when whole: a dump cut short never looks
    # like a backup.
    if pg_dump --format=custom --compress=6 --file="$dir/.partial-$name"; then
        mv "$dir/.partial-$name" "$dir/$name"
        # Older dumps go only once a new one is whole.
        pruned=$(find "$dir" -maxdepth 1 -name 'hub-*.dump' -mtime "+$keep" -print -delete | wc -l)
        echo "backup: $dir/$name ($(du -h "$dir/$name" | cut -f1)); $pruned older than $keep days deleted"
    else
        rm -f "$dir/.partial-$name"
        echo "backup: pg_dump failed; the next try is in ${interval}s" >&2
    fi
    # Its own stdin and stdout: a sleeper left behind holds no pipe of ours open.
    sleep "$interval" </dev/null >/dev/null 2>&1 &
    sleeper=$!
    [ -n "$stopping" ] || wait "$sleeper" || true
    kill -KILL "$sleeper" 2>/dev/null || true
    sleeper=
done
