/*
 * The port HAL for glue-size.sh: nothing beyond py/mphal.h's defaults (the
 * glue needs mp_hal_ticks_ms, declared there as on the stm32 port).
 *
 * SPDX-License-Identifier: MIT
 */
#define mp_hal_pin_output(pin) ((void)(pin))
