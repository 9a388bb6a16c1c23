#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs; idempotent.
#   tools/deps.sh install   install whatever is missing (apt-get; needs root or sudo)
#   tools/deps.sh ensure    the same, but say first that something is missing (used by make)
set -euo pipefail

PACKAGES=(
	make gcc libc6-dev python3
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu   # EL2 image
	qemu-system-arm                                    # qemu-system-aarch64
	libcmocka-dev                                      # host unit tests
	device-tree-compiler                               # dtc: test fixtures, configs
	lcov                                               # make coverage
	clang libclang-rt-14-dev                           # libFuzzer harnesses
	cppcheck clang-format                              # make lint / fmt
	gdb-multiarch                                      # make debug
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${1:-install}" = ensure ]; then
	echo "deps: missing Debian packages: ${missing[*]}"
	echo "deps: installing them now (this is what 'make deps' does)"
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
