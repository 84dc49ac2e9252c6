/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for service discovery results and entity capabilities:
 * the input is fed to ConfabXmppParser after a stream header, and every
 * disco#info or disco#items <query/> found (at the top or as a child of a
 * stanza) goes through the strict parsers, then through both capability
 * hash computations (XEP-0115 SHA-1, XEP-0390 SHA-256). Checked: no crash,
 * no leak, bounded counts, errors in the protocol domain, and that a
 * parsed info serializes and parses again to the same hashes.
 */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "xep-0030-disco.h"
#include "confab-xmpp-iq.h"
#include "xep-0012-last.h"
#include "xep-0092-version.h"
#include "xep-0115-caps.h"
#include "xep-0202-time.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char header[] = "<stream:stream xmlns='jabber:client'"
                             " xmlns:stream='http://etherx.jabber.org/streams'>";

static void
check_error (GError *error)
{
  if (error == NULL || error->domain != CONFAB_XMPP_ERROR || error->code != CONFAB_XMPP_ERROR_PROTOCOL)
    abort ();
}

static void
hash_both (ConfabDiscoInfo *info,
           char           **ver,
           char           **hash)
{
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  *ver = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, &e1);
  if (*ver == NULL)
    check_error (e1);
  *hash = confab_xep_caps2_compute_hash (info, G_CHECKSUM_SHA256, &e2);
  if (*hash == NULL)
    check_error (e2);
}

static void
check_info (ConfabXmppNode *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, &error);
  g_autoptr(ConfabXmppNode) back = NULL;
  g_autoptr(ConfabDiscoInfo) again = NULL;
  g_autofree char *ver = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *ver2 = NULL;
  g_autofree char *hash2 = NULL;

  if (info == NULL)
    {
      check_error (error);
      return;
    }
  if (confab_disco_info_get_n_identities (info) > CONFAB_DISCO_MAX_IDENTITIES
      || g_strv_length ((char **) confab_disco_info_get_features (info)) > CONFAB_DISCO_MAX_FEATURES
      || confab_disco_info_get_n_forms (info) > CONFAB_DISCO_MAX_FORMS)
    abort ();
  hash_both (info, &ver, &hash);

  /* Our own serialization must parse again to the same hashes. */
  back = confab_disco_info_to_node (info);
  again = confab_disco_info_parse (back, NULL);
  if (again == NULL)
    abort ();
  hash_both (again, &ver2, &hash2);
  if (g_strcmp0 (ver, ver2) != 0)
    abort ();
  /* Foreign content is not serialized, so only compare when there was none. */
  if (!confab_disco_info_has_foreign_content (info) && g_strcmp0 (hash, hash2) != 0)
    abort ();
}

static void
check_items (ConfabXmppNode *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = confab_disco_items_parse (query, &error);

  if (items == NULL)
    check_error (error);
  else if (items->len > CONFAB_DISCO_MAX_ITEMS)
    abort ();
}

/* The small info queries (XEP-0012, 0092, 0202) and stanza errors parse
 * the same untrusted answers; they only need to fail cleanly. */
static void
check_info_queries (ConfabXmppNode *element)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  if (confab_xmpp_node_is (element, "query", "jabber:iq:last"))
    confab_xep_last_parse (element, &status, &error);
  else if (confab_xmpp_node_is (element, "query", "jabber:iq:version"))
    g_clear_pointer (&(ConfabSoftwareVersion *) { confab_software_version_parse (element, &error) },
                     confab_software_version_free);
  else if (confab_xmpp_node_is (element, "time", "urn:xmpp:time"))
    {
      GDateTime *time = confab_xep_time_parse (element, &error);

      g_clear_pointer (&time, g_date_time_unref);
    }
  else if (confab_xmpp_node_is (element, "error", NULL))
    {
      GError *stanza_error = confab_xmpp_stanza_get_error (confab_xmpp_node_get_parent (element));

      if (stanza_error->domain != CONFAB_XMPP_STANZA_ERROR)
        abort ();
      g_error_free (stanza_error);
    }
}

static void
check_element (ConfabXmppNode *element)
{
  if (confab_xmpp_node_is (element, "query", CONFAB_XEP_DISCO_NS_INFO))
    check_info (element);
  else if (confab_xmpp_node_is (element, "query", CONFAB_XEP_DISCO_NS_ITEMS))
    check_items (element);
  else
    check_info_queries (element);
}

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data G_GNUC_UNUSED)
{
  check_element (stanza);
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    check_element (child);
}

static const ConfabXmppParserCallbacks callbacks = {
  .stanza = stanza_cb,
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, NULL);

  if (!confab_xmpp_parser_feed (parser, header, strlen (header), NULL))
    abort ();
  confab_xmpp_parser_feed (parser, (const char *) data, size, NULL);
  return 0;
}
