#!/usr/bin/env bash
# Turn a Debian 12 / Ubuntu 24.04 mini PC into a motcua kiosk (touch screen) or hall TV: at boot it shows
# one page full screen, with no login, no desktop, no screen blanking, and comes back by itself if the
# browser crashes. Safe to run again (e.g. to change the URL).
#
#   sudo deploy/kiosk/install-kiosk.sh --role kiosk   --url 'http://192.168.1.10:8080/kiosk'
#   sudo deploy/kiosk/install-kiosk.sh --role display --url 'http://192.168.1.10:8080/display'
# (the screen then shows a code: pair it on the admin's devices page; a ?device=TOKEN link also works)
#
# Why Cage: it is a Debian package (cage) that runs exactly one program full screen on Wayland. There is
# no desktop, window manager, panel or X config to lock down, it never blanks the screen on its own, and
# it exits when the browser exits, so systemd's Restart=always is the whole watchdog.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: install-kiosk.sh --url URL --role kiosk|display [--prefix DIR] [--no-apt] [--no-systemctl]
EOF
}
say() { printf '==> %s\n' "$*"; }
die() { printf 'install-kiosk.sh: %s\n' "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX=/
URL=
ROLE=
DO_APT=1
DO_SYSTEMCTL=1

while [[ $# -gt 0 ]]; do
  case $1 in
    --url) URL=${2:?--url needs a value}; shift 2 ;;
    --role) ROLE=${2:?--role needs kiosk or display}; shift 2 ;;
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
    --no-apt) DO_APT=0; shift ;;
    --no-systemctl) DO_SYSTEMCTL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[[ $ROLE == kiosk || $ROLE == display ]] || { usage >&2; die "--role must be kiosk or display"; }
[[ $URL =~ ^https?://[^/?#]+ ]] || { usage >&2; die "--url must start with http:// or https://"; }
[[ $URL == *"/$ROLE"* ]] || say "warning: a $ROLE usually opens /$ROLE, and this URL does not"
[[ $URL == *"device="* ]] || say "no device=TOKEN in the URL: the screen will show a code; pair it on the admin's devices page"
# The URL goes into a systemd EnvironmentFile: no quotes, backslashes or line breaks.
[[ $URL != *[\"\'\\[:space:]]* ]] || die "--url must not contain quotes, backslashes or spaces"

ROOT=${PREFIX%/}
REAL=0
if [[ -z $ROOT ]]; then
  [[ $EUID -eq 0 ]] || die "run as root: sudo $0 ..."
  REAL=1
else
  mkdir -p "$ROOT"
fi

if [[ $DO_APT -eq 1 ]]; then
  say "installing Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # alsa-utils: alsamixer to set the TV's volume once.
  apt-get install -y --no-install-recommends cage chromium curl fonts-dejavu-core fonts-noto-core \
    alsa-utils dbus-user-session
fi

if [[ $REAL -eq 1 ]]; then
  if ! getent passwd kiosk >/dev/null; then
    say "creating user kiosk (no password: it cannot log in by hand)"
    useradd --create-home --shell /usr/sbin/nologin --comment "motcua kiosk screen" kiosk
  fi
  for group in video render input audio; do
    if getent group "$group" >/dev/null; then usermod -aG "$group" kiosk; fi
  done
else
  say "not creating the kiosk user (installing below $ROOT)"
fi

say "installing the launcher, the service and the browser policy"
install -d -m 0755 "$ROOT/usr/local/bin" "$ROOT/etc/systemd/system" "$ROOT/etc/pam.d" \
  "$ROOT/etc/motcua" "$ROOT/etc/chromium/policies/managed"
install -m 0755 "$HERE/motcua-browser.sh" "$ROOT/usr/local/bin/motcua-browser"
install -m 0644 "$HERE/motcua-kiosk.service" "$ROOT/etc/systemd/system/motcua-kiosk.service"
install -m 0644 "$HERE/pam-motcua-kiosk" "$ROOT/etc/pam.d/motcua-kiosk"
install -m 0644 "$HERE/chromium-policy.json" "$ROOT/etc/chromium/policies/managed/motcua.json"
printf '# Written by install-kiosk.sh; run it again to change.\nMOTCUA_URL=%s\nMOTCUA_ROLE=%s\n' \
  "$URL" "$ROLE" >"$ROOT/etc/motcua/browser.env"
chmod 0644 "$ROOT/etc/motcua/browser.env"

if [[ $DO_SYSTEMCTL -eq 1 ]]; then
  say "starting the screen at boot instead of a text login on tty1"
  systemctl daemon-reload
  systemctl disable getty@tty1.service || true  # may already be off; the unit also Conflicts= with it
  systemctl set-default graphical.target
  systemctl enable motcua-kiosk.service
  systemctl restart motcua-kiosk.service
fi
say "done: $ROLE showing $URL (logs: journalctl -u motcua-kiosk)"
