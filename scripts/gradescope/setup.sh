#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image:
# it installs Node.js 24 (a maintained LTS line) if the image has no Node of
# 22 or later, then the kit's dependencies.
set -euo pipefail
cd /autograder/source

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  apt-get update
  apt-get install -y ca-certificates curl
  curl -fsSL https://deb.nodesource.com/setup_24.x | bash -
  apt-get install -y nodejs
fi

npm ci --no-audit --no-fund
npm run build

# The students' code runs under sandbox user ids from 61000 up (the grader
# takes them as it needs them); name the first, so that it shows in ps.
if ! getent passwd 61000 >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --uid 61000 mrlab-student || true
fi
