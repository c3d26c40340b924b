#!/bin/bash
# Builds the base initramfs for the interop VM: busybox, the host's pppd with its libraries,
# the installed Debian kernel's PPP modules, and a generic /init that runs /scenario/run.sh
# (supplied per scenario by a second, appended cpio). Cached: rebuilt only when inputs change.
# Usage: build-initramfs.sh [OUTDIR]   (default: <repo>/.build/interop)
# Prints nothing on success except when rebuilding; writes OUTDIR/vm.env (KERNEL=, INITRD=).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/.build/interop}
mkdir -p "$out"

# The kernel of the installed linux-image package, not the host's (uname -r): the newest
# /boot/vmlinuz-* whose module tree has ppp_async.
kver=""
for k in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V); do
  compgen -G "/lib/modules/$k/kernel/drivers/net/ppp/ppp_async.ko*" >/dev/null && kver=$k
done
[[ -n "$kver" ]] || { echo "build-initramfs: no installed kernel with ppp_async (run setup.sh)" >&2; exit 1; }
kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
pppd=/usr/sbin/pppd
busybox=/bin/busybox
[[ -x $pppd && -x $busybox && -r $kernel ]] || { echo "build-initramfs: missing pppd, busybox or kernel (run setup.sh)" >&2; exit 1; }

# Modules to load, dependencies first, taken from modules.dep.
wanted=(ppp_async)
resolve() {  # prints module paths (relative to moddir) in load order
  local name=$1 line rel deps d
  line=$(grep -E "/${name}\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n1) || true
  [[ -n "$line" ]] || { echo "build-initramfs: module $name not in modules.dep" >&2; exit 1; }
  rel=${line%%:*}; deps=${line#*:}
  for d in $deps; do echo "$d"; done | tac
  echo "$rel"
}
mods=()
for w in "${wanted[@]}"; do
  while read -r m; do
    [[ " ${mods[*]} " == *" $m "* ]] || mods+=("$m")
  done < <(resolve "$w")
done
# modules.dep lists deps nearest-first; load deepest first (reverse), deduplicated above.

libs=$(ldd "$pppd" | awk '/=>/ {print $3} /^\s*\/lib/ {print $1}' | sort -u)

# Cache key: this script, the kernel version, and size+mtime of every file we copy.
manifest=$( { sha256sum "$0"; echo "$kver"; for f in "$kernel" "$pppd" "$busybox" $libs; do stat -L -c '%n %s %Y' "$f"; done;
              for m in "${mods[@]}"; do stat -L -c '%n %s %Y' "$moddir/$m"; done; } | sha256sum | cut -d' ' -f1)
initrd=$out/base-initramfs.cpio.gz
if [[ -f $out/base.stamp && $(cat "$out/base.stamp") == "$manifest" && -f $initrd && -f $out/vm.env ]]; then
  exit 0
fi
echo "build-initramfs: building $initrd (kernel $kver)" >&2

root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc/ppp,proc,sys,dev,tmp,run,var/run,var/lock,var/log,lib/modules,scenario,usr/sbin,root}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
  [[ $a == busybox ]] || ln -sf busybox "$root/bin/$a"
done
cp -L "$pppd" "$root/usr/sbin/pppd"
for l in $libs; do
  mkdir -p "$root$(dirname "$l")"
  cp -L "$l" "$root$l"
done
# ld.so is looked up at /lib64 even when ldd names it under /lib/x86_64-linux-gnu.
mkdir -p "$root/lib64"
[[ -e $root/lib64/ld-linux-x86-64.so.2 ]] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
: > "$root/etc/modules.list"
for m in "${mods[@]}"; do
  cp -L "$moddir/$m" "$root/lib/modules/"
  basename "$m" >> "$root/etc/modules.list"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo 'interop' > "$root/etc/hostname"
: > "$root/etc/ppp/options"
install -m 600 /dev/null "$root/etc/ppp/chap-secrets"
install -m 600 /dev/null "$root/etc/ppp/pap-secrets"

cat > "$root/init" <<'INIT'
#!/bin/sh
# Generic interop VM init: prepare the kernel for PPP, then run the scenario and power off.
export PATH=/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
hostname interop
for m in $(cat /etc/modules.list); do insmod /lib/modules/$m || echo "INTEROP-ERROR insmod $m"; done
[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
echo "INTEROP-READY"
if [ -x /scenario/run.sh ]; then /scenario/run.sh; else echo "INTEROP-ERROR no /scenario/run.sh"; fi
echo "INTEROP-DONE"
sync
poweroff -f
reboot -f
INIT
chmod +x "$root/init"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) > "$initrd.tmp"
mv "$initrd.tmp" "$initrd"
# Under TCG, decompressing the xz bzImage costs seconds per boot; the kernel has a PVH entry
# note, so qemu can boot the uncompressed ELF directly. Fall back to the bzImage if that fails.
boot_kernel=$kernel
if python3 - "$kernel" "$out/vmlinux" <<'PY'
import lzma, sys
data = open(sys.argv[1], "rb").read()
at = data.find(b"\xfd7zXZ\x00")
if at < 0:
    sys.exit(1)
elf = lzma.LZMADecompressor().decompress(data[at:])
if elf[:4] != b"\x7fELF":
    sys.exit(1)
open(sys.argv[2], "wb").write(elf)
PY
then boot_kernel=$out/vmlinux; fi
printf 'KERNEL=%s\nINITRD=%s\nKVER=%s\n' "$boot_kernel" "$initrd" "$kver" > "$out/vm.env"
echo "$manifest" > "$out/base.stamp"
