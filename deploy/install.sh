#!/usr/bin/env bash
# Install or upgrade the motcua server on Debian 12 / Ubuntu 24.04. Safe to run again: an existing
# /etc/motcua/motcua.toml is never overwritten, and the upgrade restarts the service, which backs up the
# database (ExecStartPre) before the new version's migrations run.
#
#   sudo deploy/install.sh                      # a real machine
#   deploy/install.sh --prefix /tmp/root --no-apt --no-systemctl --no-venv   # lay the files down in a folder
set -euo pipefail

usage() {
  cat <<'EOF'
usage: install.sh [--prefix DIR] [--source DIR] [--python PYTHON] [--no-apt] [--no-systemctl] [--no-venv]
                  [--pip-option OPTION]...
  --prefix DIR        install below DIR instead of / (no user is created, nothing is chowned)
  --source DIR        the motcua source tree to install (default: the folder above this script)
  --python PYTHON     the Python (3.11 or newer) that builds /opt/motcua (default: python3)
  --no-apt            do not install Debian packages
  --no-systemctl      do not reload, enable or start the systemd units
  --no-venv           do not build /opt/motcua (the Python environment)
  --pip-option OPT    pass OPT to pip install (repeatable), e.g. --pip-option --no-deps
EOF
}

say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

PREFIX=/
SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=python3
DO_APT=1
DO_SYSTEMCTL=1
DO_VENV=1
PIP_OPTIONS=()

while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
    --source) SOURCE=${2:?--source needs a folder}; shift 2 ;;
    --python) PYTHON=${2:?--python needs a program}; shift 2 ;;
    --no-apt) DO_APT=0; shift ;;
    --no-systemctl) DO_SYSTEMCTL=0; shift ;;
    --no-venv) DO_VENV=0; shift ;;
    --pip-option) PIP_OPTIONS+=("${2:?--pip-option needs a value}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

ROOT=${PREFIX%/}
[[ -z $ROOT || -d $ROOT ]] || mkdir -p "$ROOT"
ROOT=${ROOT:+$(cd "$ROOT" && pwd)}
[[ -f $SOURCE/pyproject.toml && -d $SOURCE/deploy ]] || die "$SOURCE is not a motcua source tree"
DEPLOY=$SOURCE/deploy

# A real install (users, ownership, services) only as root on the real root; otherwise files only.
REAL=0
if [[ -z $ROOT ]]; then
  [[ $EUID -eq 0 ]] || die "run as root: sudo $0"
  REAL=1
fi

APP=$ROOT/opt/motcua
ETC=$ROOT/etc/motcua
CONFIG=$ETC/motcua.toml
UNITS=$ROOT/etc/systemd/system

install_packages() {
  say "installing Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends \
    python3 python3-venv espeak-ng fonts-dejavu-core sqlite3 logrotate curl ca-certificates
}

create_user() {
  if [[ $REAL -eq 0 ]]; then
    say "not creating the motcua user (installing below $ROOT)"
    return
  fi
  if ! getent passwd motcua >/dev/null; then
    say "creating system user motcua"
    useradd --system --user-group --home-dir /var/lib/motcua --no-create-home \
      --shell /usr/sbin/nologin --comment "motcua queue server" motcua
  fi
  local group
  for group in lp dialout audio; do  # network/USB printers, serial LED boards, announcer
    if getent group "$group" >/dev/null; then usermod -aG "$group" motcua; fi
  done
}

# Owned by motcua on a real install; left to the caller below a prefix.
make_dir() {
  local mode=$1 dir=$2
  install -d -m "$mode" "$dir"
  if [[ $REAL -eq 1 ]]; then chown motcua:motcua "$dir"; fi
}

install_config() {
  install -d -m 0755 "$ETC"
  install -m 0644 "$DEPLOY/motcua.example.toml" "$ETC/motcua.example.toml"
  if [[ -e $CONFIG ]]; then
    say "keeping the existing $CONFIG (new keys, if any, are in motcua.example.toml beside it)"
  else
    say "writing $CONFIG"
    install -m 0640 "$DEPLOY/motcua.example.toml" "$CONFIG"
    if [[ $REAL -eq 1 ]]; then chgrp motcua "$CONFIG"; fi
  fi
}

# Prints: data_dir, the database file, backup dir, backup hour, timezone, port — tab-separated.
# Uses server/ops/backup.py's own reader (loaded as a file: it is pure stdlib, the package may not be).
read_config() {
  "$PYTHON" - "$SOURCE/server/ops/backup.py" "$CONFIG" <<'PY'
import importlib.util, sys, tomllib
spec = importlib.util.spec_from_file_location("motcua_backup", sys.argv[1])
backup = sys.modules["motcua_backup"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(backup)
s = backup.settings_from_toml(sys.argv[2])
with open(sys.argv[2], "rb") as handle:
    port = int(tomllib.load(handle).get("server", {}).get("port", 8080))
print(s.data_dir, s.db_path, s.backup_dir, s.hour, s.timezone, port, sep="\t")
PY
}

build_venv() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$PYTHON is older than 3.11; motcua needs Python 3.11 or newer"
  if [[ ! -x $APP/bin/python ]]; then
    say "creating the Python environment $APP"
    "$PYTHON" -m venv "$APP"
  fi
  say "installing motcua from $SOURCE into $APP"
  "$APP/bin/pip" install --quiet --upgrade --no-cache-dir --disable-pip-version-check \
    "${PIP_OPTIONS[@]}" "${SOURCE}[serial]"  # the serial extra: LED boards on RS-485
}

install_units() {
  local data_dir=$1 db_dir=$2 backup_dir=$3 hour=$4 timezone=$5 unit
  install -d -m 0755 "$UNITS"
  for unit in motcua.service motcua-backup.service motcua-backup.timer; do
    install -m 0644 "$DEPLOY/systemd/$unit" "$UNITS/$unit"
  done
  # Folders named in motcua.toml, in case they are not the defaults the units already allow.
  for unit in motcua.service motcua-backup.service; do
    install -d -m 0755 "$UNITS/$unit.d"
    printf '# Written by install.sh from %s: run it again after changing folders there.\n[Service]\nReadWritePaths=%s %s %s\n' \
      /etc/motcua/motcua.toml "$data_dir" "$db_dir" "$backup_dir" >"$UNITS/$unit.d/paths.conf"
  done
  install -d -m 0755 "$UNITS/motcua-backup.timer.d"
  printf '# Written by install.sh from [backup] hour in /etc/motcua/motcua.toml.\n[Timer]\nOnCalendar=\nOnCalendar=*-*-* %02d:00:00 %s\n' \
    "$hour" "$timezone" >"$UNITS/motcua-backup.timer.d/hour.conf"
}

install_files() {
  install -d -m 0755 "$ROOT/etc/logrotate.d" "$ROOT/usr/local/sbin" "$ROOT/usr/local/bin" "$APP/share"
  install -m 0644 "$DEPLOY/logrotate/motcua" "$ROOT/etc/logrotate.d/motcua"
  install -m 0755 "$DEPLOY/motcua-restore.sh" "$ROOT/usr/local/sbin/motcua-restore"
  ln -sfn /opt/motcua/bin/motcua "$ROOT/usr/local/bin/motcua"
  # The deploy folder (README, kiosk scripts) on the machine, for the IT officer.
  rm -rf "$APP/share/deploy"
  cp -R "$DEPLOY" "$APP/share/deploy"
}

first_init() {
  local db_path=$1
  if [[ $REAL -eq 1 && $DO_VENV -eq 1 && ! -e $db_path ]]; then
    say "first install: creating the database and the admin account (write the password down)"
    runuser -u motcua -- /opt/motcua/bin/motcua init --config /etc/motcua/motcua.toml
  fi
}

start_services() {
  local port=$1 tries
  say "enabling and (re)starting motcua"
  systemctl daemon-reload
  systemctl enable motcua.service motcua-backup.timer
  systemctl restart motcua.service
  systemctl restart motcua-backup.timer
  for tries in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
    if curl -fsS --max-time 3 -o /dev/null "http://127.0.0.1:$port/healthz"; then
      say "motcua answers on port $port (checked $tries time(s))"
      return
    fi
    sleep 2
  done
  die "motcua did not answer on http://127.0.0.1:$port/healthz; see: journalctl -u motcua -n 100"
}

if [[ $DO_APT -eq 1 ]]; then install_packages; fi
create_user
install_config
IFS=$'\t' read -r DATA_DIR DB_PATH BACKUP_DIR HOUR TIMEZONE PORT < <(read_config) \
  || die "cannot read $CONFIG"
DB_DIR=$(dirname "$DB_PATH")
for dir in "$DATA_DIR" "$DB_DIR" "$BACKUP_DIR"; do make_dir 0750 "$ROOT$dir"; done
make_dir 0750 "$ROOT/var/log/motcua"
if [[ $DO_VENV -eq 1 ]]; then build_venv; fi
install_units "$DATA_DIR" "$DB_DIR" "$BACKUP_DIR" "$HOUR" "$TIMEZONE"
install_files
first_init "$ROOT$DB_PATH"
if [[ $DO_SYSTEMCTL -eq 1 ]]; then start_services "$PORT"; fi
say "done. Config: /etc/motcua/motcua.toml  Logs: journalctl -u motcua  Backups: $BACKUP_DIR"
