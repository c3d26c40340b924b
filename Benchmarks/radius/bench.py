#!/usr/bin/env python3
"""RADIUS authentication through chapd, against a local FreeRADIUS this script starts.

Side by side in one run (release binaries: swift build -c release):
  1. the RADIUS client alone: `chapctl radius bench` (CHAP Access-Requests, 1 and 64 outstanding);
  2. `chapd serve` deciding CHAP from chap-secrets, driven by `chapd-bench load handshakes`;
  3. the same server with `plugin radius.so`, every Response decided by FreeRADIUS.
(3) gives the authentications per second one chapd gets through FreeRADIUS; the difference in
time to network between (3) and (2) is the latency the RADIUS round trip adds to a caller.
FreeRADIUS runs in the foreground without debug (`-f`), its config written to a temporary
directory (the interop harness's), on free loopback ports. Everything stays on 127.0.0.1.

    python3 Benchmarks/radius/bench.py [--handshakes 10000] [--concurrency 100]
"""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Interop"))
import interop  # noqa: E402  (its FreeRADIUS configuration writer)

USERS = 'loaduser Cleartext-Password := "loadpw"\n'


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_freeradius(d: str, client_dir: str):
    exe = next(e for e in interop.FreeRADIUS.EXECUTABLES if os.access(e, os.X_OK))
    os.makedirs(d, exist_ok=True)
    auth, acct = interop._free_udp_port(), interop._free_udp_port()
    interop._write_private(os.path.join(d, "radiusd.conf"), interop._radiusd_conf(d, auth, acct))
    interop._write_private(os.path.join(d, "users"), USERS)
    interop._write_private(os.path.join(client_dir, "servers"), f"127.0.0.1 {interop.RADIUS_SECRET}\n")
    conf = os.path.join(client_dir, "radiusclient.conf")
    interop._write_private(conf, f"authserver 127.0.0.1:{auth}\nacctserver 127.0.0.1:{acct}\n"
                           f"servers {client_dir}/servers\nradius_timeout 3\nradius_retries 2\nnas-identifier chapd-bench\n")
    log = open(os.path.join(d, "radiusd.out"), "wb")
    p = subprocess.Popen([exe, "-f", "-l", "stdout", "-d", d], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with open(os.path.join(d, "radiusd.out"), errors="replace") as f:
            if "Ready to process requests" in f.read():
                return p, conf
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit("freeradius did not start; see " + os.path.join(d, "radiusd.out"))


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(bench: str, port: int, n: int, conc: int) -> dict:
    out = subprocess.run([bench, "load", "handshakes", "--connect", f"tcp:127.0.0.1:{port}", "--total", str(n),
                          "--concurrency", str(conc), "--user", "loaduser", "--password", "loadpw", "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def serve(chapd: str, work: str, radius_conf: str | None, n: int, conc: int, bench: str) -> tuple[dict, float]:
    port = free_tcp_port()
    args = [chapd, "serve", "nodataplane", "listen", f"tcp:127.0.0.1:{port}", "control-socket", f"{work}/control",
            "remote-pool", "10.64.0.0/16", "auth", "require-chap", "name", "loadserver", "optionsdir", f"{work}/ppp",
            "10.0.0.1:", "logfile", f"{work}/server.log"]
    if radius_conf:
        args += ["plugin", "radius.so", "radius-config-file", radius_conf]
    p = subprocess.Popen(args)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        before = cpu_seconds(p.pid)
        r = load(bench, port, n, conc)
        return r, (cpu_seconds(p.pid) - before) * 1000 / max(1, r["completed"])
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(30)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--handshakes", type=int, default=10000)
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--chapd", default=os.path.join(ROOT, ".build/release/chapd"))
    ap.add_argument("--chapctl", default=os.path.join(ROOT, ".build/release/chapctl"))
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build/release/chapd-bench"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="chapd-radius-bench.")
    os.makedirs(f"{work}/ppp")
    interop._write_private(f"{work}/ppp/chap-secrets", "loaduser * loadpw *\n")
    interop._write_private(f"{work}/pw", "loadpw\n")
    radius, conf = start_freeradius(f"{work}/raddb", work)
    try:
        print(f"FreeRADIUS {radius.pid} ready; {a.handshakes} handshakes at {a.concurrency} in flight per server run")
        for c in (1, 64):
            out = subprocess.run([a.chapctl, "radius", "bench", "--config", conf, "--user", "loaduser",
                                  "--secret-file", f"{work}/pw", "--count", "10000", "--concurrency", str(c)],
                                 capture_output=True, text=True)
            print(f"\n(1) RADIUS client alone, {c} outstanding:\n  " + out.stdout.strip().replace("\n", "\n  "))
        rows = []
        for name, rconf in (("chap-secrets", None), ("RADIUS", conf)):
            r, cpu = serve(a.chapd, work, rconf, a.handshakes, a.concurrency, a.bench)
            t = r["time_to_network_ms"]
            rows.append((name, r, t, cpu))
            print(f"\n({2 if rconf is None else 3}) chapd serve, CHAP decided by {name}: {r['completed']} ok, {r['failed']} failed, "
                  f"{r['handshakes_per_second']:.0f} handshakes/s, time to network p50 {t['p50']:.2f} ms, p99 {t['p99']:.2f} ms, "
                  f"server CPU {cpu:.3f} ms per handshake")
        (_, _, t2, _), (_, r3, t3, _) = rows
        print(f"\nsummary: {r3['handshakes_per_second']:.0f} authentications/s through FreeRADIUS from one chapd; "
              f"latency RADIUS adds to a caller's handshake: p50 {t3['p50'] - t2['p50']:+.2f} ms, p99 {t3['p99'] - t2['p99']:+.2f} ms")
    finally:
        os.killpg(radius.pid, signal.SIGTERM)
        radius.wait(10)
        if os.environ.get("KEEP_WORK") != "1":
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept", work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
