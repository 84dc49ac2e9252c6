/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab_error_describe(): a sentence for every code of every domain the
 * app meets, never the raw (possibly server-written) message. */
#include <string.h>

#include <gio/gio.h>

#include "confab-core-error.h"
#include "confab-error-text.h"
#include "confab-xmpp-error.h"

static char *generic;

static void
assert_specific (GQuark domain,
                 int    code)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, "raw server text <b>x</b>");
  g_autofree char *text = confab_error_describe (error);

  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (strlen (text), >, 10);
  if (g_strcmp0 (text, generic) == 0)
    g_error ("%s code %d has no text of its own", g_quark_to_string (domain), code);
  g_assert_null (strstr (text, "raw server text"));
}

static void
test_every_code (void)
{
  for (int code = CONFAB_XMPP_ERROR_HOST_NOT_FOUND; code <= CONFAB_XMPP_ERROR_RESUME_FAILED; code++)
    assert_specific (CONFAB_XMPP_ERROR, code);
  for (int code = CONFAB_XMPP_STREAM_ERROR_BAD_FORMAT; code <= CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_VERSION; code++)
    assert_specific (CONFAB_XMPP_STREAM_ERROR, code);
  for (int code = CONFAB_XMPP_SASL_ERROR_ABORTED; code <= CONFAB_XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE; code++)
    assert_specific (CONFAB_XMPP_SASL_ERROR, code);
  for (int code = CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST; code <= CONFAB_XMPP_STANZA_ERROR_TIMEOUT; code++)
    assert_specific (CONFAB_XMPP_STANZA_ERROR, code);
  for (int code = CONFAB_CORE_ERROR_DATABASE; code <= CONFAB_CORE_ERROR_INVALID; code++)
    assert_specific (CONFAB_CORE_ERROR, code);
  for (int code = G_TLS_ERROR_UNAVAILABLE; code <= G_TLS_ERROR_BAD_CERTIFICATE_PASSWORD; code++)
    assert_specific (G_TLS_ERROR, code);
  for (int code = G_RESOLVER_ERROR_NOT_FOUND; code <= G_RESOLVER_ERROR_INTERNAL; code++)
    assert_specific (G_RESOLVER_ERROR, code);

  /* The network failures a connect meets. */
  assert_specific (G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_specific (G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  assert_specific (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  assert_specific (G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND);
  assert_specific (G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE);
  assert_specific (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
  assert_specific (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  assert_specific (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  assert_specific (G_IO_ERROR, G_IO_ERROR_PROXY_FAILED);
}

typedef struct {
  GQuark      domain;
  int         code;
  const char *word;   /* the text must say this (English) */
} Case;

static void
test_says_what_happened (void)
{
  const Case cases[] = {
    { CONFAB_XMPP_SASL_ERROR, CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED, "password" },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_HOST_NOT_FOUND, "could not be found" },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "could not be found" },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE, "certificate" },
    { G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "certificate" },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CONNECTION_REFUSED, "refused" },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused" },
    { CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED, "locked" },
    { CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DUPLICATE, "already" },
    { CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_CONFLICT, "already" },
    { CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_CONFLICT, "Another device" },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS_UNAVAILABLE, "encrypted" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "x");
      g_autofree char *text = confab_error_describe (error);

      if (strstr (text, cases[i].word) == NULL)
        g_error ("“%s” does not say “%s”", text, cases[i].word);
    }
}

static void
test_unknown (void)
{
  g_autoptr(GError) other = g_error_new_literal (g_quark_from_static_string ("some-other-domain"), 7,
                                                 "<i>from the network</i>");
  g_autoptr(GError) future = g_error_new_literal (CONFAB_XMPP_ERROR, 9999, "future");
  g_autoptr(GError) future_sasl = g_error_new_literal (CONFAB_XMPP_SASL_ERROR, 9999, "future");
  g_autofree char *a = confab_error_describe (other);
  g_autofree char *b = confab_error_describe (future);
  g_autofree char *c = confab_error_describe (NULL);
  g_autofree char *d = confab_error_describe (future_sasl);

  g_assert_cmpstr (a, ==, generic);
  g_assert_cmpstr (b, ==, generic);
  g_assert_cmpstr (c, ==, generic);
  /* An unknown SASL code is still a refused login. */
  g_assert_nonnull (strstr (d, "login"));
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  generic = confab_error_describe (NULL);

  g_test_add_func ("/core/error-text/every-code", test_every_code);
  g_test_add_func ("/core/error-text/says-what-happened", test_says_what_happened);
  g_test_add_func ("/core/error-text/unknown", test_unknown);
  status = g_test_run ();
  g_free (generic);
  return status;
}
