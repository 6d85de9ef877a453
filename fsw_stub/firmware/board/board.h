/* The MPS2 AN386 board as QEMU emulates it: CMSDK APB UARTs and the SysTick timer. */
#ifndef LUNAR_HIL_BOARD_H
#define LUNAR_HIL_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* the board's processor clock (SysTick counts it): 25 MHz */
#define BOARD_CPU_HZ 25000000u

/* UART0 (0x40004000) is the link to the harness; UART1 (0x40005000) a console */
#define UART0_BASE 0x40004000u
#define UART1_BASE 0x40005000u

void uart_init(uint32_t base);
int uart_rx_ready(uint32_t base);
uint8_t uart_getc(uint32_t base);
void uart_write(uint32_t base, const uint8_t *p, size_t n);
void uart_puts(uint32_t base, const char *s);
/* the link (UART0), received by interrupt: init, take what has arrived, nothing waiting? */
void uart_link_init(void);
size_t uart_link_read(uint8_t *p, size_t cap);
int uart_link_idle(void);

/* a free-running 64-bit count of processor clock cycles (SysTick and its wraps) */
void timer_init(void);
uint64_t timer_cycles(void);

#endif
