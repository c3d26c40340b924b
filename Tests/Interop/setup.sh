#!/bin/bash
# Installs what the interop harness needs when missing (CI runs on a fresh machine as root).
set -euo pipefail
pkgs=(ppp qemu-system-x86 busybox-static cpio linux-image-amd64)
command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
missing=()
for p in "${pkgs[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$st" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "interop setup: installing ${missing[*]}" >&2
  [[ $(id -u) == 0 ]] || { echo "interop setup: need root to install ${missing[*]}" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # The kernel package's postinst wants initramfs tools we don't need: skip recommends.
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
