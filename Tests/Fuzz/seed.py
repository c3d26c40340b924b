#!/usr/bin/env python3
"""Writes seed inputs for each fuzz target into Tests/Fuzz/corpus/NAME/seed-*, from the
recorded pppd sessions in ../shared/vectors (their line bytes, frames and packets, secrets and
options) and from the repository's etc/ppp samples; the RADIUS, control and iSCSI seeds are
built here (signed packets, request lines, login PDUs). Layouts follow each target's input
format (see the target's doc comment). Run through `scripts/fuzz.sh --seed`."""
import os
import struct
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
vectors = os.path.normpath(os.path.join(root, "..", "shared", "vectors"))
corpus = os.path.join(root, "Tests", "Fuzz", "corpus")
KNOWN = [0xc021, 0x8021, 0x8057, 0xc223, 0xc023, 0xc025, 0xc227, 0x0021, 0x0057, 0x80fd, 0x002d, 0x002f]


def write(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(bytes(data))


def sessions():
    if not os.path.isdir(vectors):
        print(f"seed: no {vectors}; only etc/ppp seeds written", file=sys.stderr)
        return []
    return sorted(n for n in os.listdir(vectors) if os.path.isdir(os.path.join(vectors, n)))


def streams(session):
    """The line bytes per direction, in order, from frames.txt."""
    out = {"sent": bytearray(), "rcvd": bytearray()}
    with open(os.path.join(vectors, session, "frames.txt")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] in out:
                out[parts[0]] += bytes.fromhex(parts[2])
    return out


def frames(stream):
    """(protocol, information) of each frame with a good length, FCS stripped (not checked)."""
    result = []
    for raw in bytes(stream).split(b"\x7e"):
        data, esc = bytearray(), False
        for b in raw:
            if esc:
                data.append(b ^ 0x20)
                esc = False
            elif b == 0x7d:
                esc = True
            elif b >= 0x20:
                data.append(b)
        if len(data) < 4:
            continue
        body = data[:-2]
        if body[:2] == b"\xff\x03":
            body = body[2:]
        if not body:
            continue
        if body[0] & 1:
            proto, info = body[0], body[1:]
        else:
            proto, info = body[0] << 8 | body[1], body[2:]
        result.append((proto, bytes(info), bytes(data[:-2])))
    return result


def selector(proto):
    return bytes([KNOWN.index(proto)]) if proto in KNOWN else bytes([0xff]) + struct.pack(">H", proto)


def pcap(linktype, records):
    out = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
    for i, rec in enumerate(records):
        out += struct.pack("<IIII", 1_700_000_000 + i, 0, len(rec), len(rec)) + rec
    return out


for s in sessions():
    with open(os.path.join(vectors, s, "frames.txt"), "rb") as f:
        write("FuzzFramesText", s, f.read())
    st = streams(s)
    for direction, stream in st.items():
        for name, header in (("default", [0x0b, 0, 0, 0, 0, 0x05, 0xdc, 7, 1, 64, 255]),
                             ("opened", [0x0f, 0, 0, 0, 0, 0x05, 0xdc, 255, 255, 255, 255])):
            write("FuzzHDLCDecoder", f"{s}-{direction}-{name}", bytes(header) + stream)
    allframes = [(d, p, i, r) for d in ("rcvd", "sent") for (p, i, r) in frames(st[d])]
    for n, (d, proto, info, raw) in enumerate(allframes):
        write("FuzzPackets", f"{s}-{d}-{n}", selector(proto) + info)
    rcvd = [(p, i) for (p, i, _) in frames(st["rcvd"])]
    # Negotiation: LCP (0) and IPCP (1) with the peer's packets, raw, after Up and Open.
    for which, proto in ((0, 0xc021), (1, 0x8021)):
        events = bytearray([which, 0, 0, 0x08, 6, 8])
        for p, info in rcvd:
            if p == proto and len(info) <= 255:
                events += bytes([0, len(info)]) + info + bytes([5])
        write("FuzzNegotiation", f"{s}-{which}", events)
    # CHAP: the authenticator (flags 0) and the peer (flags 3) with the peer's CHAP packets.
    for flags in (0, 3):
        events = bytearray([flags, 0, 1])
        for p, info in rcvd:
            if p == 0xc223 and len(info) <= 255:
                events += bytes([0, 0, 0, len(info)]) + info
        events += bytes([3])
        write("FuzzCHAP", f"{s}-{flags}", events)
    # LinkSession: every received frame, each followed by an Ack of our last request.
    for flags in (0x0003, 0x0000):
        events = bytearray(struct.pack(">H", flags))
        for p, info in rcvd:
            if len(info) <= 255:
                events += bytes([0]) + selector(p) + bytes([len(info)]) + info
                events += bytes([5, KNOWN.index(p) if p in (0xc021, 0x8021) else 0])
        write("FuzzLinkSession", f"{s}-{flags}", events)
    # Captures: chapd's own link type (DLT_PPP_WITH_DIR) and plain DLT_PPP.
    with_dir = [bytes([0 if d == "rcvd" else 1]) + raw for (d, _, _, raw) in allframes]
    write("FuzzCapture", f"{s}-ppp-with-dir", pcap(204, with_dir))
    write("FuzzCapture", f"{s}-ppp", pcap(9, [raw for (_, _, _, raw) in allframes]))
    with open(os.path.join(vectors, s, "chap-secrets"), "rb") as f:
        write("FuzzChapSecrets", s, f.read())
    with open(os.path.join(vectors, s, "options.txt")) as f:
        for n, line in enumerate(f):
            if "options:" in line:
                words = line.split("options:", 1)[1].split()
                write("FuzzOptions", f"{s}-argv-{n}", b"\x01" + b"\x00".join(w.encode() for w in words))

etc = os.path.join(root, "etc", "ppp")
for dirpath, _, files in os.walk(etc):
    for name in sorted(files):
        path = os.path.join(dirpath, name)
        with open(path, "rb") as f:
            text = f.read()
        rel = os.path.relpath(path, etc).replace(os.sep, "-")
        if "secrets" in name:
            write("FuzzChapSecrets", "etc-" + rel, text)
        else:
            write("FuzzOptions", "etc-" + rel, b"\x00" + text)
# chapd serve: a chapd.conf (mode 2: the text is the file) and the same words on the command
# line (mode 3), with every server word.
CHAPD_CONF = b"""# chapd serve
listen tcp:0.0.0.0:3000 unix:/run/chapd/link
line /dev/ttyS0 115200
line /dev/ttyS1
remote-pool 10.64.0.0/24
remote-pool 10.65.0.0/16
max-links 500
max-links-per-listener 100
max-connection-rate 20
control-socket /run/chapd/control
metrics-listen 127.0.0.1:9100
link-input-limit 65536
link-control-limit 100
shutdown-timeout 5
auth require-chap name server 10.0.0.1:
"""
write("FuzzOptions", "serve-chapd.conf", b"\x02" + CHAPD_CONF)
words = [w for line in CHAPD_CONF.split(b"\n") if not line.startswith(b"#") for w in line.split()]
write("FuzzOptions", "serve-argv", b"\x03" + b"\x00".join(words))
print("seed: wrote seeds under", corpus)

# RADIUS: packets signed with FuzzRADIUS's secret (replies answer its fixed Request
# Authenticator; Disconnect/CoA-Requests from its configured client), then radiusclient.conf.
import hashlib
import hmac

RADIUS_SECRET = b"fuzz-radius-secret"
REQUEST_AUTH = bytes([0x5a] * 16)


def radius(code, ident, attrs, auth, message_authenticator, hashed_basis):
    """Encodes and signs like RADIUSSigning: Message-Authenticator first (HMAC-MD5 with the
    basis in the authenticator field), then the MD5 authenticator over basis + secret."""
    if message_authenticator:
        attrs = [(80, bytes(16))] + attrs
    body = b"".join(bytes([t, 2 + len(v)]) + v for t, v in attrs)
    length = 20 + len(body)
    pkt = bytearray(bytes([code, ident]) + struct.pack(">H", length) + hashed_basis + body)
    if message_authenticator:
        pkt[22:38] = hmac.new(RADIUS_SECRET, bytes(pkt), hashlib.md5).digest()
    if auth is None:
        pkt[4:20] = hashlib.md5(bytes(pkt) + RADIUS_SECRET).digest()
    else:
        pkt[4:20] = auth
    return bytes(pkt)


def u32(v):
    return struct.pack(">I", v)


reply_attrs = [(18, b"Welcome, alice"), (6, u32(2)), (7, u32(1)), (8, bytes([10, 0, 0, 9])),
               (27, u32(3600)), (25, b"class-1"), (26, u32(311) + bytes([1, 6]) + b"abcd")]
for ma in (False, True):
    tag = "-ma" if ma else ""
    write("FuzzRADIUS", "access-accept" + tag, radius(2, 7, reply_attrs, None, ma, REQUEST_AUTH))
    write("FuzzRADIUS", "access-reject" + tag, radius(3, 8, [(18, b"Wrong secret")], None, ma, REQUEST_AUTH))
    write("FuzzRADIUS", "access-challenge" + tag, radius(11, 9, [(24, b"state-x"), (18, b"Again")], None, ma, REQUEST_AUTH))
    for name, attrs in (("user", [(1, b"alice")]), ("session", [(44, b"0000002a")]),
                        ("address", [(8, bytes([10, 0, 0, 9])), (32, b"chapd")])):
        write("FuzzRADIUS", f"disconnect-{name}{tag}", radius(40, 42, attrs, None, ma, bytes(16)))
    write("FuzzRADIUS", "coa-request" + tag, radius(43, 43, [(1, b"alice"), (27, u32(60))], None, ma, bytes(16)))
write("FuzzRADIUS", "access-request", radius(1, 1, [(1, b"alice"), (3, bytes(17)), (60, bytes(16)),
                                                   (4, bytes([192, 0, 2, 5])), (61, u32(5))], REQUEST_AUTH, True, REQUEST_AUTH))
write("FuzzRADIUS", "accounting-request", radius(4, 2, [(40, u32(1)), (44, b"0000002a"), (1, b"alice")], None, False, bytes(16)))
write("FuzzRADIUS", "disconnect-padded", radius(40, 44, [(1, b"alice")], None, False, bytes(16)) + b"\0\0\0")
write("FuzzRADIUS", "radiusclient.conf", b"""# radcli's radiusclient.conf; the servers file is this text again
authserver 192.0.2.1:1812,[2001:db8::1]:1812:s3cret localhost
acctserver 192.0.2.1:1813:acct-secret
servers /etc/radiusclient/servers
radius_timeout 5
radius_retries 2
radius_deadtime 30
nas-identifier chapd
nas-ip 192.0.2.5
dictionary /etc/radiusclient/dictionary
auth_order radius
192.0.2.1 testing123 require-message-authenticator
localhost/localhost local-secret
lonely
""")

# Control: request lines as chapctl writes them (Swift's default Codable shape of the enums),
# then octets for the rows and counters the renderers get; and a --columns list.
for name, line in (("show-sessions", b'{"showSessions":{}}'), ("show-stat", b'{"showStat":{}}'),
                   ("reload", b'{"reload":{}}'), ("terminate-id", b'{"terminate":{"_0":{"id":{"_0":3}}}}'),
                   ("terminate-peer", b'{"terminate":{"_0":{"peer":{"_0":"alice"}}}}'),
                   ("terminate-all", b'{"terminate":{"_0":{"all":{}}}}')):
    write("FuzzControl", name, line + b"\n" + bytes([3, 0, 2, 11, 2, 5]) + bytes(range(1, 120)))
write("FuzzControl", "columns", b"id,peer,uptime,octets-in")
write("FuzzControl", "rows", b"\n" + bytes([12] + list(range(12)) + [3]) + bytes((i * 37) & 0xff for i in range(400)))


# iSCSI: flags, chunk size, then a login's PDUs with CHAP keys (FuzzISCSI's layout).
def text(pairs):
    return b"".join(k.encode() + b"=" + v.encode() + b"\0" for k, v in pairs)


def login_pdu(csg, nsg, transit, keys, itt=1, cmdsn=0, response=False):
    data = text(keys)
    h = bytearray(48)
    h[0] = 0x23 if response else 0x43
    h[1] = (0x80 if transit else 0) | csg << 2 | (nsg if transit else 0)
    h[5:8] = struct.pack(">I", len(data))[1:]
    h[8:14] = bytes([0x80, 0x12, 0x34, 0x56, 0x00, 0x01])
    h[16:20] = struct.pack(">I", itt)
    h[24:28] = struct.pack(">I", cmdsn)
    return bytes(h) + data + bytes((4 - len(data) % 4) % 4)


def login(chap_r, mutual):
    answer = [("CHAP_N", "iqn.2026-01.org.example:alice"), ("CHAP_R", chap_r)]
    if mutual:
        answer += [("CHAP_I", "77"), ("CHAP_C", "0x" + "ab" * 32)]
    return (login_pdu(0, 1, False, [("InitiatorName", "iqn.2026-01.org.example:alice"), ("SessionType", "Normal"),
                                     ("AuthMethod", "CHAP,None")])
            + login_pdu(0, 1, False, [("CHAP_A", "7,6,5")], cmdsn=0)
            + login_pdu(0, 1, True, answer)
            + login_pdu(1, 3, True, [("HeaderDigest", "None")]))


write("FuzzISCSI", "login-sha256-right", bytes([0x67, 64]) + login("0x" + "00" * 32, False))
write("FuzzISCSI", "login-mutual-right", bytes([0x77, 7]) + login("0x" + "00" * 32, True))
write("FuzzISCSI", "login-md5-wrong", bytes([0x04, 13]) + login("0b" + "AAAAAAAAAAAAAAAAAAAAAA==", False))
write("FuzzISCSI", "login-response", bytes([0x07, 48]) + login_pdu(0, 1, True, [("CHAP_A", "5"), ("CHAP_I", "0x1f"),
                                                                             ("CHAP_C", "0b" + "q80=")], response=True))
write("FuzzISCSI", "text-only", bytes([0x07, 1]) + text([("CHAP_A", "7,6,5,8"), ("CHAP_C", "0xabc"), ("CHAP_I", "255")]))
print("seed: wrote RADIUS, control and iSCSI seeds")
