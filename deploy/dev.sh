#!/usr/bin/env bash
# The README's two Quick start commands: `bash deploy/dev.sh demo` and `bash deploy/dev.sh test`.
# On a fresh Debian/Ubuntu machine it installs what is missing (system packages through apt-get when
# run as root or with sudo; Python packages into ./.venv), then runs the demo office or the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-venv espeak-ng chromium postgresql tesseract-ocr tesseract-ocr-vie sox fonts-dejavu-core
              shellcheck wrk)

missing_apt() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_system() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "dev.sh: not a Debian-like system; install ${APT_PACKAGES[*]} by hand" >&2; return 0; }
  local missing=()
  mapfile -t missing < <(missing_apt)
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "dev.sh: installing system packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
}

install_python() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
}

cmd=${1:-}
shift || true
case "$cmd" in
  demo)
    install_system
    install_python
    exec .venv/bin/motcua demo "$@"
    ;;
  test)
    install_system
    install_python
    .venv/bin/ruff check .
    .venv/bin/mypy
    exec .venv/bin/pytest -q "$@"
    ;;
  *)
    echo "usage: bash deploy/dev.sh demo|test [args]" >&2
    exit 2
    ;;
esac
