/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for XMPP addresses. Any bytes either fail with
 * CONFAB_XMPP_ERROR_INVALID_JID or give a JID whose normalization is
 * idempotent (its string re-parses to an equal JID with the same string) and
 * whose bare and resource views agree with each other.
 */
#include "confab-jid.h"
#include "confab-xmpp-error.h"

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

static ConfabJid *
reparse (const char *text)
{
  g_autoptr(GError) error = NULL;
  ConfabJid *jid = confab_jid_parse (text, &error);

  if (jid == NULL)
    fprintf (stderr, "normalized form does not re-parse: %s\n", error->message);
  CHECK (jid != NULL);
  return jid;
}

static void
check_jid (ConfabJid *jid)
{
  const char *full = confab_jid_to_string (jid);
  const char *localpart = confab_jid_get_localpart (jid);
  const char *domain = confab_jid_get_domain (jid);
  const char *resource = confab_jid_get_resource (jid);
  g_autoptr(ConfabJid) again = NULL;
  g_autoptr(ConfabJid) bare = NULL;
  g_autoptr(ConfabJid) bare_again = NULL;
  g_autoptr(ConfabJid) rebuilt = NULL;
  g_autoptr(ConfabJid) with_resource = NULL;
  g_autoptr(GError) error = NULL;

  CHECK (g_utf8_validate (full, -1, NULL));
  CHECK (domain != NULL && *domain != '\0' && strlen (domain) <= 1023);
  CHECK (localpart == NULL || (*localpart != '\0' && strlen (localpart) <= 1023));
  CHECK (resource == NULL || (*resource != '\0' && strlen (resource) <= 1023));

  /* Idempotent normalization: the string form parses to an equal JID
   * with the very same string and hash. */
  again = reparse (full);
  CHECK (confab_jid_equal (jid, again));
  CHECK (strcmp (confab_jid_to_string (again), full) == 0);
  CHECK (confab_jid_hash (jid) == confab_jid_hash (again));
  CHECK (g_strcmp0 (confab_jid_get_localpart (again), localpart) == 0);
  CHECK (strcmp (confab_jid_get_domain (again), domain) == 0);
  CHECK (g_strcmp0 (confab_jid_get_resource (again), resource) == 0);

  /* The parts rebuild the same JID. */
  rebuilt = confab_jid_new (localpart, domain, resource, &error);
  if (rebuilt == NULL)
    fprintf (stderr, "parts do not rebuild: %s\n", error->message);
  CHECK (rebuilt != NULL);
  CHECK (confab_jid_equal (jid, rebuilt));

  /* Bare and resource views agree. */
  bare = confab_jid_get_bare (jid);
  CHECK (confab_jid_is_bare (bare));
  CHECK (confab_jid_equal_bare (jid, bare));
  CHECK (strcmp (confab_jid_to_string (bare), confab_jid_get_bare_string (jid)) == 0);
  CHECK (confab_jid_is_bare (jid) == (resource == NULL));
  CHECK (confab_jid_is_bare (jid) == confab_jid_equal (jid, bare));
  CHECK (confab_jid_is_domain (bare) == (localpart == NULL));
  bare_again = reparse (confab_jid_get_bare_string (jid));
  CHECK (confab_jid_equal (bare, bare_again));

  with_resource = confab_jid_with_resource (bare, resource, &error);
  CHECK (with_resource != NULL);
  CHECK (confab_jid_equal (with_resource, jid));
  CHECK (strcmp (confab_jid_to_string (with_resource), full) == 0);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJid) jid = NULL;

  jid = confab_jid_parse_len ((const char *) data, (gssize) size, &error);
  if (jid == NULL)
    {
      CHECK (g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID));
      CHECK (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  CHECK (error == NULL);
  check_jid (jid);
  return 0;
}
