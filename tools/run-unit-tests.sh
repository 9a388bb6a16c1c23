#!/usr/bin/env bash
# Runs each CMocka test binary given, one line per binary; a failing binary's full output is
# shown. Prints a summary with the number of test cases and fails if any binary failed.
set -u
fail=0 pass=0 cases=0 failed=()
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	n=$(grep -Eo '^\[==========\] [0-9]+ test\(s\) run' <<<"$out" | grep -Eo '[0-9]+' | head -1)
	cases=$((cases + ${n:-0}))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf '  PASS %-24s %4s cases\n' "$(basename "$t")" "${n:-?}"
	else
		fail=$((fail + 1))
		failed+=("$(basename "$t")")
		printf '  FAIL %s\n' "$(basename "$t")"
		sed 's/^/     | /' <<<"$out"
	fi
done
echo "unit tests: $pass binaries passed, $fail failed, $cases test cases${failed:+; failed: ${failed[*]}}"
[ "$fail" -eq 0 ]
