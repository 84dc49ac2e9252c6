/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Condition names of RFC 6120 §4.9.3, §6.5 and §8.3.3 map to codes and back. */
#include "confab-xmpp-error.h"

static void
test_stream_conditions (void)
{
  const char * const names[] = {
    "bad-format", "conflict", "host-unknown", "not-well-formed", "policy-violation",
    "restricted-xml", "see-other-host", "system-shutdown", "unsupported-version",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      ConfabXmppStreamError code = confab_xmpp_stream_error_from_condition (names[i]);

      g_assert_cmpint (code, !=, CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
      g_assert_cmpstr (confab_xmpp_stream_error_to_condition (code), ==, names[i]);
    }
  g_assert_cmpint (confab_xmpp_stream_error_from_condition ("conflict"), ==,
                   CONFAB_XMPP_STREAM_ERROR_CONFLICT);
  g_assert_cmpint (confab_xmpp_stream_error_from_condition ("made-up"), ==,
                   CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpint (confab_xmpp_stream_error_from_condition (NULL), ==,
                   CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpstr (confab_xmpp_stream_error_to_condition (0), ==, "undefined-condition");
  g_assert_cmpstr (confab_xmpp_stream_error_to_condition (9999), ==, "undefined-condition");
}

static void
test_sasl_conditions (void)
{
  g_assert_cmpint (confab_xmpp_sasl_error_from_condition ("not-authorized"), ==,
                   CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (confab_xmpp_sasl_error_from_condition ("account-disabled"), ==,
                   CONFAB_XMPP_SASL_ERROR_ACCOUNT_DISABLED);
  g_assert_cmpstr (confab_xmpp_sasl_error_to_condition (CONFAB_XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE),
                   ==, "temporary-auth-failure");
  /* RFC 6120 §6.5: an unknown condition is still a failure. */
  g_assert_cmpint (confab_xmpp_sasl_error_from_condition ("x-unknown"), ==,
                   CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED);
}

static void
test_stanza_conditions (void)
{
  g_assert_cmpint (confab_xmpp_stanza_error_from_condition ("service-unavailable"), ==,
                   CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpint (confab_xmpp_stanza_error_from_condition ("item-not-found"), ==,
                   CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_assert_cmpstr (confab_xmpp_stanza_error_to_condition (CONFAB_XMPP_STANZA_ERROR_FORBIDDEN), ==,
                   "forbidden");
  /* Our own timeout code has no RFC name and must not invent one. */
  g_assert_cmpstr (confab_xmpp_stanza_error_to_condition (CONFAB_XMPP_STANZA_ERROR_TIMEOUT), ==,
                   "undefined-condition");
  g_assert_cmpint (confab_xmpp_stanza_error_from_condition ("timeout"), ==,
                   CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
}

static void
test_domains_distinct (void)
{
  g_assert_cmpuint (CONFAB_XMPP_ERROR, !=, CONFAB_XMPP_STREAM_ERROR);
  g_assert_cmpuint (CONFAB_XMPP_SASL_ERROR, !=, CONFAB_XMPP_STANZA_ERROR);
  g_assert_cmpstr (g_quark_to_string (CONFAB_XMPP_ERROR), ==, "confab-xmpp-error-quark");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/error/stream-conditions", test_stream_conditions);
  g_test_add_func ("/xmpp/error/sasl-conditions", test_sasl_conditions);
  g_test_add_func ("/xmpp/error/stanza-conditions", test_stanza_conditions);
  g_test_add_func ("/xmpp/error/domains", test_domains_distinct);
  return g_test_run ();
}
