#!/usr/bin/env python3
"""Interop harness: real pppd 2.4.9 in a small qemu VM, its /dev/ttyS1 wired to a host pty.

The host kernel has no PPP support, so pppd runs in a TCG guest booted from the base initramfs
(build-initramfs.sh) plus a per-scenario cpio carrying /scenario/run.sh, /etc/ppp/chap-secrets
and any other files. A host command (chapd) is run against the pty; both sides' output, exit
statuses and timeouts are collected, then the scenario's expectations are checked.

Stdlib only. API: GuestSpec, VM, HostProcess, Scenario, run_scenario, evaluate. CLI: see main().
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import io
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(REPO, ".build", "interop")

PTY_RE = re.compile(r"char device redirected to (/dev/pts/\d+) \(label link\)")
EXIT_RE = re.compile(r"^PPPD-EXIT (\d+)")
# Terminal control sequences SeaBIOS and the console emit; stripped so lines compare cleanly.
# Once one side has ended, how long the other may take to follow before it is killed.
GRACE_SECONDS = 20.0
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc")


# ---------------------------------------------------------------------------------------------
# Scenario cpio (newc), written here so scenario files never touch the host's /etc.

def _newc_entry(name: str, mode: int, data: bytes, ino: int) -> bytes:
    nameb = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nameb), 0]
    hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = hdr + nameb
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def newc_archive(files: dict[str, tuple[int, bytes]]) -> bytes:
    """files: guest path -> (permission bits, content). Parent directories are added."""
    dirs: set[str] = set()
    for path in files:
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    buf = io.BytesIO()
    ino = 1000
    for d in sorted(dirs):
        buf.write(_newc_entry(d, 0o040755, b"", ino)); ino += 1
    for path, (perm, data) in sorted(files.items()):
        buf.write(_newc_entry(path.strip("/"), 0o100000 | perm, data, ino)); ino += 1
    buf.write(_newc_entry("TRAILER!!!", 0, b"", 0))
    raw = buf.getvalue()
    raw += b"\0" * (-len(raw) % 512)
    return raw


# ---------------------------------------------------------------------------------------------
# Guest side

@dataclass
class GuestSpec:
    """What runs in the VM: pppd on /dev/ttyS1 with these options."""
    pppd_options: list[str]
    chap_secrets: str = ""
    files: dict[str, str] = field(default_factory=dict)  # guest path -> text (mode 0600)
    term_after: float | None = None  # seconds after pppd starts: send it SIGTERM
    device: str = "/dev/ttyS1"
    speed: str = "115200"
    # Seconds the guest stays up after pppd exits before it powers off: the host side then
    # ends by its own protocol timers instead of by the VM's line going away (a race that
    # made its exit status one of two).
    linger: float = 0
    # Shell run in the guest once pppd's interface has an IPv4 address (ping, nc …); when it
    # ends, pppd is sent SIGTERM. Its output goes to the console, prefixed "GUEST-UP ".
    when_up: str | None = None
    # pppd runs this many times in a row on the device, each run as above (term_after, when_up,
    # then linger), so a host that serves the line like a getty meets a second caller.
    runs: int = 1

    def run_script(self) -> str:
        argv = ["pppd", self.device, self.speed, "nodetach", "debug", "logfd", "2", *self.pppd_options]
        cmd = " ".join(shlex.quote(a) for a in argv)
        lines = ["#!/bin/sh", "cd /"]
        for _ in range(self.runs):
            lines += self._one_run(cmd)
        lines += [""]
        return "\n".join(lines)

    def _one_run(self, cmd: str) -> list[str]:
        lines = ["echo PPPD-START", f"{cmd} </dev/null &", "pid=$!"]
        if self.term_after is not None:
            lines += [f"( sleep {self.term_after:g}; echo INTEROP-TERM; kill -TERM $pid ) &", "killer=$!"]
        if self.when_up is not None:
            with_prefix = "2>&1 | sed 's/^/GUEST-UP /'"
            lines += ["( n=0; until ip -4 addr show ppp0 2>/dev/null | grep -q inet || [ $n -ge 600 ]; do sleep 0.1; n=$((n+1)); done;"
                      f" sh /scenario/up.sh {with_prefix}; echo GUEST-UP-DONE; kill -TERM $pid ) &"]
        lines += ["wait $pid", "st=$?"]
        if self.term_after is not None:
            lines += ["kill $killer 2>/dev/null"]
        lines += ['echo "PPPD-EXIT $st"']
        if self.linger:
            lines += [f"sleep {self.linger:g}"]
        return lines

    def cpio(self) -> bytes:
        files = {"scenario/run.sh": (0o755, self.run_script().encode())}
        if self.when_up is not None:
            files["scenario/up.sh"] = (0o755, (self.when_up + "\n").encode())
        files["etc/ppp/chap-secrets"] = (0o600, self.chap_secrets.encode())
        for path, text in self.files.items():
            files[path.lstrip("/")] = (0o600, text.encode())
        return gzip.compress(newc_archive(files), compresslevel=1)


def ensure_base() -> dict[str, str]:
    """Builds (or reuses) the base initramfs; returns vm.env as a dict (KERNEL, INITRD, KVER)."""
    subprocess.run([os.path.join(HERE, "build-initramfs.sh"), CACHE], check=True)
    env = {}
    with open(os.path.join(CACHE, "vm.env")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k:
                env[k] = v
    return env


class LineCollector:
    """Reads a binary stream on a thread into lines; waiters can block on a regex."""

    def __init__(self, stream, sink: Callable[[str], None] | None = None):
        self.lines: list[str] = []
        self.closed = False
        self._cond = threading.Condition()
        self._sink = sink
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream):
        pending = b""
        while True:
            try:
                chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                self._add(raw)
        if pending:
            self._add(pending)
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def _add(self, raw: bytes):
        text = ANSI_RE.sub("", raw.decode("utf-8", "replace")).replace("\r", "")
        with self._cond:
            self.lines.append(text)
            self._cond.notify_all()
        if self._sink:
            self._sink(text)

    def wait_for(self, pattern: re.Pattern, timeout: float) -> re.Match | None:
        """First match of pattern in any line (past or future), or None on timeout/EOF."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.lines[seen:]:
                    m = pattern.search(line)
                    if m:
                        return m
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    return None
                self._cond.wait(left)

    def join(self, timeout: float):
        self._thread.join(timeout)

    def text(self) -> str:
        with self._cond:
            return "\n".join(self.lines)


def _qemu_argv(kernel: str, initrd: str) -> list[str]:
    # TCG only: KVM is present on the build machine but hangs.
    return ["qemu-system-x86_64", "-accel", "tcg", "-m", "256M", "-nographic", "-nodefaults",
            "-no-reboot", "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 quiet",
            "-chardev", "pty,id=link", "-serial", "stdio", "-serial", "chardev:link"]


class VM:
    """One qemu guest running a GuestSpec. Use as a context manager (always killed on exit)."""

    def __init__(self, spec: GuestSpec, workdir: str, echo: Callable[[str], None] | None = None):
        self.spec = spec
        self.workdir = workdir
        self.echo = echo
        self.proc: subprocess.Popen | None = None
        self.console: LineCollector | None = None
        self.started_at = 0.0

    def start(self):
        env = ensure_base()
        initrd = os.path.join(self.workdir, "initrd.img")
        with open(initrd, "wb") as out, open(env["INITRD"], "rb") as base:
            out.write(base.read())
            out.write(self.spec.cpio())
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(_qemu_argv(env["KERNEL"], initrd), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.console = LineCollector(self.proc.stdout, self.echo)
        return self

    def wait_pty(self, timeout: float = 30) -> str | None:
        m = self.console.wait_for(PTY_RE, timeout)
        return m.group(1) if m else None

    def wait_line(self, pattern: str | re.Pattern, timeout: float) -> re.Match | None:
        return self.console.wait_for(re.compile(pattern) if isinstance(pattern, str) else pattern, timeout)

    def pppd_exit(self) -> int | None:
        statuses = self.pppd_exits()
        return statuses[0] if statuses else None

    def pppd_exits(self) -> list[int]:
        """Every run's status, in order (GuestSpec.runs)."""
        return [int(m.group(1)) for m in map(EXIT_RE.search, self.console.lines) if m]

    def wait_exit(self, timeout: float) -> int | None:
        try:
            rc = self.proc.wait(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            return None
        self.console.join(5)
        return rc

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.running():
            self.proc.kill()
            self.proc.wait(10)
        if self.console:
            self.console.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()


# ---------------------------------------------------------------------------------------------
# Host side

class HostProcess:
    """The host command (chapd) with stdout+stderr merged into collected lines."""

    def __init__(self, argv: list[str], cwd: str | None = None, echo: Callable[[str], None] | None = None):
        self.argv = argv
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.output = LineCollector(self.proc.stdout, echo)
        self.killed = False

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self, timeout: float) -> int | None:
        try:
            rc = self.proc.wait(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            return None
        self.output.join(5)
        return rc

    def terminate(self):
        """SIGTERM as part of the scenario (not a kill: the exit status is still checked)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def stop(self, grace: float = 3.0):
        """SIGTERM, then SIGKILL after grace; only this process's own group."""
        if self.proc.poll() is None:
            self.killed = True
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if self.wait(grace) is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(10)
        self.output.join(5)


# ---------------------------------------------------------------------------------------------
# FreeRADIUS on the host loopback (Tests/Support/FreeRADIUS/FreeRADIUS.swift, in Python)

RADIUS_SECRET = "testing123"
# No Session-Timeout (the Swift fixture's 5 s would end the link before the guest's SIGTERM).
RADIUS_USERS = """alice Cleartext-Password := "alicepw"
      Framed-IP-Address = 10.1.2.3,
      Idle-Timeout = 600,
      Acct-Interim-Interval = 60,
      Reply-Message = "Hello, %{User-Name}",
      Class = "class-alice"
"""


def _free_udp_port() -> int:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _radiusd_conf(d: str, auth_port: int, acct_port: int) -> str:
    # Self-contained: dictionaries from /usr/share/freeradius, nothing read from /etc/freeradius.
    # One client (127.0.0.1) that must sign its requests; chap + files authorize, detail accounts.
    return f"""prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = {d}
raddbdir = {d}
radacctdir = {d}
name = freeradius
confdir = {d}
modconfdir = {d}
run_dir = {d}
db_dir = {d}
libdir = /usr/lib/freeradius
dictdir = /usr/share/freeradius
pidfile = {d}/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 65536
hostname_lookups = no
log {{
    destination = stdout
    auth = yes
}}
security {{
    allow_core_dumps = no
    max_attributes = 200
    reject_delay = 0
    status_server = yes
}}
client local {{
    ipaddr = 127.0.0.1
    secret = {RADIUS_SECRET}
    require_message_authenticator = yes
}}
modules {{
    chap {{
    }}
    files {{
        filename = {d}/users
    }}
    detail {{
        filename = {d}/detail
        header = "%t"
        permissions = 0600
    }}
    always ok {{
        rcode = ok
    }}
}}
server default {{
    listen {{
        type = auth
        ipaddr = 127.0.0.1
        port = {auth_port}
    }}
    listen {{
        type = acct
        ipaddr = 127.0.0.1
        port = {acct_port}
    }}
    authorize {{
        chap
        files
    }}
    authenticate {{
        Auth-Type CHAP {{
            chap
        }}
    }}
    preacct {{
    }}
    accounting {{
        detail
        ok
    }}
    post-auth {{
        Post-Auth-Type REJECT {{
            update reply {{
                Reply-Message := "Access denied for %{{User-Name}}"
            }}
        }}
    }}
}}
"""


class FreeRADIUS:
    """freeradius -X (foreground, debug, one thread) with its own config in `directory`, auth and
    acct on free 127.0.0.1 ports. Also writes radiusclient.conf and servers (pppd radius plugin
    format) for chapd into client_dir."""

    EXECUTABLES = ("/usr/sbin/freeradius", "/usr/sbin/radiusd")

    def __init__(self, directory: str, client_dir: str):
        exe = next((e for e in self.EXECUTABLES if os.access(e, os.X_OK)), None)
        if exe is None:
            raise OSError("freeradius is not installed (apt-get install freeradius)")
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.auth_port, self.acct_port = _free_udp_port(), _free_udp_port()
        _write_private(os.path.join(directory, "radiusd.conf"), _radiusd_conf(directory, self.auth_port, self.acct_port))
        _write_private(os.path.join(directory, "users"), RADIUS_USERS)
        _write_private(os.path.join(client_dir, "servers"), f"127.0.0.1 {RADIUS_SECRET}\n")
        _write_private(os.path.join(client_dir, "radiusclient.conf"),
                       f"authserver 127.0.0.1:{self.auth_port}\nacctserver 127.0.0.1:{self.acct_port}\n"
                       f"servers {client_dir}/servers\nradius_timeout 3\nradius_retries 2\n"
                       "nas-identifier chapd-interop\n")
        self.log_path = os.path.join(directory, "radiusd.out")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([exe, "-X", "-d", directory], stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.proc.poll() is None:
            if "Ready to process requests" in self.log():
                return
            time.sleep(0.05)
        self.stop()
        raise OSError(f"freeradius did not start:\n{self.log()}")

    def log(self) -> str:
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def detail(self) -> list[str]:
        try:
            with open(os.path.join(self.directory, "detail"), errors="replace") as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()


def accounting_sessions(detail: list[str]) -> list[str]:
    """`acct sessions: N`, then one line per Acct-Session-Id in a detail file, records in order:
    `acct session ID user USER: Start, Stop (Terminate-Cause)`: Start and Stop of one session
    must share its id, which plain line expectations cannot check."""
    records, cur = [], None
    for line in detail:
        if line and not line[0].isspace():  # the "%t" header opens a record
            cur = {}
            records.append(cur)
        elif cur is not None and "=" in line:
            k, _, v = line.strip().partition(" = ")
            cur[k] = v.strip('"')
    sessions: dict[str, list[str]] = {}
    users: dict[str, str] = {}
    for r in records:
        sid = r.get("Acct-Session-Id", "?")
        kind = r.get("Acct-Status-Type", "?")
        if kind == "Stop":
            kind += f" ({r.get('Acct-Terminate-Cause', 'no Acct-Terminate-Cause')})"
        sessions.setdefault(sid, []).append(kind)
        users.setdefault(sid, r.get("User-Name", "?"))
    return [f"acct sessions: {len(sessions)}"] + [f"acct session {sid} user {users[sid]}: {', '.join(kinds)}"
                                                  for sid, kinds in sessions.items()]


# ---------------------------------------------------------------------------------------------
# Scenarios and expectations

@dataclass(frozen=True)
class AtLeast:
    """Expectation: pattern (substring or compiled regex) occurs in at least n lines."""
    n: int
    pattern: str | re.Pattern


@dataclass(frozen=True)
class Exactly:
    """Expectation: pattern (substring or compiled regex) occurs in exactly n lines."""
    n: int
    pattern: str | re.Pattern


Expect = str | re.Pattern | AtLeast | Exactly


def _count(pattern: str | re.Pattern, lines: Sequence[str]) -> int:
    if isinstance(pattern, str):
        return sum(1 for line in lines if pattern in line)
    return sum(1 for line in lines if pattern.search(line))


def _describe(e: Expect) -> str:
    if isinstance(e, AtLeast):
        return f">= {e.n} x {_describe(e.pattern)}"
    if isinstance(e, Exactly):
        return f"exactly {e.n} x {_describe(e.pattern)}"
    if isinstance(e, re.Pattern):
        return f"/{e.pattern}/"
    return repr(e)


@dataclass
class Scenario:
    name: str
    guest: GuestSpec
    # Host argv template: {pty} link device, {dir} per-run temp dir, {chapd} chapd binary,
    # {python} this interpreter, {interop} this file.
    host_cmd: list[str]
    host_files: dict[str, str] = field(default_factory=dict)  # name in {dir} -> text (0600)
    host_start: str = "pppd"  # "pppd": after the guest prints PPPD-START; "boot": as soon as pty exists
    expect_guest: list[Expect] = field(default_factory=list)
    forbid_guest: list[Expect] = field(default_factory=list)
    expect_host: list[Expect] = field(default_factory=list)
    forbid_host: list[Expect] = field(default_factory=list)
    pppd_exit: int | tuple[int, ...] | None = None  # None: not checked
    host_exit: int | tuple[int, ...] | None = None
    timeout: float = 60.0  # link phase: from host start until both sides ended
    boot_timeout: float = 120.0
    description: str = ""
    # Negative controls only: each substring must appear among the failure reasons.
    must_fail_with: list[str] = field(default_factory=list)
    # Run the host command in a network namespace the harness creates (and deletes); {netns}
    # names it in host_cmd.
    netns: bool = False
    # Commands run on the host after the link ended (e.g. `chapctl inspect` of chapd's
    # capture), each with the expectations its output must meet. Same placeholders as
    # host_cmd, plus {chapctl} (next to the chapd binary).
    after: list[tuple[list[str], list["Expect"]]] = field(default_factory=list)
    # For a host that never ends by itself (chapd serve): seconds after the guest's last pppd
    # run printed PPPD-EXIT (while the VM still lingers, so the line exists) to send the host
    # command SIGTERM. None: never.
    stop_host_after_guest: float | None = None
    # Start FreeRADIUS (above) on the loopback before the host command, which finds
    # {dir}/radiusclient.conf; stop it after. Its accounting detail file, summarised by
    # accounting_sessions and given verbatim, must meet expect_radius_detail.
    radius: bool = False
    expect_radius_detail: list["Expect"] = field(default_factory=list)


@dataclass
class Result:
    scenario: Scenario
    guest_lines: list[str]
    host_lines: list[str]
    pppd_status: int | None  # the first run's
    host_status: int | None
    host_killed: bool
    vm_killed: bool
    pty: str | None
    errors: list[str]  # harness-level problems (boot failure, timeouts)
    boot_seconds: float | None
    total_seconds: float
    workdir: str
    after_outputs: list[list[str]] = field(default_factory=list)
    pppd_statuses: list[int] = field(default_factory=list)  # every run's, in order
    radius_detail: list[str] = field(default_factory=list)  # accounting_sessions lines, then the file


def _statuses(want) -> tuple[int, ...]:
    return want if isinstance(want, tuple) else (want,)


def evaluate(s: Scenario, r: Result) -> list[str]:
    """Reasons the run did not meet the scenario; empty means PASS."""
    why = list(r.errors)

    def check(exps, lines, side, present):
        for e in exps:
            if isinstance(e, AtLeast):
                got = _count(e.pattern, lines)
                if present and got < e.n:
                    why.append(f"{side} log: expected {_describe(e)}, found {got}")
            elif isinstance(e, Exactly):
                got = _count(e.pattern, lines)
                if present and got != e.n:
                    why.append(f"{side} log: expected {_describe(e)}, found {got}")
            else:
                got = _count(e, lines)
                if present and got == 0:
                    why.append(f"{side} log lacks {_describe(e)}")
                if not present and got > 0:
                    why.append(f"{side} log has forbidden {_describe(e)}")

    check(s.expect_guest, r.guest_lines, "pppd", True)
    check(s.forbid_guest, r.guest_lines, "pppd", False)
    check(s.expect_host, r.host_lines, "host", True)
    check(s.forbid_host, r.host_lines, "host", False)
    for i, (argv, exps) in enumerate(s.after):
        out = r.after_outputs[i] if i < len(r.after_outputs) else []
        check(exps, out, f"after-command {' '.join(argv[:2])}", True)
    check(s.expect_radius_detail, r.radius_detail, "FreeRADIUS detail", True)
    if s.pppd_exit is not None:
        if s.guest.runs == 1:
            if r.pppd_status not in _statuses(s.pppd_exit):
                why.append(f"pppd exit status {r.pppd_status}, expected {s.pppd_exit}")
        else:
            for i in range(s.guest.runs):
                got = r.pppd_statuses[i] if i < len(r.pppd_statuses) else None
                if got not in _statuses(s.pppd_exit):
                    why.append(f"pppd exit status {got} in run {i + 1} of {s.guest.runs}, expected {s.pppd_exit}")
    if s.host_exit is not None:
        if r.host_killed:
            why.append(f"host command did not exit by itself (killed), expected status {s.host_exit}")
        elif r.host_status not in _statuses(s.host_exit):
            why.append(f"host exit status {r.host_status}, expected {s.host_exit}")
    return why


def _write_private(path: str, text: str):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def run_scenario(s: Scenario, chapd: str, verbose: bool = False) -> Result:
    """Boots the VM, runs the host command against its pty, collects everything. Never hangs:
    every wait is bounded, and the VM and host process are always killed at the end."""
    t0 = time.monotonic()
    os.makedirs(os.path.join(CACHE, "runs"), exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=f"{s.name}-", dir=os.path.join(CACHE, "runs"))
    for name, text in s.host_files.items():
        _write_private(os.path.join(workdir, name), text)
    errors: list[str] = []
    host: HostProcess | None = None
    pty = None
    boot_seconds = None
    netns = f"chapd-interop-{os.getpid()}" if s.netns else ""
    if netns:
        subprocess.run(["ip", "netns", "delete", netns], capture_output=True)
        subprocess.run(["ip", "netns", "add", netns], check=True)
        subprocess.run(["ip", "-n", netns, "link", "set", "lo", "up"], check=True)
    subst = {"pty": "", "dir": workdir, "chapd": chapd, "python": sys.executable, "netns": netns,
             "interop": os.path.abspath(__file__),
             "chapctl": os.path.join(os.path.dirname(os.path.abspath(chapd)), "chapctl")}
    gecho = (lambda l: print(f"  [pppd] {l}", flush=True)) if verbose else None
    hecho = (lambda l: print(f"  [host] {l}", flush=True)) if verbose else None
    vm = VM(s.guest, workdir, gecho)
    vm_killed = False
    radius: FreeRADIUS | None = None
    try:
        if s.radius:
            radius = FreeRADIUS(os.path.join(workdir, "radius"), workdir)
        vm.start()
        pty = vm.wait_pty(30)
        if pty is None:
            errors.append("qemu did not report the link pty")
        else:
            ready = PTY_RE if s.host_start == "boot" else re.compile(r"^PPPD-START")
            if vm.wait_line(ready, s.boot_timeout) is None:
                errors.append(f"guest did not start pppd within {s.boot_timeout:g}s")
            else:
                boot_seconds = time.monotonic() - t0
                subst["pty"] = pty
                argv = [a.format(**subst) for a in s.host_cmd]
                host = HostProcess(argv, cwd=workdir, echo=hecho)
                started = time.monotonic()
                deadline = started + s.timeout
                stop_at = None  # when to SIGTERM the host (stop_host_after_guest)
                # Wait for both sides; the first to finish gives the other a bounded grace.
                while time.monotonic() < deadline:
                    if s.stop_host_after_guest is not None and host.poll() is None:
                        if stop_at is None and len(vm.pppd_exits()) >= s.guest.runs:
                            stop_at = time.monotonic() + s.stop_host_after_guest
                        if stop_at is not None and time.monotonic() >= stop_at:
                            host.terminate()
                            stop_at = float("inf")
                    if host.poll() is not None and not vm.running():
                        break
                    if host.poll() is not None or not vm.running():
                        deadline = min(deadline, time.monotonic() + GRACE_SECONDS)
                    time.sleep(0.1)
                waited = time.monotonic() - started
                if vm.running():
                    why = (f"{GRACE_SECONDS:g}s after the host command exited" if host.poll() is not None
                           else f"{waited:.0f}s after the host command started")
                    errors.append(f"pppd VM still running {why}: killed")
                    vm_killed = True
                if host.poll() is None:
                    why = (f"{GRACE_SECONDS:g}s after the VM exited" if vm_killed is False and waited < s.timeout
                           else f"{waited:.0f}s after start")
                    errors.append(f"host command still running {why}: killed")
    except OSError as e:
        errors.append(f"harness error: {e}")
    finally:
        if host is not None:
            host.stop()
        vm.kill()
        if radius is not None:
            radius.stop()
        if netns:
            subprocess.run(["ip", "netns", "delete", netns], capture_output=True)
    guest_lines = list(vm.console.lines) if vm.console else []
    host_lines = list(host.output.lines) if host else []
    pppd_status = vm.pppd_exit() if vm.console else None
    after_outputs: list[list[str]] = []
    for argv, _ in s.after:
        cmd = [a.format(**subst) for a in argv]
        try:
            done = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=60)
            lines = (done.stdout + done.stderr).splitlines()
        except (OSError, subprocess.TimeoutExpired) as e:
            lines = [f"after-command failed: {e}"]
        after_outputs.append(lines)
        with open(os.path.join(workdir, "after.log"), "a") as f:
            f.write("$ " + " ".join(cmd) + "\n" + "\n".join(lines) + "\n")
    r = Result(s, guest_lines, host_lines, pppd_status, host.proc.returncode if host else None,
               host.killed if host else False, vm_killed, pty, errors, boot_seconds,
               time.monotonic() - t0, workdir, after_outputs,
               vm.pppd_exits() if vm.console else [])
    if radius is not None:
        r.radius_detail = accounting_sessions(radius.detail()) + radius.detail()
    with open(os.path.join(workdir, "guest.log"), "w") as f:
        f.write("\n".join(guest_lines) + "\n")
    with open(os.path.join(workdir, "host.log"), "w") as f:
        f.write("\n".join(host_lines) + "\n")
    return r


# ---------------------------------------------------------------------------------------------
# The probe: a host command for the self-test that reads raw bytes from the pty.

LCP_CONFREQ_START = bytes.fromhex("7eff7d23c021")  # flag, ff, escaped 03, LCP protocol


def probe(pty: str, seconds: float) -> int:
    import termios
    import tty
    import select
    fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)  # no echo: pppd's frames must not come back to it
    termios.tcflush(fd, termios.TCIOFLUSH)
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: qemu closed the pty (VM powered off)
            break
        if not chunk:
            break
        print(f"rcvd {chunk.hex(' ')}", flush=True)
        data += chunk
    found = data.count(LCP_CONFREQ_START)
    print(f"probe: {len(data)} bytes, {found} LCP ConfReq frame starts", flush=True)
    return 0 if found else 1


# ---------------------------------------------------------------------------------------------
# CLI

def _report(s: Scenario, r: Result, why: list[str], show_logs: bool):
    if show_logs:
        print(f"---- {s.name}: pppd (guest console) ----")
        print("\n".join(r.guest_lines))
        print(f"---- {s.name}: host command ----")
        print("\n".join(r.host_lines))
        if s.radius:
            print(f"---- {s.name}: FreeRADIUS detail (sessions, then the file) ----")
            print("\n".join(r.radius_detail))
        for i, lines in enumerate(r.after_outputs):
            print(f"---- {s.name}: after-command {i + 1} ----")
            print("\n".join(lines))
        runs = f" (runs: {r.pppd_statuses})" if s.guest.runs > 1 else ""
        print(f"---- {s.name}: pppd exit {r.pppd_status}{runs}, host exit {r.host_status}"
              f"{' (killed)' if r.host_killed else ''}, logs in {r.workdir} ----")


def run_many(scenarios: list[Scenario], chapd: str, verbose: bool, expect_fail: set[str] = frozenset()) -> int:
    passed = failed = 0
    for s in scenarios:
        r = run_scenario(s, chapd, verbose)
        why = evaluate(s, r)
        timing = f"boot {r.boot_seconds:.1f}s, total {r.total_seconds:.1f}s" if r.boot_seconds else f"total {r.total_seconds:.1f}s"
        if s.name in expect_fail:
            # Negative control: the harness must report this run as failing.
            missing = [m for m in s.must_fail_with if not any(m in w for w in why)]
            if why and not missing:
                passed += 1
                print(f"PASS {s.name} (failed as it must: {'; '.join(why)}) [{timing}]", flush=True)
            else:
                failed += 1
                print(f"FAIL {s.name}: harness did not report {missing or 'any failure'} "
                      f"(reasons: {why}) [{timing}]", flush=True)
                _report(s, r, why, True)
        elif why:
            failed += 1
            print(f"FAIL {s.name}: {'; '.join(why)} [{timing}]", flush=True)
            _report(s, r, why, True)
        else:
            passed += 1
            print(f"PASS {s.name} [{timing}]", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p_run = sub.add_parser("run", help="run scenarios (default: all chapd scenarios)")
    p_run.add_argument("--chapd", default=os.path.join(REPO, ".build", "debug", "chapd"))
    p_run.add_argument("--selftest", action="store_true", help="harness self-test only (no chapd)")
    p_run.add_argument("--only", action="append", default=[], help="scenario name (repeatable)")
    p_run.add_argument("--list", action="store_true")
    p_run.add_argument("-v", "--verbose", action="store_true", help="stream both logs live")
    p_boot = sub.add_parser("boot", help="boot a VM with pppd OPTIONS, print the pty, stream the console")
    p_boot.add_argument("--secrets", help="chap-secrets file for the guest")
    p_boot.add_argument("--term-after", type=float)
    p_boot.add_argument("--timeout", type=float, default=120)
    p_boot.add_argument("options", nargs="*")
    p_probe = sub.add_parser("probe", help="read raw bytes from a pty (self-test host side)")
    p_probe.add_argument("pty")
    p_probe.add_argument("--seconds", type=float, default=10)
    a = ap.parse_args(argv)

    if a.cmd == "probe":
        return probe(a.pty, a.seconds)
    if a.cmd == "boot":
        secrets = open(a.secrets).read() if a.secrets else ""
        spec = GuestSpec(a.options, secrets, term_after=a.term_after)
        with tempfile.TemporaryDirectory() as d, VM(spec, d, lambda l: print(l, flush=True)) as vm:
            pty = vm.wait_pty(30)
            print(f"LINK-PTY {pty}", flush=True)
            vm.wait_exit(a.timeout)
            print(f"pppd exit status: {vm.pppd_exit()}")
        return 0
    sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
    sys.path.insert(0, HERE)
    sys.modules.setdefault("interop", sys.modules[__name__])  # one AtLeast/Exactly class, not two
    import scenarios as sc
    chosen = sc.SELFTEST if a.selftest else sc.SCENARIOS
    if a.only:
        every = {s.name: s for s in sc.SELFTEST + sc.SCENARIOS}
        unknown = [n for n in a.only if n not in every]
        if unknown:
            print(f"unknown scenario(s): {', '.join(unknown)}", file=sys.stderr)
            return 2
        chosen = [every[n] for n in a.only]
    if a.list:
        for s in chosen:
            print(f"{s.name}: {s.description}")
        return 0
    if not a.selftest and not os.access(a.chapd, os.X_OK):
        print(f"FAIL all: chapd binary not found or not executable: {a.chapd}", flush=True)
        print(f"0 passed, {len(chosen)} failed", flush=True)
        return 1
    return run_many(chosen, os.path.abspath(a.chapd), a.verbose, sc.EXPECTED_TO_FAIL)


if __name__ == "__main__":
    sys.exit(main())
