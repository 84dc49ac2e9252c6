/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-error.h"

#include <string.h>

G_DEFINE_QUARK (confab-xmpp-error-quark, confab_xmpp_error)
G_DEFINE_QUARK (confab-xmpp-stream-error-quark, confab_xmpp_stream_error)
G_DEFINE_QUARK (confab-xmpp-sasl-error-quark, confab_xmpp_sasl_error)
G_DEFINE_QUARK (confab-xmpp-stanza-error-quark, confab_xmpp_stanza_error)

/* Index i of each table holds the condition of code i + 1. */
static const char * const stream_conditions[] = {
  "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
  "host-gone", "host-unknown", "improper-addressing", "internal-server-error",
  "invalid-from", "invalid-namespace", "invalid-xml", "not-authorized",
  "not-well-formed", "policy-violation", "remote-connection-failed", "reset",
  "resource-constraint", "restricted-xml", "see-other-host", "system-shutdown",
  "undefined-condition", "unsupported-encoding", "unsupported-feature",
  "unsupported-stanza-type", "unsupported-version",
};

static const char * const sasl_conditions[] = {
  "aborted", "account-disabled", "credentials-expired", "encryption-required",
  "incorrect-encoding", "invalid-authzid", "invalid-mechanism",
  "malformed-request", "mechanism-too-weak", "not-authorized",
  "temporary-auth-failure",
};

static const char * const stanza_conditions[] = {
  "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone",
  "internal-server-error", "item-not-found", "jid-malformed", "not-acceptable",
  "not-allowed", "not-authorized", "policy-violation", "recipient-unavailable",
  "redirect", "registration-required", "remote-server-not-found",
  "remote-server-timeout", "resource-constraint", "service-unavailable",
  "subscription-required", "undefined-condition", "unexpected-request",
  /* CONFAB_XMPP_STANZA_ERROR_TIMEOUT is ours, not the RFC's: no name here. */
};

static int
lookup (const char * const *table, gsize n, const char *condition, int fallback)
{
  if (condition == NULL)
    return fallback;
  for (gsize i = 0; i < n; i++)
    if (strcmp (table[i], condition) == 0)
      return (int) i + 1;
  return fallback;
}

static const char *
name_of (const char * const *table, gsize n, int code, const char *fallback)
{
  if (code < 1 || (gsize) code > n)
    return fallback;
  return table[code - 1];
}

ConfabXmppStreamError
confab_xmpp_stream_error_from_condition (const char *condition)
{
  return lookup (stream_conditions, G_N_ELEMENTS (stream_conditions), condition,
                 CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
}

const char *
confab_xmpp_stream_error_to_condition (ConfabXmppStreamError code)
{
  return name_of (stream_conditions, G_N_ELEMENTS (stream_conditions), code,
                  "undefined-condition");
}

ConfabXmppSaslError
confab_xmpp_sasl_error_from_condition (const char *condition)
{
  return lookup (sasl_conditions, G_N_ELEMENTS (sasl_conditions), condition,
                 CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED);
}

const char *
confab_xmpp_sasl_error_to_condition (ConfabXmppSaslError code)
{
  return name_of (sasl_conditions, G_N_ELEMENTS (sasl_conditions), code,
                  "not-authorized");
}

ConfabXmppStanzaError
confab_xmpp_stanza_error_from_condition (const char *condition)
{
  return lookup (stanza_conditions, G_N_ELEMENTS (stanza_conditions), condition,
                 CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
}

const char *
confab_xmpp_stanza_error_to_condition (ConfabXmppStanzaError code)
{
  return name_of (stanza_conditions, G_N_ELEMENTS (stanza_conditions), code,
                  "undefined-condition");
}
