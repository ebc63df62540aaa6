#!/bin/sh
# golden.sh TCPSCOPE PCAPS_DIR NAME: run one pcaps/TESTLIST test.
#
# Runs "TCPSCOPE -r PCAP ARGS" inside PCAPS_DIR with TZ=UTC LC_ALL=C (and no
# COLUMNS: text is 80 columns wide) and
# compares stdout with the expected file. A non-zero exit status below 128 is
# part of the output (a last line "# exit N"); 128 and above is a crash and
# always fails. Stderr must be empty unless EXPECTED.err exists, in which case
# it must match that file. With GOLDEN_UPDATE=1 the expected files are
# rewritten instead (tools/golden-update).
set -u
if [ $# -ne 3 ]; then
	echo "usage: golden.sh TCPSCOPE PCAPS_DIR NAME" >&2
	exit 2
fi
tcpscope=$1 pcaps=$2 name=$3
case $tcpscope in /*) ;; *) tcpscope=$(pwd)/$tcpscope ;; esac
TZ=UTC LC_ALL=C
export TZ LC_ALL
# Text lines fit COLUMNS when it is set: the expected outputs are 80 wide.
unset COLUMNS

summary() { # PASSED
	if [ "$1" -eq 1 ]; then echo "1 passed, 0 failed"; exit 0; fi
	echo "0 passed, 1 failed"
	exit 1
}

line=$(awk -v n="$name" '!/^[ \t]*#/ && $1 == n { print; exit }' "$pcaps/TESTLIST")
if [ -z "$line" ]; then
	echo "golden: $name: no such test in $pcaps/TESTLIST" >&2
	summary 0
fi
set -f  # the words are split, never globbed
# shellcheck disable=SC2086
set -- $line
set +f
pcap=$2 expected=$3
shift 3

cd "$pcaps" || summary 0
if [ ! -f "$pcap" ]; then
	echo "golden: $name: missing trace $pcaps/$pcap" >&2
	summary 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || summary 0
trap 'rm -rf "$tmp"' EXIT

"$tcpscope" -r "$pcap" "$@" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ge 128 ]; then
	echo "golden: $name: tcpscope crashed (exit status $rc)" >&2
	cat "$tmp/err" >&2
	summary 0
fi
[ $rc -eq 0 ] || echo "# exit $rc" >>"$tmp/out"

if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
	mkdir -p "$(dirname "$expected")"
	cp "$tmp/out" "$expected" || summary 0
	if [ -s "$tmp/err" ]; then cp "$tmp/err" "$expected.err"; else rm -f "$expected.err"; fi
	echo "golden: $name: wrote $expected"
	summary 1
fi

if [ ! -f "$expected" ]; then
	echo "golden: $name: no expected output $pcaps/$expected" >&2
	echo "  create it with: tools/golden-update $name   (then review it with git diff)" >&2
	summary 0
fi
ok=1
if [ -f "$expected.err" ]; then
	if ! diff -u "$expected.err" "$tmp/err" >"$tmp/errdiff"; then
		echo "golden: $name: stderr differs from $expected.err:" >&2
		cat "$tmp/errdiff" >&2
		ok=0
	fi
elif [ -s "$tmp/err" ]; then
	echo "golden: $name: unexpected stderr:" >&2
	cat "$tmp/err" >&2
	ok=0
fi
if ! diff -u "$expected" "$tmp/out" >"$tmp/diff"; then
	echo "golden: $name: output differs from $expected:" >&2
	cat "$tmp/diff" >&2
	ok=0
fi
summary $ok
