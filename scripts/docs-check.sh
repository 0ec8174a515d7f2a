#!/usr/bin/env bash
# Fails when docs/ is not what `make docs` would generate from the current schema, templates/ and
# examples/. It runs `make docs` on a scratch copy of the working tree, so uncommitted edits count
# and nothing in the checkout is rewritten, then compares the two docs/ folders.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

tar --exclude=./.git --exclude=./bin --exclude=./dist -cf - . | tar -xf - -C "$scratch"
if ! make -s -C "$scratch" docs >"$scratch.log" 2>&1; then
  cat "$scratch.log" >&2
  rm -f "$scratch.log"
  echo "docs-check: make docs failed" >&2
  exit 1
fi
rm -f "$scratch.log"

if ! diff -ruN docs "$scratch/docs"; then
  echo >&2
  echo "docs-check: docs/ is out of date (the diff above shows what would change): run 'make docs' and commit docs/" >&2
  exit 1
fi
echo "docs-check: docs/ is up to date"
