/* CMSDK APB UART: DATA, STATE (bit0 TX full, bit1 RX full), CTRL (bit0 TX enable, bit1
 * RX enable, bit3 RX interrupt enable), INTSTATUS/INTCLEAR, BAUDDIV. QEMU carries bytes
 * as fast as the guest moves them; it only insists on a divider of at least 16. The link
 * UART receives by interrupt into a ring, so the main loop can sleep (WFI) between bytes
 * instead of polling a device register -- under QEMU a polling vCPU contends with the
 * thread that delivers the next byte. */
#include "board.h"

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))
#define DATA 0x000u
#define STATE 0x004u
#define CTRL 0x008u
#define INTCLEAR 0x00Cu
#define BAUDDIV 0x010u
#define CTRL_RX_INT 0x8u
#define INT_RX 0x2u
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define UART0_RX_IRQ 0u
#define RING_LEN 2048u /* a power of two */
#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u
#define BAUD 115200u


static volatile uint8_t ring[RING_LEN];
static volatile uint32_t ring_head, ring_tail; /* written by the ISR, by the loop */

void uart0_rx_handler(void);
void uart0_rx_handler(void) {
    /* clear first: a byte that arrives while draining raises the interrupt again */
    REG(UART0_BASE, INTCLEAR) = INT_RX;
    while (REG(UART0_BASE, STATE) & STATE_RX_FULL) {
        uint8_t b = (uint8_t)REG(UART0_BASE, DATA);
        if (ring_head - ring_tail < RING_LEN) {
            ring[ring_head % RING_LEN] = b;
            ring_head++;
        }
    }
}

void uart_link_init(void) {
    uart_init(UART0_BASE);
    REG(UART0_BASE, CTRL) = 0x3u | CTRL_RX_INT;
    NVIC_ISER0 = 1u << UART0_RX_IRQ;
}

size_t uart_link_read(uint8_t *p, size_t cap) {
    size_t n = 0;
    while (n < cap && ring_tail != ring_head) {
        p[n++] = ring[ring_tail % RING_LEN];
        ring_tail++;
    }
    return n;
}

int uart_link_idle(void) { return ring_tail == ring_head; }

void uart_init(uint32_t base) {
    REG(base, BAUDDIV) = BOARD_CPU_HZ / BAUD;
    REG(base, CTRL) = 0x3u;
}

int uart_rx_ready(uint32_t base) { return (REG(base, STATE) & STATE_RX_FULL) != 0; }

uint8_t uart_getc(uint32_t base) { return (uint8_t)REG(base, DATA); }

void uart_write(uint32_t base, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        while (REG(base, STATE) & STATE_TX_FULL) {
        }
        REG(base, DATA) = p[i];
    }
}

void uart_puts(uint32_t base, const char *s) {
    while (*s) uart_write(base, (const uint8_t *)s++, 1);
}
