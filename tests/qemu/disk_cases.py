# SPDX-License-Identifier: MIT
"""Linux on virtio-blk under the hypervisor, both backends, driven through the console:

  linux-disk-write     vda is a file on this machine (hv.disk=host: QEMU's own virtio-blk,
                       driven by the hypervisor), vdb a 64 MiB memory disk of seeded random
                       bytes (hv.memdisk). The guest reads vdb whole (md5 known here), makes an
                       ext2 filesystem on vda, copies vdb into it and writes checksummed files,
                       then powers off.
  linux-disk-readback  a new QEMU on the same file: the guest's init mounts vda (it holds a
                       filesystem now), and the guest finds the 64 MiB
                       file and the small ones intact (read from the disk: nothing is cached
                       after a restart). vdb is read-only this time, and the guest sees it so.

The readback case needs the write case's disk: run them in this order (-k linux-disk)."""
import hashlib
import os
import random

from linux_cases import linux_case

DISK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "e2e")
HOST_DISK = os.path.join(DISK_DIR, "persistent.img")
HOST_DISK_MIB = 128
MEM_DISK = os.path.join(DISK_DIR, "memdisk.img")
MEM_DISK_MIB = 64
MEM_DISK_SEED = 6
MEM_DISK_ADDR = 0x58000000  # host RAM for the module: after the kernel and the initramfs


def mem_disk_bytes():
    return random.Random(MEM_DISK_SEED).randbytes(MEM_DISK_MIB << 20)


MEM_DISK_MD5 = hashlib.md5(mem_disk_bytes()).hexdigest()


def make_mem_disk():
    if os.path.exists(MEM_DISK) and os.path.getsize(MEM_DISK) == MEM_DISK_MIB << 20:
        return None
    os.makedirs(DISK_DIR, exist_ok=True)
    with open(MEM_DISK, "wb") as f:
        f.write(mem_disk_bytes())
    return None


def fresh_host_disk():
    """A blank (sparse) disk: the guest makes the filesystem."""
    os.makedirs(DISK_DIR, exist_ok=True)
    with open(HOST_DISK, "wb") as f:
        f.truncate(HOST_DISK_MIB << 20)
    return make_mem_disk()


def written_host_disk():
    if not os.path.exists(HOST_DISK):
        return "%s is missing: run linux-disk-write first" % HOST_DISK
    return make_mem_disk()


def disk_case(name, prepare, read_only, steps, expect, at_boot=()):
    """`at_boot`: lines expected while the guest boots, before its shell."""
    case = linux_case(name, 4, steps, timeout=300)
    case["bootargs"] += ["hv.disk=host", "hv.memdisk=0x%x" % MEM_DISK_ADDR]
    if read_only:
        case["bootargs"].append("hv.memdisk.ro")
    case["qemu_args"] += [
        "-device", "guest-loader,addr=0x%x,initrd=%s" % (MEM_DISK_ADDR, MEM_DISK),
        # Modern (version 2) virtio-mmio transports: the only kind the hypervisor drives.
        "-global", "virtio-mmio.force-legacy=false",
        "-drive", "file=%s,if=none,format=raw,id=hd0" % HOST_DISK,
        "-device", "virtio-blk-device,drive=hd0"]
    case["prepare"] = prepare
    # The disks are attached (and logged) before the VM's own line.
    case["expect"] = [
        r"^vm0: disk vda: hostblk@0x[0-9a-f]+, %d MiB \(virtio-mmio 0xa000000, INTID 48\)"
        % HOST_DISK_MIB,
        r"^vm0: disk vdb: mem, %d MiB%s \(virtio-mmio 0xa000200, INTID 49\)"
        % (MEM_DISK_MIB, ", read-only" if read_only else "")] + case["expect"][:1] + list(at_boot) + \
        case["expect"][1:] + expect
    return case


SIZES = "cat /sys/block/vda/size /sys/block/vdb/size /sys/block/vdb/ro; echo sizes-done\n"
SMALL_FILES = "for i in 1 2 3; do seq 1 $((i * 2000)) > /mnt/f$i; done"

DISK_CASES = [
    disk_case("linux-disk-write", fresh_host_disk, False, [
        (r"^guest: init done", SIZES),
        (r"^sizes-done", "md5sum /dev/vdb\n"),
        (r"  /dev/vdb$", "mke2fs /dev/vda >/dev/null 2>&1 && mount /dev/vda /mnt && "
                         "dd if=/dev/vdb of=/mnt/big bs=1M 2>/dev/null && " + SMALL_FILES +
                         " && md5sum /mnt/f1 /mnt/f2 /mnt/f3 > /mnt/sums && umount /mnt && "
                         "echo written-ok\n"),
        (r"^written-ok", "poweroff\n"),
    ], [r"^%d$" % (HOST_DISK_MIB * 2048), r"^%d$" % (MEM_DISK_MIB * 2048), r"^0$",
        r"^%s  /dev/vdb$" % MEM_DISK_MD5, r"^written-ok", r"vm0: PSCI SYSTEM_OFF"]),
    disk_case("linux-disk-readback", written_host_disk, True, [
        (r"^guest: init done", "cat /sys/block/vdb/ro; "
                               "dd if=/mnt/big bs=1M 2>/dev/null | md5sum && "
                               "md5sum -c /mnt/sums && echo read-ok\n"),
        (r"^read-ok", "dd if=/dev/zero of=/dev/vdb count=1 || echo vdb-refused\n"),
        (r"^vdb-refused", "umount /mnt; poweroff\n"),
    ], [r"^1$", r"^%s  -$" % MEM_DISK_MD5, r"^/mnt/f1: OK", r"^/mnt/f2: OK",
        r"^/mnt/f3: OK", r"^read-ok", r"^vdb-refused", r"vm0: PSCI SYSTEM_OFF"],
        at_boot=[r"^guest: /dev/vda mounted on /mnt"]),
]
