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
        self.assertEqual(self.get(dtb, "/vms/vm0", "affinity"), ["0", "1", "0"])
        with open(dtb, "rb") as f:
            self.assertEqual(hvconfig.read_dtb(f.read()).child("vms").children[0].children, [])
        dtb = hvconfig.compile_config(os.path.join(configs, "linux-smp.dts"), [], "out")
        self.assertEqual(self.get(dtb, "/vms/vm0", "affinity"), ["0", "1", "2", "3"])


CHECK = os.path.abspath(os.environ.get("VMCONFIG_CHECK",
                                      os.path.join(ROOT, "build/host/tools/vmconfig_check")))


@unittest.skipUnless(os.path.exists(CHECK), "no %s (make test-host builds it)" % CHECK)
class ReadBackTest(unittest.TestCase):
    """What the tool makes of the shipped configurations, read by the hypervisor's own reader
    (core/vmconfig.c built for the host: tests/tools/vmconfig_check.c) against the modules the
    QEMU command line loads: the two sides agree on every address and index."""

    def setUp(self):
        self.old = os.getcwd()
        self.dir = tempfile.mkdtemp(prefix="hvconfig-")
        os.chdir(self.dir)
        os.makedirs("build/guests/linux")
        for name, size in (("build/guests/linux/Image", 3 << 20),
                           ("build/guests/linux/initramfs.cpio.gz", 1000),
                           ("build/guests/heartbeat.bin", 8192)):
            with open(name, "wb") as f:
                f.truncate(size)

    def tearDown(self):
        os.chdir(self.old)
        shutil.rmtree(self.dir)

    def read_back(self, config, defines=()):
        cmd = hvconfig.qemu_command(os.path.join(ROOT, config), defines, out_dir="out",
                                    blank_mib=1)
        args = [CHECK, "", opt(cmd, "-smp")[0], str(int(opt(cmd, "-m")[0][:-1]) - 512)]
        for dev in opt(cmd, "-device"):
            if dev.startswith("guest-loader,"):
                fields = dict(f.split("=", 1) for f in dev.split(",")[1:])
                path = fields.get("kernel") or fields.get("initrd")
                args += [fields["addr"], str(os.path.getsize(path))]
                if path.endswith(".dtb"):
                    args[1] = path
        out = subprocess.run(args, capture_output=True, text=True)
        return out.returncode, out.stdout.splitlines()

    def test_linux_and_its_knobs(self):
        rc, vms = self.read_back("configs/linux.dts")
        self.assertEqual(rc, 0, vms)
        self.assertEqual(vms, ["vm0 vcpus=4 pcpus=0,0,0,0 mib=512 kernel=0x50000000+3145728 "
                               "initrd=0x50400000+1000 disks=host:0 console weight=256"])
        rc, vms = self.read_back("configs/linux.dts",
                                 ["VCPUS=3", "PCPUS=2", "LINUX_MEM=256", "NO_DISK"])
        self.assertEqual(vms, ["vm0 vcpus=3 pcpus=0,1,0 mib=256 kernel=0x50000000+3145728 "
                               "initrd=0x50400000+1000 disks= console weight=256"])
        rc, vms = self.read_back("configs/linux-smp.dts")
        self.assertIn("vm0 vcpus=4 pcpus=0,1,2,3 mib=512", vms[0])

    def test_multi_vm_gives_each_vm_its_own_disk(self):
        rc, vms = self.read_back("configs/multi-vm.dts")
        self.assertEqual(rc, 0, vms)
        self.assertEqual(vms, [
            "linux-a vcpus=4 pcpus=0,0,0,0 mib=512 kernel=0x50000000+3145728 "
            "initrd=0x50400000+1000 disks=host:0 console weight=256",
            "linux-b vcpus=4 pcpus=0,0,0,0 mib=512 kernel=0x50000000+3145728 "
            "initrd=0x50400000+1000 disks=host:1 weight=256"])

    def test_quad_runs_four_vms_over_two_pcpus(self):
        rc, vms = self.read_back("configs/quad.dts")
        self.assertEqual(rc, 0, vms)
        self.assertEqual([v.split(" mib")[0] for v in vms],
                         ["linux-a vcpus=2 pcpus=0,1", "linux-b vcpus=1 pcpus=0",
                          "linux-c vcpus=1 pcpus=1", "heartbeat vcpus=1 pcpus=1"])
        self.assertTrue(vms[3].endswith("kernel=0x50600000+8192 disks= weight=64"), vms[3])

    def test_the_invalid_qemu_case_is_refused_by_the_reader(self):
        with open("build/guests/boot.bin", "wb") as f:
            f.truncate(4096)
        rc, out = self.read_back("tests/qemu/configs/ram-overlap.dts")
        self.assertEqual(rc, 1)
        self.assertEqual(out, ["error: config: /vms/clash: ram-base: RAM [0x8000000-0x10000000) "
                               "overlaps the GIC distributor [0x8000000-0x8010000)"])


if __name__ == "__main__":
    unittest.main()
