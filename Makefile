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

BUILD      := build
TB         := $(BUILD)/target
HB         := $(BUILD)/host
CB         := $(BUILD)/coverage
FB         := $(BUILD)/fuzz

# ---------------------------------------------------------------------------------------------
# Sources. Every .c in these folders is part of the build: adding a file needs no Makefile edit.
PORTABLE_SRCS := $(sort $(wildcard core/*.c) $(wildcard vdev/*.c))
TARGET_SRCS   := $(sort $(wildcard hal/aarch64/*.c hal/aarch64/*.S target/*.c target/*.S))
HOST_SRCS     := $(sort $(wildcard hal-sim/*.c) $(wildcard sim/*.c))
UNIT_TESTS    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELPERS  := $(filter-out $(UNIT_TESTS),$(wildcard tests/unit/*.c))
FIXTURES      := $(sort $(wildcard tests/unit/fixtures/*.dts))
FUZZERS       := $(sort $(wildcard fuzz/fuzz_*.c))

INCLUDES := -Ihal/include -Icore/include -Ivdev/include

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wvla -Wundef -Wcast-align -Wwrite-strings -Wimplicit-fallthrough \
            -Wno-unused-parameter

# ---------------------------------------------------------------------------------------------
# Target (EL2 image)
TCFLAGS := -std=gnu11 -O2 -g $(WARNINGS) $(INCLUDES) -Ihal/aarch64 \
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

.PHONY: all help deps test test-host test-qemu run run-linux debug coverage lint fmt fmt-check \
        fuzz fuzz-smoke bench clean
.DEFAULT_GOAL := all

all: $(BUILD)/hypervisor.bin

help:
	@echo "make                 build build/hypervisor.elf and build/hypervisor.bin (EL2 image)"
	@echo "make run             boot the hypervisor on QEMU virt (SMP=$(SMP), MEM=$(MEM))"
	@echo "make run-linux       boot Linux under the hypervisor (until Linux boots: same as run)"
	@echo "make debug           like run, but QEMU waits for gdb on :1234"
	@echo "make test            deps + test-host + test-qemu (what CI runs)"
	@echo "make test-host       CMocka unit tests of core/ vdev/ on x86-64 with ASan+UBSan"
	@echo "make test-qemu       end-to-end cases in tests/qemu/ on QEMU"
	@echo "make coverage        lcov HTML report of the host tests in coverage/html"
	@echo "make fuzz            run each libFuzzer harness for FUZZ_SECONDS (default 60)"
	@echo "make lint            cppcheck over core/ vdev/ hal/"
	@echo "make fmt / fmt-check clang-format the tree / check it is formatted"
	@echo "make deps            install the Debian packages the project needs"

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
	@mkdir -p $(@D)
	$(TCC) $(TCFLAGS) -c $< -o $@
$(TB)/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(TCC) $(TCFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/hypervisor.elf: $(TOBJS) target/linker.ld
	$(TCC) $(TCFLAGS) $(TLDFLAGS) $(TOBJS) -lgcc -o $@
$(BUILD)/hypervisor.bin: $(BUILD)/hypervisor.elf
	$(TOBJCOPY) -O binary $< $@

# ---------------------------------------------------------------------------------------------
# Host build rules
$(HB)/%.c.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HCFLAGS) $(SANITIZE) -c $< -o $@
$(HLIB): $(HOBJS)
	@rm -f $@
	ar rcs $@ $^
$(HB)/tests/%: tests/unit/%.c $(HLIB) $(HTESTHELPERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HCFLAGS) $(SANITIZE) -Itests/unit -DFIXTURE_DIR='"$(FIXTURE_DIR)"' \
		$< $(HTESTHELPERS) $(HLIB) -lcmocka -o $@
$(HB)/fixtures/%.dtb: tests/unit/fixtures/%.dts | $(DEPS_STAMP)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

test-host: $(HTESTS) $(HFIXTURES)
	@tools/run-unit-tests.sh $(HTESTS)

# ---------------------------------------------------------------------------------------------
# Coverage: the same tests built with --coverage (no sanitizers), lcov over core/ and vdev/.
COBJS := $(patsubst %,$(CB)/%.o,$(PORTABLE_SRCS) $(HOST_SRCS))
CTESTS := $(patsubst tests/unit/%.c,$(CB)/tests/%,$(UNIT_TESTS))
CTESTHELPERS := $(patsubst %,$(CB)/%.o,$(UNIT_HELPERS))
$(CB)/%.c.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HCFLAGS) -O0 --coverage -c $< -o $@
$(CB)/tests/%: tests/unit/%.c $(COBJS) $(CTESTHELPERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HCFLAGS) -O0 --coverage -Itests/unit -DFIXTURE_DIR='"$(FIXTURE_DIR)"' \
		$< $(CTESTHELPERS) $(COBJS) -lcmocka -o $@
coverage: $(CTESTS) $(HFIXTURES)
	@tools/coverage.sh $(CB) $(CTESTS)

# ---------------------------------------------------------------------------------------------
# Fuzzing (libFuzzer, clang): each fuzz/fuzz_<name>.c links the portable sources + hal-sim.
FUZZ_SECONDS ?= 60
FCFLAGS := -std=gnu11 -O1 -g $(INCLUDES) -Ihal-sim/include -Isim/include \
           -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS := $(patsubst fuzz/%.c,$(FB)/%,$(FUZZERS))
$(FB)/%: fuzz/%.c $(PORTABLE_SRCS) $(HOST_SRCS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	clang $(FCFLAGS) $< $(PORTABLE_SRCS) $(HOST_SRCS) -o $@
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
run: $(BUILD)/hypervisor.bin
	$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(MEM) -kernel $< -append "hv.exit=semihosting"
run-linux: run
debug: $(BUILD)/hypervisor.bin
	@echo "QEMU waits for gdb: gdb-multiarch $(BUILD)/hypervisor.elf -ex 'target remote :1234'"
	$(QEMU) $(QEMU_MACHINE) -smp $(SMP) -m $(MEM) -kernel $< -append "hv.exit=semihosting" -S -s

test-qemu: $(BUILD)/hypervisor.bin
	$(PYTHON) tests/qemu/run.py --qemu $(QEMU) --image $(BUILD)/hypervisor.bin

test: $(DEPS_STAMP)
	$(MAKE) test-host
	$(MAKE) fuzz-smoke
	$(MAKE) test-qemu

# ---------------------------------------------------------------------------------------------
# Code quality
LINT_DIRS := core vdev hal hal-sim target
lint: | $(DEPS_STAMP)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 $(INCLUDES) -Ihal-sim/include -Ihal/aarch64 \
		--suppress=missingIncludeSystem -D__GNUC__ core vdev hal hal-sim
FMT_FILES = $(shell git ls-files '*.c' '*.h')
fmt:
	clang-format -i $(FMT_FILES)
fmt-check:
	clang-format --dry-run --Werror $(FMT_FILES)

clean:
	rm -rf $(BUILD) coverage/html

-include $(TOBJS:.o=.d) $(HOBJS:.o=.d) $(COBJS:.o=.d)
