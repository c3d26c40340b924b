#!/usr/bin/env python3
"""End-to-end data-plane benchmark: two chapd processes joined by a pty pair (one on the slave
as its DEVICE, one on the master with notty), or by a socketpair (notty on both ends), each
with its TUN interface in a network namespace this script creates and removes; iperf3 runs a
TCP transfer through the link. Prints Mbit/s and each chapd's CPU % for both joins, side by
side in one run. Needs root, /dev/net/tun, iproute2 and iperf3; build chapd first
(`swift build -c release --product chapd`).

Usage: bench.py [--chapd .build/release/chapd] [--seconds 10]
"""
import argparse, json, os, pty, shutil, socket, subprocess, sys, tempfile, time, tty

SECRETS = 'alice server "s3cret-alice" 10.1.0.2\nserver alice "s3cret-server" *\n'
SERVER = ["name", "server", "auth", "require-chap", "10.1.0.1:10.1.0.2", "nodetach", "logfd", "2"]
ALICE = ["name", "alice", "user", "alice", "remotename", "server", "noauth", "noipdefault", "nodetach", "logfd", "2"]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def run(ns: str, *argv: str, **kw):
    return subprocess.run(["ip", "netns", "exec", ns, *argv], **kw)


def wait_for(path: str, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if text in open(path, errors="replace").read():
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    return False


def measure(join: str, chapd: str, seconds: int, work: str) -> dict:
    ns_a, ns_b = f"chapd-bench-a-{os.getpid()}", f"chapd-bench-b-{os.getpid()}"
    for ns in (ns_a, ns_b):
        subprocess.run(["ip", "netns", "delete", ns], capture_output=True)
        subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
    base = ["optionsdir", work, "chap-secrets", f"{work}/chap-secrets"]
    procs = []
    try:
        if join == "pty":
            master, slave = pty.openpty()
            tty.setraw(slave)
            slave_path = os.ttyname(slave)
            server_in = server_out = None
            server_cmd = [chapd, slave_path, "115200", "local", *base, *SERVER]
            alice_in = alice_out = master
        else:
            a, b = socket.socketpair()
            server_cmd = [chapd, "notty", *base, *SERVER]
            server_in = server_out = a.fileno()
            alice_in = alice_out = b.fileno()
        logs = [f"{work}/{join}-server.log", f"{work}/{join}-alice.log"]
        procs.append(subprocess.Popen(["ip", "netns", "exec", ns_b, chapd, "notty", *base, *ALICE],
                                      stdin=alice_in, stdout=alice_out, stderr=open(logs[1], "w"), pass_fds=()))
        procs.append(subprocess.Popen(["ip", "netns", "exec", ns_a, *server_cmd],
                                      stdin=server_in if server_in is not None else subprocess.DEVNULL,
                                      stdout=server_out if server_out is not None else subprocess.DEVNULL,
                                      stderr=open(logs[0], "w")))
        # Hold the pty's slave until both ends run: a master whose slave nobody has open reads
        # as a hang-up, which would end the notty side before the device side opened it.
        up = wait_for(logs[0], "Using interface", 30) and wait_for(logs[1], "Using interface", 10)
        if join == "pty":
            os.close(slave)
            os.close(master)
        else:
            a.close()
            b.close()
        if not up:
            raise RuntimeError(f"link did not come up: {open(logs[0]).read()[-2000:]}")
        iperf_server = subprocess.Popen(["ip", "netns", "exec", ns_b, "iperf3", "-s", "-1", "-B", "10.1.0.2"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        before = [cpu_seconds(p.pid) for p in procs]
        t0 = time.monotonic()
        out = run(ns_a, "iperf3", "-c", "10.1.0.2", "-t", str(seconds), "-J", capture_output=True, text=True, check=True)
        elapsed = time.monotonic() - t0
        after = [cpu_seconds(p.pid) for p in procs]
        iperf_server.wait(timeout=10)
        result = json.loads(out.stdout)
        mbps = result["end"]["sum_received"]["bits_per_second"] / 1e6
        return {"join": join, "mbps": mbps,
                "server_cpu": 100 * (after[1] - before[1]) / elapsed,
                "alice_cpu": 100 * (after[0] - before[0]) / elapsed}
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        for ns in (ns_a, ns_b):
            subprocess.run(["ip", "netns", "delete", ns], capture_output=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chapd", default=".build/release/chapd")
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun") or not shutil.which("iperf3"):
        sys.exit("bench.py needs root, /dev/net/tun and iperf3")
    chapd = os.path.abspath(a.chapd)
    work = tempfile.mkdtemp(prefix="chapd-bench-")
    fd = os.open(f"{work}/chap-secrets", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, SECRETS.encode())
    os.close(fd)
    print(f"data plane: iperf3 TCP for {a.seconds} s through two chapd ({chapd})")
    print(f"{'join':<12}{'Mbit/s':>10}{'server CPU %':>15}{'alice CPU %':>14}")
    for join in ("pty", "socketpair"):
        r = measure(join, chapd, a.seconds, work)
        print(f"{r['join']:<12}{r['mbps']:>10.1f}{r['server_cpu']:>15.0f}{r['alice_cpu']:>14.0f}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
