#!/bin/sh
# What `make help`, the README and the Makefile say must agree, and the QEMU command lines must
# keep the promises the README makes (part of `make lint`):
#  - every phony target of the Makefile is listed by `make help` and in the README's table;
#  - the folders `make lint` checks are the ones help and the README name;
#  - `make debug` binds QEMU's gdb stub to 127.0.0.1 only;
#  - `make run GUEST= VCPUS= INITRD=` passes the vCPU count and loads the initrd as a module;
#  - `make run CONFIG=` and `make run-linux` hand the config and its knobs to tools/hvconfig.py.
# Prints each disagreement; exits 1 if any.
set -u
cd "$(dirname "$0")/.." || exit 1
MAKE=${MAKE:-make}
bad=0
fail() {
	echo "targets: $*"
	bad=1
}

help=$($MAKE -s help)
# The .PHONY lines, continuation lines included.
targets=$(awk '/^\.PHONY:/ { p = 1; sub(/^\.PHONY:/, "") }
	p { c = sub(/\\$/, ""); print; p = c }' Makefile tests/qemu/guests/guests.mk |
	tr ' \t' '\n\n' | grep -v '^$' | sort -u)
for t in $targets; do
	[ "$t" = all ] && continue
	printf '%s\n' "$help" | grep -qE "^make ([a-z-]+ / )?$t( |$)|/ $t " ||
		fail "'make $t' is a target but 'make help' does not list it"
	grep -qE "^\| \`make ([a-z-]+\` / \`make )?$t[\` ]" README.md ||
		fail "'make $t' is a target but the README's table does not list it"
done

lint_dirs=$($MAKE -s -p -n help 2>/dev/null | sed -n 's/^LINT_DIRS := //p')
readme_lint=$(grep -E '^\| `make lint`' README.md)
for d in $lint_dirs; do
	printf '%s\n' "$readme_lint" | grep -q "\`$d/\`" ||
		fail "make lint checks $d/ but the README's 'make lint' row does not say so"
done
for d in $(printf '%s\n' "$readme_lint" | grep -oE '`[a-z-]+/`' | tr -d '`/'); do
	printf '%s\n' "$lint_dirs" | grep -qw "$d" ||
		fail "the README's 'make lint' row names $d/, which make lint does not check"
done

debug=$($MAKE -s -n debug)
printf '%s\n' "$debug" | grep -q -- '-gdb tcp:127\.0\.0\.1:' ||
	fail "make debug does not bind the gdb stub to 127.0.0.1"
printf '%s\n' "$debug" | grep -qE -- '(^| )-s( |$)' &&
	fail "make debug uses -s, which listens on every interface"

run=$($MAKE -s -n run GUEST=g.bin VCPUS=3 INITRD=i.cpio)
printf '%s\n' "$run" | grep -q 'hv.vcpus=3' || fail "make run VCPUS=3 does not pass hv.vcpus=3"
printf '%s\n' "$run" | grep -q 'guest-loader,addr=0x[0-9a-f]*,initrd=i.cpio' ||
	fail "make run INITRD= does not load the initrd as a boot module"
printf '%s\n' "$run" | grep -q 'kernel=g.bin' || fail "make run GUEST= does not load the guest"

run=$($MAKE -s -n run CONFIG=configs/linux.dts VCPUS=3 DISK=)
printf '%s\n' "$run" | grep -q 'tools/hvconfig.py .*-D VCPUS=3 .*-D NO_DISK .*--exec configs/linux.dts' ||
	fail "make run CONFIG= VCPUS=3 DISK= does not run the config through tools/hvconfig.py with its knobs"
run=$($MAKE -s -n run-linux VCPUS=2 PCPUS=2 LINUX_MEM=256 DISK=)
printf '%s\n' "$run" | grep -q 'tools/hvconfig.py .*-D VCPUS=2 -D PCPUS=2 -D LINUX_MEM=256 -D NO_DISK .*configs/linux.dts' ||
	fail "make run-linux VCPUS= PCPUS= LINUX_MEM= DISK= does not set configs/linux.dts's knobs"
debug=$($MAKE -s -n debug CONFIG=configs/linux.dts)
printf '%s\n' "$debug" | grep -q 'tools/hvconfig.py .*configs/linux.dts -- -S -gdb tcp:127\.0\.0\.1:' ||
	fail "make debug CONFIG= does not bind the gdb stub to 127.0.0.1"

[ "$bad" = 0 ] && echo "targets: make help, README and Makefile agree"
exit "$bad"
