/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for xmpp: links (RFC 5122, XEP-0147). Any bytes either
 * fail with CONFAB_CORE_ERROR_INVALID or give a URI whose target is a valid
 * JID, whose parameters are valid UTF-8 without NUL, and whose copy agrees
 * with it.
 */
#include "confab-core-error.h"
#include "confab-jid.h"
#include "confab-xmpp-uri.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                    \
  G_STMT_START {                                                       \
    if (!(cond))                                                       \
      {                                                                \
        fprintf (stderr, "%s:%d: check failed: %s\n",                  \
                 __FILE__, __LINE__, #cond);                           \
        abort ();                                                      \
      }                                                                \
  } G_STMT_END

static const char *keys[] = { "body", "subject", "thread", "name", "group", "password" };

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppUri) uri = NULL;
  g_autoptr(ConfabXmppUri) copy = NULL;
  g_autoptr(ConfabJid) jid = NULL;
  g_autoptr(ConfabJid) bare = NULL;

  uri = confab_xmpp_uri_parse_len ((const char *) data, (gssize) size, &error);
  if (uri == NULL)
    {
      CHECK (g_error_matches (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID));
      CHECK (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  CHECK (error == NULL);
  CHECK (size <= CONFAB_XMPP_URI_MAX_LENGTH);

  /* The target re-parses to itself. */
  jid = confab_jid_parse (confab_xmpp_uri_get_jid (uri), NULL);
  CHECK (jid != NULL);
  CHECK (strcmp (confab_jid_to_string (jid), confab_xmpp_uri_get_jid (uri)) == 0);
  bare = confab_jid_parse (confab_xmpp_uri_get_bare_jid (uri), NULL);
  CHECK (bare != NULL && confab_jid_is_bare (bare));
  CHECK (confab_jid_equal_bare (jid, bare));
  if (confab_xmpp_uri_get_account (uri) != NULL)
    {
      g_autoptr(ConfabJid) account = confab_jid_parse (confab_xmpp_uri_get_account (uri), NULL);

      CHECK (account != NULL && confab_jid_is_bare (account));
      CHECK (confab_jid_get_localpart (account) != NULL);
    }

  copy = confab_xmpp_uri_copy (uri);
  CHECK (confab_xmpp_uri_get_action (copy) == confab_xmpp_uri_get_action (uri));
  CHECK (g_strcmp0 (confab_xmpp_uri_get_query_type (copy), confab_xmpp_uri_get_query_type (uri)) == 0);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = confab_xmpp_uri_get_param (uri, keys[i]);

      CHECK (g_strcmp0 (value, confab_xmpp_uri_get_param (copy, keys[i])) == 0);
      CHECK (value == NULL || g_utf8_validate (value, -1, NULL));
    }
  return 0;
}
