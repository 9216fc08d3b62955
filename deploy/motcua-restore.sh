#!/usr/bin/env bash
# motcua-restore: put a backup back in one command. Installed as /usr/local/sbin/motcua-restore.
#   sudo motcua-restore                 # list the backups
#   sudo motcua-restore FILE            # stop motcua, restore FILE, start motcua
# The database it replaces is kept beside it as motcua.db.before-restore-<date>, so this can be undone.
set -euo pipefail

CONFIG=${MOTCUA_CONFIG:-/etc/motcua/motcua.toml}
MOTCUA=${MOTCUA_BIN:-/opt/motcua/bin/motcua}

if [[ $# -eq 0 ]]; then
  echo "Backups (newest last). To restore one: sudo motcua-restore FILE"
  exec "$MOTCUA" backup --config "$CONFIG" --list
fi
if [[ $# -ne 1 || $1 == -* ]]; then
  echo "usage: motcua-restore [FILE]" >&2
  exit 2
fi
[[ $EUID -eq 0 ]] || { echo "motcua-restore: run it with sudo" >&2; exit 1; }
[[ -f $1 ]] || { echo "motcua-restore: $1: no such file" >&2; exit 1; }

echo "==> stopping motcua"
systemctl stop motcua.service
# Whatever happens below, the office gets its server back (with the old database if the restore failed).
trap 'echo "==> starting motcua"; systemctl start motcua.service' EXIT
"$MOTCUA" restore "$1" --config "$CONFIG"
