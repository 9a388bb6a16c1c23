#!/usr/bin/env bash
# tools/coverage.sh BUILD_DIR TEST... : run the --coverage test binaries, then write an lcov
# HTML report of core/ and vdev/ to coverage/html and print their line coverage.
set -euo pipefail
dir=$1; shift
find "$dir" -name '*.gcda' -delete
for t in "$@"; do "$t" >/dev/null; done
mkdir -p coverage
# Debian 12's lcov 1.16 warns about its own Perl ("redefined"); that line is noise.
lcov --quiet --capture --directory "$dir" --output-file coverage/all.info 2> >(grep -v redefined >&2)
lcov --quiet --extract coverage/all.info "$PWD/core/*" "$PWD/vdev/*" --output-file coverage/hv.info
genhtml --quiet --output-directory coverage/html coverage/hv.info
echo "coverage report: coverage/html/index.html"
lcov --summary coverage/hv.info 2>&1 | grep -E 'lines|functions'
