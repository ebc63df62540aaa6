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
import tempfile
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

    def main(self, usage, body, tmp_prefix, needs=()):
        """A live test's frame: usage "NAME ARG..." (the arguments become
        absolute paths), skip (77) without root, 'ip netns' or a tool in
        needs, build the namespaces, run body(args, tmp), always clean up.
        Returns the exit status: 0, 1 on failures, 2 on a usage error."""
        nargs = len(usage.split()) - 1
        if len(sys.argv) != nargs + 1:
            print("usage: " + usage, file=sys.stderr)
            return 2
        args = [os.path.abspath(a) for a in sys.argv[1:]]
        if os.geteuid() != 0:
            print("SKIP: the live test needs root to create network namespaces", file=sys.stderr)
            return 77
        if subprocess.run(["ip", "netns", "list"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            print("SKIP: 'ip netns' is not available", file=sys.stderr)
            return 77
        for tool in needs:
            if subprocess.run(["which", tool], stdout=subprocess.DEVNULL).returncode != 0:
                print("SKIP: %s is not installed" % tool, file=sys.stderr)
                return 77
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: sys.exit(1))
        tmp = tempfile.mkdtemp(prefix=tmp_prefix)
        try:
            try:
                self.setup()
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print("SKIP: cannot build the namespaces: %s" % e, file=sys.stderr)
                return 77
            body(args, tmp)
        finally:
            self.cleanup()
            subprocess.run(["rm", "-rf", tmp])
        if self.failures:
            print("%d failure(s)" % len(self.failures), file=sys.stderr)
            return 1
        print("ok")
        return 0
