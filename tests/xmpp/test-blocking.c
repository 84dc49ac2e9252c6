/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0191 Blocking Command: block lists, pushes and their trust rule. */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "xep-0191-blocking.h"

#include <string.h>

#define HEADER "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'" \
               " from='example.com' id='s1' version='1.0'>"
#define OWN_JID "alice@example.com/home"

static void
keep_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out == NULL)
    *out = confab_xmpp_node_ref (stanza);
}

static ConfabXmppNode *
parse_xml (const char *xml)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = keep_stanza_cb };
  ConfabXmppNode *stanza = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &stanza);
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_xmpp_parser_feed (parser, HEADER, strlen (HEADER), &error));
  g_assert_true (confab_xmpp_parser_feed (parser, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (stanza);
  return stanza;
}

static char *
join_jids (GPtrArray *jids)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < jids->len; i++)
    g_string_append_printf (out, "%s%s", i ? " " : "", confab_jid_to_string (g_ptr_array_index (jids, i)));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_blocklist (void)
{
  static const struct { const char *xml; const char *jids; } cases[] = {
    { "<blocklist xmlns='urn:xmpp:blocking'/>", "" },
    { "<blocklist xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/>"
      "<item jid='iago@shakespeare.lit'/></blocklist>", "romeo@montague.net iago@shakespeare.lit" },
    /* Domains and full JIDs can be blocked (§6). */
    { "<blocklist xmlns='urn:xmpp:blocking'><item jid='evil.example'/>"
      "<item jid='x@evil.example/r'/></blocklist>", "evil.example x@evil.example/r" },
    /* Bad and duplicate items are skipped, foreign elements ignored. */
    { "<blocklist xmlns='urn:xmpp:blocking'><item jid='a@b'/><item/><item jid='@@'/>"
      "<item jid='A@B'/><item xmlns='urn:other' jid='c@d'/><item jid='e@f'/></blocklist>", "a@b e@f" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) node = parse_xml (cases[i].xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) jids = confab_xep_blocking_parse_blocklist (node, &error);
      g_autofree char *joined = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].xml);
      g_assert_no_error (error);
      g_assert_nonnull (jids);
      joined = join_jids (jids);
      g_assert_cmpstr (joined, ==, cases[i].jids);
    }
}

static void
test_blocklist_malformed (void)
{
  static const char * const cases[] = {
    "<blocklist/>",
    "<blocklist xmlns='urn:xmpp:blocking:other'/>",
    "<block xmlns='urn:xmpp:blocking'/>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) node = parse_xml (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) jids = confab_xep_blocking_parse_blocklist (node, &error);

      g_assert_null (jids);
      g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST);
    }
}

static void
test_blocklist_huge (void)
{
  g_autoptr(ConfabXmppNode) list = confab_xmpp_node_new ("blocklist", CONFAB_XEP_NS_BLOCKING);
  g_autoptr(ConfabXmppNode) iq = confab_xmpp_node_new ("iq", CONFAB_XMPP_NS_CLIENT);
  ConfabXmppNode *block;
  g_autoptr(GPtrArray) jids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJid) own = confab_jid_parse (OWN_JID, NULL);

  confab_xmpp_node_set_attr (iq, "type", "set");
  block = confab_xmpp_node_add_child (iq, "block", CONFAB_XEP_NS_BLOCKING);
  for (guint i = 0; i < CONFAB_XEP_BLOCKING_MAX_ITEMS + 10; i++)
    {
      g_autofree char *address = g_strdup_printf ("spam%u@example.com", i);

      confab_xmpp_node_set_attr (confab_xmpp_node_add_child (list, "item", NULL), "jid", address);
      confab_xmpp_node_set_attr (confab_xmpp_node_add_child (block, "item", NULL), "jid", address);
    }
  jids = confab_xep_blocking_parse_blocklist (list, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jids->len, ==, CONFAB_XEP_BLOCKING_MAX_ITEMS);
  g_clear_pointer (&jids, g_ptr_array_unref);

  /* A push we cannot take whole is refused, not half applied. */
  g_assert_false (confab_xep_blocking_parse_push (iq, own, NULL, &jids, &error));
  g_assert_null (jids);
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST);
}

typedef struct {
  const char            *xml;
  ConfabXmppStanzaError  error;   /* 0: accepted */
  gboolean               blocked;
  const char            *jids;
} PushCase;

#define BLOCK(from, items) \
  "<iq type='set' id='b1'" from "><block xmlns='urn:xmpp:blocking'>" items "</block></iq>"
#define UNBLOCK(from, items) \
  "<iq type='set' id='u1'" from "><unblock xmlns='urn:xmpp:blocking'>" items "</unblock></iq>"
#define ROMEO "<item jid='romeo@montague.net'/>"

static const PushCase push_cases[] = {
  { BLOCK ("", ROMEO), 0, TRUE, "romeo@montague.net" },
  { BLOCK (" from='alice@example.com'", ROMEO "<item jid='iago@shakespeare.lit'/>"),
    0, TRUE, "romeo@montague.net iago@shakespeare.lit" },
  { UNBLOCK ("", ROMEO), 0, FALSE, "romeo@montague.net" },
  /* §3.5: an empty unblock is "everything". */
  { UNBLOCK (" from='alice@example.com'", ""), 0, FALSE, "" },

  /* Only the server may push (same rule as RFC 6121 §2.1.6). */
  { BLOCK (" from='romeo@montague.net'", ROMEO), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { UNBLOCK (" from='romeo@montague.net/balcony'", ""), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { UNBLOCK (" from='" OWN_JID "'", ""), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { BLOCK (" from='alice@example.com/other'", ROMEO), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { BLOCK (" from='example.com'", ROMEO), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },

  /* Malformed. */
  { BLOCK ("", ""), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { BLOCK ("", "<item/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { BLOCK ("", ROMEO "<item jid='bad@@jid'/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { UNBLOCK ("", "<item jid=''/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<iq type='get' id='g'><block xmlns='urn:xmpp:blocking'>" ROMEO "</block></iq>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<iq type='set' id='g'><block xmlns='urn:xmpp:blocking:x'>" ROMEO "</block></iq>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<iq type='set' id='g'><blocklist xmlns='urn:xmpp:blocking'>" ROMEO "</blocklist></iq>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<iq type='set' id='g'/>", CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<message><block xmlns='urn:xmpp:blocking'>" ROMEO "</block></message>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
};

static void
test_push (void)
{
  g_autoptr(ConfabJid) own = confab_jid_parse (OWN_JID, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (push_cases); i++)
    {
      const PushCase *c = &push_cases[i];
      g_autoptr(ConfabXmppNode) node = parse_xml (c->xml);
      g_autoptr(GPtrArray) jids = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *joined = NULL;
      gboolean blocked = !c->blocked;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->xml);
      if (c->error != 0)
        {
          g_assert_false (confab_xep_blocking_parse_push (node, own, &blocked, &jids, &error));
          g_assert_null (jids);
          g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, (gint) c->error);
          continue;
        }
      g_assert_true (confab_xep_blocking_parse_push (node, own, &blocked, &jids, &error));
      g_assert_no_error (error);
      g_assert_cmpint (blocked, ==, c->blocked);
      joined = join_jids (jids);
      g_assert_cmpstr (joined, ==, c->jids);
    }
}

static void
test_new_iq (void)
{
  g_autoptr(GPtrArray) jids = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_jid_unref);
  g_autoptr(ConfabXmppNode) block = NULL;
  g_autoptr(ConfabXmppNode) unblock_all = NULL;
  g_autoptr(ConfabXmppNode) expected = NULL;

  g_ptr_array_add (jids, confab_jid_parse ("romeo@montague.net", NULL));
  g_ptr_array_add (jids, confab_jid_parse ("evil.example", NULL));
  block = confab_xep_blocking_new_iq (TRUE, jids);
  unblock_all = confab_xep_blocking_new_iq (FALSE, NULL);

  confab_xmpp_node_set_attr (block, "id", "fixed");
  expected = parse_xml ("<iq type='set' id='fixed'><block xmlns='urn:xmpp:blocking'>"
                        "<item jid='romeo@montague.net'/><item jid='evil.example'/></block></iq>");
  g_assert_true (confab_xmpp_node_equal (block, expected));
  g_clear_pointer (&expected, confab_xmpp_node_unref);

  confab_xmpp_node_set_attr (unblock_all, "id", "fixed");
  expected = parse_xml ("<iq type='set' id='fixed'><unblock xmlns='urn:xmpp:blocking'/></iq>");
  g_assert_true (confab_xmpp_node_equal (unblock_all, expected));
}

static void
blocklist_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  g_assert_null (confab_xep_blocking_get_blocklist_finish (CONFAB_XEP_BLOCKING (object), result, error));
}

static void
test_not_connected (void)
{
  g_autoptr(ConfabXepBlocking) blocking = confab_xep_blocking_new ();
  g_autoptr(ConfabJid) own = confab_jid_parse (OWN_JID, NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (own);
  GError *error = NULL;

  confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (blocking));
  confab_xep_blocking_get_blocklist_async (blocking, NULL, blocklist_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/blocking/blocklist", test_blocklist);
  g_test_add_func ("/xmpp/blocking/blocklist-malformed", test_blocklist_malformed);
  g_test_add_func ("/xmpp/blocking/huge", test_blocklist_huge);
  g_test_add_func ("/xmpp/blocking/push", test_push);
  g_test_add_func ("/xmpp/blocking/new-iq", test_new_iq);
  g_test_add_func ("/xmpp/blocking/not-connected", test_not_connected);

  return g_test_run ();
}
