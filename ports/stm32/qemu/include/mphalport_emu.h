/*
 * The qemu port's HAL, plus what MicroPython's SPI flash driver
 * (drivers/memory/spiflash.c) needs of a port HAL and qemu lacks:
 * mp_hal_pin_output, used only on an SPI bus (the emulated flash is on a
 * QSPI bus, so it does nothing), and a millisecond tick (stm32emu.c).  Pins
 * are py/mphal.h's generic virtual pins.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mphalport.h>

#define mp_hal_pin_output(pin) ((void)(pin))
