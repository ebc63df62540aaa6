#!/usr/bin/python3
"""Turn the raw kernel snapshots of one lab scenario into truth.json.

Inputs (in --raw DIR): <role>.nstat0 / <role>.nstat1 (`nstat -az` before and
after), <role>.ss (`ss -tanoiH` at the end), <role>.log (peer output), for
role in client, server. Expectations ("client.state.FIN_WAIT_2>=1",
"server.nstat.TcpRetransSegs>=100", "client.log.DONE>=1" counting peer
output lines that start with the word) are evaluated and stored under
"observed", so a scenario that missed its intent says so.
"""
import argparse
import json
import os
import re
import sys

SS_STATES = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECEIVED",
    "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2",
    "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
    "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING", "LISTEN": "LISTEN",
    "CLOSE": "CLOSED", "UNCONN": "CLOSED",
}

TCPEXT_KEEP = [
    "TcpExtTCPSynRetrans", "TcpExtTCPKeepAlive", "TcpExtTCPWinProbe",
    "TcpExtTCPLossProbes", "TcpExtTCPSpuriousRTOs", "TcpExtSyncookiesSent",
    "TcpExtSyncookiesRecv", "TcpExtSyncookiesFailed", "TcpExtTCPTimeouts",
    "TcpExtTCPFastRetrans", "TcpExtTCPSlowStartRetrans",
    "TcpExtTCPLostRetransmit", "TcpExtTCPDSACKRecv", "TcpExtTCPDSACKOldSent",
    "TcpExtTCPDSACKUndo", "TcpExtTCPLossProbeRecovery", "TcpExtTCPAbortOnData",
    "TcpExtTCPAbortOnClose", "TcpExtTCPAbortOnTimeout", "TcpExtListenOverflows",
    "TcpExtListenDrops", "TcpExtTCPReqQFullDoCookies", "TcpExtTCPReqQFullDrop",
    "TcpExtTCPSynRetrans", "TcpExtTCPFromZeroWindowAdv",
    "TcpExtTCPToZeroWindowAdv", "TcpExtTCPZeroWindowDrop", "TcpExtTW",
    "TcpExtTCPOrigDataSent", "TcpExtTCPRetransFail", "TcpExtTCPSackRecovery",
    "TcpExtTCPPureAcks", "TcpExtTCPHPAcks", "TcpExtTCPDelivered",
    # reordering and duplication by the network
    "TcpExtTCPSACKReorder", "TcpExtTCPTSReorder", "TcpExtTCPRenoReorder",
    "TcpExtTCPDSACKOfoSent", "TcpExtTCPDSACKOfoRecv", "TcpExtTCPDSACKRecvSegs",
    "TcpExtTCPDSACKIgnoredOld", "TcpExtTCPDSACKIgnoredNoUndo", "TcpExtTCPOFOQueue",
    "TcpExtTCPFullUndo", "TcpExtTCPPartialUndo", "TcpExtTCPLossUndo",
    "TcpExtTCPSackShifted", "TcpExtTCPSackMerged",
]


def read_nstat(path):
    values = {}
    with open(path) as f:
        for line in f:
            cols = line.split()
            if len(cols) >= 2 and not line.startswith("#"):
                try:
                    values[cols[0]] = int(cols[1])
                except ValueError:
                    pass
    return values


def nstat_delta(start, end):
    out = {}
    for name, value in end.items():
        keep = name.startswith("Tcp") and not name.startswith("TcpExt")
        keep = keep or name in TCPEXT_KEEP
        keep = keep or name.startswith("IpReasm")  # fragments put together
        if not keep:
            continue
        if name == "TcpCurrEstab":
            out[name] = value  # a gauge, not a counter
        else:
            out[name] = value - start.get(name, 0)
    return dict(sorted(out.items()))


def parse_ss(path):
    """`ss -tanoiH`: a socket line, optionally followed by an indented
    line of TCP info (mss:, rtt:, ...)."""
    sockets = []
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines:
        if not line.strip():
            continue
        if line[0] in " \t" and sockets:
            sockets[-1]["raw"] += "\n" + line
            m = re.search(r"\bmss:(\d+)", line)
            if m:
                sockets[-1]["mss"] = int(m.group(1))
            continue
        cols = line.split()
        if len(cols) < 5:
            continue
        sockets.append({
            "local": cols[3], "peer": cols[4],
            "state": SS_STATES.get(cols[0], cols[0]),
            "mss": None, "raw": line,
        })
    return sockets


EXPECT_RE = re.compile(r"^(client|server)\.(state|nstat|log)\.(\w+)(>=|<=|==)(\d+)$")


def evaluate(expectations, hosts):
    results = []
    for text in expectations:
        m = EXPECT_RE.match(text)
        if not m:
            results.append({"expect": text, "got": None, "ok": False,
                            "why": "unparsable expectation"})
            continue
        role, kind, name, op, want = m.groups()
        want = int(want)
        host = hosts[role]
        if kind == "state":
            got = sum(1 for s in host["ss"] if s["state"] == name)
        elif kind == "log":
            got = sum(1 for line in host["peer_log_all"]
                      if line.split()[:1] == [name])
        else:
            got = host["nstat"].get(name, 0)
        ok = {">=": got >= want, "<=": got <= want, "==": got == want}[op]
        results.append({"expect": text, "got": got, "ok": ok})
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--description", required=True)
    ap.add_argument("--client", required=True, help="client host address")
    ap.add_argument("--server", required=True, help="server host address")
    ap.add_argument("--intent", default="", help="intended end, in words")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--mss", action="append", default=[],
                    help="role=value: MSS that host was set up to announce")
    ap.add_argument("--router-rules", default="")
    ap.add_argument("--router-log", default="",
                    help="output of a user-space router (forwarder.py), if one ran")
    ap.add_argument("--kernel", default="")
    ap.add_argument("--congestion-control", default="")
    ap.add_argument("--quiet-ms", type=int, default=0,
                    help="how long both hosts sent/received nothing before the snapshot")
    ap.add_argument("--settled", choices=["yes", "no"], default="yes",
                    help="counters unchanged between snapshot and capture stop")
    args = ap.parse_args()

    hosts = {}
    for role, addr in (("client", args.client), ("server", args.server)):
        base = os.path.join(args.raw, role)
        log = ""
        if os.path.exists(base + ".log"):
            with open(base + ".log") as f:
                log = f.read()
        hosts[role] = {
            "address": addr,
            "capture": role + ".pcap",
            "nstat": nstat_delta(read_nstat(base + ".nstat0"),
                                 read_nstat(base + ".nstat1")),
            "ss": parse_ss(base + ".ss"),
            "peer_log": log.strip().splitlines()[-5:],
            "peer_log_all": log.strip().splitlines(),
        }
    announced = {}
    for item in args.mss:
        role, value = item.split("=", 1)
        announced[hosts[role]["address"]] = int(value)

    checks = evaluate(args.expect, hosts)
    for host in hosts.values():
        del host["peer_log_all"]
    reached = all(c["ok"] for c in checks)
    truth = {
        "scenario": args.scenario,
        "description": args.description,
        "intent": args.intent,
        "hosts": hosts,
        "mss_announced": announced,
        "router_rules": args.router_rules,
        "kernel": args.kernel,
        "congestion_control": args.congestion_control,
        "observed": {
            "reached_intent": reached,
            "checks": checks,
            "quiet_ms_before_snapshot": args.quiet_ms,
            "settled_at_capture_stop": args.settled == "yes",
        },
    }
    if args.router_log and os.path.exists(args.router_log):
        with open(args.router_log) as f:
            truth["router_log"] = f.read().strip().splitlines()[-5:]
    with open(args.out, "w") as f:
        json.dump(truth, f, indent=1, sort_keys=False)
        f.write("\n")
    status = "reached" if reached else "NOT REACHED"
    for c in checks:
        if not c["ok"]:
            print("  expectation failed: %s (got %s)" % (c["expect"], c["got"]),
                  file=sys.stderr)
    print("%s: intent %s" % (args.scenario, status), file=sys.stderr)
    return 0 if reached else 3


if __name__ == "__main__":
    sys.exit(main())
