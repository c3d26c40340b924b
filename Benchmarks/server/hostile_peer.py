#!/usr/bin/env python3
"""A hostile PPP peer for Benchmarks/server/hostile.sh: one connection at a time to a PPP
server that floods it and never reads what comes back.

    hostile_peer.py KIND HOST PORT

KIND: garbage   random octets with a flag every 97 (each piece a frame with a bad FCS)
      confreq   valid LCP Configure-Requests (correct FCS), a new identifier each
Runs until SIGTERM, reconnecting when the server closes the link; then prints one line:
"KIND: N octets in M connection(s)".
"""
import os
import signal
import socket
import sys
import time


def fcs16(data: bytes) -> int:
    # RFC 1662's FCS-16 (CRC-CCITT, reflected 0x8408), bit by bit: a few kilobytes, once.
    fcs = 0xFFFF
    for octet in data:
        fcs ^= octet
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xFFFF


def frame(protocol: int, information: bytes) -> bytes:
    body = bytes([0xFF, 0x03, protocol >> 8, protocol & 0xFF]) + information
    fcs = fcs16(body)
    body += bytes([fcs & 0xFF, fcs >> 8])
    out = bytearray([0x7E])
    for octet in body:
        if octet < 0x20 or octet in (0x7D, 0x7E):
            out += bytes([0x7D, octet ^ 0x20])
        else:
            out.append(octet)
    out.append(0x7E)
    return bytes(out)


def flood_chunk(kind: str) -> bytes:
    if kind == "garbage":
        chunk = bytearray(os.urandom(65536))
        for i in range(0, len(chunk), 97):
            chunk[i] = 0x7E
        return bytes(chunk)
    if kind == "confreq":
        frames = []
        for n in range(2048):
            magic = (0x5EED0000 | n | 1).to_bytes(4, "big")
            frames.append(frame(0xC021, bytes([1, n & 0xFF, 0, 10, 5, 6]) + magic))
        return b"".join(frames)
    sys.exit(f"unknown kind {kind!r} (garbage, confreq)")


def main() -> None:
    kind, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    chunk = flood_chunk(kind)
    stop = False
    sent = 0
    connections = 0

    def on_term(_signo, _frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    while not stop:
        try:
            with socket.create_connection((host, port)) as s:
                connections += 1
                while not stop:
                    sent += s.send(chunk)
        except OSError:
            if not stop:
                time.sleep(0.05)
    print(f"{kind}: {sent} octets in {connections} connection(s)")


if __name__ == "__main__":
    main()
