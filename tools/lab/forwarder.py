#!/usr/bin/python3
"""A router in user space for the kernel lab: reorders or duplicates packets.

    forwarder.py --a IF --a-peer MAC --b IF --b-peer MAC [--local ADDR...]
                 [--reorder-every N --reorder-dirs a2b] [--dup-every N --dup-dirs a2b,b2a]
                 [--later K] [--hold-ms T]

There is no netem here, so the router's kernel does not forward (its netdev
ingress hook drops IPv4 that is not addressed to it) and this program moves
every other IPv4 frame between interfaces A and B over AF_PACKET sockets,
as a router would: destination MAC of the next hop, its own source MAC, TTL
minus one. Packet taps run before the ingress hook, so it still sees them.

--reorder-every N holds back every Nth TCP segment that carries data in the
given directions until K later packets of that direction went out (or T ms
passed): the network reorders, nothing is lost. --dup-every N sends a copy of
every Nth TCP segment (SYN and RST excepted) after K later packets or T ms:
the network duplicates; the copy is byte for byte the original (IP-ID, TTL,
TCP timestamps), as a switch loop or a misconfigured SPAN would deliver it.
Counting is per direction and deterministic. Prints READY when both sockets
are open, and on SIGTERM a line with what it did.
"""
import argparse
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_RCVBUFFORCE = 33


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def own_mac(ifname):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return mac_bytes(f.read().strip())


def ip_checksum(header):
    total = 0
    for i in range(0, len(header), 2):
        total += (header[i] << 8) + header[i + 1]
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def routed(frame, src_mac, dst_mac):
    """The frame as the next hop gets it, or None when its TTL runs out."""
    ip = bytearray(frame[14:])
    ihl = (ip[0] & 0x0F) * 4
    if ip[8] <= 1 or ihl < 20 or len(ip) < ihl:
        return None
    ip[8] -= 1
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", ip_checksum(bytes(ip[:ihl])))
    return dst_mac + src_mac + frame[12:14] + bytes(ip)


def tcp_facts(frame):
    """(flags, payload length) of an IPv4 TCP frame, or None."""
    ip = frame[14:]
    if len(ip) < 20 or ip[9] != socket.IPPROTO_TCP:
        return None
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    tcp = ip[ihl:]
    if len(tcp) < 14:
        return None
    return tcp[13], total - ihl - (tcp[12] >> 4) * 4


class Direction:
    """One way through the router, with its queue of frames to send later."""

    def __init__(self, name, out_sock, src_mac, dst_mac, args):
        self.name = name
        self.out = out_sock
        self.src_mac, self.dst_mac = src_mac, dst_mac
        self.reorder = args.reorder_every if name in args.reorder_dirs else 0
        self.dup = args.dup_every if name in args.dup_dirs else 0
        self.later, self.hold = args.later, args.hold_ms / 1000.0
        self.data_count = self.tcp_count = 0
        self.pending = []  # [packets still to pass, deadline, frame]
        self.stats = {"forwarded": 0, "held": 0, "duplicated": 0}

    def send(self, frame):
        self.out.send(frame)
        self.stats["forwarded"] += 1
        for item in self.pending:
            item[0] -= 1

    def flush(self, now):
        due = [p for p in self.pending if p[0] <= 0 or p[1] <= now]
        self.pending = [p for p in self.pending if p[0] > 0 and p[1] > now]
        for _, _, frame in due:
            self.send(frame)

    def next_deadline(self):
        return min((p[1] for p in self.pending), default=None)

    def handle(self, frame):
        out = routed(frame, self.src_mac, self.dst_mac)
        if out is None:
            return
        facts = tcp_facts(frame)
        now = time.monotonic()
        later = [self.later, now + self.hold, out]
        if facts:
            flags, payload = facts
            self.tcp_count += 1
            if payload > 0:
                self.data_count += 1
            if self.reorder and payload > 0 and self.data_count % self.reorder == 0:
                self.stats["held"] += 1
                self.pending.append(later)
                return
            if self.dup and not flags & 0x06 and self.tcp_count % self.dup == 0:
                self.stats["duplicated"] += 1
                later[0] += 1  # the original itself does not count
                self.pending.append(later)
        self.send(out)
        self.flush(now)


def open_socket(ifname):
    # ETH_P_ALL: only taps for every protocol see a frame before the ingress
    # hook drops it; a socket for ETH_P_IP alone would see nothing.
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    # A burst must wait in the socket, not be dropped: that would be loss.
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    sock.bind((ifname, ETH_P_ALL))
    return sock


def socket_drops(sock):
    """Frames the kernel dropped because this socket's buffer was full."""
    _, drops = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    return drops


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="interface towards host A")
    ap.add_argument("--a-peer", required=True, help="MAC address of host A")
    ap.add_argument("--b", required=True, help="interface towards host B")
    ap.add_argument("--b-peer", required=True, help="MAC address of host B")
    ap.add_argument("--local", action="append", default=[],
                    help="the router's own IPv4 addresses (left to its kernel)")
    ap.add_argument("--reorder-every", type=int, default=0)
    ap.add_argument("--reorder-dirs", default="a2b")
    ap.add_argument("--dup-every", type=int, default=0)
    ap.add_argument("--dup-dirs", default="a2b,b2a")
    ap.add_argument("--later", type=int, default=3,
                    help="a held frame or a copy goes after this many later packets")
    ap.add_argument("--hold-ms", type=float, default=2.0,
                    help="... or after this long, whichever comes first")
    args = ap.parse_args()
    args.reorder_dirs = args.reorder_dirs.split(",")
    args.dup_dirs = args.dup_dirs.split(",")

    local = {socket.inet_aton(a) for a in args.local}
    sock_a, sock_b = open_socket(args.a), open_socket(args.b)
    ways = {
        sock_a: Direction("a2b", sock_b, own_mac(args.b), mac_bytes(args.b_peer), args),
        sock_b: Direction("b2a", sock_a, own_mac(args.a), mac_bytes(args.a_peer), args),
    }
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    print("READY", flush=True)
    while not stop:
        deadlines = [d for d in (w.next_deadline() for w in ways.values()) if d is not None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else 0.2
        try:
            ready, _, _ = select.select(list(ways), [], [], timeout)
        except InterruptedError:
            continue
        for sock in ready:
            frame, addr = sock.recvfrom(65535)
            if (addr[2] == PACKET_OUTGOING or len(frame) < 34 or frame[12:14] != b"\x08\x00"
                    or frame[30:34] in local):
                continue
            ways[sock].handle(frame)
        now = time.monotonic()
        for way in ways.values():
            way.flush(now)
    for sock, way in ways.items():
        way.stats["socket_drops"] = socket_drops(sock)
        print("STATS", way.name, " ".join("%s=%d" % kv for kv in sorted(way.stats.items())),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
