/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arbitrary bytes after a stream header: every stanza the parser produces
 * goes through the roster (RFC 6121 §2) and blocking (XEP-0191) parsers,
 * which must never crash, leak or accept a push from anyone but the server. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "confab-xmpp-roster.h"
#include "xep-0191-blocking.h"

#define HEADER "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'" \
               " from='example.com' id='fuzz' version='1.0'>"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static ConfabJid *own_jid;

static void
check_item (ConfabXmppRosterItem *item)
{
  const char * const *groups = confab_xmpp_roster_item_get_groups (item);
  guint n = 0;

  g_assert_true (confab_xmpp_roster_item_get_jid (item) != NULL);
  g_assert_true (groups != NULL);
  for (; groups[n] != NULL; n++)
    g_assert_true (*groups[n] != '\0' && strlen (groups[n]) < CONFAB_XMPP_ROSTER_MAX_NAME_BYTES);
  g_assert_true (n <= CONFAB_XMPP_ROSTER_MAX_GROUPS);
  if (confab_xmpp_roster_item_get_name (item) != NULL)
    g_assert_true (strlen (confab_xmpp_roster_item_get_name (item)) < CONFAB_XMPP_ROSTER_MAX_NAME_BYTES);
}

static void
fuzz_stanza (ConfabXmppNode *stanza,
             gpointer        user_data)
{
  g_autoptr(ConfabXmppRosterItem) pushed = NULL;
  g_autoptr(GPtrArray) jids = NULL;
  g_autofree char *version = NULL;
  gboolean blocked = FALSE;
  gboolean trusted = confab_xmpp_stanza_is_from_account (stanza, own_jid);

  pushed = confab_xmpp_roster_parse_push (stanza, own_jid, &version, NULL);
  if (pushed != NULL)
    {
      g_assert_true (trusted);
      check_item (pushed);
    }
  if (confab_xep_blocking_parse_push (stanza, own_jid, &blocked, &jids, NULL))
    {
      g_assert_true (trusted);
      g_assert_true (jids != NULL && jids->len <= CONFAB_XEP_BLOCKING_MAX_ITEMS);
      g_assert_true (!blocked || jids->len > 0);
    }

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(GPtrArray) blocklist = NULL;
      g_autofree char *ver = NULL;

      items = confab_xmpp_roster_parse_query (child, &ver, NULL);
      if (items != NULL)
        {
          g_assert_true (items->len <= CONFAB_XMPP_ROSTER_MAX_ITEMS);
          for (guint i = 0; i < items->len; i++)
            check_item (g_ptr_array_index (items, i));
        }
      blocklist = confab_xep_blocking_parse_blocklist (child, NULL);
      if (blocklist != NULL)
        g_assert_true (blocklist->len <= CONFAB_XEP_BLOCKING_MAX_ITEMS);

      for (ConfabXmppNode *item = confab_xmpp_node_get_first_child (child);
           item != NULL;
           item = confab_xmpp_node_get_next_sibling (item))
        {
          g_autoptr(ConfabXmppRosterItem) parsed = confab_xmpp_roster_item_parse (item, TRUE, NULL);

          if (parsed != NULL)
            check_item (parsed);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = fuzz_stanza };
  g_autoptr(ConfabXmppParser) parser = NULL;

  if (own_jid == NULL)
    own_jid = confab_jid_parse ("alice@example.com/home", NULL);

  parser = confab_xmpp_parser_new (&callbacks, NULL);
  if (confab_xmpp_parser_feed (parser, HEADER, strlen (HEADER), NULL))
    confab_xmpp_parser_feed (parser, (const char *) data, size, NULL);
  return 0;
}
