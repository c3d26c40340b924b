#!/usr/bin/env bash
# Installs what chapd's build, demo and tests need on a fresh Debian machine (run as root).
# Idempotent: packages already present are not fetched again.
set -euo pipefail
packages=(libpcap-dev pkg-config)
if [ "${1:-}" = "--tests" ]; then
    # tshark checks captures; tgt (tgtd), libiscsi-bin (iscsi-inq) and tcpdump are the real
    # iSCSI target, initiator and capture of the iSCSI tests; freeradius (+utils: radclient)
    # is the RADIUS tests' server; iproute2, ping, iperf3 and setpriv drive the data-plane
    # tests in network namespaces; the rest runs real pppd in a qemu VM (Tests/Interop).
    packages+=(tshark tgt libiscsi-bin tcpdump ppp qemu-system-x86 busybox-static cpio linux-image-amd64 python3
               iproute2 iputils-ping iperf3 util-linux freeradius freeradius-utils)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=300 update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi
