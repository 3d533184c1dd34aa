#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine for Transformer Kit, then `npm ci`.
# System components it installs (all from Debian's packages):
#   - Xvfb (a virtual X display server) + xauth: headless GL needs a display; tests start it with xvfb-run.
#   - Mesa GL headers, X11/Xi/Xext headers and pkg-config: the `gl` npm package (headless GL) builds against them.
#   - Chromium (/usr/bin/chromium): the browser the Playwright tests drive (its own browser download cannot work here).
#   - gcc + libc6-dev: `npm run build` compiles @transformer-kit/tensor's huge-pages helper (native/huge-pages.c)
#     with it, and the engine bench its native C peer.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(xvfb xauth libxi-dev libx11-dev libxext-dev libgl1-mesa-dev pkg-config chromium gcc libc6-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# The lockfile is committed: install exactly it. `gl` (headless GL) builds from source here (~4 minutes).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Headless GL must have built: the GPU tests fail loudly rather than skip.
node -e "require('gl')" || { echo "setup: the 'gl' package did not build (see npm's output above)" >&2; exit 1; }
echo "setup: done"
