/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The cryptographic core of SCRAM (RFC 5802 §3): Hi() = PBKDF2 with HMAC,
 * and the key derivations. Used by confab-xmpp-sasl.c; exposed for the test
 * vectors of RFC 5802, RFC 7677 and RFC 6070.
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

/* HMAC-@type(@key, @data) into @out. */
void confab_scram_hmac (GChecksumType  type,
                        const guint8  *key,
                        gsize          key_len,
                        const guint8  *data,
                        gsize          data_len,
                        guint8        *out);

G_END_DECLS
