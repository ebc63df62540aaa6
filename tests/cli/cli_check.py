#!/usr/bin/env python3
"""cli_check.py CHECK TCPSCOPE TOP [TRACE]: command-line behaviour of tcpscope.

CHECK is one of the functions named check_*; TOP is the source tree (for
pcaps/ and doc/tcpscope.1); TRACE a generated capture for the
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


def read_all(fd):
    """Everything a pty's master side holds once the other side is closed."""
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the slave side is closed and drained
            return seen
        if not chunk:
            return seen
        seen += chunk


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

def listed_long_options(help_text):
    """The long options --help lists at the start of its lines (it is
    printed from the option table, which unit.cli_options checks against
    the parser and the man page)."""
    return re.findall(r"^(?:  -\w, |      )--([a-z0-9-]+)", help_text, re.M)


def check_help():
    p = expect_rc(["--help"], 0, "--help")
    text = p.stdout.decode()
    mentioned = set(re.findall(r"--([a-z0-9][a-z0-9-]*)", text))
    opts = listed_long_options(text)
    if len(opts) < 30:
        fail("only %d long options listed by --help" % len(opts))
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
    with open(os.path.join(TOP, "src", "base", "anomaly.c")) as f:
        codes = re.findall(r'\] = \{ "([a-z0-9_]+)"', f.read())
    if len(codes) < 20:
        fail("only %d anomaly codes found in src/base/anomaly.c" % len(codes))
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
        seen = read_all(master)
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
        seen = read_all(master)
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


# --- tcpdump habits ----------------------------------------------------------

def pcap_records(path):
    """(linktype, [(ts_ns, caplen, wirelen, data)]) of a classic pcap file."""
    import struct
    if not os.path.exists(path):
        fail("%s was not written" % path)
        return None, []
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        fail("%s: %d bytes, not a pcap file" % (path, len(data)))
        return None, []
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    magic = struct.unpack(order + "I", data[:4])[0]
    nano = magic == 0xa1b23c4d
    linktype = struct.unpack(order + "I", data[20:24])[0]
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(order + "IIII", data[off:off + 16])
        recs.append((sec * 10**9 + (frac if nano else frac * 1000), caplen, wirelen,
                     data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    if off != len(data):
        fail("%s: %d bytes after the last whole record" % (path, len(data) - off))
    return linktype, recs


def check_tcpdump_habits():
    demo = pcap("demo.pcap")
    a = expect_rc(["-r", demo, "--format", "json", "-f", "tcp port 80 and host 10.0.0.1"], 0, "-f filter")
    b = expect_rc(["-r", demo, "--format", "json", "tcp", "port", "80", "and", "host", "10.0.0.1"], 0,
                  "trailing filter")
    if a.stdout != b.stdout:
        fail("the words after the options do not filter as -f does")
    everything = expect_rc(["-r", demo, "--format", "json", "-q"], 0, "no filter").stdout
    none = expect_rc(["-r", demo, "--format", "json", "-q", "port", "9"], 0, "trailing filter port 9").stdout
    recs = json_lines(none, "port 9")
    if not recs or recs[-1].get("packets") != 0 or everything == none:
        fail("a trailing filter matching nothing still lets packets through")
    p = expect_rc(["-r", demo, "-f", "tcp", "port", "80"], 1, "-f and a trailing filter")
    p = expect_rc(["-r", demo, "extra"], 1, "a word that is no filter")
    err = p.stderr.decode(errors="replace")
    if "BPF filter" not in err or "extra" not in err:
        fail("the hint for an unexpected argument does not point at the filter: %r" % err)
    p = expect_rc([demo], 1, "a file name without -r")
    if "-r FILE" not in p.stderr.decode(errors="replace"):
        fail("a bare file name does not hint at -r: %r" % p.stderr)
    # -n: accepted, changes nothing
    n = expect_rc(["-n", "-r", demo, "--format", "json"], 0, "-n")
    if n.stdout != expect_rc(["-r", demo, "--format", "json"], 0, "without -n").stdout:
        fail("-n changes the report")
    # -D lists interfaces as tcpdump -D does (loopback at least, when allowed)
    d = run(["-D"])
    lines = d.stdout.decode(errors="replace").splitlines()
    if d.returncode == 0:
        if not lines or not all(re.match(r"\d+\.\S+", l) for l in lines):
            fail("-D prints %r" % lines[:5])
        if os.path.exists("/sys/class/net/lo") and not any(re.match(r"\d+\.lo\b", l) for l in lines):
            fail("-D does not list lo: %r" % lines)
    elif d.returncode != 2 or not d.stderr.startswith(b"tcpscope: "):
        fail("-D: exit %d, %r" % (d.returncode, d.stderr))
    expect_rc(["--version"], 0, "--version")
    # every error line starts with tcpscope:, whatever path the binary is run by
    for args in (["--no-such-option"], ["-r"], ["-x"], ["-r", demo, "--threads"], ["-r", demo, "--top", "x"]):
        p = expect_rc(args, 1, "usage error %s" % args)
        for line in p.stderr.decode(errors="replace").splitlines():
            if not line.startswith("tcpscope: "):
                fail("%s: error line without the tcpscope: prefix: %r" % (args, line))
    check_write_packets()


def check_write_packets():
    demo = pcap("demo.pcap")
    tmp = tempfile.mkdtemp(prefix="tcpscope-cli.")
    try:
        out = os.path.join(tmp, "anomalous.pcap")
        rep = expect_rc(["-r", demo, "--format", "json", "-w", out], 0, "-w")
        flows = [r for r in json_lines(rep.stdout, "-w") if r.get("type") == "flow"]
        want = sum(f["c2s"]["packets"] + f["s2c"]["packets"] for f in flows if f["anomalies"])
        if not want or want == sum(f["c2s"]["packets"] + f["s2c"]["packets"] for f in flows):
            fail("demo.pcap: expected some flows with and some without anomalies")
        linktype, recs = pcap_records(out)
        if linktype != 1 or len(recs) != want:
            fail("-w wrote %d packets (link type %s), the anomalous flows have %d" % (len(recs), linktype, want))
        # they are those flows' packets: analysed alone, the same flows come out
        again = expect_rc(["-r", out, "--format", "json"], 0, "reading the -w file")
        got = [r for r in json_lines(again.stdout, "-w file") if r.get("type") == "flow"]
        if [(f["client"], f["server"]) for f in got] != [(f["client"], f["server"]) for f in flows if f["anomalies"]]:
            fail("-w file: flows %r" % [(f["client"], f["server"]) for f in got])
        # --write-all: every packet, byte for byte and to the nanosecond
        allp = os.path.join(tmp, "all.pcap")
        expect_rc(["-r", demo, "-q", "-w", allp, "--write-all"], 0, "-w --write-all")
        _, a = pcap_records(allp)
        _, b = pcap_records(demo)
        if a != b:
            fail("--write-all: %d packets written, demo.pcap has %d (or they differ)" % (len(a), len(b)))
        # the second pass sees what the analysis saw: the filter applies
        expect_rc(["-r", demo, "-q", "-w", out, "port", "9"], 0, "-w with a filter that matches nothing")
        if pcap_records(out)[1]:
            fail("-w with 'port 9' wrote packets")
        expect_rc(["-r", "-", "-w", out], 1, "-w with standard input, no --write-all")
        expect_rc(["-r", demo, "--write-all"], 1, "--write-all without -w")
        expect_rc(["-r", demo, "-w", demo], 1, "-w naming the input")
        if sorted(os.listdir(tmp)) != ["all.pcap", "anomalous.pcap"]:
            fail("-w leaves files behind: %r" % os.listdir(tmp))
    finally:
        shutil.rmtree(tmp)


# --- never destroy input ------------------------------------------------------

def check_never_destroy():
    tmp = tempfile.mkdtemp(prefix="tcpscope-cli.")
    try:
        cap = os.path.join(tmp, "capture.pcap")
        shutil.copyfile(pcap("demo.pcap"), cap)
        with open(cap, "rb") as f:
            original = f.read()
        link = os.path.join(tmp, "other-name.pcap")
        os.link(cap, link)
        for out in (cap, link, os.path.join(tmp, ".", "capture.pcap")):
            p = expect_rc(["-r", cap, "-o", out], 1, "-o %s naming the input" % out)
            if b"input" not in p.stderr or len(p.stderr.splitlines()) != 1:
                fail("-o naming the input: %r" % p.stderr)
        expect_rc(["-r", pcap("demo.pcap"), "-r", cap, "-o", link], 1, "-o naming the second input")
        with open(cap, "ab") as f:
            p = subprocess.run([TCPSCOPE, "-r", cap], stdout=f, stderr=subprocess.PIPE, timeout=TIMEOUT)
        if p.returncode != 1:
            fail("standard output appended to the input: exit %d" % p.returncode)
        with open(cap, "rb") as f:
            if f.read() != original:
                fail("the input changed")
        # a report is written aside and renamed: only the final name is left
        rep = os.path.join(tmp, "report.txt")
        expect_rc(["-r", cap, "-o", rep], 0, "-o a new file")
        if sorted(os.listdir(tmp)) != ["capture.pcap", "other-name.pcap", "report.txt"]:
            fail("-o leaves other files: %r" % os.listdir(tmp))
            return
        with open(rep, "rb") as f:
            if f.read() != expect_rc(["-r", cap], 0, "to stdout").stdout:
                fail("-o FILE differs from the report on standard output")
        # a run that cannot write keeps the old report whole
        with open(rep, "rb") as f:
            before = f.read()
        garbage = os.path.join(tmp, "garbage.pcap")
        with open(garbage, "wb") as f:
            f.write(b"not a capture" * 10)
        expect_rc(["-r", garbage, "-o", rep], 2, "a bad input with -o")
        os.unlink(garbage)
        with open(rep, "rb") as f:
            if f.read() != before:
                fail("a failed run changed the previous report")
        # a write error is said, with a nonzero status
        if os.path.exists("/dev/full"):
            for args in (["-o", "/dev/full"], ["--format", "json", "-o", "/dev/full"]):
                p = expect_rc(["-r", cap] + args, 2, "%s" % args)
                if not p.stderr.startswith(b"tcpscope: /dev/full: "):
                    fail("%s: stderr %r" % (args, p.stderr))
            with open("/dev/full", "wb") as full:
                p = subprocess.run([TCPSCOPE, "-r", cap], stdout=full, stderr=subprocess.PIPE, timeout=TIMEOUT)
            if p.returncode != 2 or b"standard output" not in p.stderr:
                fail("standard output on /dev/full: exit %d, %r" % (p.returncode, p.stderr))
    finally:
        shutil.rmtree(tmp)


# --- signals -----------------------------------------------------------------

def signalled_run(args, data, sig, wait=0.7, then_close=False):
    """Run with data on a pipe that stays open, send sig (then, with
    then_close, end the input), return (exit status, stdout, stderr)."""
    import signal
    import time
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen([TCPSCOPE] + args, stdin=subprocess.PIPE, stdout=out, stderr=err)
        try:
            p.stdin.write(data)
            p.stdin.flush()
            time.sleep(wait)
            p.send_signal(sig)
            if then_close:
                time.sleep(wait)
                p.stdin.close()
            rc = p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
            fail("%s: still running 10 s after signal %d" % (args, sig))
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
        out.seek(0)
        err.seek(0)
        return rc, out.read(), err.read()


def check_signals():
    import signal
    with open(pcap("synth/many_connections_loss.pcap"), "rb") as f:
        data = f.read()
    for sig, name in ((signal.SIGINT, "SIGINT"), (signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")):
        rc, out, err = signalled_run(["-r", "-", "--format", "json", "-q"], data, sig)
        if rc != 5:
            fail("%s offline: exit %d, expected 5; %r" % (name, rc, err))
        s = json_lines(out, name)
        if not s or s[-1].get("interrupted") != name or s[-1].get("packets") != 10000:
            fail("%s: the summary is not the marked partial report: %r" % (name, s[-1:]))
        if not err.startswith(b"tcpscope: interrupted by " + name.encode()):
            fail("%s: stderr %r" % (name, err))
    rc, out, err = signalled_run(["-r", "-", "-q"], data, signal.SIGINT)
    if rc != 5 or b"INTERRUPTED by SIGINT" not in out:
        fail("SIGINT, text: exit %d, header %r" % (rc, out[:600]))
    # -o: the partial report is complete under its name
    tmp = tempfile.mkdtemp(prefix="tcpscope-cli.")
    try:
        rep = os.path.join(tmp, "r.jsonl")
        rc, _, _ = signalled_run(["-r", "-", "--format", "json", "-o", rep], data, signal.SIGINT)
        with open(rep, "rb") as f:
            recs = json_lines(f.read(), "-o interrupted")
        if rc != 5 or not recs or recs[-1].get("interrupted") != "SIGINT" or os.listdir(tmp) != ["r.jsonl"]:
            fail("SIGINT with -o: exit %d, files %r" % (rc, os.listdir(tmp)))
    finally:
        shutil.rmtree(tmp)
    # SIGUSR1 with several threads: the figures of every worker
    for threads in ("1", "3"):
        rc, out, err = signalled_run(["-r", "-", "--format", "json", "-q", "--threads", threads], data,
                                     signal.SIGUSR1, then_close=True)
        # the input ends after the signal: the run ends normally
        if rc != 0:
            fail("SIGUSR1: exit %d, %r" % (rc, err))
        recs = json_lines(out, "SIGUSR1")
        interim = [r for r in recs if r.get("type") == "interim"]
        summary = recs[-1] if recs else {}
        if len(interim) != 1:
            fail("--threads %s SIGUSR1: %d interim records" % (threads, len(interim)))
            continue
        i = interim[0]
        for k in ("packets", "tcp_segments", "flows"):
            if i.get(k) != summary.get(k):
                fail("--threads %s SIGUSR1: interim %s %r, the capture has %r" % (threads, k, i.get(k),
                                                                                 summary.get(k)))
        if i.get("flows_tracked") != summary.get("flows"):
            fail("--threads %s SIGUSR1: %r flows tracked" % (threads, i.get("flows_tracked")))
    # live: SIGHUP ends the capture with the final report, like SIGINT
    if os.geteuid() == 0:
        import time
        for extra in ([], ["--threads", "2"]):
            p = subprocess.Popen([TCPSCOPE, "-i", "lo", "--format", "json", "-q"] + extra,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(1)
            p.send_signal(signal.SIGHUP)
            try:
                out, err = p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            if p.returncode == 2 and b"lo" in err:
                print("live SIGHUP %s skipped: %s" % (extra, err.decode(errors="replace").strip()))
                continue
            recs = json_lines(out, "live SIGHUP")
            if p.returncode != 0 or not recs or recs[-1].get("type") != "summary" or "interrupted" in recs[-1]:
                fail("live SIGHUP %s: exit %d, %r" % (extra, p.returncode, recs[-1:]))
        # standard input a terminal: refused rather than waiting for ever
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.run([TCPSCOPE, "-r", "-"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        if p.returncode != 2 or b"terminal" not in p.stderr:
            fail("-r - on a terminal: exit %d, %r" % (p.returncode, p.stderr))
    except subprocess.TimeoutExpired:
        fail("-r - on a terminal waits")
    finally:
        os.close(slave)
        os.close(master)


# --- values --------------------------------------------------------------------

def check_values():
    ok = pcap("demo.pcap")
    for args in (["--threads", "0"], ["--threads", "1000"], ["--retrans-warn", "nan"],
                 ["--retrans-err", "inf"], ["--stall-timeout", "nan"], ["--syn-rate", "-inf"],
                 ["--duration", "infinity"], ["--retrans-warn", "6", "--retrans-err", "5"],
                 ["--retrans-warn", "9"], ["--snaplen", "262145"], ["--snaplen", "1000000"],
                 ["--explain", "99"]):
        p = expect_rc(["-r", ok, "-q"] + args, 1, "refused value %s" % args)
        lines = p.stderr.decode(errors="replace").splitlines()
        if len(lines) != 1 or not lines[0].startswith("tcpscope: "):
            fail("%s: expected one tcpscope: line, got %r" % (args, lines))
    for args in (["-i", "lo", "--interval", "0", "--duration", "0.3"],
                 ["-i", "lo", "--interval", "0.05", "--duration", "0.3"]):
        expect_rc(args, 1, "refused %s" % args)
    for args in (["--threads", "64"], ["--threads", "1"], ["--snaplen", "262144"], ["--snaplen", "0"],
                 ["--retrans-warn", "5", "--retrans-err", "5"], ["--explain", "1"]):
        expect_rc(["-r", ok, "-q"] + args, 0, "accepted value %s" % args)
    # a capture of a link type tcpscope cannot decode at all
    import struct
    tmp = tempfile.mkdtemp(prefix="tcpscope-cli.")
    try:
        odd = os.path.join(tmp, "usb.pcap")
        with open(odd, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 189))  # LINKTYPE_USB_LINUX_MMAPPED
            for i in range(3):
                f.write(struct.pack("<IIII", 1700000000 + i, 0, 64, 64) + bytes(64))
        p = expect_rc(["-r", odd, "-q"], 2, "only an unsupported link type")
        if b"not supported" not in p.stderr or b"packets   3" not in p.stdout:
            fail("unsupported link type: %r / %r" % (p.stderr, p.stdout[:300]))
    finally:
        shutil.rmtree(tmp)
    # NO_COLOR: the automatic colour on a terminal is off; --color always wins
    import pty
    stall = pcap("synth/close_wait_stall.pcap")

    def on_terminal(args, env):
        master, slave = pty.openpty()
        try:
            subprocess.run([TCPSCOPE, "-r", stall, "-q"] + args, stdout=slave, stderr=subprocess.PIPE,
                           timeout=TIMEOUT, env=env)
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
            return seen
        finally:
            if slave >= 0:
                os.close(slave)
            os.close(master)

    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    if b"\x1b[" not in on_terminal([], env):
        fail("no colour on a terminal without NO_COLOR")
    env["NO_COLOR"] = "1"
    if b"\x1b[" in on_terminal([], env):
        fail("NO_COLOR=1: colour on a terminal")
    if b"\x1b[" not in on_terminal(["--color", "always"], env):
        fail("NO_COLOR=1 --color always: no colour")
    env["NO_COLOR"] = ""
    if b"\x1b[" not in on_terminal([], env):
        fail("NO_COLOR empty turns colour off")
    # -q with CSV: the header and the anomalous flows' rows
    full = list(csv.reader(io.StringIO(expect_rc(["-r", ok, "--format", "csv"], 0, "csv").stdout.decode())))
    quiet = list(csv.reader(io.StringIO(expect_rc(["-r", ok, "--format", "csv", "-q"], 0, "csv -q").stdout.decode())))
    want = [full[0]] + [r for r in full[1:] if r[-1]]
    if quiet != want or len(want) == len(full):
        fail("csv -q: %d rows, expected the %d anomalous of %d" % (len(quiet) - 1, len(want) - 1, len(full) - 1))


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
