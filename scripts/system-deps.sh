#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages motcua needs beyond Python, when they are missing.
#   chromium          — the browser tests (pytest-playwright drives Debian's chromium; nothing is downloaded)
#   fonts-dejavu-core, fonts-noto-core — Vietnamese glyphs for pages, screenshots and PDFs
#   gettext           — makemessages/compilemessages for translators
#   libpango-1.0-0, libpangoft2-1.0-0 — WeasyPrint (PDF forms and receipts)
#   postgresql-client — pg_dump/pg_restore for `motcua backup`/`restore`/`backup_drill` (checked by command:
#                       any installed client version provides them)
# Usage: scripts/system-deps.sh [--check]   (--check only reports). Exit 1 when something needed is missing
# and cannot be installed here; outside CI a missing browser is a warning (the browser tests then skip).
set -u
PACKAGES=(chromium fonts-dejavu-core fonts-noto-core gettext libpango-1.0-0 libpangoft2-1.0-0)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "motcua: system packages missing: ${missing[*]}"
if [ "${1:-}" = "--check" ]; then
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi
if command -v apt-get >/dev/null && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; then
  echo "motcua: installing them with apt-get (once)…"
  export DEBIAN_FRONTEND=noninteractive
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "motcua: system packages installed."
    exit 0
  fi
  echo "motcua: apt-get could not install: ${missing[*]}" >&2
else
  echo "motcua: cannot install system packages here (need root or passwordless sudo on Debian/Ubuntu)." >&2
fi
echo "  Install them yourself:  sudo apt-get install ${missing[*]}" >&2
if [ "${CI:-}" = "true" ]; then
  exit 1
fi
echo "  Continuing: features that need them report it clearly, and browser tests are skipped." >&2
exit 0
