/* Reset, the vector table and the FPU enable for the Cortex-M4F. */
#include <stdint.h>

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_top;
int main(void);
void reset_handler(void);
void systick_handler(void);
void uart0_rx_handler(void);

static void halt(void) {
    for (;;) {
    }
}

void default_handler(void) { halt(); }

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

void reset_handler(void) {
    uint32_t *src = &_data_load;
    for (uint32_t *dst = &_data_start; dst < &_data_end;) *dst++ = *src++;
    for (uint32_t *dst = &_bss_start; dst < &_bss_end;) *dst++ = 0;
    SCB_CPACR |= 0xFu << 20; /* CP10, CP11: full access to the FPU */
    __asm volatile("dsb\n isb");
    main();
    halt();
}

typedef void (*vector_t)(void);

/* initial stack pointer, the exception handlers (ARMv7-M, 16 system vectors), IRQ 0 */
__attribute__((section(".vectors"), used)) static const vector_t VECTORS[17] = {
    (vector_t)(uintptr_t)&_stack_top,
    reset_handler,
    default_handler, /* NMI */
    default_handler, /* HardFault */
    default_handler, /* MemManage */
    default_handler, /* BusFault */
    default_handler, /* UsageFault */
    0,
    0,
    0,
    0,
    default_handler, /* SVCall */
    default_handler, /* DebugMonitor */
    0,
    default_handler, /* PendSV */
    systick_handler,
    uart0_rx_handler, /* IRQ 0: UART0 RX */
};
