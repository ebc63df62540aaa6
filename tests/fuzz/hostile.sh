#!/usr/bin/env bash
# Hostile inputs: tcpscope must not crash, must say what is wrong in one
# line on stderr, exit with the documented status and count it in the
# summary. Usage: hostile.sh TCPSCOPE HOSTILE_GEN [SYN_FLOOD_PACKETS]
set -uo pipefail
TCPSCOPE=$1
GEN=$2
SYNS=${3:-1000000}
RSS_LIMIT_KB=$((200 * 1024))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

"$GEN" "$work" "$SYNS" || { echo "hostile_gen failed" >&2; exit 1; }

failures=0
fail() {
	echo "FAIL $*" >&2
	failures=$((failures + 1))
}

# run NAME RC [tcpscope args...]: JSON report of $work/NAME into $work/out,
# stderr into $work/err; checks the exit status and sanitizer silence.
run() {
	local name=$1 want=$2
	shift 2
	"$TCPSCOPE" -r "$work/$name" --format json --seed 1 "$@" >"$work/out" 2>"$work/err"
	local rc=$?
	if grep -qE "Sanitizer|runtime error" "$work/err"; then
		fail "$name: sanitizer report"
		sed -n 1,20p "$work/err" >&2
	fi
	[ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want ($(head -c 300 "$work/err"))"
	tail -n 1 "$work/out" | grep -q '"type":"summary"' || fail "$name: no summary line"
}

# q PYTHON_EXPR: evaluate against the summary object s (the last output line).
q() {
	python3 -c 'import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(eval(sys.argv[2]))' "$work/out" "$1"
}

# expect DESCRIPTION PYTHON_EXPR: the expression over s must be True.
expect() {
	local v
	v=$(q "$2" 2>&1)
	[ "$v" = "True" ] || fail "$1: $2 is $v"
}

stderr_lines() { grep -c . "$work/err"; }

one_error_line() { # NAME PATTERN
	local n
	n=$(stderr_lines)
	[ "$n" -eq 1 ] || fail "$1: $n stderr lines, expected 1"
	grep -q "^tcpscope: .*$2" "$work/err" || fail "$1: stderr lacks '$2': $(cat "$work/err")"
}

# Record header claims more than the snaplen (libpcap cuts it to snaplen).
run caplen-over-snaplen.pcap 0
expect caplen-over-snaplen "s['packets'] == 8"
expect caplen-over-snaplen "s['decode_events'].get('ip.len_beyond_caplen', 0) >= 1"

# Record header claims 4 GB: an input error after the three good packets.
run caplen-4g.pcap 2
one_error_line caplen-4g "invalid packet capture length"
expect caplen-4g "s['packets'] == 3 and s.get('error') is not None"

# Cut inside a record: the report of what was read, one line, exit 4.
run cut-mid-record.pcap 4
one_error_line cut-mid-record "truncated"
expect cut-mid-record "s['truncated'] is True and s['packets'] == 4"
"$TCPSCOPE" -r "$work/cut-mid-record.pcap" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 4 ] || fail "cut-mid-record (text): exit $rc"
grep -q "TRUNCATED" "$work/out" || fail "cut-mid-record (text): report does not say TRUNCATED"
one_error_line "cut-mid-record (text)" "truncated"

# pcapng blocks with bad lengths: an input error after the first packet.
for f in pcapng-len-unaligned pcapng-len-short pcapng-len-huge pcapng-len-trailer pcapng-caplen-huge; do
	run $f.pcapng 2
	one_error_line $f "pcapng"
	expect $f "s['packets'] == 1 and s.get('error') is not None"
done

# Unknown block types are skipped quietly (the format allows them).
run pcapng-unknown-blocks.pcapng 0
expect pcapng-unknown-blocks "s['packets'] == 3 and s['bad_records'] == 0"
[ "$(stderr_lines)" -eq 0 ] || fail "pcapng-unknown-blocks: stderr: $(cat "$work/err")"

# A packet on an interface no IDB described: skipped, warned, counted.
run pcapng-undescribed-iface.pcapng 0
expect pcapng-undescribed-iface "s['packets'] == 2 and s['bad_records'] == 1"
one_error_line pcapng-undescribed-iface "interface 7"

# gzip: a damaged body or trailer is an error; a missing trailer a cut.
run good.pcap.gz 0
expect good.pcap.gz "s['packets'] == 8 and s.get('error') is None"
for f in gzip-bad-body gzip-bad-crc gzip-bad-isize; do
	run $f.pcap.gz 2
	one_error_line $f "gzip"
	expect $f "s.get('error') is not None and s['truncated'] is False"
done
run gzip-no-trailer.pcap.gz 4
one_error_line gzip-no-trailer "gzip"
expect gzip-no-trailer "s['truncated'] is True and s['packets'] == 8"

# Every TCP option length 0..255: all 256 segments analysed; lengths 0, 1
# and 41..255 cannot be right for any kind in a 40-byte option space.
run tcp-options.pcap 0
expect tcp-options "s['tcp_segments'] == 256"
expect tcp-options "217 <= s['decode_events'].get('tcp.opt_bad_len', 0) <= 256"

# Data offsets 0..4, and 15 with an IP length that leaves 20 bytes: bad;
# 15 with a capture that ends early: analysed, options truncated.
run tcp-data-offset.pcap 0
expect tcp-data-offset "s['decode_errors'].get('tcp.bad_data_offset', 0) == 6"
expect tcp-data-offset "s['tcp_segments'] == 1 and s['decode_events'].get('truncated.tcp_options', 0) == 1"

# 100 IPv6 extension headers: refused, counted.
run ipv6-ext-chain.pcap 0
expect ipv6-ext-chain "s['decode_errors'].get('ipv6.ext_chain_too_long', 0) == 1 and s['tcp_segments'] == 0"

# SYN flood from random sources under a flow cap: quick, bounded, counted.
start=$(date +%s)
python3 - "$TCPSCOPE" "$work/syn-flood.pcap" "$work/out" >"$work/rss" <<'PY'
import resource, subprocess, sys
with open(sys.argv[3], "wb") as out:
    rc = subprocess.call([sys.argv[1], "-r", sys.argv[2], "--format", "json", "-q",
                          "--max-flows", "10000", "--seed", "1"], stdout=out)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
read -r rc rss <"$work/rss"
elapsed=$(($(date +%s) - start))
[ "$rc" -eq 0 ] || fail "syn-flood: exit $rc"
expect syn-flood "s['packets'] == $SYNS"
expect syn-flood "sum(s['flows_evicted'].values()) >= $SYNS - 10000 - $SYNS // 100"
expect syn-flood "s['flows'] <= 20000 and len(s['hosts']) <= 20000"
[ "$elapsed" -le 120 ] || fail "syn-flood: took ${elapsed}s"
libs=$(ldd "$TCPSCOPE" 2>/dev/null)  # not piped into grep -q: SIGPIPE + pipefail
if [[ $libs == *libasan* ]]; then
	echo "syn-flood: ${elapsed}s, peak RSS ${rss} kB (sanitized build: no RSS limit)"
else
	[ "$rss" -le "$RSS_LIMIT_KB" ] || fail "syn-flood: peak RSS ${rss} kB > ${RSS_LIMIT_KB} kB"
	echo "syn-flood: ${elapsed}s, peak RSS ${rss} kB"
fi

# File names that must be escaped in JSON and CSV.
weird=$(printf '%s/we"ird\\,na\nme\t\001\033[31m\377.pcap' "$work")
cp "$work/cut-mid-record.pcap" "$weird"
"$TCPSCOPE" -r "$weird" --format json >"$work/out" 2>"$work/err"
python3 - "$work/out" "$weird" <<'PY' || fail "escaping: JSON output does not parse back to the file name"
import json, os, sys
raw = open(sys.argv[1], "rb").read()
lines = [json.loads(l) for l in raw.decode("utf-8").splitlines()]   # strict UTF-8, one object a line
name = os.fsencode(sys.argv[2])
got = lines[-1]["inputs"][0]
assert bytes(ord(c) for c in got) == name, (got, name)
assert name.split(b"/")[-1][:6] in bytes(ord(c) for c in lines[-1]["error"])
PY
"$TCPSCOPE" -r "$weird" --format csv >"$work/out" 2>"$work/err"
python3 - "$work/out" <<'PY' || fail "escaping: CSV rows differ in width"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows and all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows]
PY

if [ $failures -ne 0 ]; then
	echo "hostile: $failures failures" >&2
	exit 1
fi
echo "hostile: all checks passed"
