# SPDX-License-Identifier: MIT
"""Tests of tools/hvconfig.py: configurations turned into QEMU command lines and resolved
trees (what it writes in is read back with fdtget), the shipped configs/*.dts with their
knobs, and each refusal naming the node and property. Run by `make test-host`; needs cpp,
dtc and fdtget (tools/deps.sh). Files are made in a scratch directory, the current one while
a test runs."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import hvconfig  # noqa: E402

HEAD = '/dts-v1/;\n/ { compatible = "hv,config"; vms {\n'
TAIL = '}; };\n'


def opt(cmd, flag):
    """Every value that follows `flag` in a command line."""
    return [cmd[i + 1] for i, c in enumerate(cmd) if c == flag]


class HvconfigTest(unittest.TestCase):
    def setUp(self):
        self.old = os.getcwd()
        self.dir = tempfile.mkdtemp(prefix="hvconfig-")
        os.chdir(self.dir)
        for name, size in (("Image", 3 << 20), ("initrd", 5000), ("a.img", 1 << 20),
                           ("b.img", 1 << 20), ("mem.img", 4096)):
            with open(name, "wb") as f:
                f.truncate(size)

    def tearDown(self):
        os.chdir(self.old)
        shutil.rmtree(self.dir)

    def build(self, vms, defines=(), config=None):
        if config is None:
            config = "t.dts"
            with open(config, "w") as f:
                f.write(HEAD + vms + TAIL)
        return hvconfig.qemu_command(config, defines, out_dir="out")

    def get(self, dtb, node, prop):
        return subprocess.run(["fdtget", "-t", "x", dtb, node, prop], check=True,
                              capture_output=True, text=True).stdout.split()

    def refused(self, vms, message):
        with self.assertRaises(hvconfig.ConfigError) as e:
            self.build(vms)
        self.assertEqual(str(e.exception), message)

    def test_one_vm_becomes_modules_a_drive_and_the_resolved_tree(self):
        cmd = self.build('vm0 { vcpus = <2>; affinity = <0 1>; memory-mib = <256>; '
                         'kernel = "Image"; initrd = "initrd"; '
                         'disk-0 { host-file = "a.img"; }; };')
        self.assertEqual(opt(cmd, "-smp"), ["2"])
        self.assertEqual(opt(cmd, "-m"), ["2048M"])
        self.assertEqual(opt(cmd, "-global"), ["virtio-mmio.force-legacy=false"])
        self.assertEqual(opt(cmd, "-drive"), ["file=a.img,if=none,format=raw,id=hd0"])
        self.assertEqual(opt(cmd, "-device"), [
            "virtio-blk-device,drive=hd0",
            "guest-loader,addr=0x50000000,kernel=Image",
            "guest-loader,addr=0x50400000,initrd=initrd",
            "guest-loader,addr=0x50600000,initrd=out/t.dtb"])
        self.assertEqual(self.get("out/t.dtb", "/vms/vm0", "kernel-module"), ["0", "50000000"])
        self.assertEqual(self.get("out/t.dtb", "/vms/vm0", "initrd-module"), ["0", "50400000"])
        self.assertEqual(self.get("out/t.dtb", "/vms/vm0/disk-0", "host-index"), ["0"])

    def test_machine_memory_covers_modules_vms_and_the_hypervisor(self):
        cmd = self.build('a { memory-mib = <1024>; kernel = "Image"; }; '
                         'b { memory-mib = <1024>; kernel = "Image"; };')
        # Modules end at 0x50600000 (262 MiB from RAM base) + 2048 + 512 MiB.
        self.assertEqual(opt(cmd, "-m"), ["2822M"])
        self.assertEqual(opt(cmd, "-smp"), ["1"])

    def test_a_file_several_vms_boot_from_is_loaded_once(self):
        cmd = self.build('a { kernel = "Image"; disk-0 { host-file = "a.img"; }; }; '
                         'b { kernel = "Image"; disk-0 { host-file = "b.img"; }; '
                         'disk-1 { memory-image = "mem.img"; }; };')
        loaders = [d for d in opt(cmd, "-device") if d.startswith("guest-loader")]
        self.assertEqual(loaders, ["guest-loader,addr=0x50000000,kernel=Image",
                                   "guest-loader,addr=0x50400000,initrd=mem.img",
                                   "guest-loader,addr=0x50600000,initrd=out/t.dtb"])
        self.assertEqual(self.get("out/t.dtb", "/vms/a", "kernel-module"), ["0", "50000000"])
        self.assertEqual(self.get("out/t.dtb", "/vms/b", "kernel-module"), ["0", "50000000"])
        self.assertEqual(self.get("out/t.dtb", "/vms/b/disk-0", "host-index"), ["1"])
        self.assertEqual(self.get("out/t.dtb", "/vms/b/disk-1", "image-module"),
                         ["0", "50400000"])

    def test_a_read_only_shared_file_is_one_drive_for_both(self):
        cmd = self.build('a { kernel = "Image"; disk-0 { host-file = "a.img"; read-only; '
                         'shared; }; }; b { kernel = "Image"; disk-0 { host-file = "a.img"; '
                         'read-only; shared; }; };')
        self.assertEqual(opt(cmd, "-drive"),
                         ["file=a.img,if=none,format=raw,id=hd0,readonly=on"])
        self.assertEqual(self.get("out/t.dtb", "/vms/b/disk-0", "host-index"), ["0"])

    def test_refuses_a_file_two_vms_would_write(self):
        self.refused('a { kernel = "Image"; disk-0 { host-file = "a.img"; }; }; '
                     'b { kernel = "Image"; disk-0 { host-file = "a.img"; read-only; '
                     'shared; }; };',
                     "/vms/b/disk-0: a.img is also /vms/a/disk-0's disk; two VMs share a disk "
                     "only if both say read-only and shared")
        self.refused('a { kernel = "Image"; disk-0 { memory-image = "mem.img"; }; }; '
                     'b { kernel = "Image"; disk-0 { memory-image = "mem.img"; }; };',
                     "/vms/b/disk-0: mem.img is also /vms/a/disk-0's disk; two VMs share a "
                     "disk only if both say read-only and shared")

    def test_refuses_missing_files_and_kernels(self):
        self.refused('a { kernel = "nothing"; };',
                     "/vms/a: kernel: nothing: no such file (make linux / make guests?)")
        self.refused('a { kernel = "Image"; disk-0 { host-file = "none.img"; }; };',
                     "/vms/a/disk-0: host-file: none.img: no such file (make one: truncate "
                     "-s 256M FILE)")
        self.refused('a { memory-mib = <64>; };',
                     "/vms/a: kernel: missing: every VM needs a kernel image")
        self.refused('a { kernel = "Image"; disk-0 { host-file = "a.img"; shared; }; };',
                     "/vms/a/disk-0: shared: only a read-only disk may be shared")

    def test_blank_disks_are_made_when_asked(self):
        with open("t.dts", "w") as f:
            f.write(HEAD + 'a { kernel = "Image"; disk-0 { host-file = "new/d.img"; }; };' +
                    TAIL)
        hvconfig.qemu_command("t.dts", out_dir="out", blank_mib=8)
        self.assertEqual(os.path.getsize("new/d.img"), 8 << 20)

    def test_shipped_configs_compile_with_their_knobs(self):
        configs = os.path.join(ROOT, "configs")
        for name in ("linux", "linux-smp", "multi-vm", "quad"):
            dtb = hvconfig.compile_config(os.path.join(configs, name + ".dts"), [], "out")
            with open(dtb, "rb") as f:
                root = hvconfig.read_dtb(f.read())
            self.assertEqual(root.string("compatible"), "hv,config")
        dtb = hvconfig.compile_config(os.path.join(configs, "linux.dts"),
                                      ["VCPUS=3", "PCPUS=2", "NO_DISK"], "out")
        self.assertEqual(self.get(dtb, "/vms/linux0", "affinity"), ["0", "1", "0"])
        with open(dtb, "rb") as f:
            self.assertEqual(hvconfig.read_dtb(f.read()).child("vms").children[0].children, [])
        dtb = hvconfig.compile_config(os.path.join(configs, "linux-smp.dts"), [], "out")
        self.assertEqual(self.get(dtb, "/vms/linux0", "affinity"), ["0", "1", "2", "3"])


if __name__ == "__main__":
    unittest.main()
