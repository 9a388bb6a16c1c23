#!/usr/bin/env bash
# Runs each CMocka test binary given, prints a one-line summary, fails if any failed.
set -u
fail=0 pass=0 failed=()
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$(basename "$t")"); fi
done
echo "unit tests: $pass binaries passed, $fail failed${failed:+: ${failed[*]}}"
[ "$fail" -eq 0 ]
