#!/usr/bin/env bash
# Install the system packages Seatside and its tests need on Debian/Ubuntu/UOS/Kylin:
# Qt's X11 libraries, a CJK font, Xvfb and the X11 tools the tests drive, PostgreSQL for the hub.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail

PACKAGES=(
  # Qt 6 on X11 (xcb platform plugin)
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  # Chinese text
  fonts-wqy-microhei
  # virtual display and X11 tools used by the tests and screenshots
  xvfb xauth xclip xdotool x11-utils
  # the hub's embedded PostgreSQL (make hub) and its tests
  postgresql
  # the reverse-proxy set-up of docs/hub.md, run by tests/hub/test_tls.py
  nginx-light
  # the dashboard's browser tests and screenshots (Playwright drives it; no browser download)
  chromium
  # a CPU hog beside the GUI suite (make test-stress)
  stress-ng
  # make dist: PyInstaller reads and strips binaries, build.spec rebuilds ICU's data library
  binutils
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-based system; install the equivalents of: ${PACKAGES[*]}" >&2
  exit 0
fi

if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  PACKAGES+=(python3-venv)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing system packages. Run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
