#!/bin/sh
# tracegen command-line checks: errors name the line, output parses with
# tcpdump, and the same scenario always gives the same bytes.
# usage: test-cli.sh TRACEGEN SRCDIR
set -u
TG=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }

# 1. a bad line is reported as FILE:LINE and no output file is left
printf 'flow a 10.0.0.1:1 10.0.0.2:2\n# two\na> S bogus=1\n' >"$tmp/bad.tg"
if "$TG" "$tmp/bad.tg" -o "$tmp/bad.pcap" 2>"$tmp/err"; then
	ko "bad scenario exits non-zero"
else
	ok "bad scenario exits non-zero"
fi
grep -q "bad.tg:3: unknown key 'bogus'" "$tmp/err" && ok "error names line 3" ||
	{ ko "error names line 3"; cat "$tmp/err"; }
[ ! -e "$tmp/bad.pcap" ] && ok "no partial output" || ko "no partial output"

# 2. tcpdump reads the result and shows the auto-tracked numbers
cat >"$tmp/ok.tg" <<'TG'
flow a 10.0.0.1:40000 10.0.0.2:80 isn=100,300
at +0.01 a> S mss=1460
at +0.01 a< SA mss=1380
at +0.01 a> A
at +0.01 a> PA len=100
TG
"$TG" "$tmp/ok.tg" && [ -s "$tmp/ok.pcap" ] && ok "default output name" || ko "default output name"
if command -v tcpdump >/dev/null 2>&1; then
	tcpdump -nr "$tmp/ok.pcap" -S 2>/dev/null >"$tmp/td"
	grep -q 'Flags \[S\.\], seq 300, ack 101,.*mss 1380' "$tmp/td" && ok "tcpdump sees SYN-ACK" ||
		{ ko "tcpdump sees SYN-ACK"; cat "$tmp/td"; }
	grep -q 'Flags \[P\.\], seq 101:201, ack 301' "$tmp/td" && ok "tcpdump sees data" ||
		{ ko "tcpdump sees data"; cat "$tmp/td"; }
else
	echo "SKIP: tcpdump not installed"
fi

# 3. determinism: the same input gives the same bytes
"$TG" "$tmp/ok.tg" -o "$tmp/ok2.pcap" && cmp -s "$tmp/ok.pcap" "$tmp/ok2.pcap" &&
	ok "deterministic" || ko "deterministic"
"$TG" --bulk 5 500 --retx-pct 2 --seed 9 -o "$tmp/b1.pcap" &&
	"$TG" --bulk 5 500 --retx-pct 2 --seed 9 -o "$tmp/b2.pcap" &&
	cmp -s "$tmp/b1.pcap" "$tmp/b2.pcap" && ok "bulk deterministic" || ko "bulk deterministic"
"$TG" --short 50 --refused-pct 90 --concurrent 5 -o "$tmp/s.pcap" && [ -s "$tmp/s.pcap" ] &&
	ok "short runs" || ko "short runs"

# 3b. --gap-ns sets the span: 80 packets (10 short connections, none
# refused) 1-2 ms apart span 79-158 ms; by default 0.79-1.58 ms.
last_us() { # FILE: the last packet's time in us after the first's
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
off, times = 24, []
while off + 16 <= len(d):
    s, us, cap, _ = struct.unpack_from("<IIII", d, off)
    times.append(s * 1000000 + us)
    off += 16 + cap
print(times[-1] - times[0])' "$1"
}
"$TG" --short 10 --refused-pct 0 --concurrent 1 --gap-ns 1000000 -o "$tmp/g1.pcap" &&
	"$TG" --short 10 --refused-pct 0 --concurrent 1 -o "$tmp/g0.pcap" || ko "gap runs"
span1=$(last_us "$tmp/g1.pcap") span0=$(last_us "$tmp/g0.pcap")
[ "$span1" -ge 79000 ] && [ "$span1" -le 158000 ] && [ "$span0" -ge 790 ] && [ "$span0" -le 1580 ] &&
	ok "--gap-ns spans ($span1 us, default $span0 us)" || ko "--gap-ns spans ($span1 us, default $span0 us)"

# 4. usage errors exit 2
"$TG" --bulk 5 2>/dev/null; [ $? -eq 2 ] && ok "usage error" || ko "usage error"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
