#!/usr/bin/env bash
# motcua-browser: the full-screen browser of a kiosk or hall TV. Run by motcua-kiosk.service inside the
# Cage compositor; when Chromium exits or crashes, Cage exits and systemd starts both again.
# Settings come from /etc/motcua/browser.env (written by install-kiosk.sh):
#   MOTCUA_URL   the page, e.g. http://192.168.1.10:8080/display (a new screen shows a code to pair it by;
#                a link with ?device=TOKEN still works)
#   MOTCUA_ROLE  kiosk (touch screen) or display (hall TV, plays the announcements)
set -euo pipefail

: "${MOTCUA_URL:?set MOTCUA_URL in /etc/motcua/browser.env}"
ROLE=${MOTCUA_ROLE:-kiosk}
BROWSER=${MOTCUA_BROWSER:-chromium}

# Wait until the server answers, so the screen never shows Chromium's "site can't be reached" page
# after a power cut (the kiosk often boots faster than the server).
origin=$(printf '%s' "$MOTCUA_URL" | sed -E 's#^(https?://[^/?#]+).*#\1#')
until curl -fsS --max-time 3 -o /dev/null "$origin/healthz"; do
  echo "motcua-browser: waiting for $origin/healthz" >&2
  sleep 3
done

# A fresh profile at every start (no "restore pages?" bubble, no leftovers from the last citizen), except its
# cookie jar: a screen paired by code keeps its device token there, in an HttpOnly cookie. The profile lives in
# a folder that survives a reboot, so the screen stays paired (Chromium writes the jar within about 30 s).
profile=${MOTCUA_PROFILE:-${XDG_STATE_HOME:-$HOME/.local/state}/motcua-browser-profile}
mkdir -p "$profile/Default"
find "$profile" -mindepth 1 -maxdepth 1 ! -name Default -exec rm -rf {} +
find "$profile/Default" -mindepth 1 ! -path "$profile/Default/Network" \
  ! -name Cookies ! -name Cookies-journal -prune -exec rm -rf {} +

flags=(
  --kiosk
  --noerrdialogs
  --disable-infobars
  --disable-session-crashed-bubble
  --no-first-run
  --no-default-browser-check
  --check-for-update-interval=31536000
  --overscroll-history-navigation=0
  --disable-pinch
  "--disable-features=Translate,TranslateUI,MediaRouter,OverscrollHistoryNavigation,HardwareMediaKeyHandling"
  --disable-sync
  --password-store=basic
  --user-data-dir="$profile"
  --ozone-platform=wayland
)
case $ROLE in
  display) flags+=(--autoplay-policy=no-user-gesture-required) ;;  # announcements play with no touch
  kiosk) flags+=(--touch-events=enabled) ;;
  *) echo "motcua-browser: MOTCUA_ROLE must be kiosk or display, not $ROLE" >&2; exit 2 ;;
esac

exec "$BROWSER" "${flags[@]}" "$MOTCUA_URL"
