#!/usr/bin/env bash
# Builds the Linux guest's initramfs: a gzip'd newc cpio with Debian's static arm64 BusyBox,
# guests/linux/init as /init, each guests/linux/progs/NAME.c built as a static program without a
# C library into /bin/NAME (aarch64-linux-gnu-gcc, or $CROSS gcc), and the guests/linux/rootfs/
# overlay (/etc/rc.local, ...) if it exists. Cheap: only the BusyBox .deb is cached.
#   guests/linux/build-initramfs.sh [OUTDIR [OVERLAY_DIR...]]   OUTDIR: build/guests/linux
# Extra overlay directories are copied in after guests/linux/rootfs/, in order.
# Environment: HV_CACHE=DIR  cache root (default ${XDG_CACHE_HOME:-~/.cache}/hv-guests)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/guests/linux}
[ $# -eq 0 ] || shift
overlays=("$here/rootfs" "$@")
pkg=busybox-static:arm64
debs=${HV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hv-guests}/debs
image=$out/initramfs.cpio.gz

say() { echo "initramfs: $*"; }
die() { echo "initramfs: error: $*" >&2; exit 1; }

for tool in cpio gzip dpkg-deb; do
	command -v "$tool" >/dev/null || die "'$tool' not found: run 'make deps'"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The BusyBox .deb is fetched once and then reused: asking apt costs seconds on every build, and
# a fixed BusyBox keeps the initramfs reproducible. Delete the cached .deb to take a newer one.
mkdir -p "$debs"
deb=$(find "$debs" -name 'busybox-static_*_arm64.deb' | sort -V | tail -n1)
if [ -z "$deb" ]; then
	ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$ver" ] || die "apt does not know $pkg: run 'make deps' (it enables the arm64 architecture)"
	say "downloading $pkg $ver into $debs"
	# Into a directory apt's unprivileged download user can write, then into the cache.
	mkdir "$tmp/dl" && chmod 755 "$tmp" "$tmp/dl"
	(cd "$tmp/dl" && apt-get download -q "$pkg" >"$tmp/apt.log" 2>&1) ||
		{ cat "$tmp/apt.log" >&2; die "apt-get download $pkg failed"; }
	deb=$debs/busybox-static_${ver//:/%3a}_arm64.deb
	mv "$tmp/dl"/*.deb "$deb.part" && mv "$deb.part" "$deb"
fi

dpkg-deb -x "$deb" "$tmp/deb"
r=$tmp/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,mnt,etc}
cp "$tmp/deb/bin/busybox" "$r/bin/busybox"
# /bin/sh is needed before /init has run `busybox --install`: it is /init's interpreter.
ln -s busybox "$r/bin/sh"
install -m 0755 "$here/init" "$r/init"
cc=${CROSS:-aarch64-linux-gnu-}gcc
for src in "$here"/progs/*.c; do
	[ -e "$src" ] || continue
	command -v "$cc" >/dev/null || die "'$cc' not found: run 'make deps'"
	name=$(basename "$src" .c)
	"$cc" -static -nostdlib -ffreestanding -fno-stack-protector -O2 -Wall -Wextra -Werror \
		-o "$r/bin/$name" "$src" || die "building $src failed"
	say "added /bin/$name"
done
for dir in "${overlays[@]}"; do
	[ -d "$dir" ] || continue
	say "adding overlay $dir"
	cp -a "$dir/." "$r/"
done

# Same inputs, same bytes: fixed order, owner and timestamps (cpio --reproducible also zeroes
# inode and device numbers). The kernel keeps the archive's owner: everything is root's.
find "$r" -exec touch -h -d @0 {} +
(cd "$r" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible >"$tmp/files.cpio")

# The kernel opens /dev/console for init's stdin/out/err before devtmpfs is mounted, so the
# archive needs that device node. cpio can only archive nodes that exist, and making one needs
# root, so this small second archive is written by hand (the kernel unpacks concatenated
# archives). newc: "070701", 13 8-digit hex fields, the NUL-terminated name, padded to 4 bytes.
newc_entry() { # name mode rdevmajor rdevminor
	local name=$1 namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		1 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0 "$name"
	# Header (110 bytes) plus name, padded to a multiple of 4.
	local pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}
{
	newc_entry dev/console $((0020600)) 5 1
	newc_entry TRAILER!!! 0 0 0
} >"$tmp/console.cpio"

mkdir -p "$out"
cat "$tmp/files.cpio" "$tmp/console.cpio" | gzip -9 -n >"$tmp/initramfs.cpio.gz"
if cmp -s "$tmp/initramfs.cpio.gz" "$image"; then
	say "$image is up to date"
else
	cp "$tmp/initramfs.cpio.gz" "$image.part" && mv "$image.part" "$image"
	say "$image: $(($(stat -c %s "$image") / 1024)) KiB, $(basename "$deb")"
fi
