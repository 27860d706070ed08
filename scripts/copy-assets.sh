#!/usr/bin/env bash
# tsc compiles only TypeScript; the views and SQL migrations travel beside the compiled code.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist/src/views dist/src/db/migrations
cp -r src/views dist/src/views
cp -r src/db/migrations dist/src/db/migrations
