#!/usr/bin/env bash
# live.kernel_lab TOP TCPSCOPE: rerun three quick kernel-lab scenarios into a
# temporary directory and compare tcpscope with this kernel. Exit 77 (skip)
# without root or network namespaces.
set -uo pipefail
top=$1 tcpscope=$2
scenarios=(bulk_loss_1 close_wait_stall refused)

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
"$top/tools/kernel-lab" --out "$out" "${scenarios[@]}"
rc=$?
[ $rc -eq 77 ] && exit 77
if [ $rc -ne 0 ]; then
	echo "FAIL: tools/kernel-lab did not reach every scenario's intended end" >&2
	exit 1
fi
dirs=()
for s in "${scenarios[@]}"; do dirs+=("$out/$s"); done
exec /usr/bin/env python3 "$top/tools/lab/compare.py" "$tcpscope" "${dirs[@]}" \
	--gaps "$top/pcaps/lab/KNOWN_GAPS"
