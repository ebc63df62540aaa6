#!/usr/bin/env python3
"""tests: deliver anomalies to a real rsyslogd over UDP and TCP and read back what it wrote.

Usage: rsyslog_check.py SYSLOG_EMIT

rsyslogd runs in the foreground with its own configuration in a temporary
directory, listening on 127.0.0.1 only (imudp, imtcp on free ports) and on a
unix socket in that directory (imuxsock with the system socket turned off: the
system's /dev/log is never touched). Each input writes
two files: the raw message as received, and the fields rsyslog itself parsed
out of it, so the test checks both the bytes and that a real collector
understands them as RFC 5424. Exits 77 (skipped) when rsyslogd is missing and
cannot be installed.
"""
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
WAIT_S = 15
HOSTILE_DETAIL = 'quote " backslash \\ bracket ] open [ equals = end'
SAMPLE_SEC = 1795255200  # the fixture's packet time, 2026-11-21 10:00:00 UTC


def rfc3339(sec, usec):
    t = datetime.datetime.fromtimestamp(sec, tz=datetime.timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S') + '.%06dZ' % usec


FLOW4 = {'flow': '7', 'client': '192.0.2.10:40000', 'server': '198.51.100.20:80',
         'c2s_retrans': '3', 'c2s_data': '120', 's2c_retrans': '1', 's2c_data': '40'}
FLOW6 = dict(FLOW4, client='[2001:db8::10]:40000', server='[2001:db8::20]:80')
STALL = {'endpoint': 'server', 'severity': 'warning', 'duration': '12.500000', 'value': '0'}

# What syslog_emit sends, in order: (msgid, severity, timestamp, params).
EXPECTED = [
    ('close_wait_stall', 4, rfc3339(SAMPLE_SEC, 123456), dict(FLOW4, **STALL)),
    ('syn_flood', 2, rfc3339(SAMPLE_SEC + 1, 0),
     {'host': '2001:db8::1', 'port': '443', 'severity': 'crit', 'value': '250',
      'detail': HOSTILE_DETAIL}),
    ('close_wait_stall', 4, rfc3339(SAMPLE_SEC, 123456), dict(FLOW6, **STALL)),
    ('retransmission_high', 3, rfc3339(SAMPLE_SEC + 2, 5),
     dict(FLOW4, endpoint='client', severity='err', value='3', value2='250')),
]
FACILITIES = {'daemon': 3, 'local4': 20, 'local7': 23}


class Failure(Exception):
    pass


def need_rsyslogd():
    path = shutil.which('rsyslogd') or ('/usr/sbin/rsyslogd' if os.path.exists('/usr/sbin/rsyslogd') else None)
    if path:
        return path
    if os.geteuid() == 0 and shutil.which('apt-get'):
        print('rsyslogd not found: installing the rsyslog package', flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'install', '-y', '-q', 'rsyslog'], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=240, check=False)
        if os.path.exists('/usr/sbin/rsyslogd'):
            return '/usr/sbin/rsyslogd'
    print('SKIP: rsyslogd is not installed (apt-get install rsyslog, as root)')
    sys.exit(SKIP)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def udp_bound(port):
    want = '0100007F:%04X' % port  # 127.0.0.1, as /proc/net/udp writes it
    with open('/proc/net/udp') as f:
        return any(line.split()[1] == want for line in f.readlines()[1:] if len(line.split()) > 1)


CONF = '''\
global(workDirectory="{d}")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
template(name="raw" type="string" string="%rawmsg%\\n")
template(name="parsed" type="string"
         string="%syslogfacility%|%syslogseverity%|%app-name%|%procid%|%msgid%|%timereported:::date-rfc3339%|%structured-data%\\n")
ruleset(name="udp") {{
  action(type="omfile" file="{d}/udp.raw" template="raw")
  action(type="omfile" file="{d}/udp.parsed" template="parsed")
}}
ruleset(name="tcp") {{
  action(type="omfile" file="{d}/tcp.raw" template="raw")
  action(type="omfile" file="{d}/tcp.parsed" template="parsed")
}}
ruleset(name="unix") {{
  action(type="omfile" file="{d}/unix.raw" template="raw")
  action(type="omfile" file="{d}/unix.parsed" template="parsed")
}}
input(type="imudp" address="127.0.0.1" port="{udp_port}" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="{d}/tcp.port" ruleset="tcp")
# The special parser for syslog(3)'s legacy format is on by default; RFC 5424
# senders need the regular parser chain.
input(type="imuxsock" Socket="{d}/log.sock" ruleset="unix" useSpecialParser="off"
      parseHostname="on" ignoreTimestamp="off")
'''


def start_rsyslogd(rsyslogd, d):
    """Returns (process, udp_port, tcp_port) once both inputs listen."""
    for _ in range(3):
        udp_port = free_udp_port()
        with open(os.path.join(d, 'rsyslog.conf'), 'w') as f:
            f.write(CONF.format(d=d, udp_port=udp_port))
        for name in ('tcp.port', 'rsyslogd.pid', 'log.sock'):
            if os.path.exists(os.path.join(d, name)):
                os.unlink(os.path.join(d, name))
        log = open(os.path.join(d, 'rsyslogd.log'), 'w')
        proc = subprocess.Popen([rsyslogd, '-n', '-f', os.path.join(d, 'rsyslog.conf'),
                                 '-i', os.path.join(d, 'rsyslogd.pid')],
                                stdout=log, stderr=subprocess.STDOUT, cwd=d)
        log.close()
        deadline = time.monotonic() + WAIT_S
        tcp_port = None
        while time.monotonic() < deadline and proc.poll() is None:
            pf = os.path.join(d, 'tcp.port')
            if tcp_port is None and os.path.exists(pf):
                text = open(pf).read().strip()
                tcp_port = int(text) if text.isdigit() else None
            if tcp_port and udp_bound(udp_port) and os.path.exists(os.path.join(d, 'log.sock')):
                return proc, udp_port, tcp_port
            time.sleep(0.05)
        stop(proc)  # the UDP port was taken meanwhile, or rsyslogd failed: try again
    raise Failure('rsyslogd did not start listening:\n' + open(os.path.join(d, 'rsyslogd.log')).read())


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def unescape_value(v):
    return re.sub(r'\\(["\\\]])', r'\1', v)


MSG_RE = re.compile(r'<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*?(?<!\\)\])(?: (.*))?$')
PARAM_RE = re.compile(r' ([^= \]"]{1,32})="((?:[^"\\\]]|\\.)*)"')


def parse_rfc5424(line):
    m = MSG_RE.match(line)
    if not m:
        raise Failure('not an RFC 5424 message: %r' % line)
    pri, ts, host, app, procid, msgid, sd, msg = m.groups()
    if not sd.startswith('[tcpscope@32473 '):
        raise Failure('unexpected SD-ID in %r' % sd)
    body = sd[len('[tcpscope@32473'):-1]
    params = {}
    pos = 0
    while pos < len(body):
        p = PARAM_RE.match(body, pos)
        if not p:
            raise Failure('bad SD-PARAM at %r' % body[pos:])
        params[p.group(1)] = unescape_value(p.group(2))
        pos = p.end()
    return {'pri': int(pri), 'ts': ts, 'host': host, 'app': app, 'procid': procid,
            'msgid': msgid, 'sd': sd, 'params': params, 'msg': msg or ''}


def read_lines(path, count):
    deadline = time.monotonic() + WAIT_S
    lines = []
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, encoding='ascii') as f:
                lines = f.read().splitlines()
            if len(lines) >= count:
                return lines
        time.sleep(0.05)
    raise Failure('%s: %d lines after %d s, expected %d' % (path, len(lines), WAIT_S, count))


def check_input(d, name, facility_name, emitter_pid):
    facility = FACILITIES[facility_name]
    raw = read_lines(os.path.join(d, name + '.raw'), len(EXPECTED))
    parsed = read_lines(os.path.join(d, name + '.parsed'), len(EXPECTED))
    if len(raw) != len(EXPECTED):
        raise Failure('%s: %d messages, expected %d' % (name, len(raw), len(EXPECTED)))
    for line, fields, (msgid, sev, ts, params) in zip(raw, parsed, EXPECTED):
        m = parse_rfc5424(line)
        want = {'pri': facility * 8 + sev, 'ts': ts, 'app': 'tcpscope',
                'procid': emitter_pid, 'msgid': msgid, 'params': params}
        got = {k: m[k] for k in want}
        if got != want:
            raise Failure('%s: message\n  %s\ngot  %r\nwant %r' % (name, line, got, want))
        if not m['msg'] or not m['msg'].isprintable():
            raise Failure('%s: MSG missing or not printable: %r' % (name, m['msg']))
        # What rsyslog's own RFC 5424 parser made of it.
        want_fields = [str(facility), str(sev), 'tcpscope', emitter_pid, msgid,
                       ts, m['sd']]
        if fields.split('|', 6) != want_fields:
            raise Failure('%s: rsyslog parsed\n  %s\nwant\n  %s' % (name, fields, '|'.join(want_fields)))
    print('%s: %d messages, facility %s: ok' % (name, len(raw), facility_name))


def emit(emitter, target, facility):
    r = subprocess.run([emitter, target, facility], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise Failure('syslog_emit %s %s failed (%d): %s' % (target, facility, r.returncode, r.stderr))
    return r.stdout.strip()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    emitter = sys.argv[1]
    rsyslogd = need_rsyslogd()
    # meson sends SIGTERM on timeout: still stop rsyslogd and remove the files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    d = tempfile.mkdtemp(prefix='tcpscope-rsyslog-')
    proc = None
    try:
        proc, udp_port, tcp_port = start_rsyslogd(rsyslogd, d)
        udp_pid = emit(emitter, 'udp://127.0.0.1:%d' % udp_port, 'local4')
        tcp_pid = emit(emitter, 'tcp://127.0.0.1:%d' % tcp_port, 'daemon')
        unix_pid = emit(emitter, 'unix:%s' % os.path.join(d, 'log.sock'), 'local7')
        check_input(d, 'udp', 'local4', udp_pid)
        check_input(d, 'tcp', 'daemon', tcp_pid)
        check_input(d, 'unix', 'local7', unix_pid)
        print('rsyslog received and parsed every message')
        return 0
    except Failure as e:
        print('FAIL: %s' % e)
        log = os.path.join(d, 'rsyslogd.log')
        if os.path.exists(log):
            print('rsyslogd output:\n' + open(log).read())
        return 1
    finally:
        if proc:
            stop(proc)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
