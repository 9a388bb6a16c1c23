#!/usr/bin/env bash
# tools/fuzz.sh SECONDS FUZZER... : run each libFuzzer binary for SECONDS over its committed
# seed corpus fuzz/corpus/<name>/ (new inputs go to a scratch copy, never into the repo).
set -euo pipefail
secs=$1; shift
[ $# -gt 0 ] || { echo "fuzz: no harnesses"; exit 0; }
for f in "$@"; do
	name=$(basename "$f")
	seeds=fuzz/corpus/${name#fuzz_}
	work=build/fuzz/work/$name
	rm -rf "$work"; mkdir -p "$work"
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
	echo "fuzz: $name for ${secs}s"
	"$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="build/fuzz/$name-" "$work" 2>&1 | tail -n 12
done
