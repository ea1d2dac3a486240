#!/usr/bin/env bash
# Grades src/mr with the course's seven tests, as the course's test-mr.sh:
#   bash test-mr.sh [quiet] [options]        (options: bash test-mr.sh --help)
# It compiles the grader (grader/) and runs it; see grader/README.md.
set -euo pipefail
cd "$(dirname "$0")"
node node_modules/typescript/bin/tsc -p grader/tsconfig.json
exec node dist-grader/grader/cli.js mr "$@"
