#!/bin/sh
# Render HTML reports in headless Chromium: the page script must run without
# console errors, and a screenshot of each report is kept for a person to
# look at. Skips (77) when no Chromium can be had.
# usage: browser.sh TCPSCOPE PCAPS_DIR OUT_DIR TRACEGEN
set -u
tcpscope=$1 pcaps=$2 out=$3 tracegen=$4
shots=$out/screenshots

find_chromium() {
	for c in chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

browser=$(find_chromium)
if [ -z "$browser" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing chromium (Debian package)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1; }
	browser=$(find_chromium)
fi
if [ -z "$browser" ]; then
	echo "SKIP: no chromium (install Debian's chromium package)"
	exit 77
fi

mkdir -p "$shots" || exit 1
profile=$(mktemp -d) || exit 1
trap 'rm -rf "$profile"' EXIT
status=0

chrome() {
	timeout 180 "$browser" --headless=new --disable-gpu --no-sandbox --no-first-run \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 "$@"
}

# name, pcap: render, load, check the console and the script's mark, screenshot.
check_report() {
	name=$1 pcap=$2
	html=$shots/$name.html
	if ! "$tcpscope" --format html -r "$pcap" -o "$html"; then
		echo "FAIL $name: tcpscope could not write the report"
		status=1
		return
	fi
	chrome --dump-dom "file://$html" >"$shots/$name.dom" 2>"$shots/$name.console"
	if grep -E 'CONSOLE.*(Uncaught|Error)' "$shots/$name.console"; then
		echo "FAIL $name: console errors (see $shots/$name.console)"
		status=1
	fi
	if ! grep -q 'data-js="ready"' "$shots/$name.dom"; then
		echo "FAIL $name: the page script did not run"
		status=1
	fi
	rm -f "$shots/$name.png"
	chrome --screenshot="$shots/$name.png" --window-size=1400,2000 "file://$html" \
		>/dev/null 2>"$shots/$name.shot.log"
	if [ ! -s "$shots/$name.png" ]; then
		echo "FAIL $name: no screenshot"
		status=1
		return
	fi
	echo "ok $name: $shots/$name.png"
}

# A lossy bulk transfer of one connection, so its graphs are on screen.
if "$tracegen" -o "$shots/lossy_bulk.pcap" "$(dirname "$0")/lossy_bulk.tg" >/dev/null; then
	check_report lossy_bulk "$shots/lossy_bulk.pcap"
else
	echo "FAIL: tracegen could not write the lossy bulk trace"
	status=1
fi
check_report many_connections_loss "$pcaps/synth/many_connections_loss.pcap"
check_report close_wait_stall "$pcaps/synth/close_wait_stall.pcap"
check_report retx_rto_backoff "$pcaps/synth/retx_rto_backoff.pcap"
exit $status
