#!/usr/bin/python3
"""Peer programs for the kernel lab: real sockets driven into known states.

Every subcommand prints READY once it listens (servers) and DONE once its
work is finished, then keeps its sockets open until it is killed, so that
`ss` run afterwards still sees them. Standard library only.
"""
import argparse
import errno
import os
import select
import signal
import socket
import struct
import sys
import threading
import time


def say(word, *extra):
    print(word, *extra, flush=True)


def hold_forever():
    while True:
        signal.pause()


def pin_cpu(cpu):
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu % os.cpu_count()})


def spin_until(deadline):
    """Busy-wait on CLOCK_MONOTONIC: sleep coarsely, then spin."""
    while True:
        left = deadline - time.clock_gettime(time.CLOCK_MONOTONIC)
        if left <= 0:
            return
        if left > 0.02:
            time.sleep(left - 0.01)


def recv_exact(sock, count):
    got = 0
    while got < count:
        chunk = sock.recv(min(65536, count - got))
        if not chunk:
            break
        got += len(chunk)
    return got


def drain(sock):
    total = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return total
        total += len(chunk)


def send_zeros(sock, count):
    block = b"\0" * 65536
    left = count
    while left > 0:
        sent = sock.send(block[:min(left, len(block))])
        left -= sent


def tcp_state_in_proc(local, peer):
    """State code (hex string) of a 4-tuple in this namespace's /proc/net/tcp."""
    def enc(addr):
        ip, port = addr
        packed = struct.unpack("<I", socket.inet_aton(ip))[0]
        return "%08X:%04X" % (packed, port)
    want_l, want_p = enc(local), enc(peer)
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            cols = line.split()
            if cols[1] == want_l and cols[2] == want_p:
                return cols[3]
    return None


def wait_file(path, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            with open(path) as f:
                data = f.read().strip()
            if data:
                return data
        time.sleep(0.01)
    return None


def family_of(addr):
    """AF_INET6 for an IPv6 literal, else AF_INET."""
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def put_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


# ---------------------------------------------------------------- servers

def server_conn(args, conn, finished):
    try:
        if args.mode == "sink":
            drain(conn)
            conn.close()
        elif args.mode == "reqresp":
            if args.request:
                recv_exact(conn, args.request)
            if args.response:
                send_zeros(conn, args.response)
            drain(conn)
            conn.close()
        elif args.mode == "halfclose":
            drain(conn)
            send_zeros(conn, args.response)
            conn.close()
        elif args.mode == "hold":
            # Read until EOF but never close: the socket stays in CLOSE_WAIT.
            drain(conn)
            args.held.append(conn)
        elif args.mode == "still":
            # Never read: the receive window fills and closes.
            args.held.append(conn)
        elif args.mode == "simclose":
            raw = b""
            while len(raw) < 4:
                chunk = conn.recv(4 - len(raw))
                if not chunk:
                    break
                raw += chunk
            attempt = struct.unpack("!I", raw)[0]
            simclose_round(args, conn, attempt, "server")
            args.held.append(conn)
    except OSError as exc:
        say("ERROR", exc)
        args.held.append(conn)
    finished.release()


def cmd_server(args):
    args.held = []
    lsock = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.mss:
        lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, args.mss)
    if args.rcvbuf:
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    if args.cpu is not None:
        pin_cpu(args.cpu)
    lsock.bind((args.addr, args.port))
    lsock.listen(args.backlog)
    say("READY")
    finished = threading.Semaphore(0)
    accepted = 0

    def acceptor():
        nonlocal accepted
        while True:
            conn, _ = lsock.accept()
            accepted += 1
            threading.Thread(target=server_conn, args=(args, conn, finished),
                             daemon=True).start()

    threading.Thread(target=acceptor, daemon=True).start()
    for _ in range(args.count):
        finished.acquire()
    say("DONE", "connections=%d" % accepted)
    hold_forever()


# ---------------------------------------------------------------- clients

def connect(args, sock=None):
    sock = sock or socket.socket(family_of(args.host), socket.SOCK_STREAM)
    sock.settimeout(args.timeout)
    sock.connect((args.host, args.port))
    sock.settimeout(None)
    return sock


def one_conversation(args, held):
    try:
        sock = connect(args)
    except ConnectionRefusedError:
        return "refused"
    except OSError as exc:
        return "error:%s" % exc.__class__.__name__
    if args.request:
        send_zeros(sock, args.request)
    if args.response:
        recv_exact(sock, args.response)
    if args.pause:
        time.sleep(args.pause)
    if args.keep:
        held.append(sock)
        return "kept"
    if args.linger0:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    sock.close()
    return "ok"


def cmd_conns(args):
    held = []
    results = []
    lock = threading.Lock()
    todo = list(range(args.count))

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            outcome = one_conversation(args, held)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(args.parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = {}
    for r in results:
        summary[r] = summary.get(r, 0) + 1
    say("DONE", " ".join("%s=%d" % kv for kv in sorted(summary.items())))
    hold_forever()


def cmd_bulk(args):
    sock = connect(args)
    if args.burst:
        left = args.bytes
        while left > 0:
            n = min(args.burst, left)
            send_zeros(sock, n)
            left -= n
            time.sleep(args.gap)
    else:
        send_zeros(sock, args.bytes)
    sock.shutdown(socket.SHUT_WR)
    drain(sock)
    sock.close()
    say("DONE", "bytes=%d" % args.bytes)
    hold_forever()


def cmd_halfclose(args):
    sock = connect(args)
    send_zeros(sock, args.request)
    sock.shutdown(socket.SHUT_WR)
    got = drain(sock)
    sock.close()
    say("DONE", "received=%d" % got)
    hold_forever()


def cmd_keepalive(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, args.idle)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, args.interval)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 100)
    connect(args, sock)
    say("DONE", "keepalive idle=%d interval=%d" % (args.idle, args.interval))
    hold_forever()


def cmd_fill(args):
    """Write until the kernel refuses more: the peer's window is closed."""
    sock = connect(args)
    sock.setblocking(False)
    block = b"\0" * 65536
    total = 0
    idle_since = None
    while True:
        try:
            total += sock.send(block)
            idle_since = None
        except BlockingIOError:
            now = time.monotonic()
            if idle_since is None:
                idle_since = now
            elif now - idle_since > args.settle:
                break
            time.sleep(0.01)
    say("DONE", "buffered=%d" % total)
    hold_forever()


def cmd_synsent(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    rc = sock.connect_ex((args.host, args.port))
    say("DONE", "connect=%s" % errno.errorcode.get(rc, rc))
    hold_forever()


# ------------------------------------------------ simultaneous open/close

def cmd_simopen(args):
    """Both peers connect to each other at one instant; retry until both
    connects succeed, which only a simultaneous open allows."""
    pin_cpu(args.cpu)
    peer_role = "b" if args.role == "a" else "a"
    for attempt in range(args.attempts):
        deadline = args.start + attempt * args.spacing
        lport = args.local_port + attempt
        rport = args.remote_port + attempt
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.addr, lport))
        sock.setblocking(False)
        spin_until(deadline)
        sock.connect_ex((args.host, rport))
        _, writable, _ = select.select([], [sock], [], args.spacing / 3)
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) \
            if writable else errno.ETIMEDOUT
        mine = "ok" if err == 0 else "fail"
        put_file(os.path.join(args.dir, "%d.%s" % (attempt, args.role)), mine)
        theirs = wait_file(os.path.join(args.dir, "%d.%s" % (attempt, peer_role)),
                           args.spacing / 3)
        if mine == "ok" and theirs == "ok":
            say("DONE", "attempt=%d local_port=%d" % (attempt, lport))
            hold_forever()
        sock.close()
    say("FAILED", "attempts=%d" % args.attempts)
    hold_forever()


def simclose_round(args, sock, attempt, role):
    """Close at the shared deadline, then report whether we reached
    TIME_WAIT through CLOSING (both ends closed first)."""
    deadline = args.start + attempt * args.spacing
    local, peer = sock.getsockname(), sock.getpeername()
    spin_until(deadline)
    sock.close()
    time.sleep(args.spacing / 3)
    state = tcp_state_in_proc(local, peer)
    mine = "ok" if state == "06" else "fail"
    put_file(os.path.join(args.dir, "%d.%s" % (attempt, role)), mine)
    return mine


def cmd_simclose(args):
    pin_cpu(args.cpu)
    for attempt in range(args.attempts):
        sock = connect(args)
        sock.sendall(struct.pack("!I", attempt))
        mine = simclose_round(args, sock, attempt, "client")
        theirs = wait_file(os.path.join(args.dir, "%d.server" % attempt),
                           args.spacing / 2)
        if mine == "ok" and theirs == "ok":
            say("DONE", "attempt=%d" % attempt)
            hold_forever()
    say("FAILED", "attempts=%d" % args.attempts)
    hold_forever()


# ---------------------------------------------------------------- SYN flood

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def syn_packet(src, dst, sport, dport, seq):
    options = struct.pack("!BBH", 2, 4, 1460)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (5 + 1) << 4,
                      0x02, 64240, 0, 0) + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), seq & 0xFFFF, 0,
                     64, socket.IPPROTO_TCP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def cmd_synflood(args):
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    seed = args.seed
    gap = args.duration / max(1, args.count)
    for i in range(args.count):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        src = "%s.%d" % (args.src_net, 1 + seed % 254)
        sport = 1024 + (seed >> 8) % 60000
        raw.sendto(syn_packet(src, args.host, sport, args.port, seed),
                   (args.host, 0))
        time.sleep(gap)
    say("DONE", "syns=%d" % args.count)
    hold_forever()


# ---------------------------------------------------------------- CLI

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def client_opts(p):
        p.add_argument("--host", required=True)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--timeout", type=float, default=20.0)

    s = sub.add_parser("server")
    s.add_argument("--addr", default="0.0.0.0")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--mode", required=True,
                   choices=["sink", "reqresp", "halfclose", "hold", "still",
                            "simclose"])
    s.add_argument("--count", type=int, default=1,
                   help="connections to finish before DONE")
    s.add_argument("--backlog", type=int, default=128)
    s.add_argument("--mss", type=int, default=0)
    s.add_argument("--rcvbuf", type=int, default=0)
    s.add_argument("--request", type=int, default=0)
    s.add_argument("--response", type=int, default=0)
    s.add_argument("--cpu", type=int)
    s.add_argument("--start", type=float, default=0.0)
    s.add_argument("--spacing", type=float, default=1.0)
    s.add_argument("--dir", default=".")
    s.set_defaults(func=cmd_server)

    c = sub.add_parser("conns")
    client_opts(c)
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--parallel", type=int, default=1)
    c.add_argument("--request", type=int, default=0)
    c.add_argument("--response", type=int, default=0)
    c.add_argument("--pause", type=float, default=0.0)
    c.add_argument("--keep", action="store_true")
    c.add_argument("--linger0", action="store_true")
    c.set_defaults(func=cmd_conns)

    b = sub.add_parser("bulk")
    client_opts(b)
    b.add_argument("--bytes", type=int, required=True)
    b.add_argument("--burst", type=int, default=0)
    b.add_argument("--gap", type=float, default=0.01)
    b.set_defaults(func=cmd_bulk)

    h = sub.add_parser("halfclose")
    client_opts(h)
    h.add_argument("--request", type=int, default=10000)
    h.set_defaults(func=cmd_halfclose)

    k = sub.add_parser("keepalive")
    client_opts(k)
    k.add_argument("--idle", type=int, default=1)
    k.add_argument("--interval", type=int, default=1)
    k.set_defaults(func=cmd_keepalive)

    f = sub.add_parser("fill")
    client_opts(f)
    f.add_argument("--settle", type=float, default=0.5)
    f.set_defaults(func=cmd_fill)

    y = sub.add_parser("synsent")
    client_opts(y)
    y.set_defaults(func=cmd_synsent)

    o = sub.add_parser("simopen")
    client_opts(o)
    o.add_argument("--addr", required=True)
    o.add_argument("--local-port", type=int, required=True)
    o.add_argument("--remote-port", type=int, required=True)
    o.add_argument("--role", choices=["a", "b"], required=True)
    o.add_argument("--start", type=float, required=True)
    o.add_argument("--spacing", type=float, default=0.6)
    o.add_argument("--attempts", type=int, default=30)
    o.add_argument("--cpu", type=int)
    o.add_argument("--dir", required=True)
    o.set_defaults(func=cmd_simopen)

    x = sub.add_parser("simclose")
    client_opts(x)
    x.add_argument("--start", type=float, required=True)
    x.add_argument("--spacing", type=float, default=0.6)
    x.add_argument("--attempts", type=int, default=30)
    x.add_argument("--cpu", type=int)
    x.add_argument("--dir", required=True)
    x.set_defaults(func=cmd_simclose)

    r = sub.add_parser("synflood")
    r.add_argument("--host", required=True)
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--src-net", default="198.18.3")
    r.add_argument("--count", type=int, default=200)
    r.add_argument("--duration", type=float, default=0.5)
    r.add_argument("--seed", type=int, default=1)
    r.set_defaults(func=cmd_synflood)

    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
