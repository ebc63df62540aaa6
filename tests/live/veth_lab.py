"""Two network namespaces joined by a veth pair, for the live tests.

The client end is c0, the server end s0, offloads off so that a capture
sees the segments as the stacks send them. Names carry the test's tag and
pid, so runs never collide; cleanup() kills what runs inside and removes
both namespaces, whatever happened.
"""
import json
import os
import signal
import subprocess
import sys
import time


def sh(*args, check=True, timeout=20):
    p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), p.stderr.decode(errors="replace").strip()))
    return p


def in_ns(ns, *args):
    return ["ip", "netns", "exec", ns] + list(args)


class VethLab:
    def __init__(self, tag, cli_ip, srv_ip):
        self.ns_c, self.ns_s = tag + "c", tag + "s"
        self.cli_ip, self.srv_ip = cli_ip, srv_ip
        self.failures = []
        self.procs = []

    def fail(self, msg):
        self.failures.append(msg)
        print("FAIL: " + msg, file=sys.stderr)

    def spawn(self, cmd, **kw):
        p = subprocess.Popen(cmd, **kw)
        self.procs.append(p)
        return p

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        for ns in (self.ns_c, self.ns_s):
            pids = subprocess.run(["ip", "netns", "pids", ns], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)

    def setup(self):
        for ns in (self.ns_c, self.ns_s):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", "c0", "netns", self.ns_c, "type", "veth", "peer", "name", "s0", "netns", self.ns_s)
        for ns, dev, ip in ((self.ns_c, "c0", self.cli_ip), (self.ns_s, "s0", self.srv_ip)):
            sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up")
            if subprocess.run(["which", "ethtool"], stdout=subprocess.DEVNULL).returncode == 0:
                # the capture must see the segments as the stack sends them
                sh(*in_ns(ns, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off",
                          "tx", "off", "rx", "off"), check=False)

    def wait_for(self, pred, seconds, what):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if pred():
                return True
            time.sleep(0.1)
        self.fail("timed out waiting for " + what)
        return False

    def records(self, path):
        """The JSON Lines records of a report file; a line that is not JSON fails."""
        out = []
        with open(path, "rb") as f:
            for line in f.read().decode("utf-8").split("\n"):
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        self.fail("not JSON: %r" % line[:200])
        return out
