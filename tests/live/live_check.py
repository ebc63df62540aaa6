#!/usr/bin/env python3
"""live_check.py TCPSCOPE: tcpscope -i on a veth between two network namespaces.

A client namespace and a server namespace joined by a veth pair (offloads
off, so the capture sees the segments the stacks send). tcpscope captures on
the server's veth with --interval 1 --format json --stall-timeout 1, sends
syslog over UDP to a collector in the server namespace and drops root to
nobody. Two real connections run: a normal transfer, and one whose server
application never calls close() (CLOSE_WAIT on the server, FIN_WAIT_2 on the
client). SIGUSR1 asks for an interim record, SIGINT ends the run.

Checks: the stall is found live and sent to syslog (PRI, MSGID), the final
report shows both flows with the right states, periodic interval records
came, and tcpscope ran without root. Exit 77 (skip) without root or
'ip netns'. Everything is bounded in time; namespaces are always removed.
"""
import os
import re
import signal
import subprocess
import sys

from veth_lab import VethLab, in_ns

CLI_IP, SRV_IP = "10.231.7.1", "10.231.7.2"
LAB = VethLab("tsl%d" % os.getpid(), CLI_IP, SRV_IP)
NS_C, NS_S = LAB.ns_c, LAB.ns_s
FAILURES = LAB.failures
fail, spawn, cleanup, setup = LAB.fail, LAB.spawn, LAB.cleanup, LAB.setup
wait_for, records = LAB.wait_for, LAB.records
PORT_OK, PORT_STALL, SYSLOG_PORT = 18080, 18081, 15514
FACILITY, PRI_WARNING = "local0", 16 * 8 + 4


SERVER = r"""
import socket, sys, time
def listen(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port)); s.listen(4); return s
ok, stall = listen(int(sys.argv[2])), listen(int(sys.argv[3]))
print("ready", flush=True)
c, _ = ok.accept()
n = 0
while n < 200000:
    b = c.recv(65536)
    if not b: break
    n += len(b)
c.sendall(b"got %d\n" % n)
while c.recv(65536):   # the client closes first
    pass
c.close()
keep, _ = stall.accept()
while keep.recv(65536):
    pass
time.sleep(120)   # never close(): the socket stays in CLOSE_WAIT
"""

CLIENT = r"""
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
c.sendall(b"x" * 200000)
reply = b""
while not reply.endswith(b"\n"):
    b = c.recv(100)
    if not b: break
    reply += b
c.close()
print(reply.decode().strip(), flush=True)
s = socket.create_connection((sys.argv[1], int(sys.argv[3])), timeout=10)
s.sendall(b"hello"); s.close()   # FIN; the server acknowledges and never answers
print("closed", flush=True)
"""

COLLECTOR = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"\n")
"""


def uid_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    return None


def run(tcpscope, tmp):
    report, syslog_file = os.path.join(tmp, "report.jsonl"), os.path.join(tmp, "syslog.txt")
    os.chmod(tmp, 0o755)
    col = spawn(in_ns(NS_S, sys.executable, "-c", COLLECTOR, str(SYSLOG_PORT), syslog_file),
                stdout=subprocess.PIPE)
    if col.stdout.readline().strip() != b"ready":
        fail("the syslog collector did not start")
        return
    ts = spawn(in_ns(NS_S, tcpscope, "-i", "s0", "--interval", "1", "--format", "json",
                     "--syslog=udp://127.0.0.1:%d" % SYSLOG_PORT, "--facility", FACILITY,
                     "--stall-timeout", "1", "--user", "nobody", "-o", report, "-f", "tcp"),
                stderr=subprocess.PIPE)
    # capturing once the first interval record is out
    if not wait_for(lambda: os.path.exists(report) and b'"interval"' in open(report, "rb").read(),
                    10, "the first interval record"):
        return
    uid = uid_of(ts.pid)
    if not uid or any(u != 65534 for u in uid):
        fail("tcpscope still runs with uids %r after --user nobody" % uid)
    srv = spawn(in_ns(NS_S, sys.executable, "-c", SERVER, SRV_IP, str(PORT_OK), str(PORT_STALL)),
                stdout=subprocess.PIPE)
    if srv.stdout.readline().strip() != b"ready":
        fail("the server did not start")
        return
    cli = subprocess.run(in_ns(NS_C, sys.executable, "-c", CLIENT, SRV_IP, str(PORT_OK), str(PORT_STALL)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    if cli.returncode != 0 or b"got 200000" not in cli.stdout:
        fail("client: %r %r" % (cli.stdout, cli.stderr))
        return
    # the stall is found live, against the clock: no packet announces it
    wait_for(lambda: os.path.exists(syslog_file) and b"close_wait_stall" in open(syslog_file, "rb").read(),
             10, "close_wait_stall on syslog")
    ts.send_signal(signal.SIGUSR1)
    wait_for(lambda: b'"interim"' in open(report, "rb").read(), 5, "the interim record (SIGUSR1)")
    ts.send_signal(signal.SIGINT)
    try:
        rc = ts.wait(15)
    except subprocess.TimeoutExpired:
        fail("tcpscope did not end within 15 s of SIGINT")
        return
    err = ts.stderr.read().decode(errors="replace")
    if rc != 0:
        fail("tcpscope exited %d: %s" % (rc, err))
    check_report(records(report))
    check_syslog(open(syslog_file, "rb").read().decode("ascii", errors="replace"))


def check_report(recs):
    types = [r.get("type") for r in recs]
    if types.count("interval") < 1:
        fail("no interval record")
    for r in recs:
        if r.get("type") == "interval":
            for k in ("start", "end", "packets", "flows_active", "anomalies_new", "capture_drops"):
                if k not in r:
                    fail("interval record without %s: %r" % (k, r))
    if sum(r.get("anomalies", {}).get("close_wait_stall", 0) for r in recs if r.get("type") == "interval") \
            + sum(r.get("anomalies", {}).get("close_wait_stall", 0) for r in recs if r.get("type") == "interim") < 1:
        fail("close_wait_stall in no interval or interim record")
    if not recs or types[-1] != "summary":
        fail("the last record is not the summary: %r" % types[-3:])
        return
    s = recs[-1]
    if "capture_drops" not in s or s.get("syslog_failures") != 0:
        fail("summary: capture_drops %r, syslog_failures %r" % (s.get("capture_drops"), s.get("syslog_failures")))
    flows = [r for r in recs if r.get("type") == "flow"]
    ok = [f for f in flows if f["server"] == "%s:%d" % (SRV_IP, PORT_OK)]
    stall = [f for f in flows if f["server"] == "%s:%d" % (SRV_IP, PORT_STALL)]
    if len(ok) != 1 or len(stall) != 1:
        fail("expected one flow per server port, got %r" % [(f["client"], f["server"]) for f in flows])
        return
    o, st = ok[0], stall[0]
    if o["handshake"] != "complete" or o["c2s"]["payload_bytes"] != 200000 or o["c2s"]["retrans_segments"]:
        fail("normal transfer: %r" % {k: o[k] for k in ("handshake", "c2s")})
    if o["client_state"] != "TIME_WAIT" or o["server_state"] != "CLOSED":
        fail("normal transfer ends %s/%s, expected TIME_WAIT/CLOSED" % (o["client_state"], o["server_state"]))
    if o["anomalies"]:
        fail("normal transfer has anomalies %r" % o["anomalies"])
    if st["server_state"] != "CLOSE_WAIT" or st["client_state"] != "FIN_WAIT_2":
        fail("stall flow ends %s/%s, expected FIN_WAIT_2/CLOSE_WAIT" % (st["client_state"], st["server_state"]))
    if "close_wait_stall" not in st["anomalies"]:
        fail("stall flow anomalies %r" % st["anomalies"])
    an = [r for r in recs if r.get("type") == "anomaly" and r["code"] == "close_wait_stall"]
    if len(an) != 1 or an[0]["endpoint"] != "server" or an[0]["flow"] != st["id"]:
        fail("close_wait_stall anomaly record: %r" % an)


def check_syslog(text):
    msgs = [m for m in text.split("\n") if m]
    stall = [m for m in msgs if re.match(r"<%d>1 \S+ \S+ tcpscope \d+ close_wait_stall \[tcpscope@32473 " % PRI_WARNING, m)]
    if len(stall) != 1:
        fail("syslog: %d close_wait_stall messages with PRI %d: %r" % (len(stall), PRI_WARNING, msgs))
    elif 'endpoint="server"' not in stall[0] or 'server="%s:%d"' % (SRV_IP, PORT_STALL) not in stall[0]:
        fail("syslog: message lacks endpoint/server: %r" % stall[0])


def main():
    return LAB.main("live_check.py TCPSCOPE", lambda args, tmp: run(args[0], tmp), "tcpscope-live.")


if __name__ == "__main__":
    sys.exit(main())
