# One Makefile, two builds of the same core/ and vdev/ sources:
#   build/target/  freestanding AArch64 EL2 image (hal/aarch64 + target/)
#   build/host/    x86-64 library with ASan+UBSan (hal-sim + sim/) for the CMocka tests
# `make help` lists the targets.

CROSS      ?= aarch64-linux-gnu-
TCC        := $(CROSS)gcc
TOBJCOPY   := $(CROSS)objcopy
HOSTCC     ?= gcc
QEMU       ?= qemu-system-aarch64
PYTHON     ?= python3

# Quiet by default; `make V=1` shows every command.
V ?= 0
ifeq ($(V),0)
Q := @
say = @printf '  %-7s %s\n' $(1) $(2)
else
Q :=
say = @true
endif

BUILD      := build
TB         := $(BUILD)/target
HB         := $(BUILD)/host
CB         := $(BUILD)/coverage
FB         := $(BUILD)/fuzz

# ---------------------------------------------------------------------------------------------
# Sources. Every .c in these folders is part of the build: adding a file needs no Makefile edit.
# FF-A's secure-world variant is a file (docs/ffa.md): core/ffa_spmc_$(FFA_SPMC).c, only "absent" yet.
FFA_SPMC      ?= absent
PORTABLE_SRCS := $(sort $(filter-out core/ffa_spmc_%.c,$(wildcard core/*.c)) \
                 core/ffa_spmc_$(FFA_SPMC).c $(wildcard vdev/*.c))
# hal/aarch64/offsets.c is compiled to assembly only, for the generated header (below).
TARGET_SRCS   := $(sort $(filter-out hal/aarch64/offsets.c,$(wildcard hal/aarch64/*.c \
                 hal/aarch64/*.S target/*.c target/*.S)))
HOST_SRCS     := $(sort $(wildcard hal-sim/*.c) $(wildcard sim/*.c))
UNIT_TESTS    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELPERS  := $(filter-out $(UNIT_TESTS),$(wildcard tests/unit/*.c)) tests/hostile/attacks.c
FIXTURES      := $(sort $(wildcard tests/unit/fixtures/*.dts))
FUZZERS       := $(sort $(wildcard fuzz/fuzz_*.c))

INCLUDES := -Ihal/include -Icore/include -Ivdev/include

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wvla -Wundef -Wcast-align -Wwrite-strings -Wimplicit-fallthrough \
            -Wno-unused-parameter

# ---------------------------------------------------------------------------------------------
# Target (EL2 image)
TGEN := $(TB)/gen
TCFLAGS := -std=gnu11 -O2 -g $(WARNINGS) $(INCLUDES) -Ihal/aarch64 -I$(TGEN) \
           -ffreestanding -nostdlib -fno-builtin-printf -fno-common -fno-pic -fno-pie \
           -fno-stack-protector -fno-omit-frame-pointer \
           -mgeneral-regs-only -mstrict-align -mno-outline-atomics -march=armv8-a \
           -fno-tree-loop-distribute-patterns \
           -ffunction-sections -fdata-sections -ffile-prefix-map=$(CURDIR)/= \
           -MMD -MP
TLDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,norelro \
            -Wl,-z,noexecstack -Wl,-T,target/linker.ld
TOBJS := $(patsubst %,$(TB)/%.o,$(PORTABLE_SRCS) $(TARGET_SRCS))

# ---------------------------------------------------------------------------------------------
# Host (tests)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
HCFLAGS  := -std=gnu11 -O1 -g $(WARNINGS) $(INCLUDES) -Ihal-sim/include -Isim/include \
            -fno-omit-frame-pointer -MMD -MP
HOBJS    := $(patsubst %,$(HB)/%.o,$(PORTABLE_SRCS) $(HOST_SRCS))
HLIB     := $(HB)/libhv.a
HTESTS   := $(patsubst tests/unit/%.c,$(HB)/tests/%,$(UNIT_TESTS))
HTESTHELPERS := $(patsubst %,$(HB)/%.o,$(UNIT_HELPERS))
HFIXTURES := $(patsubst tests/unit/fixtures/%.dts,$(HB)/fixtures/%.dtb,$(FIXTURES))
FIXTURE_DIR := $(CURDIR)/$(HB)/fixtures

.PHONY: all help deps test test-host test-tsan test-host-tsan test-qemu run run-linux run-linux-smp \
        run-multi-vm debug coverage lint fmt fmt-check \
        fuzz fuzz-smoke bench clean
.DEFAULT_GOAL := all

all: $(BUILD)/hypervisor.bin

help:
	@echo "make                 build build/hypervisor.elf and build/hypervisor.bin (EL2 image)"
	@echo "make run             boot the hypervisor on QEMU virt (SMP=$(SMP), MEM=$(MEM))"
	@echo "make run GUEST=path  run an arm64 Image or raw EL1 binary as vm0 (VCPUS=, GUEST_MEM=,"
	@echo "                     BOOTARGS=, INITRD=)"
	@echo "make run-linux       boot Linux (VCPUS=$(VCPUS) vCPUs on PCPUS=$(PCPUS) pCPU(s), LINUX_MEM=$(LINUX_MEM) MiB) to a shell"
	@echo "make run-linux-smp   the same with 4 vCPUs on 4 pCPUs, one each"
	@echo "make run CONFIG=path.dts  run the VMs of a configuration (configs/*.dts, docs/config.md)"
	@echo "make run-multi-vm    two Linux VMs, 4 vCPUs each, on one pCPU (configs/multi-vm.dts)"
	@echo "make debug           like run (CONFIG= too), but QEMU waits for gdb on 127.0.0.1:$(GDB_PORT)"
	@echo "make test            deps, lint, fmt-check, test-host, test-tsan, fuzz-smoke, test-qemu (CI)"
	@echo "make test-host       CMocka unit tests of core/ vdev/ on x86-64 with ASan+UBSan, tools tests"
	@echo "make test-tsan       the threaded unit tests (test_*_threads.c) under ThreadSanitizer"
	@echo "make test-host-tsan  the same (the name issue 13 uses)"
	@echo "make test-qemu       end-to-end cases in tests/qemu/ on QEMU"
	@echo "make test-hostile    hostile-guest suite (tests/hostile/): attacks vs. a victim vCPU"
	@echo "make coverage        lcov HTML report of the host tests in coverage/html"
	@echo "make fuzz            run each libFuzzer harness for FUZZ_SECONDS (default 60)"
	@echo "make fuzz-smoke      run each libFuzzer harness for 10 seconds"
	@echo "make bench           trap-path costs measured from a guest (-icount and wall time)"
	@echo "make guests          build the bare-metal test guests in build/guests/"
	@echo "make linux           Linux guest kernel build/guests/linux/Image (built once, cached)"
	@echo "make initramfs       Linux guest initramfs (BusyBox) build/guests/linux/initramfs.cpio.gz"
	@echo "make lint            include rules, help/README agreement, cppcheck over $(LINT_DIRS)"
	@echo "make fmt / fmt-check clang-format the tree / check it is formatted"
	@echo "make deps            install the Debian packages the project needs"
	@echo "make clean           remove build/ and coverage/html"
	@echo "make help            this list"

# ---------------------------------------------------------------------------------------------
# Dependencies: tools/deps.sh installs what is missing (idempotent) and says what it does.
DEPS_STAMP := $(BUILD)/.deps-ok
deps:
	@tools/deps.sh install
$(DEPS_STAMP): tools/deps.sh
	@tools/deps.sh ensure
	@mkdir -p $(@D) && touch $@

# ---------------------------------------------------------------------------------------------
# Target build rules
$(TB)/%.c.o: %.c | $(DEPS_STAMP)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TCFLAGS) -c $< -o $@
$(TB)/%.S.o: %.S | $(DEPS_STAMP)
	$(call say,AS,$<)
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TCFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Structure offsets for the assembly, from the C structs: offsets.c compiled to assembly, each
# "->NAME value" marker in it turned into a #define. Every .S waits for the header.
$(TGEN)/hal_offsets.s: hal/aarch64/offsets.c | $(DEPS_STAMP)
	$(call say,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(TCC) $(TCFLAGS) -S $< -o $@
$(TGEN)/hal_offsets.h: $(TGEN)/hal_offsets.s
	$(call say,GEN,$@)
	$(Q){ echo '/* Generated from hal/aarch64/offsets.c by the Makefile: do not edit. */'; \
	  echo '#ifndef HAL_OFFSETS_H'; echo '#define HAL_OFFSETS_H'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Za-z0-9_]*\) \([0-9]*\)".*/#define \1 \2/p' $<; \
	  echo '#endif'; } > $@.tmp && mv $@.tmp $@
$(filter %.S.o,$(TOBJS)): $(TGEN)/hal_offsets.h

$(BUILD)/hypervisor.elf: $(TOBJS) target/linker.ld
	$(call say,LD,$@)
	$(Q)$(TCC) $(TCFLAGS) $(TLDFLAGS) $(TOBJS) -lgcc -o $@.tmp
	$(Q)OBJDUMP=$(CROSS)objdump tools/check-no-fp.sh $@.tmp && mv $@.tmp $@
$(BUILD)/hypervisor.bin: $(BUILD)/hypervisor.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(TOBJCOPY) -O binary $< $@

# ---------------------------------------------------------------------------------------------
# Host build rules
$(HB)/%.c.o: %.c | $(DEPS_STAMP)
	$(call say,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) $(SANITIZE) -c $< -o $@
$(HLIB): $(HOBJS)
	$(call say,AR,$@)
	@rm -f $@
	$(Q)ar rcs $@ $^
$(HB)/tests/%: tests/unit/%.c $(HLIB) $(HTESTHELPERS)
	$(call say,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) $(SANITIZE) -Itests/unit -DFIXTURE_DIR='"$(FIXTURE_DIR)"' \
		$< $(HTESTHELPERS) $(HLIB) -lcmocka -o $@
$(HB)/fixtures/%.dtb: tests/unit/fixtures/%.dts | $(DEPS_STAMP)
	$(call say,DTC,$<)
	@mkdir -p $(@D)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

# The hypervisor's configuration reader as a host program, for tests/tools/test_hvconfig.py.
VMCONFIG_CHECK := $(HB)/tools/vmconfig_check
$(VMCONFIG_CHECK): tests/tools/vmconfig_check.c $(HLIB)
	$(call say,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) $(SANITIZE) $< $(HLIB) -o $@

test-host: $(HTESTS) $(HFIXTURES) $(VMCONFIG_CHECK)
	@tools/run-unit-tests.sh $(HTESTS)
	@out=$$(VMCONFIG_CHECK=$(VMCONFIG_CHECK) $(PYTHON) -m unittest discover -s tests/tools 2>&1) || { echo "$$out"; exit 1; }; \
		echo "tools tests: $$(echo "$$out" | grep -o 'Ran [0-9]* tests') of tools/hvconfig.py passed"

# ThreadSanitizer: the tests that run threads (test_*_threads.c), over the same sources
# built once more with -fsanitize=thread (ASan and TSan cannot share a binary).
TSB := $(BUILD)/tsan
# The simulated devices' fences model hardware barriers TSan does not track; it warns on them.
TSAN := -fsanitize=thread -Wno-tsan
TSAN_TESTS := $(patsubst tests/unit/%.c,$(TSB)/tests/%,$(sort $(wildcard tests/unit/test_*_threads.c)))
TSOBJS := $(patsubst %,$(TSB)/%.o,$(PORTABLE_SRCS) $(HOST_SRCS))
TSTESTHELPERS := $(patsubst %,$(TSB)/%.o,$(UNIT_HELPERS))
$(TSB)/%.c.o: %.c | $(DEPS_STAMP)
	$(call say,TSANCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) $(TSAN) -c $< -o $@
$(TSB)/libhv.a: $(TSOBJS)
	$(call say,AR,$@)
	@rm -f $@
	$(Q)ar rcs $@ $^
$(TSB)/tests/%: tests/unit/%.c $(TSB)/libhv.a $(TSTESTHELPERS)
	$(call say,HOSTLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) $(TSAN) -Itests/unit \
		-DFIXTURE_DIR='"$(FIXTURE_DIR)"' $< $(TSTESTHELPERS) $(TSB)/libhv.a -lcmocka -o $@
.SECONDARY: $(TSTESTHELPERS)

test-tsan: $(TSAN_TESTS)
	@tools/run-unit-tests.sh $(TSAN_TESTS)
test-host-tsan: test-tsan

# ---------------------------------------------------------------------------------------------
# Coverage: the same tests built with --coverage (no sanitizers), lcov over core/ and vdev/.
COBJS := $(patsubst %,$(CB)/%.o,$(PORTABLE_SRCS) $(HOST_SRCS))
CTESTS := $(patsubst tests/unit/%.c,$(CB)/tests/%,$(UNIT_TESTS))
CTESTHELPERS := $(patsubst %,$(CB)/%.o,$(UNIT_HELPERS))
$(CB)/%.c.o: %.c | $(DEPS_STAMP)
	$(call say,COVCC,$<)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) -O0 --coverage -c $< -o $@
$(CB)/tests/%: tests/unit/%.c $(COBJS) $(CTESTHELPERS)
	$(call say,COVLD,$@)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HCFLAGS) -O0 --coverage -Itests/unit -DFIXTURE_DIR='"$(FIXTURE_DIR)"' \
		$< $(CTESTHELPERS) $(COBJS) -lcmocka -o $@
# Test helper and coverage objects are real inputs, not intermediates make may delete.
.SECONDARY: $(HTESTHELPERS) $(CTESTHELPERS) $(COBJS)

coverage: $(CTESTS) $(HFIXTURES)
	@tools/coverage.sh $(CB) $(CTESTS)

# ---------------------------------------------------------------------------------------------
# Fuzzing (libFuzzer, clang): each fuzz/fuzz_<name>.c links the portable sources + hal-sim.
FUZZ_SECONDS ?= 60
FCFLAGS := -std=gnu11 -O1 -g $(INCLUDES) -Ihal-sim/include -Isim/include \
           -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS := $(patsubst fuzz/%.c,$(FB)/%,$(FUZZERS))
$(FB)/%: fuzz/%.c $(wildcard fuzz/*.h) $(PORTABLE_SRCS) $(HOST_SRCS) | $(DEPS_STAMP)
	$(call say,FUZZCC,$@)
	@mkdir -p $(@D)
	$(Q)clang $(FCFLAGS) $< $(PORTABLE_SRCS) $(HOST_SRCS) -o $@
fuzz: $(FUZZ_BINS)
	@tools/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)
fuzz-smoke: $(FUZZ_BINS)
	@tools/fuzz.sh 10 $(FUZZ_BINS)

# ---------------------------------------------------------------------------------------------
# QEMU
SMP    ?= 4
MEM    ?= 1G
QEMU_MACHINE := -M virt,virtualization=on,gic-version=3 -cpu max -nographic -no-reboot -nic none \
                -semihosting-config enable=on,target=native
# `make run GUEST=path [VCPUS=n] [GUEST_MEM=MiB] [BOOTARGS="..."] [INITRD=path]` runs any arm64
# Image or raw EL1 binary as vm0: QEMU's guest-loader puts it (and the initrd) in host RAM as
# boot modules; the hypervisor hands the initrd to the guest in its DTB's /chosen. The kernel
# module may be up to 128 MiB (the initrd goes above it). VCPUS is passed only when given here
# (run-linux's default below is not `make run`'s, which is 1).
GUEST_LOAD_ADDR  := 0x50000000
INITRD_LOAD_ADDR := 0x58000000
given = $(filter command line environment,$(origin $(1)))
HV_ARGS = $(strip hv.exit=semihosting $(if $(GUEST_MEM),hv.guest_mem=$(GUEST_MEM)) \
          $(if $(call given,VCPUS),hv.vcpus=$(VCPUS)))
comma := ,
GUEST_DEVICE = $(if $(GUEST),-device guest-loader$(comma)addr=$(GUEST_LOAD_ADDR)$(comma)kernel=$(GUEST)$(if \
               $(BOOTARGS),$(comma)bootargs="$(BOOTARGS)") $(if $(INITRD),-device \
               guest-loader$(comma)addr=$(INITRD_LOAD_ADDR)$(comma)initrd=$(INITRD)))
# `make run CONFIG=path.dts` runs the VMs a configuration describes (docs/config.md):
# tools/hvconfig.py compiles it into build/configs/, loads the images it names as boot modules
# and runs QEMU. VCPUS, PCPUS, LINUX_MEM and DISK given on the command line become its cpp
# knobs (-D NAME=value; DISK= is NO_DISK); a host-file disk that does not exist is made blank
# with DISK_MIB MiB.
HVCONFIG = $(PYTHON) tools/hvconfig.py --qemu $(QEMU) --image $(BUILD)/hypervisor.bin \
	--blank-disks $(DISK_MIB)
CONFIG_KNOBS = $(foreach v,VCPUS PCPUS LINUX_MEM,$(if $(call given,$(v)),-D $(v)=$($(v)))) \
	$(if $(call given,DISK),$(if $(DISK),-D 'DISK="$(DISK)"',-D NO_DISK))
run: $(BUILD)/hypervisor.bin $(if $(CONFIG),guests linux initramfs)
ifneq ($(CONFIG),)
	$(HVCONFIG) $(CONFIG_KNOBS) --exec $(CONFIG)
else
	$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(MEM) -kernel $< -append "$(HV_ARGS)" $(GUEST_DEVICE)
endif
# `make run-multi-vm`: two Linux VMs with 4 vCPUs each on one pCPU (configs/multi-vm.dts),
# each with its own disk (build/disk-a.img, build/disk-b.img, made blank if missing).
run-multi-vm:
	$(MAKE) run CONFIG=configs/multi-vm.dts
# QEMU's gdb stub listens on the loopback interface only: whoever reaches it drives the machine.
GDB_PORT ?= 1234
debug: $(BUILD)/hypervisor.bin $(if $(CONFIG),guests linux initramfs)
	@echo "QEMU waits for gdb: gdb-multiarch $(BUILD)/hypervisor.elf -ex 'target remote 127.0.0.1:$(GDB_PORT)'"
ifneq ($(CONFIG),)
	$(HVCONFIG) $(CONFIG_KNOBS) --exec $(CONFIG) -- -S -gdb tcp:127.0.0.1:$(GDB_PORT)
else
	$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(MEM) -kernel $< -append "$(HV_ARGS)" \
		$(GUEST_DEVICE) -S -gdb tcp:127.0.0.1:$(GDB_PORT)
endif

# Bare-metal test guests (tests/qemu/guests/guests.mk defines `guests`).
include tests/qemu/guests/guests.mk
# The hostile-guest suite (tests/hostile/hostile.mk defines `test-hostile`).
include tests/hostile/hostile.mk

# Linux guest payloads. The kernel (Debian's linux-source-6.12 + guests/linux/guest.config) takes
# minutes to build, so the script caches it outside the clone (HV_CACHE, default
# ~/.cache/hv-guests) and a later run only copies it; the initramfs is rebuilt in a second. The
# targets are phony: the scripts decide what is up to date and leave unchanged files untouched.
LINUX_DIR    := $(BUILD)/guests/linux
LINUX_IMAGE  := $(LINUX_DIR)/Image
LINUX_INITRD := $(LINUX_DIR)/initramfs.cpio.gz
.PHONY: linux initramfs
linux: | $(DEPS_STAMP)
	@guests/linux/build-kernel.sh $(LINUX_DIR)
initramfs: | $(DEPS_STAMP)
	@guests/linux/build-initramfs.sh $(LINUX_DIR)

# `make run-linux`: Linux with VCPUS vCPUs (default 4) time-sliced on one pCPU, BusyBox shell on
# this terminal; `poweroff` in the guest ends the run. configs/linux.dts describes it; these
# variables are its cpp knobs (docs/config.md). DISK (a raw image file, made blank and sparse
# with DISK_MIB MiB if missing) is the guest's persistent /dev/vda, served by the hypervisor
# through QEMU's virtio-blk; `mke2fs /dev/vda` once, and later boots mount it on /mnt. DISK=
# (empty) runs without a disk.
VCPUS          ?= 4
PCPUS          ?= 1
LINUX_MEM      ?= 512
LINUX_BOOTARGS ?= console=ttyAMA0 rdinit=/init
DISK           ?= $(BUILD)/disk.img
DISK_MIB       ?= 256
LINUX_KNOBS = -D LINUX_MEM=$(LINUX_MEM) $(if $(DISK),-D 'DISK="$(DISK)"',-D NO_DISK) \
	-D 'BOOTARGS="$(LINUX_BOOTARGS)"'
run-linux: $(BUILD)/hypervisor.bin linux initramfs $(DISK)
	$(HVCONFIG) -D VCPUS=$(VCPUS) -D PCPUS=$(PCPUS) $(LINUX_KNOBS) --exec configs/linux.dts
# `make run-linux-smp`: the same with its 4 vCPUs on 4 pCPUs (QEMU -smp 4), one each
# (configs/linux-smp.dts).
run-linux-smp: $(BUILD)/hypervisor.bin linux initramfs $(DISK)
	$(HVCONFIG) $(LINUX_KNOBS) --exec configs/linux-smp.dts
ifneq ($(DISK),)
$(DISK):
	@mkdir -p $(@D) && truncate -s $(DISK_MIB)M $@
	@echo "disk: $@ is a new blank $(DISK_MIB) MiB disk (in the guest: mke2fs /dev/vda)"
endif

test-qemu: $(BUILD)/hypervisor.bin guests linux initramfs
	$(PYTHON) tests/qemu/run.py --qemu $(QEMU) --image $(BUILD)/hypervisor.bin -x hostile-suite

# Trap-path costs from inside a guest, deterministic (-icount) and wall time: not a test.
bench: $(BUILD)/hypervisor.bin guests linux initramfs
	$(PYTHON) tools/bench.py --qemu $(QEMU) --image $(BUILD)/hypervisor.bin \
		--guest $(BUILD)/guests/bench.bin --pingpong-guest $(BUILD)/guests/smp_pingpong.bin

test: $(DEPS_STAMP)
	$(MAKE) lint
	$(MAKE) fmt-check
	$(MAKE) test-host
	$(MAKE) test-tsan
	$(MAKE) fuzz-smoke
	$(MAKE) test-qemu
	$(MAKE) test-hostile

# ---------------------------------------------------------------------------------------------
# Code quality
LINT_DIRS := $(wildcard core vdev hal hal-sim target sim)
lint: | $(DEPS_STAMP)
	$(Q)tools/check-layers.sh
	$(Q)MAKE="$(MAKE) --no-print-directory" tools/check-targets.sh
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 $(INCLUDES) -Ihal-sim/include -Ihal/aarch64 \
		--suppress=missingIncludeSystem -D__GNUC__ $(LINT_DIRS)
	@echo "lint: cppcheck clean over $(LINT_DIRS)"
FMT_FILES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h')
fmt:
	clang-format -i $(FMT_FILES)
fmt-check: | $(DEPS_STAMP)
	$(Q)clang-format --dry-run --Werror $(FMT_FILES)
	@echo "fmt-check: $(words $(FMT_FILES)) files formatted"

clean:
	rm -rf $(BUILD) coverage/html

-include $(TOBJS:.o=.d) $(TGEN)/hal_offsets.d $(HOBJS:.o=.d) $(COBJS:.o=.d) $(HTESTHELPERS:.o=.d) \
	$(CTESTHELPERS:.o=.d) $(HTESTS:=.d) $(CTESTS:=.d) $(TSOBJS:.o=.d) $(TSTESTHELPERS:.o=.d) \
	$(TSAN_TESTS:=.d) $(VMCONFIG_CHECK).d
