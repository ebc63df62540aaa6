#!/usr/bin/python3
"""Unit test of tools/lab/forwarder.py without sockets: what it sends, in
which order, for reordering and duplication, and the router's rewrite."""
import os
import socket
import struct
import sys
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "lab"))
import forwarder  # noqa: E402

SRC_MAC, DST_MAC = b"\x02\0\0\0\0\x0a", b"\x02\0\0\0\0\x0b"
SYN, ACK = 0x02, 0x10


def frame(ident, flags=ACK, payload=100, ttl=64):
    tcp = struct.pack("!HHIIBBHHH", 40000, 5001, 1000 + ident, 1, 5 << 4, flags, 65535, 0, 0)
    tcp += b"\0" * payload
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ident, 0, ttl, 6, 0,
                               socket.inet_aton("198.18.1.2"), socket.inet_aton("198.18.2.2")))
    ip[10:12] = struct.pack("!H", forwarder.ip_checksum(bytes(ip)))
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00" + bytes(ip) + tcp


class Wire:
    """Stands for the outgoing socket: records the IP-IDs sent, in order."""

    def __init__(self):
        self.sent = []

    def send(self, data):
        self.sent.append(struct.unpack("!H", data[18:20])[0])


def direction(reorder=0, dup=0, later=2, hold_ms=50.0):
    args = types.SimpleNamespace(reorder_every=reorder, reorder_dirs=["a2b"], dup_every=dup,
                                 dup_dirs=["a2b"], later=later, hold_ms=hold_ms)
    wire = Wire()
    return forwarder.Direction("a2b", wire, SRC_MAC, DST_MAC, args), wire


class ForwarderTest(unittest.TestCase):
    def test_routed_rewrites_macs_and_ttl_with_a_valid_checksum(self):
        out = forwarder.routed(frame(7, ttl=64), SRC_MAC, DST_MAC)
        self.assertEqual(out[:6], DST_MAC)
        self.assertEqual(out[6:12], SRC_MAC)
        self.assertEqual(out[14 + 8], 63)
        self.assertEqual(forwarder.ip_checksum(out[14:34]), 0)  # sums to all ones
        self.assertIsNone(forwarder.routed(frame(7, ttl=1), SRC_MAC, DST_MAC))

    def test_every_third_data_segment_waits_for_two_later_packets(self):
        way, wire = direction(reorder=3, later=2)
        for ident in range(1, 10):
            way.handle(frame(ident))
        self.assertEqual(wire.sent, [1, 2, 4, 5, 3, 7, 8, 6])
        self.assertEqual(way.stats["held"], 3)
        way.flush(float("inf"))  # the last one goes when its time is up
        self.assertEqual(wire.sent[-1], 9)

    def test_pure_acks_are_never_held(self):
        way, wire = direction(reorder=1, later=1)
        way.handle(frame(1, payload=0))
        self.assertEqual(wire.sent, [1])

    def test_a_copy_follows_two_later_packets_and_syns_are_not_copied(self):
        way, wire = direction(dup=2, later=2)
        way.handle(frame(1, flags=SYN, payload=0))
        way.handle(frame(2, flags=SYN, payload=0))  # the 2nd segment, but a SYN
        for ident in range(3, 8):
            way.handle(frame(ident))
        # The copy of 4 goes after 5 and 6; sending it counts for the copy of 6.
        self.assertEqual(wire.sent, [1, 2, 3, 4, 5, 6, 4, 7, 6])
        self.assertEqual(way.stats["duplicated"], 2)
        self.assertEqual(way.stats["forwarded"], 9)


if __name__ == "__main__":
    unittest.main(verbosity=2)
