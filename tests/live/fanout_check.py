#!/usr/bin/env python3
"""fanout_check.py TCPSCOPE PEER: live capture on two PACKET_FANOUT workers.

Two network namespaces joined by a veth pair (offloads off). On the server's
veth, tcpscope captures with -i s0 --threads 2 --verbose while tcpdump writes
the same traffic to a file. Real kernel TCP (tools/lab/peer.py): 200 short
request/response connections, 20 at a time, and one bulk transfer of 4 MB.

Checks: every connection is one flow with both directions, a complete
handshake and known states on both sides, and nothing else was tracked; the
flows and their figures (handshake, states, packets, bytes and payload per
direction) are those of a --threads 1 run over tcpdump's capture; both
workers got packets (the fanout spread the connections) and together they
fed the packets the summary counts. A second capture with -c 1000 ends by
itself after exactly 1000 packets over both workers, and --interval makes
the capture run on one thread with one notice. Exit 77 (skip) without root or
'ip netns'. Everything is bounded in time; namespaces are always removed.
"""
import json
import os
import signal
import subprocess
import sys
import time

from veth_lab import VethLab, in_ns

CLI_IP, SRV_IP = "10.231.9.1", "10.231.9.2"
LAB = VethLab("tsf%d" % os.getpid(), CLI_IP, SRV_IP)
NS_C, NS_S = LAB.ns_c, LAB.ns_s
FAILURES = LAB.failures
fail, spawn, cleanup, setup = LAB.fail, LAB.spawn, LAB.cleanup, LAB.setup
wait_for, records = LAB.wait_for, LAB.records
PORT_RR, PORT_BULK = 18090, 18091
SHORT, BULK_BYTES = 200, 4000000
COUNT = 1000


def first_line(stream, wanted, seconds, what):
    """The first line of stream (stripped) for which wanted holds, or None
    after a failure naming what."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        line = stream.readline()
        if not line:
            break
        text = line.decode(errors="replace")
        if wanted(text):
            return text.strip()
    fail(what)
    return None


def read_line(proc, word, seconds, what):
    """The first stdout line of proc starting with word, or None."""
    return first_line(proc.stdout, lambda text: text.startswith(word), seconds, "%s: no %s line" % (what, word))


def stop(proc, what, seconds=20):
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(seconds)
    except subprocess.TimeoutExpired:
        fail("%s did not end within %d s of SIGINT" % (what, seconds))
        return None


def traffic(peer):
    servers = [
        spawn(in_ns(NS_S, sys.executable, peer, "server", "--addr", SRV_IP, "--port", str(PORT_RR),
                    "--mode", "reqresp", "--request", "300", "--response", "3000",
                    "--count", str(SHORT)), stdout=subprocess.PIPE),
        spawn(in_ns(NS_S, sys.executable, peer, "server", "--addr", SRV_IP, "--port", str(PORT_BULK),
                    "--mode", "sink", "--count", "1"), stdout=subprocess.PIPE),
    ]
    for s in servers:
        if not read_line(s, "READY", 10, "server"):
            return False
    clients = [
        spawn(in_ns(NS_C, sys.executable, peer, "conns", "--host", SRV_IP, "--port", str(PORT_RR),
                    "--count", str(SHORT), "--parallel", "20", "--request", "300",
                    "--response", "3000"), stdout=subprocess.PIPE),
        spawn(in_ns(NS_C, sys.executable, peer, "bulk", "--host", SRV_IP, "--port", str(PORT_BULK),
                    "--bytes", str(BULK_BYTES), "--burst", "65536", "--gap", "0.003"),
              stdout=subprocess.PIPE),
    ]
    done = read_line(clients[0], "DONE", 60, "short connections")
    if done and done.split()[1:] != ["ok=%d" % SHORT]:
        fail("short connections: %r" % done)
        return False
    if not read_line(clients[1], "DONE", 60, "bulk transfer"):
        return False
    for s in servers:
        if not read_line(s, "DONE", 20, "server"):
            return False
    time.sleep(1.0)  # the last ACKs of the closes
    return True


FIGURES = ("packets", "bytes", "payload_bytes")


def flow_view(f):
    v = {k: f[k] for k in ("handshake", "client_state", "server_state")}
    for d in ("c2s", "s2c"):
        v[d] = {k: f[d][k] for k in FIGURES}
    return v


def check_live(recs, connections):
    flows = [r for r in recs if r.get("type") == "flow"]
    if len(flows) != connections:
        fail("live: %d flows for %d connections" % (len(flows), connections))
    by_pair = {}
    for f in flows:
        key = (f["client"], f["server"])
        if key in by_pair:
            fail("live: connection %s -> %s split into several flows" % key)
        by_pair[key] = f
        if not f["client"].startswith(CLI_IP + ":") or f["server"] not in (
                "%s:%d" % (SRV_IP, PORT_RR), "%s:%d" % (SRV_IP, PORT_BULK)):
            fail("live: unexpected flow %s -> %s" % key)
        if f["handshake"] != "complete":
            fail("live: %s -> %s handshake %s" % (key + (f["handshake"],)))
        if "UNKNOWN" in (f["client_state"], f["server_state"]):
            fail("live: %s -> %s states %s/%s" % (key + (f["client_state"], f["server_state"])))
        if not f["c2s"]["packets"] or not f["s2c"]["packets"]:
            fail("live: %s -> %s lacks a direction: %r" % (key + ({d: f[d]["packets"] for d in ("c2s", "s2c")},)))
    bulk = [f for f in flows if f["server"] == "%s:%d" % (SRV_IP, PORT_BULK)]
    # payload_bytes counts resent bytes too
    if len(bulk) != 1 or bulk[0]["c2s"]["payload_bytes"] < BULK_BYTES:
        fail("live: bulk flow %r" % [flow_view(f) for f in bulk])
    return by_pair


def check_same(live, offline):
    if set(live) != set(offline):
        fail("flows only live: %r; only in the tcpdump capture: %r"
             % (sorted(set(live) - set(offline))[:5], sorted(set(offline) - set(live))[:5]))
    differ = [k for k in live if k in offline and flow_view(live[k]) != flow_view(offline[k])]
    for k in differ[:5]:
        fail("%s -> %s: live %r, tcpdump capture %r" % (k + (flow_view(live[k]), flow_view(offline[k]))))
    if len(differ) > 5:
        fail("%d flows differ in all" % len(differ))


def check_workers(err, summary, spread=True):
    counts = {}
    for line in err.split("\n"):
        words = line.split()
        if line.startswith("tcpscope: worker ") and len(words) > 3:
            counts[int(words[2].rstrip(":"))] = int(words[3])
    if sorted(counts) != [0, 1]:
        fail("expected counts for workers 0 and 1 on stderr: %r" % err)
        return
    if spread and not all(counts.values()):
        fail("a worker got no packet, the fanout did not spread: %r" % counts)
    if sum(counts.values()) != summary.get("packets"):
        fail("workers fed %r packets, the summary counts %r" % (counts, summary.get("packets")))


def check_count(proc):
    """-c N counts the packets of all workers and ends the run by itself."""
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        fail("tcpscope -c %d did not end by itself" % COUNT)
        return
    recs = [json.loads(x) for x in out.decode().split("\n") if x]
    if proc.returncode != 0 or not recs or recs[-1].get("type") != "summary":
        fail("tcpscope -c %d: exit %r, %r" % (COUNT, proc.returncode, err))
        return
    if recs[-1].get("packets") != COUNT:
        fail("tcpscope -c %d analysed %r packets" % (COUNT, recs[-1].get("packets")))
    # the first packets may all belong to flows of one worker
    check_workers(err.decode(errors="replace"), recs[-1], spread=False)


def check_fallback(tcpscope):
    """--interval needs one analysis: the capture runs on one thread, said once."""
    p = subprocess.run(in_ns(NS_S, tcpscope, "-i", "s0", "--threads", "2", "--verbose", "--interval", "0.5",
                             "--duration", "1.2", "-q", "--format", "json"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    err = p.stderr.decode(errors="replace")
    types = [json.loads(x).get("type") for x in p.stdout.decode().split("\n") if x]
    if p.returncode != 0 or "interval" not in types or types[-1] != "summary":
        fail("--threads 2 --interval: exit %d, records %r, %r" % (p.returncode, types, err))
    notices = [l for l in err.split("\n") if "--interval" in l and "one thread" in l]
    if len(notices) != 1 or "PACKET_FANOUT" in err:
        fail("--threads 2 --interval: expected one notice and no fanout, got %r" % err)


def run(tcpscope, peer, tmp):
    report, pcap = os.path.join(tmp, "live.jsonl"), os.path.join(tmp, "same.pcap")
    dump = spawn(in_ns(NS_S, "tcpdump", "-i", "s0", "-n", "-s", "0", "-B", "16384", "-w", pcap, "tcp"),
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not read_line_err(dump, "listening on", 10, "tcpdump"):
        return
    ts = spawn(in_ns(NS_S, tcpscope, "-i", "s0", "--threads", "2", "--verbose", "--format", "json",
                     "--flows", "all", "--buffer-size", "16777216", "-o", report, "-f", "tcp"), stderr=subprocess.PIPE)
    if not read_line_err(ts, "tcpscope: s0: 2 workers in PACKET_FANOUT group", 10, "tcpscope"):
        return
    counted = spawn(in_ns(NS_S, tcpscope, "-i", "s0", "--threads", "2", "--verbose", "-c", str(COUNT),
                          "--format", "json", "-q", "-f", "tcp"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not read_line_err(counted, "workers in PACKET_FANOUT group", 10, "tcpscope -c"):
        return
    ok = traffic(peer)
    check_count(counted)
    rc = stop(ts, "tcpscope")
    err = ts.stderr.read().decode(errors="replace")
    stop(dump, "tcpdump")
    if not ok:
        return
    if rc != 0:
        fail("tcpscope exited %r: %s" % (rc, err))
        return
    recs = records(report)
    if not recs or recs[-1].get("type") != "summary":
        fail("the live report does not end with a summary")
        return
    summary = recs[-1]
    if any((summary.get("capture_drops") or {}).values()):
        fail("the live capture dropped packets: %r" % summary.get("capture_drops"))
    live = check_live(recs, SHORT + 1)
    check_workers(err, summary)
    off = subprocess.run([tcpscope, "-r", pcap, "--threads", "1", "--format", "json", "--flows", "all"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if off.returncode != 0:
        fail("tcpscope -r of tcpdump's capture exited %d: %s" % (off.returncode, off.stderr.decode()))
        return
    offline = {}
    for r in (json.loads(x) for x in off.stdout.decode().split("\n") if x):
        if r.get("type") == "flow":
            offline[(r["client"], r["server"])] = r
    if len(offline) != SHORT + 1:
        fail("tcpdump's capture holds %d flows for %d connections" % (len(offline), SHORT + 1))
    check_same(live, offline)


def read_line_err(proc, text, seconds, what):
    """The first stderr line of proc containing text, or None."""
    return first_line(proc.stderr, lambda line: text in line, seconds, "%s: no %r line on stderr" % (what, text))


def checks(args, tmp):
    tcpscope, peer = args
    run(tcpscope, peer, tmp)
    check_fallback(tcpscope)


def main():
    return LAB.main("fanout_check.py TCPSCOPE PEER", checks, "tcpscope-fanout.", needs=("tcpdump",))


if __name__ == "__main__":
    sys.exit(main())
