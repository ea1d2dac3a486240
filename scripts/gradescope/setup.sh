#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image:
# it installs Node.js 20 if the image lacks it, then the kit's dependencies.
set -euo pipefail
cd /autograder/source

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  apt-get update
  apt-get install -y ca-certificates curl
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y nodejs
fi

npm ci --no-audit --no-fund
npm run build
