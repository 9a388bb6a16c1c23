// SPDX-License-Identifier: MIT
/* SPIs: edge and level (GICD_ICFGR); a level source that stays high is taken again after
 * each EOI, using the PL011 TX interrupt as a real level source (QEMU's PL011 raises RIS.TX
 * after each character written; UARTICR clears it); GICD_ISPENDR/ICPENDR/ISACTIVER/
 * ICACTIVER read and change the true state, also while acknowledged but not EOIed; EOImode
 * 1 splits priority drop (ICC_EOIR1_EL1) from deactivation (ICC_DIR_EL1 or ICACTIVER). */
#include "board.h"
#include "check.h"
#include "gic.h"
#include "irq.h"
#include "irq_log.h"
#include "pl011.h"
#include "printf.h"
#include "timer.h"
#include "wait.h"

const char guest_name[] = "spi";

#define PRIO	    0x80
#define EDGE_SPI    GUEST_FREE_SPI_BASE
#define LEVEL_SPI   (GUEST_FREE_SPI_BASE + 1)
#define UART_SPI    GUEST_UART_INTID
#define TX_REFIRES  5
#define DELIVERY_US 100000
#define QUIET_US    2000

struct state {
	bool pending, active;
};

static struct state state_of(uint32_t intid)
{
	return (struct state){gic_is_pending(intid), gic_is_active(intid)};
}

static bool state_is(struct state s, bool pending, bool active)
{
	return s.pending == pending && s.active == active;
}

/* An acknowledge that tolerates the next interrupt taking a moment to be presented. */
static uint32_t ack(void)
{
	uint64_t deadline = counter_read() + timer_us_to_ticks(QUIET_US);
	uint32_t intid;

	do
		intid = gic_read_iar1();
	while (intid == GIC_INTID_SPURIOUS && counter_read() < deadline);
	return intid;
}

static void check_edge_and_level_pend(void)
{
	gic_irq_setup(EDGE_SPI, PRIO, true);
	gic_irq_setup(LEVEL_SPI, PRIO, false);
	irq_register(EDGE_SPI, irq_log_handler);
	irq_register(LEVEL_SPI, irq_log_handler);
	check(gic_is_edge(EDGE_SPI) && !gic_is_edge(LEVEL_SPI),
	      "spi: GICD_ICFGR reads back edge for INTID %u, level for INTID %u", EDGE_SPI,
	      LEVEL_SPI);

	irq_log_reset();
	gic_set_pending(EDGE_SPI);
	wait_for(irq_log.n > 0, DELIVERY_US);
	wait_us(QUIET_US);
	check(irq_log.n == 1 && irq_log.e[0].intid == EDGE_SPI,
	      "spi: an edge SPI pended by GICD_ISPENDR is delivered once (%u)", irq_log.n);

	irq_log_reset();
	gic_set_pending(LEVEL_SPI);
	wait_for(irq_log.n > 0, DELIVERY_US);
	wait_us(QUIET_US);
	check(irq_log.n == 1 && irq_log.e[0].intid == LEVEL_SPI && !gic_is_pending(LEVEL_SPI),
	      "spi: a level SPI with its line low pended by GICD_ISPENDR is delivered once (%u)",
	      irq_log.n);
}

/* The PL011 TX interrupt: re-taken after each EOI while RIS.TX is high; the handler clears
 * it on the TX_REFIRES-th time. Nothing may be printed while TXIM is set: output raises it. */
static volatile unsigned int tx_irqs;
static volatile bool tx_mis_seen;

static void tx_handler(uint32_t intid)
{
	if (++tx_irqs == 1)
		tx_mis_seen = true;
	tx_mis_seen &= (uart_read(UART_MIS) & UART_INT_TX) != 0;
	if (tx_irqs >= TX_REFIRES)
		uart_write(UART_ICR, UART_INT_TX);
}

static void check_level_refires(void)
{
	gic_irq_setup(UART_SPI, PRIO, false);
	irq_register(UART_SPI, tx_handler);
	printf("# spi: PL011 TX interrupt as a level source (console quiet meanwhile)\n");

	irq_disable();
	uint32_t ris = uart_read(UART_RIS);

	uart_write(UART_IMSC, uart_read(UART_IMSC) | UART_INT_TX);
	bool pending_masked = gic_is_pending(UART_SPI);

	gic_clear_pending(UART_SPI);
	bool pending_after_icpendr = gic_is_pending(UART_SPI);

	irq_enable();
	wait_for(tx_irqs >= TX_REFIRES, DELIVERY_US);
	wait_us(QUIET_US);
	irq_disable();
	bool pending_after = gic_is_pending(UART_SPI);
	uint32_t ris_after = uart_read(UART_RIS);
	unsigned int irqs = tx_irqs;

	uart_write(UART_IMSC, uart_read(UART_IMSC) & ~UART_INT_TX);
	irq_enable();

	check(ris & UART_INT_TX, "spi: PL011 RIS.TX is set after console output (RIS 0x%x)", ris);
	check(pending_masked, "spi: TXIM set, IRQs masked: GICD_ISPENDR shows INTID 33 pending");
	check(pending_after_icpendr,
	      "spi: GICD_ICPENDR does not clear a level interrupt whose source is still high");
	check_eq(irqs, TX_REFIRES,
		 "spi: the level interrupt is taken after each EOI until UARTICR clears it");
	check(tx_mis_seen, "spi: ... the handler saw MIS.TX set each time");
	check(!pending_after && !(ris_after & UART_INT_TX),
	      "spi: after UARTICR: RIS.TX clear, INTID 33 not pending (RIS 0x%x, pending %d)",
	      ris_after, pending_after);
}

/* EOImode 1 with the level source high: EOIR drops the priority but the interrupt stays
 * active (and pending: the line is high) and is not presented again until ICC_DIR_EL1. */
static void check_eoimode1_level(void)
{
	irq_disable();
	irq_set_eoimode(true);
	printf("# spi: EOImode 1 with the TX source high\n");
	uart_write(UART_IMSC, uart_read(UART_IMSC) | UART_INT_TX);

	uint32_t first = ack();

	gic_write_eoir1(first);
	uint32_t rpr = gic_read_rpr();
	struct state dropped = state_of(UART_SPI);
	uint32_t while_active = gic_read_iar1();

	gic_write_dir(first);
	uint32_t again = ack();

	uart_write(UART_ICR, UART_INT_TX);
	gic_write_eoir1(again);
	gic_write_dir(again);
	uint32_t after = gic_read_iar1();
	struct state end = state_of(UART_SPI);

	uart_write(UART_IMSC, uart_read(UART_IMSC) & ~UART_INT_TX);
	uint64_t ctlr = gic_read_ctlr();

	irq_set_eoimode(false);
	irq_enable();

	check(ctlr & ICC_CTLR_EOIMODE, "spi: ICC_CTLR_EL1.EOImode reads back 1");
	check(first == UART_SPI && rpr == GIC_PRIO_IDLE && state_is(dropped, true, true),
	      "spi: EOImode 1: after EOIR, RPR idle, INTID %u active and pending (0x%x, %d, %d)",
	      first, rpr, dropped.pending, dropped.active);
	check_eq(while_active, GIC_INTID_SPURIOUS,
		 "spi: ... while active it is not presented again");
	check_eq(again, UART_SPI,
		 "spi: ... ICC_DIR_EL1 deactivates it; the high source is taken again");
	check(after == GIC_INTID_SPURIOUS && state_is(end, false, false),
	      "spi: ... after UARTICR, EOIR and DIR nothing is pending or active");
}

/* An edge SPI acknowledged by hand: pending, then active, then both; ICACTIVER clears the
 * active state; after the priority drop the pending one is taken. EOImode 1, so that
 * ICACTIVER is the only deactivation (EOImode 0 would also deactivate at the EOI, an
 * interrupt that is no longer active). */
static void check_state_registers(void)
{
	irq_disable();
	irq_set_eoimode(true);
	gic_set_pending(EDGE_SPI);
	struct state pended = state_of(EDGE_SPI);
	uint32_t intid = ack();
	struct state acked = state_of(EDGE_SPI);

	gic_set_pending(EDGE_SPI);
	struct state both = state_of(EDGE_SPI);
	uint32_t hppir = gic_read_hppir1();

	gic_clear_active(EDGE_SPI);
	struct state cleared = state_of(EDGE_SPI);
	uint32_t rpr = gic_read_rpr();

	gic_write_eoir1(intid);
	uint32_t next = ack();

	gic_write_eoir1(next);
	gic_write_dir(next);
	struct state end = state_of(EDGE_SPI);

	irq_set_eoimode(false);
	irq_enable();
	check(state_is(pended, true, false), "spi: after GICD_ISPENDR: pending, not active");
	check(intid == EDGE_SPI && state_is(acked, false, true),
	      "spi: acknowledged, not EOIed: active, not pending (INTID %u)", intid);
	check(state_is(both, true, true) && hppir == GIC_INTID_SPURIOUS,
	      "spi: pended again while active: pending and active, not presented (HPPIR %u)",
	      hppir);
	check(state_is(cleared, true, false) && rpr == PRIO,
	      "spi: GICD_ICACTIVER clears active; the running priority stays until EOIR (0x%x)",
	      rpr);
	check(next == EDGE_SPI && state_is(end, false, false),
	      "spi: after EOIR the pending one is taken; after EOIR + DIR nothing is left");
}

/* EOImode 1 with ICACTIVER as the deactivation; GICD_ISACTIVER blocks delivery. */
static void check_activer_writes(void)
{
	irq_disable();
	irq_set_eoimode(true);
	gic_set_pending(EDGE_SPI);
	uint32_t intid = ack();

	gic_write_eoir1(intid);
	struct state dropped = state_of(EDGE_SPI);

	gic_clear_active(EDGE_SPI);
	struct state deactivated = state_of(EDGE_SPI);

	gic_set_pending(EDGE_SPI);
	uint32_t again = ack();

	gic_write_eoir1(again);
	gic_write_dir(again);
	irq_set_eoimode(false);

	gic_set_active(EDGE_SPI);
	bool set_active = gic_is_active(EDGE_SPI);

	irq_log_reset();
	gic_set_pending(EDGE_SPI);
	irq_enable();
	wait_us(QUIET_US);
	unsigned int while_active = irq_log.n;

	gic_clear_active(EDGE_SPI);
	wait_for(irq_log.n > 0, DELIVERY_US);
	wait_us(QUIET_US);

	check(intid == EDGE_SPI && state_is(dropped, false, true) &&
		  state_is(deactivated, false, false),
	      "spi: EOImode 1: active after EOIR, GICD_ICACTIVER deactivates it");
	check_eq(again, EDGE_SPI, "spi: ... and it can be taken again");
	check(set_active && while_active == 0,
	      "spi: GICD_ISACTIVER makes it active: pending, it is not delivered");
	check(irq_log.n == 1 && !gic_is_active(EDGE_SPI),
	      "spi: ... GICD_ICACTIVER lets it through, once (%u)", irq_log.n);
}

/* Through the IRQ vector with EOImode 1: the dispatcher's EOIR + DIR leave nothing behind. */
static void check_vector_eoimode1(void)
{
	irq_set_eoimode(true);
	irq_log_reset();
	gic_set_pending(EDGE_SPI);
	wait_for(irq_log.n > 0, DELIVERY_US);
	wait_us(QUIET_US);
	struct state end = state_of(EDGE_SPI);

	irq_set_eoimode(false);
	check(irq_log.n == 1 && state_is(end, false, false) && gic_read_rpr() == GIC_PRIO_IDLE,
	      "spi: EOImode 1 through the IRQ vector: delivered once, then inactive, RPR idle");
}

int main(void)
{
	check(irq_init(), "spi: GIC up (GICR_WAKER and RWP handshakes done)");
	check(gic_nr_irqs() > GUEST_FREE_SPI_BASE + GUEST_FREE_SPI_COUNT - 1,
	      "spi: GICD_TYPER covers the UART SPI and INTIDs %u-%u (%u INTIDs)",
	      GUEST_FREE_SPI_BASE, GUEST_FREE_SPI_BASE + GUEST_FREE_SPI_COUNT - 1, gic_nr_irqs());
	irq_enable();

	check_edge_and_level_pend();
	check_level_refires();
	check_eoimode1_level();
	check_state_registers();
	check_activer_writes();
	check_vector_eoimode1();

	irq_disable();
	irq_check_clean();
	return 0;
}
