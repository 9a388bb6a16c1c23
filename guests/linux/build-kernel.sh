#!/usr/bin/env bash
# Builds the Linux guest kernel: an arm64 Image from Debian's linux-source-6.12 and the config
# fragment beside this script. A build takes minutes, so the result is cached outside the clone,
# keyed by the source package version, the fragment, the compiler and this recipe: every later
# run, clone or CI job on the same machine just copies it.
#   guests/linux/build-kernel.sh [OUTDIR]     OUTDIR defaults to build/guests/linux
# Environment:
#   HV_CACHE=DIR    cache root (default ${XDG_CACHE_HOME:-~/.cache}/hv-guests)
#   HV_REBUILD=1    build even if the cache has this kernel
#   JOBS=N          parallel compile jobs (default: nproc)
set -euo pipefail

# Bump when the build steps below change in a way that changes the Image.
RECIPE="allnoconfig+fragment, make Image, v1"

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/guests/linux}
fragment=$here/guest.config
src_pkg=linux-source-6.12
tarball=/usr/src/$src_pkg.tar.xz
cross=aarch64-linux-gnu-
cache=${HV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hv-guests}
jobs=${JOBS:-$(nproc)}

say() { echo "kernel: $*"; }
die() { echo "kernel: error: $*" >&2; exit 1; }

# The kernel build is self-contained: a calling make's flags (-j, jobserver, V=) do not apply.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
export LC_ALL=C

[ -r "$tarball" ] || die "$tarball not found: run 'make deps' (Debian package $src_pkg)"
for tool in "${cross}gcc" make bc bison flex xz; do
	command -v "$tool" >/dev/null || die "'$tool' not found: run 'make deps'"
done

src_ver=$(dpkg-query -W -f='${Version}' "$src_pkg")
cc_ver=$("${cross}gcc" --version | head -n1)
hash=$({ cat "$fragment"; echo "$cc_ver"; echo "$RECIPE"; } | sha256sum | cut -c1-16)
entry=$cache/linux-${src_ver//[~:]/_}-$hash

# Copy only what changed, so make and tests see stable timestamps on a cache hit.
install_outputs() {
	mkdir -p "$out"
	local f
	for f in Image config System.map vmlinux; do
		cmp -s "$entry/$f" "$out/$f" || cp "$entry/$f" "$out/$f"
	done
	say "$out/Image: $(($(stat -c %s "$out/Image") / 1024)) KiB, Linux $src_ver"
}

mkdir -p "$cache"
# One kernel build at a time per cache: a second caller waits, then finds the result cached.
exec 9>"$cache/.lock"
if ! flock -n 9; then
	say "waiting for another kernel build to finish (lock $cache/.lock)"
	flock 9
fi

if [ -f "$entry/Image" ] && [ "${HV_REBUILD:-0}" != 1 ]; then
	say "using cached kernel $entry/Image"
	install_outputs
	exit 0
fi

# Under the lock, any build directory left behind belongs to a build that was killed.
rm -rf "$cache"/.build-*
tmp=$(mktemp -d "$cache/.build-XXXXXX")
log=$tmp/build.log
failed() {
	mkdir -p "$out"
	cp "$log" "$out/kernel-build.log" 2>/dev/null || true
	echo "kernel: --- last lines of the build log (all of it: $out/kernel-build.log) ---" >&2
	tail -n 30 "$log" >&2 || true
	die "$*"
}
trap 'rm -rf "$tmp"' EXIT

say "building Linux $src_ver for arm64 with $cc_ver"
say "cache entry $entry (not there yet): 5-10 minutes on 2 cores"
say "unpacking $tarball"
mkdir "$tmp/src"
tar -xJf "$tarball" -C "$tmp/src" --strip-components=1
ksrc=$tmp/src
kmake() {
	make -C "$ksrc" ARCH=arm64 CROSS_COMPILE="$cross" \
		KBUILD_BUILD_USER=hv KBUILD_BUILD_HOST=hv-guests "$@"
}

say "configuring: allnoconfig + $(realpath --relative-to="$root" "$fragment")"
# merge_config.sh -n runs `make allnoconfig` with the fragment as KCONFIG_ALLCONFIG: options a
# fragment symbol uncovers take 'n' (not their defaults) unless the fragment names them.
(cd "$ksrc" && ARCH=arm64 CROSS_COMPILE="$cross" scripts/kconfig/merge_config.sh -n "$fragment") \
	>>"$log" 2>&1 || failed "merge_config.sh -n (allnoconfig + fragment) failed"

# Kconfig drops a request it cannot satisfy (a missing dependency) without failing: check that
# every line of the fragment is in the final .config.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*} want=$line ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		want=""
		;;
	*) continue ;;
	esac
	got=$(grep -E "^($sym=|# $sym is not set)" "$ksrc/.config" || true)
	if [ -n "$want" ]; then
		[ "$got" = "$want" ] && continue
	else
		[ -z "$got" ] || [ "$got" = "# $sym is not set" ] && continue
	fi
	echo "kernel: fragment asks '${want:-# $sym is not set}', .config has '${got:-nothing}'" >&2
	bad=1
done <"$fragment"
[ $bad -eq 0 ] || failed "the fragment did not stick (a dependency is missing?)"
say "config: all $(grep -cE '^(CONFIG_|# CONFIG_)' "$fragment") fragment lines are in .config"

# Kbuild prints a line per file; show one line per 50 compiled files, plus errors and the
# final link steps, so the build is visibly alive without flooding the terminal.
say "compiling with $jobs jobs (full log kept in the cache entry)"
start=$SECONDS
progress() {
	local n=0 warnings=0 l
	while IFS= read -r l; do
		printf '%s\n' "$l" >>"$log"
		case $l in
		"  CC "* | "  AS "*)
			n=$((n + 1))
			[ $((n % 50)) -ne 0 ] ||
				printf 'kernel:   %4d files  %3ds  %s\n' "$n" $((SECONDS - start)) "${l##* }"
			;;
		"  LD      vmlinux" | "  OBJCOPY arch/arm64/boot/Image") printf 'kernel:   %s\n' "${l#  }" ;;
		*warning:*) warnings=$((warnings + 1)) ;;
		*error:* | *"*** "*) printf '%s\n' "$l" ;;
		esac
	done
	say "$n files compiled in $((SECONDS - start)) s, $warnings compiler warnings"
}
kmake -j"$jobs" Image 2>&1 | progress || failed "make Image failed"

# Publish atomically: the entry appears complete or not at all.
mkdir "$tmp/entry"
cp "$ksrc/arch/arm64/boot/Image" "$tmp/entry/Image"
cp "$ksrc/.config" "$tmp/entry/config"
cp "$ksrc/System.map" "$ksrc/vmlinux" "$log" "$tmp/entry/"
printf 'source: %s %s\ncompiler: %s\nrecipe: %s\nfragment-sha256: %s\nbuilt: %s in %d s\n' \
	"$src_pkg" "$src_ver" "$cc_ver" "$RECIPE" "$(sha256sum "$fragment" | cut -d' ' -f1)" \
	"$(date -u +%FT%TZ)" $((SECONDS - start)) >"$tmp/entry/info"
if [ -e "$entry" ]; then
	mv "$entry" "$tmp/old"
fi
mv -T "$tmp/entry" "$entry"
say "cached as $entry"
install_outputs
