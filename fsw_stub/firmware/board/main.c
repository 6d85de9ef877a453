/* The FSW on the board: UART0 bytes through the portable core, answers back out.
 * Its constants were compiled in (fsw_build_config.h, generated from one FSW.toml).
 * A partial frame left pending on a UART quiet for RESYNC_S is given up (ICD §2 rule 7).
 * Every CONSOLE_EVERY control cycles the console (UART1) gets a line with the cycle-time
 * statistics, measured by SysTick: ticks of the 25 MHz processor clock (QEMU's virtual
 * clock: host time, or under -icount shift=0 one instruction per nanosecond, 40 a tick). */
#include "board.h"
#include "fsw.h"
#include "fsw_build_config.h"

#if FSW_BUILD_REBASELINE_N > LRF_WINDOW_CAP
#error "gates.rebaseline_n exceeds LRF_WINDOW_CAP (core/lrf.h): this FSW.toml needs a larger window"
#endif

#define RESYNC_S 0.5
#define CONSOLE_EVERY 200u
#define IN_LEN 256

static fsw_t fsw;
static uint8_t in[IN_LEN];
static uint8_t out[(IN_LEN / ICD_PING_FRAME_LEN + 1) * FSW_MAX_ANSWER_LEN];

/* decimal digits of v (no printf: nothing of libc that could reach for a heap) */
static void put_u64(uint64_t v) {
    char digits[21];
    int i = 0;
    do {
        digits[i++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v > 0);
    while (i > 0) uart_write(UART1_BASE, (const uint8_t *)&digits[--i], 1);
}

static void report(uint64_t n, uint64_t sum, uint64_t max) {
    const uint64_t per_us = BOARD_CPU_HZ / 1000000u;
    uart_puts(UART1_BASE, "fsw_board: cycles ");
    put_u64(n);
    uart_puts(UART1_BASE, " mean_us ");
    put_u64(sum / n / per_us);
    uart_puts(UART1_BASE, " max_us ");
    put_u64(max / per_us);
    uart_puts(UART1_BASE, " mean_ticks ");
    put_u64(sum / n);
    uart_puts(UART1_BASE, " max_ticks ");
    put_u64(max);
    uart_puts(UART1_BASE, "\r\n");
}

int main(void) {
    uart_link_init();
    uart_init(UART1_BASE);
    timer_init();
    if (fsw_init(&fsw, &FSW_BUILD_CONFIG) != 0) {
        uart_puts(UART1_BASE, "fsw_board: configuration outside this build\r\n");
        for (;;) {
        }
    }
    uart_puts(UART1_BASE, "fsw_board: up\r\n");
    const uint64_t resync_cycles = (uint64_t)(RESYNC_S * BOARD_CPU_HZ);
    uint64_t quiet_since = timer_cycles();
    uint64_t n_timed = 0, sum = 0, max = 0;
    for (;;) {
        size_t n = uart_link_read(in, IN_LEN);
        size_t m = 0;
        uint64_t now = timer_cycles();
        if (n > 0) {
            quiet_since = now;
            uint64_t before = fsw.cycles;
            m = fsw_receive(&fsw, in, n, out, sizeof out);
            if (fsw.cycles != before) { /* this call ran a control cycle: time it */
                uint64_t spent = timer_cycles() - now;
                n_timed++;
                sum += spent;
                if (spent > max) max = spent;
                if (n_timed % CONSOLE_EVERY == 0) report(n_timed, sum, max);
            }
        } else if (dfr_pending(&fsw.dfr) > 0 && (int64_t)(now - quiet_since) > (int64_t)resync_cycles) {
            quiet_since = now;
            m = fsw_resync(&fsw, out, sizeof out);
        }
        if (m > 0) {
            uart_write(UART0_BASE, out, m);
        } else if (n == 0) {
            /* sleep until the next byte (or the timer): no interrupt is lost between the
             * check and the WFI, as a pending one makes WFI return at once */
            __asm volatile("cpsid i");
            if (uart_link_idle()) __asm volatile("wfi");
            __asm volatile("cpsie i");
        }
    }
}
