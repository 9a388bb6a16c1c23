#!/bin/sh
# The EL2 image uses no FP/SIMD (or SVE) register outside the routines that switch a vCPU's
# (hal/aarch64/fpsimd.S, sve.S): between two vCPUs those registers hold a guest's values,
# handed over lazily (docs/trap-path.md, "FP/SIMD and SVE"). -mgeneral-regs-only keeps the
# compiler off them, but not the library helpers it calls (libgcc's __popcountdi2 uses CNT on
# V0). Run at every link of build/hypervisor.elf: prints each offending instruction with its
# function; exits 1 if any.
set -u
elf=$1
objdump=${OBJDUMP:-aarch64-linux-gnu-objdump}

"$objdump" -d --no-show-raw-insn "$elf" | awk -F'\t' '
	/^[0-9a-f]+ <.*>:$/ { fn = $0; sub(/^[0-9a-f]+ </, "", fn); sub(/>:$/, "", fn); next }
	fn ~ /^hal_(fpsimd_(save|load)|sve_(save|load|set_vl))$/ { next }
	NF >= 2 {
		insn = $2 " " $3
		sub(/\/\/.*/, "", insn)
		if (insn ~ /(^|[ ,{\[])[bhsdqvzp][0-9]+([.,\]}]|$| )/ || insn ~ /fpsr|fpcr|zcr_el/) {
			print "no-fp: " fn ": " $0
			bad = 1
		}
	}
	END { exit bad }'
status=$?
[ $status -eq 0 ] || echo "no-fp: $elf touches FP/SIMD registers at EL2 (tools/check-no-fp.sh)"
exit $status
