#!/usr/bin/env python3
"""cli_check.py CHECK TCPSCOPE TOP [TRACE]: command-line behaviour of tcpscope.

CHECK is one of the functions named check_*; TOP is the source tree (for
pcaps/, src/cli.c and doc/tcpscope.1); TRACE a generated capture for the
checks that take one. Prints what failed and exits 1, or 0.
"""
import csv
import glob
import inspect
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

TIMEOUT = 60
FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def run(args, **kw):
    kw.setdefault("timeout", TIMEOUT)
    return subprocess.run([TCPSCOPE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def expect_rc(args, rc, what):
    p = run(args)
    if p.returncode != rc:
        fail("%s: %s exited %d, expected %d; stderr: %s"
             % (what, args, p.returncode, rc, p.stderr.decode(errors="replace").strip()))
    return p


def pcap(name):
    return os.path.join(TOP, "pcaps", name)


def all_traces():
    traces = sorted(glob.glob(os.path.join(TOP, "pcaps", "**", "*.pcap"), recursive=True))
    traces += sorted(glob.glob(os.path.join(TOP, "pcaps", "**", "*.pcapng"), recursive=True))
    if len(traces) < 20:
        fail("only %d traces found under pcaps/" % len(traces))
    return traces


def json_lines(data, what):
    records = []
    for n, line in enumerate(data.decode("utf-8").split("\n"), 1):
        if not line:
            continue
        try:
            records.append(json.loads(line))
        except ValueError as e:
            fail("%s: line %d is not JSON (%s): %r" % (what, n, e, line[:200]))
    if not data.endswith(b"\n"):
        fail("%s: output does not end with a newline" % what)
    return records


# --- exit statuses ---------------------------------------------------------

def check_exit_codes():
    ok = pcap("synth/handshake_data_close_client.pcap")
    stall = pcap("synth/close_wait_stall.pcap")
    expect_rc(["-r", ok], 0, "a clean trace")
    expect_rc(["-r", ok, "--fail-on", "warning"], 0, "--fail-on warning, nothing at warning")
    expect_rc(["--help"], 0, "--help")
    expect_rc(["--version"], 0, "--version")
    # 1: usage
    for args in (["--no-such-option"], [], ["-r", ok, "--format", "xml"], ["-r", ok, "-i", "lo"],
                 ["-r", ok, "extra"], ["-r", ok, "--count", "-3"], ["-r", ok, "--fail-on", "loud"],
                 ["-r", ok, "--expect", "no_such_code"], ["-r", ok, "--facility", "kern"],
                 ["-r", ok, "--interval", "1"], ["-r", ok, "--color", "pink"],
                 ["-r", ok, "--flows", "some"], ["-r", ok, "--host", "not-an-address"],
                 ["-r", ok, "--syslog=ftp://x"], ["-r", ok, "--stall-timeout", "soon"],
                 ["-r", ok, "--user", "no-such-user-tcpscope"]):
        expect_rc(args, 1, "usage error")
    # 2: input
    tmp = tempfile.mkdtemp(prefix="tcpscope-cli.")
    try:
        garbage = os.path.join(tmp, "garbage.pcap")
        with open(garbage, "wb") as f:
            f.write(b"this is not a capture file at all\n" * 10)
        expect_rc(["-r", os.path.join(tmp, "missing.pcap")], 2, "a missing file")
        expect_rc(["-r", garbage], 2, "not a capture")
        expect_rc(["-r", ok, "-o", os.path.join(tmp, "no", "such", "dir", "out")], 2, "unwritable output")
        # 4: truncated in the middle of a record; the report is still printed
        with open(stall, "rb") as f:
            data = f.read()
        cut = os.path.join(tmp, "cut.pcap")
        with open(cut, "wb") as f:
            f.write(data[:len(data) - 30])
        p = expect_rc(["-r", cut, "--format", "json"], 4, "a truncated file")
        recs = json_lines(p.stdout, "truncated file")
        summ = [r for r in recs if r.get("type") == "summary"]
        if len(summ) != 1 or summ[0].get("truncated") is not True or not summ[0].get("packets"):
            fail("truncated file: no summary saying truncated with the packets read: %r" % summ)
        p = expect_rc(["-r", cut], 4, "a truncated file, text")
        if b"TRUNCATED" not in p.stdout:
            fail("truncated file: the text report does not say TRUNCATED")
        # a truncated file wins over a failed check: the check saw partial data
        expect_rc(["-r", cut, "--fail-on", "debug"], 4, "truncated and a failed check")
    finally:
        shutil.rmtree(tmp)
    # 3: checks
    p = expect_rc(["-r", stall, "--fail-on", "warning"], 3, "--fail-on warning with close_wait_stall")
    if b"close_wait_stall" not in p.stderr:
        fail("--fail-on: stderr does not name the finding: %r" % p.stderr)
    expect_rc(["-r", stall, "--fail-on", "err"], 0, "--fail-on err, only warnings")
    expect_rc(["-r", stall, "--expect", "close_wait_stall:1"], 0, "--expect met")
    expect_rc(["-r", stall, "--expect", "close_wait_stall:2"], 3, "--expect count wrong")
    expect_rc(["-r", stall, "--expect", "syn_flood"], 3, "--expect missing")
    expect_rc(["-r", stall, "--forbid", "close_wait_stall"], 3, "--forbid found")
    expect_rc(["-r", stall, "--forbid", "syn_flood"], 0, "--forbid absent")
    if os.geteuid() == 0:
        # root gives itself up once the input is open; the report is the same
        a = expect_rc(["-r", stall, "--user", "nobody"], 0, "--user nobody")
        b = expect_rc(["-r", stall], 0, "without --user")
        if a.stdout != b.stdout:
            fail("--user nobody changes the report")
    # the report is printed whatever the check says
    p = run(["-r", stall, "-q", "--fail-on", "warning"])
    if b"close_wait_stall" not in p.stdout:
        fail("--fail-on: the report was not printed")


# --- help, version, man page ------------------------------------------------

def accepted_long_options():
    """The getopt_long table of src/cli.c."""
    with open(os.path.join(TOP, "src", "cli.c")) as f:
        src = f.read()
    table = re.search(r"long_opts\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    if not table:
        fail("src/cli.c: no long_opts table found")
        return []
    return re.findall(r'\{\s*"([a-z0-9-]+)"\s*,', table.group(1))


def check_help():
    p = expect_rc(["--help"], 0, "--help")
    text = p.stdout.decode()
    mentioned = set(re.findall(r"--([a-z0-9][a-z0-9-]*)", text))
    opts = accepted_long_options()
    if len(opts) < 30:
        fail("only %d long options found in src/cli.c" % len(opts))
    for o in opts:
        if o not in mentioned:
            fail("--help does not mention --%s" % o)
    # everything --help mentions is accepted: never "unrecognized option"
    for o in sorted(mentioned):
        q = run(["--" + o, "--help"])
        err = q.stderr.decode(errors="replace")
        if "unrecognized option" in err or "unknown option" in err:
            fail("--help mentions --%s but it is not accepted" % o)
    for line in text.split("\n"):
        if len(line) > 80:
            fail("--help line longer than 80 columns: %r" % line)
    for group in ("Input:", "Live capture:", "Output:", "Syslog", "Analysis:", "Checks", "Exit status"):
        if group not in text:
            fail("--help has no %r section" % group)
    v = expect_rc(["--version"], 0, "--version")
    if not re.match(rb"tcpscope \d+\.\d+\.\d+\n$", v.stdout):
        fail("--version prints %r" % v.stdout)
    # the man page documents every option too
    with open(os.path.join(TOP, "doc", "tcpscope.1")) as f:
        man = f.read().replace("\\-", "-")
    for o in opts:
        if "--" + o not in man:
            fail("doc/tcpscope.1 does not document --%s" % o)
    # and every anomaly code
    codes = anomaly_codes()
    for c in codes:
        if c.replace("_", "\\_") not in man and c not in man:
            fail("doc/tcpscope.1 does not document the anomaly %s" % c)


def anomaly_codes():
    with open(os.path.join(TOP, "src", "anomaly.c")) as f:
        codes = re.findall(r'\] = \{ "([a-z0-9_]+)"', f.read())
    if len(codes) < 20:
        fail("only %d anomaly codes found in src/anomaly.c" % len(codes))
    return codes


# --- JSON Lines contract -----------------------------------------------------

FLOW_KEYS = ["id", "client", "server", "first", "last", "client_state", "server_state",
             "handshake", "mss", "c2s", "s2c", "anomalies"]
DIR_KEYS = ["packets", "bytes", "payload_bytes", "data_segments", "retrans_segments",
            "retrans_bytes", "retrans_pct"]
ANOMALY_KEYS = ["flow", "code", "severity", "severity_code", "ts", "endpoint", "message"]
SUMMARY_KEYS = ["packets", "decode_errors", "flows", "states", "hosts"]
HOST_KEYS = ["host", "active_opens", "passive_opens", "failed_attempts", "resets", "current",
             "segments_received", "segments_sent", "segments_retransmitted", "retrans_pct"]
STATES = {"LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "CLOSED", "UNKNOWN"}
HANDSHAKES = {"complete", "refused", "unanswered", "half_open", "simultaneous_open", "midstream",
              "none"}
SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]


def missing(rec, keys, what):
    for k in keys:
        if k not in rec:
            fail("%s: key %r missing in %s" % (what, k, json.dumps(rec)[:300]))
            return True
    return False


def check_flow(r, what):
    if missing(r, FLOW_KEYS, what + " flow"):
        return
    if r["client_state"] not in STATES or r["server_state"] not in STATES:
        fail("%s: flow %s: unknown state %s/%s" % (what, r["id"], r["client_state"], r["server_state"]))
    if r["handshake"] not in HANDSHAKES:
        fail("%s: flow %s: unknown handshake %r" % (what, r["id"], r["handshake"]))
    if missing(r["mss"], ["client", "server", "effective"], what + " flow.mss"):
        return
    for side in ("client", "server"):
        if r["mss"][side] is not None and not isinstance(r["mss"][side], int):
            fail("%s: mss.%s is %r" % (what, side, r["mss"][side]))
    for d in ("c2s", "s2c"):
        if missing(r[d], DIR_KEYS, "%s flow.%s" % (what, d)):
            continue
        s = r[d]
        exp = round(100.0 * s["retrans_segments"] / s["data_segments"], 2) if s["data_segments"] else 0
        if abs(s["retrans_pct"] - exp) > 0.006:
            fail("%s: flow %s %s retrans_pct %s, computed %s" % (what, r["id"], d, s["retrans_pct"], exp))
    if not isinstance(r["anomalies"], list):
        fail("%s: flow.anomalies is not a list" % what)


def check_record_set(records, what):
    types = [r.get("type") for r in records]
    if types.count("summary") != 1 or types[-1] != "summary":
        fail("%s: expected exactly one summary record, last; got %s" % (what, types[-5:]))
    flows = {}
    for r in records:
        t = r.get("type")
        if t == "flow":
            check_flow(r, what)
            flows[r.get("id")] = r
        elif t == "anomaly":
            if missing(r, ANOMALY_KEYS, what + " anomaly"):
                continue
            if r["severity"] not in SEVERITIES or SEVERITIES.index(r["severity"]) != r["severity_code"]:
                fail("%s: severity %r / %r" % (what, r["severity"], r["severity_code"]))
            if r["endpoint"] not in ("client", "server", None):
                fail("%s: endpoint %r" % (what, r["endpoint"]))
            if r["flow"] is not None and r["flow"] not in flows:
                fail("%s: anomaly of unknown flow %r" % (what, r["flow"]))
            if r["flow"] is not None and r["code"] not in flows[r["flow"]]["anomalies"]:
                fail("%s: anomaly %s not listed in flow %s" % (what, r["code"], r["flow"]))
            if not r["message"]:
                fail("%s: empty message" % what)
        elif t == "summary":
            if missing(r, SUMMARY_KEYS, what + " summary"):
                continue
            if r["flows"] != len(flows):
                fail("%s: summary says %d flows, %d flow records" % (what, r["flows"], len(flows)))
            for h in r["hosts"]:
                missing(h, HOST_KEYS, what + " summary.hosts[]")
            if sum(r["states"].values()) != 2 * len(flows):
                fail("%s: the state distribution does not count both endpoints of each flow" % what)
        else:
            fail("%s: unknown record type %r" % (what, t))


def check_json_all():
    n = 0
    for t in all_traces():
        p = run(["-r", t, "--format", "json"])
        rel = os.path.relpath(t, TOP)
        # 2: a record the file cannot hold (fuzz regressions); the report is
        # still printed and must still parse
        if p.returncode not in (0, 2, 4):
            fail("%s: exit %d: %s" % (rel, p.returncode, p.stderr.decode(errors="replace")))
            continue
        check_record_set(json_lines(p.stdout, rel), rel)
        n += 1
    print("%d traces give valid JSON Lines" % n)


def check_csv_all():
    n = 0
    for t in all_traces():
        rel = os.path.relpath(t, TOP)
        p = run(["-r", t, "--format", "csv"])
        if p.returncode not in (0, 2, 4):
            fail("%s: exit %d" % (rel, p.returncode))
            continue
        rows = list(csv.reader(io.StringIO(p.stdout.decode("utf-8"), newline="")))
        if not rows or rows[0][:3] != ["id", "client", "server"]:
            fail("%s: no CSV header" % rel)
            continue
        width = len(rows[0])
        for i, row in enumerate(rows[1:], 2):
            if len(row) != width:
                fail("%s: CSV row %d has %d columns, header %d" % (rel, i, len(row), width))
        j = json_lines(run(["-r", t, "--format", "json", "-q"]).stdout, rel)
        if j and j[-1].get("flows") != len(rows) - 1:
            fail("%s: %d CSV rows, %s flows" % (rel, len(rows) - 1, j[-1].get("flows")))
        n += 1
    print("%d traces give consistent CSV" % n)


# --- hostile strings ---------------------------------------------------------

def check_hostile_names():
    tmp = tempfile.mkdtemp(prefix="tcpscope-cli.")
    try:
        name = b'we"ird\\name\nwith\ttabs\x1b[31m\x01\xff\xfe.pcap'
        path = os.path.join(tmp.encode(), name)
        shutil.copyfile(pcap("demo.pcap"), path)
        p = subprocess.run([TCPSCOPE.encode(), b"-r", path, b"--format", b"json", b"-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        if p.returncode != 0:
            fail("hostile name: exit %d" % p.returncode)
        try:
            p.stdout.decode("utf-8")
        except UnicodeDecodeError:
            fail("hostile name: JSON output is not UTF-8")
        recs = json_lines(p.stdout, "hostile name")
        if len(recs) != 1:
            fail("hostile name: -q --format json printed %d records" % len(recs))
            return
        got = recs[0].get("inputs", [None])[0]
        # bytes outside ASCII come back as \u00XX: the byte's value
        if got is None or got.encode("latin-1") != path:
            fail("hostile name: inputs[0] is %r" % got)
        raw = p.stdout.decode("ascii", errors="replace")
        if "\x1b" in raw or "\x01" in raw or raw.count("\n") != 1:
            fail("hostile name: raw control bytes in the JSON output")
        # the text header never hands the terminal an escape sequence
        t = subprocess.run([TCPSCOPE.encode(), b"-r", path, b"-q"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        if b"\x1b" in t.stdout or b"\x01" in t.stdout:
            fail("hostile name: control bytes reach the text report")
        if b"x1b[31m" not in t.stdout:
            fail("hostile name: the text report does not show the escaped byte")
        # a missing hostile name in an error message stays on one line
        e = subprocess.run([TCPSCOPE.encode(), b"-r", path + b"missing", b"--format", b"json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        if e.returncode != 2:
            fail("hostile missing name: exit %d" % e.returncode)
    finally:
        shutil.rmtree(tmp)


# --- syslog offline ----------------------------------------------------------

class UdpCollector:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.messages = []
        self.stop = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop:
            try:
                self.messages.append(self.sock.recv(65536))
            except socket.timeout:
                pass

    def close(self):
        self.stop = True
        self.thread.join(5)
        self.sock.close()


def summary_of(p, what):
    recs = json_lines(p.stdout, what)
    return recs[-1] if recs and recs[-1].get("type") == "summary" else {}


def check_syslog():
    stall = pcap("synth/close_wait_stall.pcap")
    col = UdpCollector()
    try:
        p = run(["-r", stall, "--format", "json", "--syslog=udp://127.0.0.1:%d" % col.port,
                 "--facility", "local3", "--min-severity", "warning"])
        import time
        deadline = time.time() + 5
        while not col.messages and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        col.close()
    if p.returncode != 0:
        fail("syslog udp: exit %d" % p.returncode)
    s = summary_of(p, "syslog udp")
    if s.get("syslog_failures") != 0:
        fail("syslog udp: syslog_failures %r, expected 0" % s.get("syslog_failures"))
    # --min-severity warning: close_wait_stall (warning) goes, fin_wait_2_stall (notice) does not
    if len(col.messages) != 1:
        fail("syslog udp: %d messages, expected 1: %r" % (len(col.messages), col.messages))
    else:
        m = col.messages[0].decode("ascii")
        pri = 19 * 8 + 4  # local3, warning
        if not re.match(r"<%d>1 \S+ \S+ tcpscope \d+ close_wait_stall \[tcpscope@32473 " % pri, m):
            fail("syslog udp: unexpected message %r" % m)
    # the anomalies listed follow --min-severity too
    recs = json_lines(p.stdout, "syslog udp")
    listed = [r["code"] for r in recs if r.get("type") == "anomaly"]
    if listed != ["close_wait_stall"]:
        fail("--min-severity warning lists %r" % listed)

    # a dead collector: the analysis goes on, every message is counted as failed
    dead = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()  # nothing listens there now
    p = run(["-r", stall, "--format", "json", "--syslog=tcp://127.0.0.1:%d" % port])
    if p.returncode != 0:
        fail("syslog dead collector: exit %d" % p.returncode)
    s = summary_of(p, "syslog dead")
    sent = sum(s.get("anomalies", {}).values())
    if sent < 2 or s.get("syslog_failures") != sent:
        fail("syslog dead collector: %r failures for %d anomalies" % (s.get("syslog_failures"), sent))
    t = run(["-r", stall, "-q", "--syslog=tcp://127.0.0.1:%d" % port])
    if not re.search(rb"syslog +tcp://127\.0\.0\.1:\d+, %d messages not delivered" % sent, t.stdout):
        fail("syslog dead collector: the text header does not count the failures:\n%s" % t.stdout.decode())
    # without --syslog there is no syslog_failures key
    s = summary_of(run(["-r", stall, "--format", "json", "-q"]), "no syslog")
    if "syslog_failures" in s:
        fail("syslog_failures present without --syslog")


# --- progress ----------------------------------------------------------------

def check_progress():
    demo = pcap("demo.pcap")
    many = []
    for _ in range(50):
        many += ["-r", demo]
    p = run(many + ["-q", "--progress"])
    if p.returncode != 0:
        fail("--progress: exit %d" % p.returncode)
    err = p.stderr.decode()
    total = os.path.getsize(demo) * 50
    lines = [l for l in err.split("\n") if l]
    if not lines or not re.match(r"tcpscope: .* of .* \(100%\), \d+ packets/s$", lines[-1]):
        fail("--progress to a file: last line %r" % (lines[-1] if lines else None))
    if "\r" in err or "\x1b" in err:
        fail("--progress to a file uses terminal controls")
    for args in ([], ["--no-progress"]):
        q = run(many + ["-q"] + args)
        if q.stderr:
            fail("progress %s with stderr not a terminal: %r" % (args or "auto", q.stderr[:200]))
    # on a terminal: drawn in place and cleared at the end (auto mode on a large input)
    import pty
    big = []
    for _ in range(4):
        big += ["-r", pcap("synth/many_connections_loss.pcap")]
    master, slave = pty.openpty()
    try:
        q = subprocess.run([TCPSCOPE] + big + ["-q", "--format", "json"], stdout=subprocess.PIPE,
                           stderr=slave, timeout=TIMEOUT)
        os.close(slave)
        slave = -1
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    if q.returncode != 0 or not q.stdout.startswith(b'{"type":"summary"'):
        fail("progress on a terminal: the report suffers: %r" % q.stdout[:100])
    if seen and not seen.endswith(b"\r\x1b[K"):
        fail("progress on a terminal: the line is not cleared at the end: %r" % seen[-80:])
    if b"\n" in seen:
        fail("progress on a terminal: lines are not redrawn in place: %r" % seen[:200])
    _ = total


def anomaly_lines(text):
    """The lines of the Anomalies section of a text report."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = [i for i, l in enumerate(lines) if l.startswith("Anomalies (")]
    if not start:
        return []
    out = []
    for l in lines[start[0] + 1:]:
        if not l.startswith(" "):
            break
        out.append(l)
    return out


def check_width():
    """Anomaly lines fit the terminal (TIOCGWINSZ), else COLUMNS, else 80."""
    import fcntl
    import pty
    import struct
    import termios
    trace = pcap("synth/scan_mixed.pcap")
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    for columns, width in ((None, 80), ("100", 100), ("72", 72), ("junk", 80)):
        e = dict(env)
        if columns:
            e["COLUMNS"] = columns
        p = run(["-r", trace, "-q"], env=e)
        lines = anomaly_lines(p.stdout.decode())
        longest = max((len(l) for l in lines), default=0)
        if p.returncode != 0 or not lines or longest > width or longest < width - 12:
            fail("COLUMNS=%s in a pipe: anomaly lines up to %d columns, expected up to %d"
                 % (columns, longest, width))
    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 64, 0, 0))
        e = dict(env)
        e["COLUMNS"] = "120"  # the terminal's own width wins
        q = subprocess.run([TCPSCOPE, "-r", trace, "-q", "--color", "never"], stdout=slave,
                           stderr=subprocess.PIPE, env=e, timeout=TIMEOUT)
        os.close(slave)
        slave = -1
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    lines = anomaly_lines(seen.decode(errors="replace"))
    longest = max((len(l) for l in lines), default=0)
    if q.returncode != 0 or not lines or longest > 64 or longest < 52:
        fail("on a 64-column terminal: anomaly lines up to %d columns" % longest)


def check_threads_default():
    """Without --threads an offline run analyses on every online CPU (as
    --verbose says), with the same report as one thread; with a limit that
    applies per worker it stays on one thread."""
    trace = pcap("synth/many_connections_loss.pcap")
    cpus = min(max(os.cpu_count() or 1, 1), 64)
    for extra, threads in (([], cpus), (["--max-flows", "50"], 1), (["--idle-timeout", "0.5"], 1),
                           (["--report-flows", "20"], 1), (["--threads", "3"], 3)):
        what = "default threads %s" % " ".join(extra)
        one = expect_rc(["-r", trace, "--format", "json"] + extra + ["--threads", "1"], 0, what)
        default = expect_rc(["-r", trace, "--format", "json", "-v"] + extra, 0, what)
        if not one.stdout.startswith(b'{"type":"flow"') or one.stdout != default.stdout:
            fail("%s: the report differs from the one-thread report" % what)
        said = "tcpscope: analysing on %d thread%s" % (threads, "" if threads == 1 else "s")
        if said not in default.stderr.decode(errors="replace"):
            fail("%s: expected %r on stderr, got %r" % (what, said, default.stderr[-200:]))
    # The cap really is per worker when sharding is asked for: two workers
    # cut other connections, which is why the default does not shard.
    capped = ["-r", trace, "--format", "json", "--max-flows", "50"]
    one = expect_rc(capped + ["--threads", "1"], 0, "--max-flows 50 --threads 1").stdout
    two = expect_rc(capped + ["--threads", "2"], 0, "--max-flows 50 --threads 2").stdout
    if b'{"type":"flow"' not in two or one == two:
        fail("--max-flows 50 --threads 2: expected the per-worker cap to change the report")


def check_report_threads(trace):
    """JSON and CSV records are formatted on several threads when there are
    more of them than one thread's share: the bytes are those of one thread."""
    base = ["-r", trace, "--threads", "1"]
    one = expect_rc(base + ["--format", "json"], 0, "json, one thread").stdout
    flows = sum(1 for line in one.split(b"\n") if line.startswith(b'{"type":"flow"'))
    anomalies = sum(1 for line in one.split(b"\n") if line.startswith(b'{"type":"anomaly"'))
    # A third thread joins from three chunks of 4096 records on; more than
    # that makes several rounds with a short last one.
    if flows < 4 * 4096 or anomalies < 3 * 4096:
        fail("the generated trace has %d flows and %d anomalies: too few for three threads" % (flows, anomalies))
    for fmt, extra in (("json", []), ("json", ["--flows", "anomalous"]), ("json", ["--min-severity", "warning"]),
                       ("csv", []), ("csv", ["--flows", "anomalous"])):
        ref = expect_rc(base + ["--format", fmt] + extra, 0, "%s %s" % (fmt, extra)).stdout
        for threads in ("2", "3"):
            # Sharded analysis and formatting on that many threads.
            what = "--format %s %s --threads %s" % (fmt, " ".join(extra), threads)
            out = expect_rc(["-r", trace, "--format", fmt, "--threads", threads] + extra, 0, what).stdout
            if out != ref:
                fail("%s: the report differs from the one-thread report" % what)
        # One analysis thread (a flow cap keeps the default there), the
        # records formatted on every online CPU.
        capped = ["-r", trace, "--format", fmt, "--max-flows", "1000000"] + extra
        if expect_rc(capped, 0, "%s %s --max-flows" % (fmt, extra)).stdout != ref:
            fail("--format %s %s --max-flows 1000000: the report differs from the one-thread report"
                 % (fmt, " ".join(extra)))


def main():
    global TCPSCOPE, TOP
    if len(sys.argv) not in (4, 5):
        print("usage: cli_check.py CHECK TCPSCOPE TOP [TRACE]", file=sys.stderr)
        return 2
    check, TCPSCOPE, TOP = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    fn = globals().get("check_" + check)
    if fn is None:
        print("no such check: " + check, file=sys.stderr)
        return 2
    try:
        inspect.signature(fn).bind(*sys.argv[4:])
    except TypeError:
        print("check %s takes %s" % (check, inspect.signature(fn)), file=sys.stderr)
        return 2
    fn(*sys.argv[4:])
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
