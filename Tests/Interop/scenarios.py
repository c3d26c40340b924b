"""Interop scenarios as data: real pppd 2.4.9 in the VM against chapd on the host pty.

Host command placeholders: {chapd} binary, {pty} link device, {dir} per-run temp dir (host_files
are written there, mode 0600), {python} and {interop} for the self-test probe.
Expectations are substrings, compiled regexes, or AtLeast(n, pattern) line counts.
"""
import hashlib
import re

from interop import AtLeast, Exactly, GuestSpec, Scenario

# chapd's exit status after the peer (pppd) sends LCP TermReq: chapd acknowledges it, waits in
# Stopping as RFC 1661 says, and exits 0 because the link had been up (pppd's np_up sets
# EXIT_OK). The guest lingers after pppd exits (GuestSpec.linger) so that the VM's power-off
# cannot hang the line up first, which used to make this 0 or 16 by a race.
CHAPD_EXIT_ON_PEER_TERM = 0

# pppd's status after SIGTERM: EXIT_USER_REQUEST (5).
PPPD_EXIT_ON_TERM = 5

# Seconds the guest stays up after pppd exits: longer than chapd's 3 s Stopping wait.
LINGER = 6

SECRET = "s3cret-alice"
SERVER_SECRET = "s3cret-server"

# pppd as the dial-in client (the recorded `rechallenge` vector's client side).
CLIENT_OPTS = ["name", "alice", "user", "alice", "remotename", "server", "noauth", "local",
               "noipv6", "nodefaultroute", "noipdefault"]


def chapd(*opts: str) -> list[str]:
    """chapd command line: device, speed, then pppd-style options; secrets from {dir}."""
    return ["{chapd}", "{pty}", "115200", "optionsdir", "{dir}", *opts, "chap-secrets", "{dir}/chap-secrets",
            "local", "debug", "nodetach", "nodataplane"]


# The data plane: 1 MiB each way. Up: what busybox can make in the guest; down: every octet
# value (flags, escapes, control characters) from the host.
TRANSFER = 1 << 20
UP_DATA = (b"chapd-interop-up\n" * (TRANSFER // 17 + 1))[:TRANSFER]
DOWN_DATA = bytes(range(256)) * (TRANSFER // 256)
UP_SHA = hashlib.sha256(UP_DATA).hexdigest()
DOWN_SHA = hashlib.sha256(DOWN_DATA).hexdigest()
DATAPLANE_SERVER = f"""
import hashlib, socket, threading
def listener(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(1); s.settimeout(150); return s
up, down = listener(5001), listener(5002)
def receive():
    c, _ = up.accept(); c.settimeout(120); h = hashlib.sha256(); n = 0
    while True:
        d = c.recv(65536)
        if not d: break
        h.update(d); n += len(d)
    print("HOST-UP", n, h.hexdigest(), flush=True); c.close()
def send():
    c, _ = down.accept(); c.settimeout(120)
    data = bytes(range(256)) * ({TRANSFER} // 256)
    c.sendall(data); c.shutdown(socket.SHUT_WR); print("HOST-DOWN", len(data), flush=True)
    try: c.recv(1)
    except OSError: pass
    c.close()
threads = [threading.Thread(target=receive), threading.Thread(target=send)]
for t in threads: t.start()
for t in threads: t.join()
"""

SCENARIOS: list[Scenario] = [
    Scenario(
        name="dialin-rechallenge",
        description="pppd dials in as alice; chapd authenticates it, assigns 10.1.0.2, "
                    "re-challenges every 3 s; pppd is then SIGTERMed",
        guest=GuestSpec(linger=LINGER, pppd_options=CLIENT_OPTS, chap_secrets=f'alice server "{SECRET}" *\n', term_after=12),
        host_cmd=chapd("name", "server", "remotename", "alice", "auth", "require-chap",
                       "chap-interval", "3", "10.1.0.1:10.1.0.2"),
        host_files={"chap-secrets": f'alice server "{SECRET}" 10.1.0.2\n'},
        expect_guest=[
            "CHAP authentication succeeded: Access granted",
            "local  IP address 10.1.0.2",
            "remote IP address 10.1.0.1",
            AtLeast(2, re.compile(r'rcvd \[CHAP Challenge id=0x[0-9a-f]+ <[0-9a-f]+>, name = "server"\]')),
            AtLeast(2, re.compile(r'rcvd \[CHAP Success id=0x[0-9a-f]+ "Access granted"\]')),
            "Terminating on signal 15",
            re.compile(r'sent \[LCP TermReq id=0x[0-9a-f]+ "User request"\]'),
        ],
        forbid_guest=["CHAP authentication failed"],
        pppd_exit=PPPD_EXIT_ON_TERM,
        host_exit=CHAPD_EXIT_ON_PEER_TERM,
    ),
    Scenario(
        name="dialin-wrong-secret",
        description="pppd dials in with a wrong secret; chapd sends Failure and exits 11",
        guest=GuestSpec(linger=LINGER, pppd_options=[*CLIENT_OPTS, "password", "wrong"], chap_secrets=f'alice server "{SECRET}" *\n'),
        host_cmd=chapd("name", "server", "remotename", "alice", "auth", "require-chap", "10.1.0.1:10.1.0.2",
                       "record", "{dir}/capture.pcap"),
        host_files={"chap-secrets": f'alice server "{SECRET}" 10.1.0.2\n'},
        # chapd's own capture of the exchange, explained by chapctl against chapd's store.
        after=[(["{chapctl}", "inspect", "{dir}/capture.pcap", "--secrets", "{dir}/chap-secrets"],
                [re.compile(r"WRONG SECRET"), re.compile(r'rcvd \[CHAP Response id=0x[0-9a-f]+ <[0-9a-f]{32}>, name = "alice"\]')])],
        expect_guest=[
            re.compile(r'rcvd \[CHAP Failure id=0x[0-9a-f]+ "Access denied"\]'),
            "CHAP authentication failed: Access denied",
        ],
        forbid_guest=["CHAP authentication succeeded"],
        pppd_exit=19,  # EXIT_AUTH_TOPEER_FAILED: "Failed to authenticate ourselves to peer"
        host_exit=11,  # EXIT_PEER_AUTH_FAILED
    ),
    Scenario(
        name="two-way",
        description="both sides require CHAP with secrets both ways; both succeed",
        guest=GuestSpec(linger=LINGER, pppd_options=["name", "alice", "user", "alice", "remotename", "server", "auth",
                         "require-chap", "local", "noipv6", "nodefaultroute", "10.1.0.2:10.1.0.1"],
                        chap_secrets=f'alice server "{SECRET}" *\nserver alice "{SERVER_SECRET}" *\n',
                        term_after=12),
        host_cmd=chapd("name", "server", "user", "server", "remotename", "alice", "auth",
                       "require-chap", "10.1.0.1:10.1.0.2"),
        host_files={"chap-secrets": f'alice server "{SECRET}" 10.1.0.2\nserver alice "{SERVER_SECRET}" *\n'},
        expect_guest=[
            "CHAP authentication succeeded: Access granted",  # pppd authenticated by chapd
            re.compile(r'sent \[CHAP Success id=0x[0-9a-f]+ "Access granted"\]'),  # pppd accepted chapd
            re.compile(r'rcvd \[CHAP Response id=0x[0-9a-f]+ <[0-9a-f]{32}>, name = "server"\]'),
            "local  IP address 10.1.0.2",
        ],
        forbid_guest=["CHAP authentication failed", "failed CHAP authentication"],
        expect_host=[re.compile(r"CHAP authentication succeeded")],
        pppd_exit=PPPD_EXIT_ON_TERM,
        host_exit=CHAPD_EXIT_ON_PEER_TERM,
    ),
    Scenario(
        name="callout-to-pppd",
        description="chapd calls out to a pppd authenticator and is authenticated by it",
        guest=GuestSpec(linger=LINGER, pppd_options=["name", "server", "remotename", "alice", "auth", "require-chap", "local",
                         "noipv6", "nodefaultroute", "10.1.0.1:10.1.0.2"],
                        chap_secrets=f'alice server "{SECRET}" *\n', term_after=12),
        host_cmd=chapd("name", "alice", "user", "alice", "remotename", "server", "noauth", "callout",
                       "noipdefault"),
        host_files={"chap-secrets": f'alice server "{SECRET}" *\n'},
        expect_guest=[
            re.compile(r'rcvd \[CHAP Response id=0x[0-9a-f]+ <[0-9a-f]{32}>, name = "alice"\]'),
            re.compile(r'sent \[CHAP Success id=0x[0-9a-f]+ "Access granted"\]'),
            "remote IP address 10.1.0.2",
        ],
        forbid_guest=["failed CHAP authentication"],
        expect_host=["CHAP authentication succeeded"],
        pppd_exit=PPPD_EXIT_ON_TERM,
        host_exit=CHAPD_EXIT_ON_PEER_TERM,
    ),
    Scenario(
        name="refuse-chap-callin",
        description="chapd refuses to authenticate itself on an incoming call; pppd requires "
                    "CHAP and ends the link with 'peer refused to authenticate'",
        guest=GuestSpec(linger=LINGER, pppd_options=["name", "alice", "user", "alice", "remotename", "server", "auth",
                         "require-chap", "local", "noipv6", "nodefaultroute", "noipdefault"],
                        chap_secrets=f'alice server "{SECRET}" *\nserver alice "{SERVER_SECRET}" *\n'),
        host_cmd=chapd("name", "server", "user", "server", "remotename", "alice", "auth",
                       "require-chap", "refuse-chap-callin", "10.1.0.1:10.1.0.2"),
        host_files={"chap-secrets": f'alice server "{SECRET}" 10.1.0.2\nserver alice "{SERVER_SECRET}" *\n'},
        expect_guest=[
            # chapd still asks for pppd's CHAP: its ConfReq carries <auth chap MD5>.
            re.compile(r"rcvd \[LCP ConfReq id=0x[0-9a-f]+ .*<auth chap MD5>"),
            "peer refused to authenticate",
        ],
        forbid_guest=["CHAP authentication succeeded"],
        pppd_exit=11,  # EXIT_PEER_AUTH_FAILED, as the authenticator in the refuse-chap vector
        # The link never reached the network phase: negotiation failed.
        host_exit=10,
    ),
    Scenario(
        name="pppd-stopped",
        description="pppd is SIGTERMed mid-link; chapd answers the TermReq and exits as pppd would",
        guest=GuestSpec(linger=LINGER, pppd_options=CLIENT_OPTS, chap_secrets=f'alice server "{SECRET}" *\n', term_after=10),
        host_cmd=chapd("name", "server", "remotename", "alice", "auth", "require-chap", "10.1.0.1:10.1.0.2"),
        host_files={"chap-secrets": f'alice server "{SECRET}" 10.1.0.2\n'},
        expect_guest=[
            "CHAP authentication succeeded: Access granted",
            "local  IP address 10.1.0.2",
            "Terminating on signal 15",
            re.compile(r'sent \[LCP TermReq id=0x[0-9a-f]+ "User request"\]'),
            # chapd acknowledges pppd's TermReq before pppd gives up waiting.
            re.compile(r"rcvd \[LCP TermAck id=0x[0-9a-f]+\]"),
        ],
        pppd_exit=PPPD_EXIT_ON_TERM,
        host_exit=CHAPD_EXIT_ON_PEER_TERM,
        expect_host=["LCP terminated by peer"],  # pppd's own wording
    ),
    Scenario(
        name="dialin-dataplane",
        description="pppd dials in with +ipv6; chapd, in a network namespace of the harness's with its "
                    "TUN interface there, authenticates it; the VM pings chapd 20 times over IPv4 and 5 "
                    "times over IPv6 link-local, and moves 1 MiB each way through the link, checksummed",
        guest=GuestSpec(linger=LINGER, pppd_options=[o for o in CLIENT_OPTS if o != "noipv6"] + ["+ipv6"],
                        chap_secrets=f'alice server "{SECRET}" *\n',
                        when_up="ping -c 20 10.1.0.1\n"
                                "sleep 2; ping6 -c 5 -I ppp0 fe80::1\n"
                                f"yes chapd-interop-up | head -c {TRANSFER} | nc 10.1.0.1 5001\n"
                                "nc 10.1.0.1 5002 </dev/null | sha256sum\n"),
        netns=True,
        host_cmd=["ip", "netns", "exec", "{netns}", "sh", "-c",
                  "python3 {dir}/dataplane-server.py & exec \"$@\"", "chapd-in-netns",
                  "{chapd}", "{pty}", "115200", "optionsdir", "{dir}", "name", "server", "remotename", "alice",
                  "auth", "require-chap", "10.1.0.1:10.1.0.2", "ipv6", "::1,::2", "chap-secrets", "{dir}/chap-secrets",
                  "local", "debug", "nodetach"],
        host_files={"chap-secrets": f'alice server "{SECRET}" 10.1.0.2\n', "dataplane-server.py": DATAPLANE_SERVER},
        expect_guest=[
            "CHAP authentication succeeded: Access granted",
            "GUEST-UP 20 packets transmitted, 20 packets received, 0% packet loss",
            "local  LL address fe80::0000:0000:0000:0002",  # pppd took the identifier chapd suggested
            "GUEST-UP 5 packets transmitted, 5 packets received, 0% packet loss",
            f"GUEST-UP {DOWN_SHA}  -",
            "GUEST-UP-DONE",
        ],
        expect_host=["Using interface chapd0", f"HOST-UP {TRANSFER} {UP_SHA}", f"HOST-DOWN {TRANSFER}",
                     "LCP terminated by peer", re.compile(r"Sent \d+ bytes, received \d+ bytes\.")],
        pppd_exit=PPPD_EXIT_ON_TERM,
        host_exit=CHAPD_EXIT_ON_PEER_TERM,
        timeout=240,
    ),
]

# chapd serve on the VM's line, as a getty: links end, the line is reset, the next caller served.
SERVE_TWICE = Scenario(
    name="serve-line-twice",
    description="chapd serve on the line; pppd dials in as alice, is SIGTERMed, dials in again and is "
                "served again; then the harness SIGTERMs chapd serve",
    guest=GuestSpec(linger=LINGER, pppd_options=CLIENT_OPTS, chap_secrets=f'alice server "{SECRET}" *\n',
                    term_after=12, runs=2),
    host_cmd=["{chapd}", "serve", "line", "{pty}", "115200", "local", "optionsdir", "{dir}",
              "chap-secrets", "{dir}/chap-secrets", "name", "server", "auth", "require-chap",
              "remote-pool", "10.64.0.0/24", "10.1.0.1:", "control-socket", "{dir}/control",
              "debug", "nodetach", "nodataplane", "logfd", "2"],
    host_files={"chap-secrets": f'alice server "{SECRET}" *\n'},
    # The second run's LINGER (6 s) keeps the line up past chapd's 3 s Stopping wait and this.
    stop_host_after_guest=4,
    expect_guest=[
        AtLeast(2, "CHAP authentication succeeded: Access granted"),
        # The pool is next-fit: the first caller gets .1; the second .2, though .1 is free again.
        "local  IP address 10.64.0.1",
        "local  IP address 10.64.0.2",
        AtLeast(2, "remote IP address 10.1.0.1"),
        AtLeast(2, re.compile(r"rcvd \[LCP TermAck id=0x[0-9a-f]+\]")),  # chapd acked each TermReq
    ],
    forbid_guest=["CHAP authentication failed"],
    expect_host=[
        # Log lines of a line link carry the device without /dev/ as their tag.
        AtLeast(2, re.compile(r"^\[pts/\d+\] Peer alice authenticated with CHAP$")),
        re.compile(r"^\[pts/\d+\] remote IP address 10\.64\.0\.1$"),
        re.compile(r"^\[pts/\d+\] remote IP address 10\.64\.0\.2$"),
        AtLeast(2, re.compile(r"^\[pts/\d+\] LCP terminated by peer \(User request\)$")),
        # After the second caller, the line's next link is already up and sending ConfReqs to
        # nobody: SIGTERM ends that one link.
        "Terminating on signal 15: ending 1 link(s)",
        re.compile(r"^Exit\.$"),
    ],
    forbid_host=["failed CHAP authentication"],
    pppd_exit=PPPD_EXIT_ON_TERM,
    host_exit=0,
    timeout=120,
)
SCENARIOS.append(SERVE_TWICE)

# chapd with persist calls out to pppd; the VM's pppd ends the link (SIGTERM: LCP TermReq) and
# is started again LINGER s later. Timeline from each TermReq: chapd acks, waits 3 s in Stopping,
# holds off 2 s, reopens the line at ~5 s. Until the second pppd opens ttyS1 at ~6 s the guest
# tty is closed, so chapd's ConfReqs are dropped (no echo, no loopback); its lcp-restart 3 s
# resends reach the second pppd long before lcp-max-configure (10) runs out.
PERSIST_REDIAL = Scenario(
    name="persist-callout-redial",
    description="chapd with persist calls out to pppd in the VM; that pppd is SIGTERMed and started "
                "again; chapd holds off 2 s, reopens the line and is authenticated again; then the "
                "harness SIGTERMs chapd",
    guest=GuestSpec(linger=LINGER, pppd_options=["name", "server", "remotename", "alice", "auth", "require-chap",
                                                 "local", "noipv6", "nodefaultroute", "10.1.0.1:10.1.0.2"],
                    chap_secrets=f'alice server "{SECRET}" *\n', term_after=12, runs=2),
    host_cmd=chapd("name", "alice", "user", "alice", "remotename", "server", "noauth", "callout",
                   "noipdefault", "persist", "holdoff", "2", "maxfail", "3"),
    host_files={"chap-secrets": f'alice server "{SECRET}" *\n'},
    # SIGTERM 4 s after the second PPPD-EXIT: within chapd's holdoff (3-5 s after the TermReq),
    # before the VM powers off at 6 s (LINGER), whose hang-up would make it another attempt.
    stop_host_after_guest=4,
    expect_guest=[
        Exactly(2, re.compile(r'rcvd \[CHAP Response id=0x[0-9a-f]+ <[0-9a-f]{32}>, name = "alice"\]')),
        Exactly(2, re.compile(r'sent \[CHAP Success id=0x[0-9a-f]+ "Access granted"\]')),
        Exactly(2, "remote IP address 10.1.0.2"),
        Exactly(2, re.compile(r"rcvd \[LCP TermAck id=0x[0-9a-f]+\]")),  # chapd acked each TermReq
    ],
    forbid_guest=["failed CHAP authentication"],
    expect_host=[
        # As pppd 2.4.9: the Success message line, then auth_withpeer_success's own line.
        Exactly(2, re.compile(r"^CHAP authentication succeeded: Access granted$")),
        Exactly(2, re.compile(r"^CHAP authentication succeeded$")),
        Exactly(2, re.compile(r"^local  IP address 10\.1\.0\.2$")),
        Exactly(2, re.compile(r"^LCP terminated by peer \(User request\)$")),
        Exactly(2, re.compile(r"^Waiting 2 s before redialling \(holdoff\)$")),  # after each TermReq
        # The SIGTERM lands in the holdoff, with no link to end: chapd says so, as pppd.
        Exactly(1, re.compile(r"^Terminating on signal 15$")),
    ],
    forbid_host=["Giving up after", "Modem hangup"],
    pppd_exit=PPPD_EXIT_ON_TERM,
    host_exit=5,  # EXIT_USER_REQUEST: SIGTERM during the holdoff ends chapd for good
    timeout=120,
)
SCENARIOS.append(PERSIST_REDIAL)

# chapd with pppd's RADIUS words against a real FreeRADIUS the harness runs on the loopback
# (interop.FreeRADIUS: alice/alicepw, Framed-IP-Address 10.1.2.3, Reply-Message, Class).
RADIUS_DIALIN = Scenario(
    name="radius-dialin",
    description="pppd dials in as alice; chapd authenticates it through FreeRADIUS, which assigns "
                "10.1.2.3; pppd is SIGTERMed; FreeRADIUS has the session's Start and Stop",
    guest=GuestSpec(linger=LINGER, pppd_options=CLIENT_OPTS, chap_secrets='alice server "alicepw" *\n', term_after=12),
    radius=True,
    host_cmd=chapd("name", "server", "auth", "require-chap", "plugin", "radius.so",
                   "radius-config-file", "{dir}/radiusclient.conf", "radius-acct-interim", "60", "10.1.0.1:"),
    host_files={"chap-secrets": ""},  # RADIUS alone decides
    expect_guest=[
        "CHAP authentication succeeded: Hello, alice",  # FreeRADIUS's Reply-Message, expanded
        "local  IP address 10.1.2.3",  # its Framed-IP-Address
        "remote IP address 10.1.0.1",
    ],
    forbid_guest=["CHAP authentication failed"],
    expect_host=[
        # The Access-Accept: its Reply-Message as the Success message, its address for the peer.
        re.compile(r'^sent \[CHAP Success id=0x[0-9a-f]+ "Hello, alice"\]$'),
        "Peer alice authenticated with CHAP",
        "remote IP address 10.1.2.3",
        "LCP terminated by peer",
        re.compile(r"^RADIUS: accounting Start for session [0-9A-F]+ acknowledged$"),
        re.compile(r"^RADIUS: accounting Stop for session [0-9A-F]+ acknowledged$"),
    ],
    forbid_host=["alicepw", "testing123"],  # neither the password nor the RADIUS secret is logged
    expect_radius_detail=[
        # Exactly one session, Start then Stop under one Acct-Session-Id, nothing in between (the
        # link lives 12 s, the interim interval is 60 s). pppd's TermReq makes chapd exit 0, which
        # the RADIUS plugin reports as User-Request.
        re.compile(r"^acct sessions: 1$"),
        re.compile(r"^acct session [0-9A-Fa-f]+ user alice: Start, Stop \(User-Request\)$"),
        AtLeast(2, 'NAS-Identifier = "chapd-interop"'),
        AtLeast(2, "Framed-IP-Address = 10.1.2.3"),
        AtLeast(2, "Class = 0x636c6173732d616c696365"),  # "class-alice" from the Accept, echoed
    ],
    pppd_exit=PPPD_EXIT_ON_TERM,
    host_exit=CHAPD_EXIT_ON_PEER_TERM,
)
SCENARIOS.append(RADIUS_DIALIN)

# Harness self-test: no chapd. A raw pty reader must see pppd's LCP ConfReq frames, pppd's log
# and exit status must come back; the negative control must be reported as failing.
PROBE = ["{python}", "{interop}", "probe", "{pty}"]
SELFTEST: list[Scenario] = [
    Scenario(
        name="selftest-lcp-probe",
        description="pppd starts on ttyS1; the host sees its LCP ConfReqs; SIGTERM after 6 s -> exit 5",
        guest=GuestSpec(["local", "noauth", "noipv6", "lcp-restart", "1"], term_after=6),
        host_cmd=[*PROBE, "--seconds", "30"],
        expect_guest=[re.compile(r"sent \[LCP ConfReq id=0x1 <asyncmap 0x0> <magic 0x[0-9a-f]+> <pcomp> <accomp>\]"),
                      "Terminating on signal 15"],
        expect_host=[AtLeast(2, re.compile(r"7e ff 7d 23 c0 21")), re.compile(r"probe: \d+ bytes, [1-9]\d* LCP")],
        # Nothing acks pppd's TermReqs, so it ends with "Modem hangup": EXIT_HANGUP.
        pppd_exit=16,
        host_exit=0,
        timeout=40,
    ),
    Scenario(
        name="selftest-negative-control",
        description="must be reported as FAILING: impossible log line, wrong status, host that hangs",
        guest=GuestSpec(["local", "noauth", "noipv6", "lcp-restart", "1", "lcp-max-configure", "2"]),
        host_cmd=["sleep", "600"],
        expect_guest=["THIS LINE CANNOT APPEAR"],
        pppd_exit=0,
        host_exit=0,
        timeout=15,
        must_fail_with=["lacks 'THIS LINE CANNOT APPEAR'", "pppd exit status", "host command still running",
                        "did not exit by itself"],
    ),
]
EXPECTED_TO_FAIL = {"selftest-negative-control"}
