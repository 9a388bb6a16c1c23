# The hostile-guest suite (tests/hostile/README.md): one attacker image built from
# tests/hostile/*.c and *.S with the test guests' runtime (tests/qemu/guests/lib), into
# build/hostile/hostile.bin. Included from the top-level Makefile after guests.mk (uses its
# GUEST_* variables); `make test-hostile` runs its QEMU case.

HOSTILE_DIR   := tests/hostile
HOSTILE_BUILD := $(BUILD)/hostile
HOSTILE_SRCS  := $(sort $(wildcard $(HOSTILE_DIR)/*.c $(HOSTILE_DIR)/*.S))
HOSTILE_OBJS  := $(patsubst $(HOSTILE_DIR)/%,$(HOSTILE_BUILD)/%.o,$(HOSTILE_SRCS))

$(HOSTILE_BUILD)/%.c.o: $(HOSTILE_DIR)/%.c | $(DEPS_STAMP)
	$(call say,GUESTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@
$(HOSTILE_BUILD)/%.S.o: $(HOSTILE_DIR)/%.S | $(DEPS_STAMP)
	$(call say,GUESTAS,$<)
	@mkdir -p $(@D)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(HOSTILE_BUILD)/hostile.elf: $(HOSTILE_OBJS) $(GUEST_LIB_OBJS) $(GUEST_LDS)
	$(call say,GUESTLD,$@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) $(HOSTILE_OBJS) $(GUEST_LIB_OBJS) -lgcc -o $@
$(HOSTILE_BUILD)/hostile.bin: $(HOSTILE_BUILD)/hostile.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(GUEST_OBJCOPY) -O binary $< $@

.PHONY: hostile test-hostile
hostile: $(HOSTILE_BUILD)/hostile.bin

# The suite on QEMU: the attacker with its victim, and nothing else.
test-hostile: $(BUILD)/hypervisor.bin $(HOSTILE_BUILD)/hostile.bin
	$(PYTHON) tests/qemu/run.py --qemu $(QEMU) --image $(BUILD)/hypervisor.bin -k hostile-suite

.SECONDARY: $(HOSTILE_OBJS) $(HOSTILE_BUILD)/hostile.elf

-include $(HOSTILE_OBJS:.o=.d)
