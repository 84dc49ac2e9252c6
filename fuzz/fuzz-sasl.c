/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for SASL: mechanism choice over fuzzed offers, and SCRAM
 * exchanges with fuzzed server-first and server-final messages. Nothing may
 * crash, leak or read out of bounds, whatever the server sends.
 *
 * Input layout: byte 0 picks the mode and flags, byte 1 more flags, the rest
 * is split at 0xFF bytes into fields (lists are '\n'-separated).
 */
#include <stdint.h>
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-sasl.h"

#define NONCE "fuzzfuzzfuzzfuzzfuzzfuzz"

/* Splits @data at @sep into at most @max NUL-terminated strings. */
static char **
split_fields (const guint8 *data,
              gsize         size,
              guint8        sep,
              gsize         max)
{
  GPtrArray *fields = g_ptr_array_new ();
  gsize start = 0;

  for (gsize i = 0; i <= size && fields->len + 1 < max; i++)
    if (i == size || data[i] == sep)
      {
        g_ptr_array_add (fields, g_strndup ((const char *) data + start, i - start));
        start = i + 1;
      }
  if (start <= size && fields->len + 1 == max)
    g_ptr_array_add (fields, g_strndup ((const char *) data + start, size - start));
  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_free (fields, FALSE);
}

static char **
split_list (const char *text)
{
  return g_strsplit (text, "\n", 64);
}

static void
fuzz_choice (guint8        flags,
             const guint8 *data,
             gsize         size)
{
  g_auto(GStrv) fields = split_fields (data, size, 0xFF, 3);
  g_auto(GStrv) mechanisms = NULL;
  g_auto(GStrv) cb_types = NULL;
  g_auto(GStrv) allowed = NULL;
  g_autoptr(GError) error = NULL;
  ConfabSaslOffer offer = { 0 };
  ConfabSaslMechanism mechanism;
  ConfabSaslChannelBinding cb;

  mechanisms = split_list (fields[0] != NULL ? fields[0] : "");
  if ((flags & 0x40) && fields[0] != NULL && fields[1] != NULL)
    cb_types = split_list (fields[1]);
  if ((flags & 0x80) && fields[0] != NULL && fields[1] != NULL && fields[2] != NULL)
    allowed = split_list (fields[2]);

  offer.mechanisms = (const char * const *) mechanisms;
  offer.cb_types = (const char * const *) cb_types;
  offer.allowed = (const char * const *) allowed;
  offer.tls = (flags & 0x01) != 0;
  offer.tls13 = (flags & 0x02) != 0;
  offer.available_cb = (flags >> 2) & 0x07;

  if (confab_xmpp_sasl_choose (&offer, &mechanism, &cb, &error))
    {
      g_autoptr(GBytes) cb_data = g_bytes_new_static ("cb", 2);
      g_autoptr(ConfabXmppSasl) sasl = NULL;
      g_autoptr(GBytes) initial = NULL;

      /* The rules the choice must always keep. */
      if (mechanism == CONFAB_SASL_MECHANISM_PLAIN && !offer.tls)
        __builtin_trap ();
      if (mechanism == CONFAB_SASL_MECHANISM_NONE)
        __builtin_trap ();
      if (mechanism == CONFAB_SASL_MECHANISM_PLAIN)
        for (gsize i = 0; mechanisms[i] != NULL; i++)
          if (g_str_has_prefix (mechanisms[i], "SCRAM-"))
            __builtin_trap ();
      sasl = confab_xmpp_sasl_new (mechanism, "user", "pencil", cb,
                                   cb != CONFAB_SASL_CB_NONE ? cb_data : NULL, &offer);
      initial = confab_xmpp_sasl_initial_response (sasl);
      if (initial == NULL)
        __builtin_trap ();
    }
  else if (error == NULL || error->code != CONFAB_XMPP_ERROR_NO_MECHANISM)
    __builtin_trap ();
}

static void
fuzz_exchange (guint8        flags,
               guint8        more,
               const guint8 *data,
               gsize         size)
{
  static const ConfabSaslMechanism mechanisms[] = {
    CONFAB_SASL_MECHANISM_SCRAM_SHA_1, CONFAB_SASL_MECHANISM_SCRAM_SHA_1_PLUS,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_512, CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS,
    CONFAB_SASL_MECHANISM_PLAIN, CONFAB_SASL_MECHANISM_SCRAM_SHA_1,
  };
  const char * const offered[] = { "SCRAM-SHA-1", "SCRAM-SHA-256-PLUS", "PLAIN", NULL };
  const char * const cb_types[] = { "tls-exporter", "tls-server-end-point", NULL };
  g_auto(GStrv) fields = split_fields (data, size, 0xFF, 2);
  g_autoptr(GBytes) cb_data = g_bytes_new_static ("cb-data", 7);
  g_autoptr(ConfabXmppSasl) sasl = NULL;
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) final = NULL;
  g_autoptr(GError) error = NULL;
  ConfabSaslOffer offer = { 0 };
  ConfabSaslMechanism mechanism = mechanisms[(flags >> 1) & 0x07];
  const char *first_text = fields[0] != NULL ? fields[0] : "";
  gsize first_len;
  g_autofree char *first_buf = NULL;

  offer.mechanisms = offered;
  offer.cb_types = (more & 0x01) ? cb_types : NULL;
  offer.tls = TRUE;
  offer.tls13 = (more & 0x02) != 0;
  offer.available_cb = (more >> 2) & 0x07;

  sasl = confab_xmpp_sasl_new (mechanism, "us,er=", "pencil",
                               CONFAB_SASL_CB_TLS_EXPORTER, cb_data, &offer);
  /* Keep each run fast: only exactly 4096 iterations get computed. */
  confab_xmpp_sasl_set_max_iterations (sasl, 4096);
  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  if (initial == NULL)
    __builtin_trap ();

  /* Mostly start with our nonce, or the parser never gets past "r=". The
   * raw bytes go in (with any NULs), not the C string. */
  first_len = fields[0] != NULL ? strlen (first_text) : 0;
  if (flags & 0x10)
    {
      first_buf = g_strconcat ("r=" NONCE, first_text, NULL);
      first = g_bytes_new (first_buf, strlen (first_buf));
    }
  else
    first = g_bytes_new (data, fields[1] != NULL ? first_len : size);

  response = confab_xmpp_sasl_respond (sasl, first, NULL, &error);
  if (response == NULL)
    {
      if (error == NULL)
        __builtin_trap ();
      return;
    }
  g_clear_error (&error);

  final = g_bytes_new (fields[1] != NULL ? fields[1] : "", fields[1] != NULL ? strlen (fields[1]) : 0);
  if (flags & 0x20)
    {
      g_autoptr(GBytes) last = confab_xmpp_sasl_respond (sasl, final, NULL, &error);
      g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

      g_clear_error (&error);
      /* Without a valid signature, nothing may report success. */
      if (confab_xmpp_sasl_verify_success (sasl, empty, &error) && last == NULL)
        __builtin_trap ();
    }
  else
    {
      gboolean ok = confab_xmpp_sasl_verify_success (sasl, final, &error);

      if (ok != (error == NULL))
        __builtin_trap ();
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 2 || size > 8192)
    return 0;
  if ((data[0] & 0x01) == 0)
    fuzz_choice (data[1], data + 2, size - 2);
  else
    fuzz_exchange (data[0], data[1], data + 2, size - 2);
  return 0;
}
