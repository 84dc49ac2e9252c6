/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-scram.h"

#include <string.h>

/* The largest digest we support (SHA-512) and the largest hash block. */
#define MAX_DIGEST 64
#define MAX_BLOCK  128

/* How many PBKDF2 rounds run between two looks at the GCancellable: a
 * round costs about a microsecond, so a cancelled connect stops within a
 * few milliseconds without the check itself showing up in profiles. */
#define CANCEL_CHECK_INTERVAL 4096

void
confab_scram_secure_zero (gpointer data,
                          gsize    len)
{
  /* Writing through a volatile pointer keeps the stores: the compiler must
   * assume someone observes them, so it cannot drop them as dead stores
   * right before free() the way it may drop a plain memset(). */
  volatile guint8 *p = data;

  if (data == NULL)
    return;
  while (len-- > 0)
    *p++ = 0;
}

gboolean
confab_scram_equal_ct (const guint8 *a,
                       const guint8 *b,
                       gsize         len)
{
  guint8 diff = 0;

  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

/* RFC 2104 §2: the block size B of the underlying hash. */
static gsize
block_size (GChecksumType type)
{
  switch (type)
    {
    case G_CHECKSUM_SHA384:
    case G_CHECKSUM_SHA512:
      return 128;
    case G_CHECKSUM_MD5:
    case G_CHECKSUM_SHA1:
    case G_CHECKSUM_SHA256:
    default:
      return 64;
    }
}

/*
 * A keyed HMAC (RFC 2104) whose inner and outer hash states have already
 * absorbed (K xor ipad) and (K xor opad). Each HMAC then costs two copies
 * of those states plus the hashing of the message itself, instead of
 * rekeying (and so hashing two extra blocks) every time. For PBKDF2, where
 * the message is one short digest, that halves the work per iteration.
 */
typedef struct {
  GChecksumType  type;
  gsize          len;
  GChecksum     *inner;
  GChecksum     *outer;
} KeyedHmac;

static void
keyed_hmac_init (KeyedHmac    *hmac,
                 GChecksumType type,
                 const guint8 *key,
                 gsize         key_len)
{
  gsize block = block_size (type);
  guint8 k[MAX_BLOCK] = { 0 };
  guint8 pad[MAX_BLOCK];

  hmac->type = type;
  hmac->len = (gsize) g_checksum_type_get_length (type);
  g_assert (hmac->len > 0 && hmac->len <= MAX_DIGEST);

  /* RFC 2104 §2: keys longer than B are first hashed. */
  if (key_len > block)
    confab_scram_hash (type, key, key_len, k);
  else if (key_len > 0)
    memcpy (k, key, key_len);

  for (gsize i = 0; i < block; i++)
    pad[i] = k[i] ^ 0x36;
  hmac->inner = g_checksum_new (type);
  g_checksum_update (hmac->inner, pad, block);

  for (gsize i = 0; i < block; i++)
    pad[i] = k[i] ^ 0x5c;
  hmac->outer = g_checksum_new (type);
  g_checksum_update (hmac->outer, pad, block);

  confab_scram_secure_zero (k, sizeof k);
  confab_scram_secure_zero (pad, sizeof pad);
}

static void
keyed_hmac_compute (const KeyedHmac *hmac,
                    const guint8    *data,
                    gsize            data_len,
                    guint8          *out)
{
  guint8 inner_digest[MAX_DIGEST];
  gsize len = hmac->len;
  GChecksum *c;

  c = g_checksum_copy (hmac->inner);
  g_checksum_update (c, data, data_len);
  g_checksum_get_digest (c, inner_digest, &len);
  g_checksum_free (c);

  c = g_checksum_copy (hmac->outer);
  g_checksum_update (c, inner_digest, len);
  len = hmac->len;
  g_checksum_get_digest (c, out, &len);
  g_checksum_free (c);

  confab_scram_secure_zero (inner_digest, sizeof inner_digest);
}

static void
keyed_hmac_clear (KeyedHmac *hmac)
{
  /* GChecksum keeps its state private and does not wipe it on free;
   * resetting first overwrites the key-dependent chaining values, which is
   * the best we can do without our own hash implementation. */
  if (hmac->inner != NULL)
    {
      g_checksum_reset (hmac->inner);
      g_checksum_free (hmac->inner);
    }
  if (hmac->outer != NULL)
    {
      g_checksum_reset (hmac->outer);
      g_checksum_free (hmac->outer);
    }
  hmac->inner = hmac->outer = NULL;
}

void
confab_scram_hash (GChecksumType  type,
                   const guint8  *data,
                   gsize          data_len,
                   guint8        *out)
{
  GChecksum *c = g_checksum_new (type);
  gsize len = (gsize) g_checksum_type_get_length (type);

  g_checksum_update (c, data, data_len);
  g_checksum_get_digest (c, out, &len);
  g_checksum_free (c);
}

void
confab_scram_hmac (GChecksumType  type,
                   const guint8  *key,
                   gsize          key_len,
                   const guint8  *data,
                   gsize          data_len,
                   guint8        *out)
{
  KeyedHmac hmac;

  keyed_hmac_init (&hmac, type, key, key_len);
  keyed_hmac_compute (&hmac, data, data_len, out);
  keyed_hmac_clear (&hmac);
}

/*
 * RFC 5802 §2.2: Hi(str, salt, i) is PBKDF2 (RFC 8018 §5.2) with HMAC as
 * the PRF and dkLen equal to the hash length, so only the first block:
 *   U1 = HMAC(str, salt + INT(1)),  Ui = HMAC(str, Ui-1),
 *   Hi = U1 XOR U2 XOR ... XOR Ui.
 */
gboolean
confab_scram_hi_cancellable (GChecksumType  type,
                             const guint8  *password,
                             gsize          password_len,
                             const guint8  *salt,
                             gsize          salt_len,
                             guint          iterations,
                             guint8        *out,
                             GCancellable  *cancellable,
                             GError       **error)
{
  static const guint8 int1[4] = { 0, 0, 0, 1 };
  KeyedHmac hmac;
  guint8 u[MAX_DIGEST];
  guint8 *first;
  gboolean ok = TRUE;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (iterations >= 1, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      confab_scram_secure_zero (out, (gsize) g_checksum_type_get_length (type));
      return FALSE;
    }

  keyed_hmac_init (&hmac, type, password, password_len);

  first = g_malloc (salt_len + sizeof int1);
  if (salt_len > 0)
    memcpy (first, salt, salt_len);
  memcpy (first + salt_len, int1, sizeof int1);
  keyed_hmac_compute (&hmac, first, salt_len + sizeof int1, u);
  g_free (first);
  memcpy (out, u, hmac.len);

  for (guint i = 1; i < iterations; i++)
    {
      if (i % CANCEL_CHECK_INTERVAL == 0
          && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      keyed_hmac_compute (&hmac, u, hmac.len, u);
      for (gsize j = 0; j < hmac.len; j++)
        out[j] ^= u[j];
    }

  if (!ok)
    confab_scram_secure_zero (out, hmac.len);
  confab_scram_secure_zero (u, sizeof u);
  keyed_hmac_clear (&hmac);
  return ok;
}

void
confab_scram_hi (GChecksumType  type,
                 const guint8  *password,
                 gsize          password_len,
                 const guint8  *salt,
                 gsize          salt_len,
                 guint          iterations,
                 guint8        *out)
{
  confab_scram_hi_cancellable (type, password, password_len, salt, salt_len,
                               iterations, out, NULL, NULL);
}
