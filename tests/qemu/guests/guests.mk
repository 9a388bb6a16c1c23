# Bare-metal EL1 test guests: one image per tests/qemu/guests/<name>.c, linked with the runtime
# in tests/qemu/guests/lib/, built into build/guests/<name>.elf and .bin. Included from the
# top-level Makefile (uses its CROSS, BUILD, Q, say and DEPS_STAMP); `make guests` builds all.

GUEST_DIR      := tests/qemu/guests
GUEST_BUILD    := $(BUILD)/guests
GUEST_CC       := $(CROSS)gcc
GUEST_OBJCOPY  := $(CROSS)objcopy
GUEST_LDS      := $(GUEST_DIR)/lib/guest.ld
GUEST_NAMES    := $(sort $(basename $(notdir $(wildcard $(GUEST_DIR)/*.c))))
GUEST_LIB_SRCS := $(sort $(wildcard $(GUEST_DIR)/lib/*.c $(GUEST_DIR)/lib/*.S))
GUEST_LIB_OBJS := $(patsubst $(GUEST_DIR)/%,$(GUEST_BUILD)/%.o,$(GUEST_LIB_SRCS))
GUEST_MAIN_OBJS := $(GUEST_NAMES:%=$(GUEST_BUILD)/%.c.o)
GUEST_ELFS     := $(GUEST_NAMES:%=$(GUEST_BUILD)/%.elf)
GUEST_BINS     := $(GUEST_NAMES:%=$(GUEST_BUILD)/%.bin)

GUEST_WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
                  -Wpointer-arith -Wvla -Wundef -Wwrite-strings -Wimplicit-fallthrough \
                  -Wno-unused-parameter
# The MMU stays off, so all guest memory is Device memory: no unaligned accesses (strict
# align), no FP/SIMD, and no library calls the compiler would invent from loops.
GUEST_CFLAGS   := -std=gnu11 -O2 -g $(GUEST_WARNINGS) -I$(GUEST_DIR)/lib -Ihal/include \
                  -ffreestanding -nostdlib -fno-common -fno-pic -fno-pie -fno-stack-protector \
                  -fno-omit-frame-pointer -mgeneral-regs-only -mstrict-align \
                  -mno-outline-atomics -march=armv8-a -fno-tree-loop-distribute-patterns \
                  -ffunction-sections -fdata-sections -ffile-prefix-map=$(CURDIR)/= -MMD -MP
GUEST_LDFLAGS  := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none \
                  -Wl,-z,noexecstack -Wl,-T,$(GUEST_LDS)

.PHONY: guests
guests: $(GUEST_ELFS) $(GUEST_BINS)

$(GUEST_BUILD)/%.c.o: $(GUEST_DIR)/%.c | $(DEPS_STAMP)
	$(call say,GUESTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(GUEST_BUILD)/%.S.o: $(GUEST_DIR)/%.S | $(DEPS_STAMP)
	$(call say,GUESTAS,$<)
	@mkdir -p $(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(GUEST_BUILD)/%.elf: $(GUEST_BUILD)/%.c.o $(GUEST_LIB_OBJS) $(GUEST_LDS)
	$(call say,GUESTLD,$@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) $< $(GUEST_LIB_OBJS) -lgcc -o $@
$(GUEST_BUILD)/%.bin: $(GUEST_BUILD)/%.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(GUEST_OBJCOPY) -O binary $< $@

.SECONDARY: $(GUEST_LIB_OBJS) $(GUEST_MAIN_OBJS) $(GUEST_ELFS)

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_MAIN_OBJS:.o=.d)
