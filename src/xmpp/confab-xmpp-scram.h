/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The cryptographic core of SCRAM (RFC 5802 §3): Hi() = PBKDF2 with HMAC,
 * and the key derivations. Used by confab-xmpp-sasl.c; exposed for the test
 * vectors of RFC 5802, RFC 7677 and RFC 6070.
 *
 * Everything here is reentrant: no global state, callable from any thread.
 */

/* Writes dkLen = hash length bytes of PBKDF2-HMAC-@type(@password, @salt,
 * @iterations) into @out (which holds g_checksum_type_get_length (@type)). */
void confab_scram_hi (GChecksumType  type,
                      const guint8  *password,
                      gsize          password_len,
                      const guint8  *salt,
                      gsize          salt_len,
                      guint          iterations,
                      guint8        *out);

/* Like confab_scram_hi(), but checks @cancellable every few thousand
 * iterations and returns FALSE (G_IO_ERROR_CANCELLED) when it was
 * cancelled; @out is then zeroed. */
gboolean confab_scram_hi_cancellable (GChecksumType  type,
                                      const guint8  *password,
                                      gsize          password_len,
                                      const guint8  *salt,
                                      gsize          salt_len,
                                      guint          iterations,
                                      guint8        *out,
                                      GCancellable  *cancellable,
                                      GError       **error);

/* HMAC-@type(@key, @data) into @out. */
void confab_scram_hmac (GChecksumType  type,
                        const guint8  *key,
                        gsize          key_len,
                        const guint8  *data,
                        gsize          data_len,
                        guint8        *out);

/* H(@data) into @out (RFC 5802 §2.2 "H(str)"). */
void confab_scram_hash (GChecksumType  type,
                        const guint8  *data,
                        gsize          data_len,
                        guint8        *out);

/* Overwrites @len bytes at @data with zeros in a way the compiler may not
 * optimise away; for passwords and keys before they are freed. */
void confab_scram_secure_zero (gpointer data,
                               gsize    len);

/* Compares in time that depends only on @len, not on where the buffers
 * differ, so a signature check leaks nothing through timing. */
gboolean confab_scram_equal_ct (const guint8 *a,
                                const guint8 *b,
                                gsize         len);

G_END_DECLS
