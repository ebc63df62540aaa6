# Shared by tools/run and tools/test: install what is missing, configure, build.
# Sourced, not run. Sets TS_TOP and TS_BUILD.

TS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TS_BUILD=${TS_BUILD:-$TS_TOP/build}

# Packages the build needs, then those the tests and the kernel lab use.
TS_BUILD_PKGS="libpcap-dev zlib1g-dev uthash-dev libcmocka-dev meson ninja-build pkg-config gcc"
TS_TEST_PKGS="python3 tcpdump iproute2 nftables ethtool rsyslog"

ts_missing_pkgs() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	echo "$missing"
}

ts_install() {
	local missing
	missing=$(ts_missing_pkgs "$@")
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		echo "tcpscope: installing:$missing" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2 &&
			apt-get install -y -qq --no-install-recommends $missing >&2 ||
			{ echo "tcpscope: apt-get failed" >&2; return 1; }
	else
		echo "tcpscope: missing packages. Run:" >&2
		echo "  sudo apt-get install -y$missing" >&2
		return 1
	fi
}

# ts_build DIR [meson options...]: configure DIR once, then build it.
ts_build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$TS_TOP" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log" >&2; return 1; }
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { cat "$dir.ninja.log" >&2; return 1; }
}
