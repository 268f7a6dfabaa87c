#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, then pytest.
#   - Debian's chromium and chromium-driver (browser and export tests), when missing;
#   - a virtual environment in .venv with timeline and its test extras.
# Arguments go to pytest, e.g. `bash tests/run.sh -k validate -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "tests/run.sh: installing chromium and chromium-driver" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "tests/run.sh: browser and export tests need Chromium: apt-get install chromium chromium-driver" >&2
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 \
  | grep -v -e '^WARNING: Location' -e 'is ignored: it is neither a file nor a directory' || true
exec .venv/bin/python -m pytest "$@"
