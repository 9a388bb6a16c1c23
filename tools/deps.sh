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
	linux-source-6.12 xz-utils bc bison flex           # make linux (guest kernel; bookworm-security)
	cpio gzip                                          # make initramfs
)

# Packages of another architecture that are only downloaded, never installed: the Linux guest's
# initramfs unpacks the static arm64 BusyBox from its .deb (guests/linux/build-initramfs.sh).
# apt can fetch them once dpkg knows the architecture and the package lists include it.
FOREIGN_ARCH=arm64
FOREIGN_PACKAGES=(busybox-static:arm64)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
add_arch=0
dpkg --print-foreign-architectures | grep -qx "$FOREIGN_ARCH" || add_arch=1
# apt-cache is slow here (seconds), so the quick check is that arm64 package lists exist.
no_lists=0
lists="/var/lib/apt/lists/*_binary-${FOREIGN_ARCH}_Packages*"
compgen -G "$lists" >/dev/null || no_lists=1
[ ${#missing[@]} -eq 0 ] && [ $add_arch -eq 0 ] && [ $no_lists -eq 0 ] && exit 0

if [ "${1:-install}" = ensure ]; then
	[ ${#missing[@]} -eq 0 ] || echo "deps: missing Debian packages: ${missing[*]}"
	[ $no_lists -eq 0 ] || echo "deps: no $FOREIGN_ARCH package lists yet (for ${FOREIGN_PACKAGES[*]})"
	echo "deps: setting them up now (this is what 'make deps' does)"
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ $add_arch -eq 1 ]; then
	echo "deps: dpkg --add-architecture $FOREIGN_ARCH" \
		"(to download ${FOREIGN_PACKAGES[*]}; no $FOREIGN_ARCH package gets installed)"
	$sudo dpkg --add-architecture "$FOREIGN_ARCH"
fi
$sudo apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
	# linux-source-6.12 comes from bookworm-security, which a stock Debian 12 lists.
	if [[ " ${missing[*]} " == *" linux-source-6.12 "* ]] &&
		! apt-cache show linux-source-6.12 >/dev/null 2>&1; then
		echo "deps: apt has no linux-source-6.12: list the bookworm-security suite in" \
			"/etc/apt/sources.list.d/ (a stock Debian 12 does)" >&2
		exit 1
	fi
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
for p in "${FOREIGN_PACKAGES[@]}"; do
	apt-cache show "$p" >/dev/null 2>&1 || { echo "deps: apt still cannot find $p" >&2; exit 1; }
done
