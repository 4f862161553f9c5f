/*
 * The ARM EABI memory helpers that Rust code on ARM calls.  libgcc does not
 * have them, and ports linked without newlib do not either: forward them to
 * the port's own memcpy/memmove/memset.  Weak, so that a libc's definitions
 * take precedence; a firmware link keeps only those the core calls.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <string.h>

#if defined(__ARM_EABI__)
#define MP_ROMFS_AEABI(name, ...) \
    void name(__VA_ARGS__); \
    __attribute__((weak)) void name(__VA_ARGS__)
// The variants for aligned pointers are the same functions: aliases, not
// calls of the unaligned ones (-8 B on thumbv6m, which calls two of them).
#define MP_ROMFS_AEABI_ALIAS(name, same, ...) \
    void name(__VA_ARGS__) __attribute__((weak, alias(#same)))
MP_ROMFS_AEABI(__aeabi_memcpy, void *d, const void *s, size_t n) {
    memcpy(d, s, n);
}
MP_ROMFS_AEABI_ALIAS(__aeabi_memcpy4, __aeabi_memcpy, void *d, const void *s, size_t n);
MP_ROMFS_AEABI_ALIAS(__aeabi_memcpy8, __aeabi_memcpy, void *d, const void *s, size_t n);
MP_ROMFS_AEABI(__aeabi_memmove, void *d, const void *s, size_t n) {
    memmove(d, s, n);
}
MP_ROMFS_AEABI_ALIAS(__aeabi_memmove4, __aeabi_memmove, void *d, const void *s, size_t n);
MP_ROMFS_AEABI(__aeabi_memset, void *d, size_t n, int c) {
    memset(d, c, n);
}
MP_ROMFS_AEABI_ALIAS(__aeabi_memset4, __aeabi_memset, void *d, size_t n, int c);
MP_ROMFS_AEABI_ALIAS(__aeabi_memset8, __aeabi_memset, void *d, size_t n, int c);
MP_ROMFS_AEABI(__aeabi_memclr, void *d, size_t n) {
    memset(d, 0, n);
}
MP_ROMFS_AEABI_ALIAS(__aeabi_memclr4, __aeabi_memclr, void *d, size_t n);
MP_ROMFS_AEABI_ALIAS(__aeabi_memclr8, __aeabi_memclr, void *d, size_t n);
#endif
