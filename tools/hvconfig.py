#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn a VM configuration (configs/NAME.dts, docs/config.md) into a QEMU command line.

    tools/hvconfig.py [-D NAME=VALUE]... [--out DIR] [--exec] CONFIG.dts [-- QEMU ARGS...]

The file goes through `cpp -P` (so -D can change what its #ifndef defaults say) and dtc. The
images it names (kernel, initrd, memory-image disks) become QEMU guest-loader boot modules in
host RAM above the hypervisor; each host-file disk becomes a `-drive` + virtio-blk device. Where
each went is written into the compiled tree (kernel-module, initrd-module, image-module,
host-index), which goes to the hypervisor as one more module (the hypervisor finds it by its
root compatible "hv,config"). Prints the QEMU command line, or runs it with --exec. Checks what
only the host can: every file exists, no file serves two VMs unless both say read-only shared.
Python 3 standard library plus cpp and dtc/fdtput (tools/deps.sh)."""
import argparse
import os
import shlex
import struct
import subprocess
import sys

MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "max", "-nographic",
           "-no-reboot", "-nic", "none", "-semihosting-config", "enable=on,target=native"]
COMPAT = "hv,config"
RAM_BASE = 0x40000000
# Modules go from here up (as the Makefile's run targets have always loaded guests): clear of
# the hypervisor at RAM base + 2 MiB and of the DTB QEMU puts at RAM base + 128 MiB.
MODULE_BASE = 0x50000000
MODULE_ALIGN = 2 << 20
# Room for the hypervisor's own pages (stage-2 tables, disk buffers) on top of the VMs' RAM;
# never less than 2 GiB in all, as `make run-linux` always gave.
HV_SLACK_MIB = 512
MIN_MACHINE_MIB = 2048
DEFAULT_MEMORY_MIB = 128


class ConfigError(Exception):
    pass


# --- reading a compiled tree (devicetree specification v0.4, chapter 5) -------------------

class Node:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.props = {}      # name -> bytes, in file order
        self.children = []

    def child(self, name):
        return next((c for c in self.children if c.name == name), None)

    def string(self, prop):
        v = self.props.get(prop)
        if v is None:
            return None
        if not v.endswith(b"\0") or b"\0" in v[:-1]:
            raise ConfigError("%s: %s: must be one string" % (self.path, prop))
        return v[:-1].decode()

    def cells(self, prop):
        v = self.props.get(prop)
        if v is None:
            return None
        if len(v) % 4 or not v:
            raise ConfigError("%s: %s: must be 32-bit cells" % (self.path, prop))
        return list(struct.unpack(">%dI" % (len(v) // 4), v))

    def u32(self, prop, default):
        c = self.cells(prop)
        if c is None:
            return default
        if len(c) != 1:
            raise ConfigError("%s: %s: must be one 32-bit cell, <n>" % (self.path, prop))
        return c[0]


def read_dtb(blob):
    magic, total, off_struct, off_strings = struct.unpack(">IIII", blob[:16])
    if magic != 0xd00dfeed or total > len(blob):
        raise ConfigError("not a device tree")
    size_struct = struct.unpack(">I", blob[36:40])[0]

    def name_at(off):
        return blob[off_strings + off:blob.index(b"\0", off_strings + off)].decode()

    pos, stack, root = off_struct, [], None
    while pos < off_struct + size_struct:
        tok = struct.unpack(">I", blob[pos:pos + 4])[0]
        pos += 4
        if tok == 1:  # BEGIN_NODE
            end = blob.index(b"\0", pos)
            name = blob[pos:end].decode()
            pos = (end + 4) & ~3
            parent = stack[-1] if stack else None
            path = "/" if parent is None else (parent.path.rstrip("/") + "/" + name)
            node = Node(name, path)
            if parent:
                parent.children.append(node)
            else:
                root = node
            stack.append(node)
        elif tok == 2:  # END_NODE
            stack.pop()
        elif tok == 3:  # PROP
            length, nameoff = struct.unpack(">II", blob[pos:pos + 8])
            stack[-1].props[name_at(nameoff)] = blob[pos + 8:pos + 8 + length]
            pos = (pos + 8 + length + 3) & ~3
        elif tok == 4:  # NOP
            continue
        elif tok == 9:  # END
            break
        else:
            raise ConfigError("malformed device tree (token %d)" % tok)
    return root


# --- the configuration ----------------------------------------------------------------------

def compile_config(path, defines, out_dir):
    """cpp, then dtc: the tree as written, in out_dir/NAME.dtb."""
    if not os.path.isfile(path):
        raise ConfigError("%s: no such file" % path)
    name = os.path.splitext(os.path.basename(path))[0]
    os.makedirs(out_dir, exist_ok=True)
    dtb = os.path.join(out_dir, name + ".dtb")
    # -undef: no predefined `linux` macro to eat a VM called linux; assembler-with-cpp keeps
    # a line such as `#address-cells = <2>;` from being taken for a directive.
    cpp = ["cpp", "-P", "-nostdinc", "-undef", "-x", "assembler-with-cpp"]
    cpp += ["-D" + d for d in defines] + [path]
    pre = subprocess.run(cpp, capture_output=True, text=True)
    if pre.returncode:
        raise ConfigError("%s: cpp failed:\n%s" % (path, pre.stderr.strip()))
    dtc = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, "-"],
                         input=pre.stdout, capture_output=True, text=True)
    if dtc.returncode:
        raise ConfigError("%s: dtc failed:\n%s" % (path, dtc.stderr.strip()))
    return dtb


def need_file(node, prop, hint):
    f = node.string(prop)
    if f is None:
        return None
    if not f:
        raise ConfigError("%s: %s: empty file name" % (node.path, prop))
    if not os.path.isfile(f):
        raise ConfigError("%s: %s: %s: no such file%s" % (node.path, prop, f, hint))
    return f


class Layout:
    """Boot modules in host RAM and host disks, each file once where it may be shared."""

    def __init__(self):
        self.modules = []      # (address, kind "kernel"/"initrd", file)
        self.by_file = {}      # (kind, realpath) -> address, for files loaded once
        self.next = MODULE_BASE
        self.drives = []       # files, in -drive order = hostblk_probe() index
        self.owners = {}       # realpath -> (node path, shared and read-only)

    def module(self, kind, path, key=None):
        """The address of `path` loaded as a guest-loader `kind` module; loaded once for all
        users of `key` (None: a module of its own)."""
        if key is not None and key in self.by_file:
            return self.by_file[key]
        addr = self.next
        self.modules.append((addr, kind, path))
        self.next = (addr + os.path.getsize(path) + MODULE_ALIGN - 1) & ~(MODULE_ALIGN - 1)
        if key is not None:
            self.by_file[key] = addr
        return addr

    def claim(self, disk, path):
        """A disk's file: used by one disk only, unless every user says read-only shared."""
        real = os.path.realpath(path)
        shared = "shared" in disk.props and "read-only" in disk.props
        if "shared" in disk.props and "read-only" not in disk.props:
            raise ConfigError("%s: shared: only a read-only disk may be shared" % disk.path)
        if real in self.owners:
            other, other_shared = self.owners[real]
            if not (shared and other_shared) or other.rsplit("/", 1)[0] == \
                    disk.path.rsplit("/", 1)[0]:
                raise ConfigError("%s: %s is also %s's disk; two VMs share a disk only if "
                                  "both say read-only and shared" % (disk.path, path, other))
            return False
        self.owners[real] = (disk.path, shared)
        return True


def fdtput(dtb, node, prop, cells, kind="x"):
    subprocess.run(["fdtput", "-t", kind, dtb, node, prop] + ["%x" % c if kind == "x" else
                                                             str(c) for c in cells],
                   check=True)


def addr_cells(a):
    return [a >> 32, a & 0xffffffff]


def blank_disk(path, mib):
    """A missing host-file becomes a new blank sparse disk, as `make run-linux` makes its own."""
    if mib and not os.path.exists(path):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.truncate(mib << 20)
        print("disk: %s is a new blank %d MiB disk (in the guest: mke2fs /dev/vdX)" % (path, mib),
              file=sys.stderr)


def resolve(dtb, root, layout, blank_mib=0):
    """Place every image and disk of every VM; returns (pcpus, MiB of guest RAM, drives)."""
    if root.string("compatible") != COMPAT:
        raise ConfigError("/: compatible: must be \"%s\"" % COMPAT)
    vms = root.child("vms")
    if vms is None or not vms.children:
        raise ConfigError("/vms: no VMs to run")
    ram_mib, top_pcpu, drive_of = 0, 0, {}
    for vm in vms.children:
        if "kernel" not in vm.props:
            raise ConfigError("%s: kernel: missing: every VM needs a kernel image" % vm.path)
        kernel = need_file(vm, "kernel", " (make linux / make guests?)")
        # A kernel or initramfs is copied into the VM's RAM at every start: one module serves
        # every VM that names the file.
        addr = layout.module("kernel", kernel, ("boot", os.path.realpath(kernel)))
        fdtput(dtb, vm.path, "kernel-module", addr_cells(addr))
        initrd = need_file(vm, "initrd", " (make initramfs?)")
        if initrd:
            addr = layout.module("initrd", initrd, ("boot", os.path.realpath(initrd)))
            fdtput(dtb, vm.path, "initrd-module", addr_cells(addr))
        ram_mib += vm.u32("memory-mib", DEFAULT_MEMORY_MIB)
        affinity = vm.cells("affinity") or [0]
        top_pcpu = max([top_pcpu] + affinity)
        for disk in vm.children:
            if disk.string("host-file"):
                blank_disk(disk.string("host-file"), blank_mib)
            host = need_file(disk, "host-file", " (make one: truncate -s 256M FILE)")
            mem = need_file(disk, "memory-image", "")
            if host:
                if layout.claim(disk, host):
                    drive_of[os.path.realpath(host)] = len(layout.drives)
                    layout.drives.append((host, "read-only" in disk.props))
                fdtput(dtb, disk.path, "host-index", [drive_of[os.path.realpath(host)]], "u")
            elif mem:
                # A memory disk is served from its module: a writable one is its VM's alone
                # (claim() refused a second user), a shared one is loaded once.
                layout.claim(disk, mem)
                addr = layout.module("initrd", mem, ("disk", os.path.realpath(mem)))
                fdtput(dtb, disk.path, "image-module", addr_cells(addr))
    pcpus = root.u32("pcpus", top_pcpu + 1)
    return pcpus, ram_mib


def qemu_command(config, defines=(), out_dir="build/configs", image="build/hypervisor.bin",
                 qemu="qemu-system-aarch64", append="hv.exit=semihosting", extra=(),
                 blank_mib=0):
    """The QEMU command line (a list) that runs `config`; host-file disks that do not exist
    are made blank with `blank_mib` MiB (0: a missing one is an error)."""
    dtb = compile_config(config, defines, out_dir)
    with open(dtb, "rb") as f:
        root = read_dtb(f.read())
    layout = Layout()
    pcpus, ram_mib = resolve(dtb, root, layout, blank_mib)
    # The resolved tree goes last: its size is final only once every address is written in.
    layout.module("initrd", dtb)
    modules_mib = (layout.next - RAM_BASE) >> 20
    mem = max(MIN_MACHINE_MIB, modules_mib + ram_mib + HV_SLACK_MIB)
    cmd = [qemu] + MACHINE + ["-smp", str(pcpus), "-m", "%dM" % mem, "-kernel", image]
    if append:
        cmd += ["-append", append]
    if layout.drives:
        # Modern (version 2) virtio-mmio transports: the only kind the hypervisor drives.
        cmd += ["-global", "virtio-mmio.force-legacy=false"]
    for i, (path, ro) in enumerate(layout.drives):
        cmd += ["-drive", "file=%s,if=none,format=raw,id=hd%d%s" % (path, i,
                                                                   ",readonly=on" if ro else ""),
                "-device", "virtio-blk-device,drive=hd%d" % i]
    for addr, kind, path in layout.modules:
        cmd += ["-device", "guest-loader,addr=0x%x,%s=%s" % (addr, kind, path)]
    return cmd + list(extra)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config", help="configs/NAME.dts")
    ap.add_argument("-D", dest="defines", action="append", default=[],
                    help="NAME=VALUE for the config's cpp knobs (e.g. -D VCPUS=2)")
    ap.add_argument("--out", default="build/configs", help="where the compiled tree goes")
    ap.add_argument("--image", default="build/hypervisor.bin")
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--append", default="hv.exit=semihosting",
                    help="the hypervisor's command line")
    ap.add_argument("--blank-disks", type=int, default=0, metavar="MIB",
                    help="make a missing host-file disk blank with MIB MiB")
    ap.add_argument("--exec", action="store_true", help="run QEMU instead of printing")
    args = ap.parse_args(argv)
    try:
        cmd = qemu_command(args.config, args.defines, args.out, args.image, args.qemu,
                           args.append, extra, args.blank_disks)
    except ConfigError as e:
        print("hvconfig: %s: %s" % (args.config, e), file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as e:
        print("hvconfig: %s: %s failed" % (args.config, e.cmd[0]), file=sys.stderr)
        return 1
    if args.exec:
        sys.stdout.flush()
        os.execvp(cmd[0], cmd)
    print(" ".join(shlex.quote(c) for c in cmd))
    return 0


if __name__ == "__main__":
    sys.exit(main())
