/*
 * secret.h — freeing strings that hold secrets (PATs, Authorization header
 * values, connection strings with PWD): the bytes are zeroed first so a
 * secret does not linger in freed heap memory.
 */
#ifndef AZDO_SECRET_H
#define AZDO_SECRET_H

/* Zeroes the NUL-terminated string, then free()s it; NULL is a no-op. */
void azdo_secret_free(char *s);

#endif
