#!/usr/bin/env python3
"""The same capture as pcap (either byte order, us or ns timestamps), pcapng,
gzip-compressed, and on stdin must give the same analysis.

    same_flows.py TCPSCOPE PCAP...

Every variant is written here from the original with the standard library,
independently of tcpscope's readers, and tcpscope's JSON output for each is
compared with the output for the original (the "inputs" list aside)."""

import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    else:
        endian = ">"
        magic = struct.unpack(">I", data[:4])[0]
    nano = magic == 0xA1B23C4D
    _, _, _, _, _, snaplen, linktype = struct.unpack(endian + "IHHiIII", data[:24])
    records, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(endian + "IIII", data[off:off + 16])
        body = data[off + 16:off + 16 + caplen]
        records.append((sec * 1_000_000_000 + (frac if nano else frac * 1000), wirelen, body))
        off += 16 + caplen
    return linktype, snaplen, records


def write_pcap(path, linktype, snaplen, records, endian="<", nano=False):
    with open(path, "wb") as f:
        magic = 0xA1B23C4D if nano else 0xA1B2C3D4
        f.write(struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))
        for ts, wirelen, body in records:
            frac = ts % 1_000_000_000 if nano else (ts % 1_000_000_000) // 1000
            f.write(struct.pack(endian + "IIII", ts // 1_000_000_000, frac, len(body), wirelen))
            f.write(body)


def block(kind, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return struct.pack("<II", kind, total) + body + b"\0" * pad + struct.pack("<I", total)


def write_pcapng(path, linktype, snaplen, records):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    tsresol = struct.pack("<HHB", 9, 1, 9) + b"\0" * 3 + struct.pack("<HH", 0, 0)
    idb = block(1, struct.pack("<HHI", linktype, 0, snaplen) + tsresol)
    with open(path, "wb") as f:
        f.write(shb + idb)
        for ts, wirelen, body in records:
            hdr = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(body), wirelen)
            f.write(block(6, hdr + body))


def analyse(binary, args, stdin=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp:
        run = subprocess.run([binary, "--format", "json", "--seed", "1"] + args, stdin=inp,
                             capture_output=True, env=dict(os.environ, TZ="UTC"))
    records = []
    for line in run.stdout.decode().splitlines():
        rec = json.loads(line)
        rec.pop("inputs", None)
        records.append(rec)
    return run.returncode, records


def main():
    binary, pcaps = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for original in pcaps:
            linktype, snaplen, records = read_pcap(original)
            base = os.path.join(tmp, os.path.basename(original))
            variants = {
                "pcap-be": base + ".be.pcap",
                "pcap-ns": base + ".ns.pcap",
                "pcapng": base + ".pcapng",
                "pcap.gz": base + ".pcap.gz",
                "pcapng.gz": base + ".pcapng.gz",
            }
            write_pcap(variants["pcap-be"], linktype, snaplen, records, endian=">")
            write_pcap(variants["pcap-ns"], linktype, snaplen, records, nano=True)
            write_pcapng(variants["pcapng"], linktype, snaplen, records)
            for plain, packed in (("pcap-ns", "pcap.gz"), ("pcapng", "pcapng.gz")):
                with open(variants[plain], "rb") as src, gzip.open(variants[packed], "wb") as dst:
                    dst.write(src.read())
            want = analyse(binary, ["-r", original])
            runs = {name: analyse(binary, ["-r", path]) for name, path in variants.items()}
            runs["stdin"] = analyse(binary, ["-r", "-"], stdin=variants["pcapng.gz"])
            for name, got in runs.items():
                # Microsecond files lose nothing: every variant must agree exactly.
                if got == want:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s as %s: exit %d vs %d, %d vs %d records" % (
                        original, name, got[0], want[0], len(got[1]), len(want[1])))
    print("formats: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
