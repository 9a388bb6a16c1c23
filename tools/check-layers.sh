#!/bin/sh
# The include rules of docs/layout.md, checked (part of `make lint`): arrows point down only,
# the HAL contract is the only thing core/ and the HAL implementations share, and assembly
# lives only in target/ and hal/aarch64/. Prints each offending line; exits 1 if any.
set -u
cd "$(dirname "$0")/.." || exit 1
bad=0

# $1: folder, $2: extended regex of the #include lines it may not have, $3: why.
forbid() {
	hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*$2" "$1" 2>/dev/null)
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits"
		echo "layers: $1 $3 (docs/layout.md)"
		bad=1
	fi
}

forbid hal/include '[<"](core|vdev|sim|hal-sim)/' "is the contract: it includes only hal/ and C headers"
forbid hal/aarch64 '[<"](core|vdev|sim|hal-sim)/' "implements the contract: it may not include core/ or vdev/"
forbid hal-sim '[<"](core|vdev|sim)/' "implements the contract: it may not include core/ or vdev/"
forbid core '[<"](vdev|sim|hal-sim)/' "may include only core/, hal/ and freestanding C headers"
forbid core '<(stdio|stdlib|string|assert)\.h>' "is freestanding"
forbid vdev '[<"](sim|hal-sim)/' "may include only vdev/, core/, hal/ and freestanding C headers"
forbid vdev '<(stdio|stdlib|string|assert)\.h>' "is freestanding"

asm=$(git ls-files --cached --others --exclude-standard '*.S' '*.s' |
	grep -vE '^(target|hal/aarch64|tests/qemu/guests|tests/hostile)/')
if [ -n "$asm" ]; then
	printf '%s\n' "$asm"
	echo "layers: assembly outside target/ and hal/aarch64/ (docs/layout.md)"
	bad=1
fi
# One definition of each hardware constant (GIC, MPIDR affinity and virtio): the same name #defined in two
# files of the hypervisor, the simulator or the test guests is two copies that can drift.
dups=$(git grep -hoE '^[[:space:]]*#[[:space:]]*define[[:space:]]+(GICD|GICR|GIC|ICC|ICH|MPIDR|VIRTIO|VIRTQ)_[A-Z0-9_]+[[:space:]]' \
	-- core vdev hal hal-sim target sim tests/qemu/guests tests/hostile |
	awk '{ print $2 }' | sort | uniq -d)
for name in $dups; do
	git grep -nE "^[[:space:]]*#[[:space:]]*define[[:space:]]+$name[[:space:]]" -- core vdev hal \
		hal-sim target sim tests/qemu/guests tests/hostile
	echo "layers: $name is defined more than once: define it in hal/include/hal/gicv3_regs.h or virtio_spec.h only"
	bad=1
done

# The repository explains itself: nothing cites a design document that is not in it.
cites=$(git grep -nIE 'DESIGN(\.md)?[ ,]+(section )?[0-9]|design card|/work/shared' -- \
	':!tools/check-layers.sh')
if [ -n "$cites" ]; then
	printf '%s\n' "$cites"
	echo "layers: cite docs/ (e.g. docs/peers.md), not a document outside the repository"
	bad=1
fi
[ "$bad" = 0 ] && echo "layers: include rules of docs/layout.md hold; no outside documents cited"
exit "$bad"
