/* SysTick on the processor clock, wrapping every 10 ms (it also wakes the loop from WFI
 * to check the resync time); its wraps are counted. */
#include "board.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define RELOAD (BOARD_CPU_HZ / 100u - 1u)

static volatile uint32_t wraps;

void systick_handler(void);
void systick_handler(void) { wraps++; }

void timer_init(void) {
    SYST_RVR = RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 0x7u; /* enable, interrupt, processor clock */
}

#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)

/* Monotonic: a wrap whose interrupt is still pending is counted here (reading the count
 * and the wrap counter alone could go back by a whole period just after a wrap). */
uint64_t timer_cycles(void) {
    __asm volatile("cpsid i");
    uint64_t w = wraps;
    uint32_t v = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {
        v = SYST_CVR; /* after the wrap that is pending */
        w++;
    }
    __asm volatile("cpsie i");
    return w * (RELOAD + 1u) + (RELOAD - v);
}
