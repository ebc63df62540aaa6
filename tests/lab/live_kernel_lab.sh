#!/usr/bin/env bash
# live.kernel_lab TOP TCPSCOPE: rerun four quick kernel-lab scenarios into a
# temporary directory and compare tcpscope with this kernel. Exit 77 (skip)
# without root or network namespaces.
set -uo pipefail
top=$1 tcpscope=$2
scenarios=(bulk_loss_1 close_wait_stall refused reorder)

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: live.kernel_lab needs root to create network namespaces" >&2
	exit 77
fi
if ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: 'ip netns' is not available" >&2
	exit 77
fi
for tool in nft tcpdump ethtool nstat ss; do
	command -v $tool >/dev/null || { echo "SKIP: $tool not installed" >&2; exit 77; }
done

out=$(mktemp -d /tmp/tcpscope-live-lab.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Real kernels, random loss and a shared machine: a run the kernel did not
# settle in, or a capture that lost a packet, is tried once more before the
# comparison counts as failed.
for attempt in 1 2; do
	rm -rf "${out:?}"/*
	"$top/tools/kernel-lab" --out "$out" "${scenarios[@]}"
	rc=$?
	[ $rc -eq 77 ] && exit 77
	if [ $rc -ne 0 ]; then
		echo "attempt $attempt: tools/kernel-lab did not reach every scenario's intended end" >&2
		continue
	fi
	dirs=()
	for s in "${scenarios[@]}"; do dirs+=("$out/$s"); done
	# A capture that missed a segment the kernel counted would be judged as
	# tcpscope's error: such a run is tried again, not compared.
	if ! /usr/bin/env python3 - "$top/tools/lab" "${dirs[@]}" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
import readme
bad = 0
for d in sys.argv[2:]:
    with open(os.path.join(d, "truth.json")) as f:
        notes = readme.agreement(d, json.load(f))
    for n in notes:
        print("%s: capture disagrees with the kernel: %s" % (os.path.basename(d), n))
    bad += len(notes)
sys.exit(1 if bad else 0)
PY
	then
		echo "attempt $attempt: a capture missed what the kernel counted" >&2
		continue
	fi
	/usr/bin/env python3 "$top/tools/lab/compare.py" "$tcpscope" "${dirs[@]}" \
		--gaps "$top/pcaps/lab/KNOWN_GAPS" && exit 0
	echo "attempt $attempt: tcpscope differs from the kernel (above)" >&2
done
echo "FAIL: live kernel comparison failed twice" >&2
exit 1
