#!/usr/bin/python3
"""Unit test of tools/lab/compare.py against a hand-made scenario.

tests/lab/sample/ holds a truth.json and the JSON Lines a correct tcpscope
would print for it; the captures are written here packet by packet. A
stand-in tcpscope prints <capture>.jsonl, so each test can bend one field
and see the comparator notice.
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
COMPARE = os.path.join(TOP, "tools", "lab", "compare.py")
SAMPLE = os.path.join(HERE, "sample")

CLI = ("198.18.1.2", 40000)
SRV = ("198.18.2.2", 5001)
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01

FAKE_TCPSCOPE = """#!%s
import os, sys
path = sys.argv[sys.argv.index("-r") + 1]
with open(path[:-len(".pcap")] + ".jsonl") as f:
    sys.stdout.write(f.read())
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""


def frame(src, dst, flags, seq, ack, payload=0, mss=None, ip_id=0):
    opts = struct.pack("!BBH", 2, 4, mss) if mss else b""
    tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], seq, ack,
                      (5 + len(opts) // 4) << 4, flags, 65535, 0, 0) + opts
    tcp += b"\0" * payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ip_id, 0, 64, 6, 0,
                     socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
    return b"\2\0\0\0\0\2" + b"\2\0\0\0\0\1" + b"\x08\x00" + ip + tcp


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 128, 1))
        for i, data in enumerate(frames):
            cap = data[:128]
            f.write(struct.pack("<IIII", 1, i, len(cap), len(data)) + cap)


def close_wait_frames():
    """Handshake (MSS 1460 / 1380), 100 bytes, client FIN acknowledged."""
    return [
        frame(CLI, SRV, SYN, 100, 0, mss=1460),
        frame(SRV, CLI, SYN | ACK, 300, 101, mss=1380),
        frame(CLI, SRV, ACK, 101, 301),
        frame(CLI, SRV, PSH | ACK, 101, 301, payload=100),
        frame(SRV, CLI, ACK, 301, 201),
        frame(CLI, SRV, FIN | ACK, 201, 301),
        frame(SRV, CLI, ACK, 301, 202),
    ]


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="compare-test.")
        self.lab = os.path.join(self.tmp, "lab")
        self.scen = os.path.join(self.lab, "sample")
        os.makedirs(self.scen)
        for name in ("truth.json", "client.jsonl", "server.jsonl"):
            shutil.copy(os.path.join(SAMPLE, name), self.scen)
        for role in ("client", "server"):
            write_pcap(os.path.join(self.scen, role + ".pcap"), close_wait_frames())
        self.tcpscope = os.path.join(self.tmp, "tcpscope")
        with open(self.tcpscope, "w") as f:
            f.write(FAKE_TCPSCOPE % sys.executable)
        os.chmod(self.tcpscope, 0o755)
        self.gaps = os.path.join(self.lab, "KNOWN_GAPS")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_compare(self, *extra, env=None):
        proc = subprocess.run(
            [sys.executable, COMPARE, self.tcpscope, self.scen, "--gaps", self.gaps] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        out = proc.stdout.decode()
        verdicts = {}
        for line in out.splitlines():
            m = re.match(r"^(PASS|FAIL|XFAIL|XPASS) +sample (\S+):", line)
            if m:
                verdicts[m.group(2)] = m.group(1)
        return proc.returncode, verdicts, out

    def edit_records(self, role, change):
        path = os.path.join(self.scen, role + ".jsonl")
        with open(path) as f:
            records = [json.loads(line) for line in f if line.strip()]
        for rec in records:
            change(rec)
        with open(path, "w") as f:
            for rec in records:
                f.write(json.dumps(rec) + "\n")

    def test_correct_output_passes_every_check(self):
        rc, verdicts, out = self.run_compare()
        self.assertEqual(rc, 0, out)
        self.assertEqual(set(verdicts.values()), {"PASS"}, out)
        expected = {"client.run", "server.run", "client.states", "server.states",
                    "client.mss", "server.mss", "client.farside_retrans",
                    "server.farside_retrans", "client.farside_bounds",
                    "server.farside_bounds"}
        expected |= {"%s.counter.%s" % (r, c) for r in ("client", "server")
                     for c in ("active_opens", "passive_opens", "failed_attempts",
                               "resets", "current", "segments_received",
                               "segments_sent", "segments_retransmitted")}
        self.assertEqual(set(verdicts), expected)
        self.assertIn("SUMMARY sample: 26 checks: 26 PASS; endpoint states 2/2", out)

    def test_wrong_endpoint_state_fails(self):
        def wrong(rec):
            if rec["type"] == "flow":
                rec["server_state"] = "LAST_ACK"
        self.edit_records("server", wrong)
        rc, verdicts, out = self.run_compare()
        self.assertEqual(rc, 1, out)
        self.assertEqual(verdicts["server.states"], "FAIL")
        self.assertEqual(verdicts["client.states"], "PASS")
        self.assertIn("CLOSE_WAIT/LAST_ACK", out)

    def test_socket_missing_from_ss_counts_as_closed(self):
        with open(os.path.join(self.scen, "truth.json")) as f:
            truth = json.load(f)
        truth["hosts"]["client"]["ss"] = []
        with open(os.path.join(self.scen, "truth.json"), "w") as f:
            json.dump(truth, f)
        rc, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.states"], "FAIL")
        self.assertIn("CLOSED/FIN_WAIT_2", out)

    def test_known_gap_is_xfail_and_passing_gap_is_xpass(self):
        def wrong(rec):
            if rec["type"] == "summary":
                rec["hosts"][0]["segments_sent"] = 5
        self.edit_records("client", wrong)
        with open(self.gaps, "w") as f:
            f.write("# comment\nsample client.counter.segments_sent\n"
                    "sample server.mss\nother client.states\n")
        rc, verdicts, out = self.run_compare()
        self.assertEqual(rc, 0, out)
        self.assertEqual(verdicts["client.counter.segments_sent"], "XFAIL")
        self.assertEqual(verdicts["server.mss"], "XPASS")
        self.assertIn("now passes", out)

    def test_update_gaps_lists_failures_and_keeps_other_scenarios(self):
        def wrong(rec):
            if rec["type"] == "flow":
                rec["mss"]["server"] = 1460
        self.edit_records("server", wrong)
        with open(self.gaps, "w") as f:
            f.write("other client.states\nsample client.run\n")
        rc, _, out = self.run_compare("--update-gaps")
        self.assertEqual(rc, 0, out)
        with open(self.gaps) as f:
            lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        self.assertEqual(lines, ["other client.states", "sample server.mss"])

    def test_mss_is_decoded_from_the_capture(self):
        write_pcap(os.path.join(self.scen, "client.pcap"),
                   [frame(CLI, SRV, SYN, 100, 0, mss=1400)] + close_wait_frames()[1:])
        rc, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.mss"], "FAIL")
        self.assertEqual(verdicts["server.mss"], "PASS")
        self.assertIn("198.18.1.2:40000 1400/[1460]", out)

    def test_farside_retransmissions_within_three_percent(self):
        with open(os.path.join(self.scen, "truth.json")) as f:
            truth = json.load(f)
        truth["hosts"]["client"]["nstat"]["TcpRetransSegs"] = 100
        with open(os.path.join(self.scen, "truth.json"), "w") as f:
            json.dump(truth, f)

        def estimate(value):
            def change(rec):
                if rec["type"] == "summary":
                    rec["hosts"][0]["segments_retransmitted"] = value
            return change
        self.edit_records("server", estimate(103))
        _, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.farside_retrans"], "PASS", out)
        self.edit_records("server", estimate(104))
        _, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.farside_retrans"], "FAIL", out)
        # The client's own capture must still give the exact figure.
        self.assertEqual(verdicts["client.counter.segments_retransmitted"], "FAIL")

    def test_farside_bounds_count_resends_that_arrived(self):
        """The client resends its data; the server's capture holds both
        copies, and a copy the network made of the resend (same IP-ID)."""
        base = close_wait_frames()
        data = frame(CLI, SRV, PSH | ACK, 101, 301, payload=100, ip_id=7)
        resend = frame(CLI, SRV, PSH | ACK, 101, 301, payload=100, ip_id=8)
        write_pcap(os.path.join(self.scen, "client.pcap"), base[:3] + [data, resend] + base[4:])
        write_pcap(os.path.join(self.scen, "server.pcap"),
                   base[:3] + [data, resend, resend] + base[4:])

        def seen(value):
            def change(rec):
                if rec["type"] == "summary":
                    rec["hosts"][0]["segments_retransmitted"] = value
            return change
        self.edit_records("server", seen(1))
        _, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.farside_bounds"], "PASS", out)
        self.assertIn("client.farside_bounds: expected 1..1", out)
        self.edit_records("server", seen(2))  # the network's copy counted too
        _, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.farside_bounds"], "FAIL", out)
        self.edit_records("server", seen(0))
        _, verdicts, out = self.run_compare()
        self.assertEqual(verdicts["client.farside_bounds"], "FAIL", out)

    def test_farside_retransmissions_between_held_twice_and_reached(self):
        with open(os.path.join(self.scen, "truth.json")) as f:
            truth = json.load(f)
        truth["hosts"]["client"]["nstat"]["TcpRetransSegs"] = 3
        with open(os.path.join(self.scen, "truth.json"), "w") as f:
            json.dump(truth, f)
        frames = close_wait_frames()
        resends = [frame(CLI, SRV, PSH | ACK, 101, 301, payload=100, ip_id=n) for n in (1, 2)]
        lost_fin = frame(CLI, SRV, FIN | ACK, 201, 301, ip_id=3)
        # The client sent its data three times and its FIN twice: the far
        # capture holds the data twice (one resend held twice, one lost on
        # the way) and only the second FIN (a resend that reached it once).
        # Each copy has its own IP ID, as Linux numbers them.
        write_pcap(os.path.join(self.scen, "client.pcap"),
                   frames[:4] + resends + [lost_fin] + frames[4:])
        write_pcap(os.path.join(self.scen, "server.pcap"),
                   frames[:4] + resends[:1] + frames[4:])

        def estimate(value):
            def change(rec):
                if rec["type"] == "summary":
                    rec["hosts"][0]["segments_retransmitted"] = value
            return change
        for value, verdict in ((0, "FAIL"), (1, "PASS"), (2, "PASS"), (3, "PASS"), (4, "FAIL")):
            self.edit_records("server", estimate(value))
            _, verdicts, out = self.run_compare()
            self.assertEqual(verdicts["client.farside_retrans"], verdict, (value, out))
        self.assertIn("or 1..2 (resends held twice..reached)", out)

    def test_tcpscope_failure_fails_the_run_check(self):
        env = dict(os.environ, FAKE_EXIT="1")
        rc, verdicts, out = self.run_compare(env=env)
        self.assertEqual(rc, 1)
        self.assertEqual(verdicts["client.run"], "FAIL")
        self.assertIn("exit status 1", out)

    def test_every_committed_scenario_has_a_meson_test(self):
        with open(os.path.join(HERE, "meson.build")) as f:
            listed = set(re.findall(r"'(\w+)'", f.read()))
        lab = os.path.join(TOP, "pcaps", "lab")
        dirs = {d for d in os.listdir(lab)
                if os.path.exists(os.path.join(lab, d, "truth.json"))}
        self.assertTrue(dirs)
        self.assertEqual(dirs - listed, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
