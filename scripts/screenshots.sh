#!/usr/bin/env bash
# Regenerates docs/screenshots: runs the console's browser test (a new customer's setup and first
# check, in Chromium) and keeps the pictures it takes of each page at desktop and phone widths.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/bootstrap.sh
step "Photographing the console (test/console-browser.test.ts)"
rm -rf test-artifacts/console
npx jest test/console-browser.test.ts
mkdir -p docs/screenshots
rm -f docs/screenshots/*.png
cp test-artifacts/console/*.png docs/screenshots/
note "$(ls docs/screenshots | wc -l) screenshots in docs/screenshots"
