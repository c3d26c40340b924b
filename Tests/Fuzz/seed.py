#!/usr/bin/env python3
"""Writes seed inputs for each fuzz target into Tests/Fuzz/corpus/NAME/seed-*, from the
recorded pppd sessions in ../shared/vectors (their line bytes, frames and packets, secrets and
options) and from the repository's etc/ppp samples. Layouts follow each target's input format
(see the target's doc comment). Run through `scripts/fuzz.sh --seed`."""
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
print("seed: wrote seeds under", corpus)
