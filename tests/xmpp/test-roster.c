/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster parsing (RFC 6121 §2): items, roster results, and the trust and
 * shape rules for roster pushes (§2.1.6). */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "confab-xmpp-roster.h"

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

/* Parses one stanza of XML text as the client would receive it. */
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

static ConfabJid *
jid (const char *text)
{
  ConfabJid *parsed = confab_jid_parse (text, NULL);

  g_assert_nonnull (parsed);
  return parsed;
}

/* ---- Items ------------------------------------------------------------------ */

typedef struct {
  const char             *xml;
  gboolean                allow_remove;
  const char             *jid;            /* NULL: must fail with bad-request */
  const char             *name;
  ConfabXmppSubscription  subscription;
  gboolean                ask;
  gboolean                approved;
  const char             *groups;         /* joined with '|' */
} ItemCase;

static const ItemCase item_cases[] = {
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com'/>",
    FALSE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE, FALSE, "" },
  { "<item xmlns='jabber:iq:roster' jid='Bob@Example.COM' name='Bob' subscription='both'>"
    "<group>Friends</group><group>Friends</group><group></group><group>Work</group></item>",
    FALSE, "bob@example.com", "Bob", CONFAB_XMPP_SUBSCRIPTION_BOTH, FALSE, FALSE, "Friends|Work" },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='to'/>",
    FALSE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_TO, FALSE, FALSE, "" },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='from' approved='true'/>",
    FALSE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_FROM, FALSE, TRUE, "" },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='none' ask='subscribe'/>",
    FALSE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_NONE, TRUE, FALSE, "" },
  /* An unknown 'ask' is not a pending request; the item stays. */
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' ask='unsubscribe'/>",
    FALSE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE, FALSE, "" },
  /* An empty name is no name. */
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' name=''/>",
    FALSE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE, FALSE, "" },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='remove'/>",
    TRUE, "bob@example.com", NULL, CONFAB_XMPP_SUBSCRIPTION_REMOVE, FALSE, FALSE, "" },
  /* Groups in another namespace are not groups. */
  { "<item xmlns='jabber:iq:roster' jid='example.org'><group xmlns='urn:other'>X</group></item>",
    FALSE, "example.org", NULL, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE, FALSE, "" },

  /* Malformed. */
  { "<item xmlns='jabber:iq:roster'/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid=''/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid='@example.com'/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid='bob@exa mple.com'/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com/'/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='maybe'/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='BOTH'/>", FALSE, NULL },
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription=''/>", FALSE, NULL },
  /* 'remove' only in pushes. */
  { "<item xmlns='jabber:iq:roster' jid='bob@example.com' subscription='remove'/>", FALSE, NULL },
  /* Wrong element or namespace. */
  { "<item xmlns='jabber:iq:rosterx' jid='bob@example.com'/>", FALSE, NULL },
  { "<item jid='bob@example.com'/>", FALSE, NULL },
  { "<query xmlns='jabber:iq:roster' jid='bob@example.com'/>", FALSE, NULL },
};

static void
test_item_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (item_cases); i++)
    {
      const ItemCase *c = &item_cases[i];
      g_autoptr(ConfabXmppNode) node = parse_xml (c->xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabXmppRosterItem) item = NULL;
      g_autofree char *groups = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->xml);
      item = confab_xmpp_roster_item_parse (node, c->allow_remove, &error);
      if (c->jid == NULL)
        {
          g_assert_null (item);
          g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (item);
      g_assert_cmpstr (confab_jid_to_string (confab_xmpp_roster_item_get_jid (item)), ==, c->jid);
      g_assert_cmpstr (confab_xmpp_roster_item_get_name (item), ==, c->name);
      g_assert_cmpint (confab_xmpp_roster_item_get_subscription (item), ==, c->subscription);
      g_assert_cmpint (confab_xmpp_roster_item_get_ask_subscribe (item), ==, c->ask);
      g_assert_cmpint (confab_xmpp_roster_item_get_approved (item), ==, c->approved);
      groups = g_strjoinv ("|", (char **) confab_xmpp_roster_item_get_groups (item));
      g_assert_cmpstr (groups, ==, c->groups);
    }
}

/* A hostile server: endless groups and enormous names are bounded. */
static void
test_item_bounds (void)
{
  g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("item", CONFAB_XMPP_NS_ROSTER);
  g_autoptr(ConfabXmppRosterItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  const char * const *groups;

  /* Multi-byte characters, so a cut in the wrong place would be visible. */
  for (guint i = 0; i < CONFAB_XMPP_ROSTER_MAX_NAME_BYTES; i++)
    g_string_append (name, "é");
  confab_xmpp_node_set_attr (node, "jid", "bob@example.com");
  confab_xmpp_node_set_attr (node, "name", name->str);
  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *group = g_strdup_printf ("group %u", i);

      confab_xmpp_node_set_text (confab_xmpp_node_add_child (node, "group", NULL),
                                 i % 2 == 0 ? group : name->str);
    }

  item = confab_xmpp_roster_item_parse (node, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpuint (strlen (confab_xmpp_roster_item_get_name (item)), <, CONFAB_XMPP_ROSTER_MAX_NAME_BYTES);
  g_assert_true (g_utf8_validate (confab_xmpp_roster_item_get_name (item), -1, NULL));
  groups = confab_xmpp_roster_item_get_groups (item);
  g_assert_cmpuint (g_strv_length ((char **) groups), ==, CONFAB_XMPP_ROSTER_MAX_GROUPS);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (groups[i]), <, CONFAB_XMPP_ROSTER_MAX_NAME_BYTES);
      g_assert_true (g_utf8_validate (groups[i], -1, NULL));
    }
  /* The long name appeared many times but is one group. */
  g_assert_cmpstr (groups[0], ==, "group 0");
  g_assert_true (g_str_has_prefix (groups[1], "é"));
  g_assert_cmpstr (groups[2], ==, "group 2");
  g_assert_false (g_str_has_prefix (groups[3], "é"));
}

static void
test_subscription_strings (void)
{
  static const struct { const char *text; gboolean ok; ConfabXmppSubscription value; } cases[] = {
    { "none", TRUE, CONFAB_XMPP_SUBSCRIPTION_NONE },
    { "to", TRUE, CONFAB_XMPP_SUBSCRIPTION_TO },
    { "from", TRUE, CONFAB_XMPP_SUBSCRIPTION_FROM },
    { "both", TRUE, CONFAB_XMPP_SUBSCRIPTION_BOTH },
    { "remove", TRUE, CONFAB_XMPP_SUBSCRIPTION_REMOVE },
    { "", FALSE, 0 },
    { "None", FALSE, 0 },
    { "both ", FALSE, 0 },
    { NULL, FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabXmppSubscription value = CONFAB_XMPP_SUBSCRIPTION_NONE;

      g_assert_cmpint (confab_xmpp_subscription_from_string (cases[i].text, &value), ==, cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_cmpint (value, ==, cases[i].value);
          g_assert_cmpstr (confab_xmpp_subscription_to_string (value), ==, cases[i].text);
        }
    }
  g_assert_true (G_TYPE_IS_ENUM (CONFAB_TYPE_XMPP_SUBSCRIPTION));
}

/* ---- Roster results --------------------------------------------------------- */

static void
test_query_parse (void)
{
  g_autoptr(ConfabXmppNode) node = parse_xml (
    "<iq type='result' id='r1'><query xmlns='jabber:iq:roster' ver='v42'>"
    "<item jid='bob@example.com' subscription='both' name='Bob'/>"
    "<item jid='not a jid@@'/>"
    "<item jid='carol@example.com' subscription='bogus'/>"
    "<item jid='dave@example.com' subscription='remove'/>"
    "<item jid='BOB@example.com' name='Duplicate'/>"
    "<other xmlns='urn:x' jid='eve@example.com'/>"
    "<item jid='frank@example.com'><group>G</group></item>"
    "</query></iq>");
  ConfabXmppNode *query = confab_xmpp_node_get_child (node, "query", CONFAB_XMPP_NS_ROSTER);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  ConfabXmppRosterItem *item;

  items = confab_xmpp_roster_parse_query (query, &version, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  g_assert_cmpstr (version, ==, "v42");
  /* Bad items are skipped, the duplicate keeps the first. */
  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (confab_jid_to_string (confab_xmpp_roster_item_get_jid (item)), ==, "bob@example.com");
  g_assert_cmpstr (confab_xmpp_roster_item_get_name (item), ==, "Bob");
  item = g_ptr_array_index (items, 1);
  g_assert_cmpstr (confab_jid_to_string (confab_xmpp_roster_item_get_jid (item)), ==, "frank@example.com");
  g_assert_cmpstr (confab_xmpp_roster_item_get_groups (item)[0], ==, "G");
}

static void
test_query_malformed (void)
{
  static const char * const cases[] = {
    "<query xmlns='jabber:iq:private'/>",
    "<query/>",
    "<roster xmlns='jabber:iq:roster'/>",
    "<iq type='result' id='x'/>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) node = parse_xml (cases[i]);
      g_autoptr(GError) error = NULL;
      char *version = (char *) "stale";   /* must be reset to NULL */
      g_autoptr(GPtrArray) items = confab_xmpp_roster_parse_query (node, &version, &error);

      g_assert_null (items);
      g_assert_null (version);
      g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST);
    }
}

static void
test_query_empty (void)
{
  g_autoptr(ConfabXmppNode) node = parse_xml ("<query xmlns='jabber:iq:roster'/>");
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GPtrArray) items = confab_xmpp_roster_parse_query (node, &version, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_null (version);
}

static void
test_query_huge (void)
{
  g_autoptr(ConfabXmppNode) query = confab_xmpp_node_new ("query", CONFAB_XMPP_NS_ROSTER);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < CONFAB_XMPP_ROSTER_MAX_ITEMS + 500; i++)
    {
      g_autofree char *address = g_strdup_printf ("user%u@example.com", i);

      confab_xmpp_node_set_attr (confab_xmpp_node_add_child (query, "item", NULL), "jid", address);
    }
  items = confab_xmpp_roster_parse_query (query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, CONFAB_XMPP_ROSTER_MAX_ITEMS);
}

/* ---- Pushes ----------------------------------------------------------------- */

typedef struct {
  const char             *xml;
  ConfabXmppStanzaError   error;        /* 0: accepted */
  const char             *jid;
  ConfabXmppSubscription  subscription;
  const char             *version;
} PushCase;

#define PUSH(from, items) \
  "<iq type='set' id='p1'" from "><query xmlns='jabber:iq:roster' ver='v7'>" items "</query></iq>"
#define BOB "<item jid='bob@example.com' subscription='both'/>"

static const PushCase push_cases[] = {
  /* RFC 6121 §2.1.6: no 'from', or the user's bare JID. */
  { PUSH ("", BOB), 0, "bob@example.com", CONFAB_XMPP_SUBSCRIPTION_BOTH, "v7" },
  { PUSH (" from='alice@example.com'", BOB), 0, "bob@example.com", CONFAB_XMPP_SUBSCRIPTION_BOTH, "v7" },
  { PUSH (" from='ALICE@Example.com'", BOB), 0, "bob@example.com", CONFAB_XMPP_SUBSCRIPTION_BOTH, "v7" },
  { PUSH ("", "<item jid='bob@example.com' subscription='remove'/>"),
    0, "bob@example.com", CONFAB_XMPP_SUBSCRIPTION_REMOVE, "v7" },
  { "<iq type='set' id='p2'><query xmlns='jabber:iq:roster'>" BOB "</query></iq>",
    0, "bob@example.com", CONFAB_XMPP_SUBSCRIPTION_BOTH, NULL },
  /* Non-item children do not count as items. */
  { PUSH ("", "<x xmlns='urn:other'/>" BOB), 0, "bob@example.com", CONFAB_XMPP_SUBSCRIPTION_BOTH, "v7" },

  /* Spoofing: a contact, the contact's full JID, our own full JID (another
   * client of ours, not the server), our server, another account's bare JID. */
  { PUSH (" from='mallory@evil.example'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { PUSH (" from='bob@example.com/phone'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { PUSH (" from='" OWN_JID "'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { PUSH (" from='alice@example.com/other'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { PUSH (" from='example.com'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { PUSH (" from='alice@example.org'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { PUSH (" from='alice@@example.com'", BOB), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  /* The sender check comes first: a spoofed malformed push still says
   * nothing about its shape. */
  { PUSH (" from='mallory@evil.example'", ""), CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },

  /* §2.1.6: exactly one item. */
  { PUSH ("", ""), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { PUSH ("", BOB "<item jid='carol@example.com'/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { PUSH ("", "<item jid='bad@@jid'/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { PUSH ("", "<item/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { PUSH ("", "<item jid='bob@example.com' subscription='pending'/>"), CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  /* Not a roster push at all. */
  { "<iq type='get' id='g'><query xmlns='jabber:iq:roster'>" BOB "</query></iq>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<iq type='set' id='g'><query xmlns='jabber:iq:private'>" BOB "</query></iq>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<iq type='set' id='g'/>", CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
  { "<message><query xmlns='jabber:iq:roster'>" BOB "</query></message>",
    CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST },
};

static void
test_push_parse (void)
{
  g_autoptr(ConfabJid) own = jid (OWN_JID);

  for (gsize i = 0; i < G_N_ELEMENTS (push_cases); i++)
    {
      const PushCase *c = &push_cases[i];
      g_autoptr(ConfabXmppNode) node = parse_xml (c->xml);
      g_autoptr(ConfabXmppRosterItem) item = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *version = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->xml);
      item = confab_xmpp_roster_parse_push (node, own, &version, &error);
      if (c->error != 0)
        {
          g_assert_null (item);
          g_assert_null (version);
          g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, (gint) c->error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (item);
      g_assert_cmpstr (confab_jid_to_string (confab_xmpp_roster_item_get_jid (item)), ==, c->jid);
      g_assert_cmpint (confab_xmpp_roster_item_get_subscription (item), ==, c->subscription);
      g_assert_cmpstr (version, ==, c->version);
    }
}

/* The trust rule alone, with the own JID still bare (before binding). */
static void
test_from_account (void)
{
  static const struct { const char *own; const char *from; gboolean trusted; } cases[] = {
    { "alice@example.com", NULL, TRUE },
    { "alice@example.com", "alice@example.com", TRUE },
    { "alice@example.com", "alice@example.com/home", FALSE },
    { "alice@example.com/home", "alice@example.com", TRUE },
    { "alice@example.com/home", "alice@example.com/home", FALSE },
    { "alice@example.com/home", "bob@example.com", FALSE },
    { "alice@example.com/home", "example.com", FALSE },
    { "alice@example.com/home", "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabJid) own = jid (cases[i].own);
      g_autoptr(ConfabXmppNode) iq = confab_xmpp_node_new ("iq", CONFAB_XMPP_NS_CLIENT);

      if (cases[i].from != NULL)
        confab_xmpp_node_set_attr (iq, "from", cases[i].from);
      g_assert_cmpint (confab_xmpp_stanza_is_from_account (iq, own), ==, cases[i].trusted);
    }
}

/* ---- Requests --------------------------------------------------------------- */

static void
test_set_iq (void)
{
  g_autoptr(ConfabJid) bob = jid ("bob@example.com");
  const char * const groups[] = { "Friends", "", "Work", "Friends", NULL };
  g_autoptr(ConfabXmppNode) set = confab_xmpp_roster_new_set_iq (bob, "Bob", groups, FALSE);
  g_autoptr(ConfabXmppNode) remove = confab_xmpp_roster_new_set_iq (bob, "ignored", groups, TRUE);
  g_autoptr(ConfabXmppNode) bare = confab_xmpp_roster_new_set_iq (bob, NULL, NULL, FALSE);
  ConfabXmppNode *item;
  g_autoptr(ConfabXmppRosterItem) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;

  g_assert_cmpstr (confab_xmpp_node_get_attr (set, "type"), ==, "set");
  g_assert_nonnull (confab_xmpp_node_get_attr (set, "id"));
  g_assert_null (confab_xmpp_node_get_attr (set, "to"));
  item = confab_xmpp_node_get_child (confab_xmpp_node_get_child (set, "query", CONFAB_XMPP_NS_ROSTER),
                                     "item", CONFAB_XMPP_NS_ROSTER);
  g_assert_nonnull (item);
  /* RFC 6121 §2.3.2: no subscription or ask from the client. */
  g_assert_null (confab_xmpp_node_get_attr (item, "subscription"));
  g_assert_null (confab_xmpp_node_get_attr (item, "ask"));
  parsed = confab_xmpp_roster_item_parse (item, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_xmpp_roster_item_get_name (parsed), ==, "Bob");
  joined = g_strjoinv ("|", (char **) confab_xmpp_roster_item_get_groups (parsed));
  g_assert_cmpstr (joined, ==, "Friends|Work");

  item = confab_xmpp_node_get_child (confab_xmpp_node_get_child (remove, "query", NULL), "item", NULL);
  g_assert_cmpstr (confab_xmpp_node_get_attr (item, "subscription"), ==, "remove");
  g_assert_null (confab_xmpp_node_get_attr (item, "name"));
  g_assert_null (confab_xmpp_node_get_first_child (item));

  item = confab_xmpp_node_get_child (confab_xmpp_node_get_child (bare, "query", NULL), "item", NULL);
  g_assert_cmpstr (confab_xmpp_node_get_attr (item, "jid"), ==, "bob@example.com");
  g_assert_null (confab_xmpp_node_get_attr (item, "name"));
  g_assert_null (confab_xmpp_node_get_first_child (item));
}

/* Without a connected stream, operations fail cleanly. */
static void
async_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (confab_xmpp_roster_set_item_finish (CONFAB_XMPP_ROSTER (object), result, error));
}

static void
test_not_connected (void)
{
  g_autoptr(ConfabXmppRoster) roster = confab_xmpp_roster_new ();
  g_autoptr(ConfabJid) own = jid (OWN_JID);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (own);
  g_autoptr(ConfabJid) bob = jid ("bob@example.com");
  GError *error = NULL;

  confab_xmpp_roster_set_version (roster, "v1");
  g_assert_cmpstr (confab_xmpp_roster_get_version (roster), ==, "v1");
  confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (roster));
  g_assert_true (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_ROSTER) == (gpointer) roster);

  confab_xmpp_roster_set_item_async (roster, bob, "Bob", NULL, NULL, async_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/roster/item/parse", test_item_parse);
  g_test_add_func ("/xmpp/roster/item/bounds", test_item_bounds);
  g_test_add_func ("/xmpp/roster/subscription-strings", test_subscription_strings);
  g_test_add_func ("/xmpp/roster/query/parse", test_query_parse);
  g_test_add_func ("/xmpp/roster/query/malformed", test_query_malformed);
  g_test_add_func ("/xmpp/roster/query/empty", test_query_empty);
  g_test_add_func ("/xmpp/roster/query/huge", test_query_huge);
  g_test_add_func ("/xmpp/roster/push/parse", test_push_parse);
  g_test_add_func ("/xmpp/roster/push/from-account", test_from_account);
  g_test_add_func ("/xmpp/roster/set-iq", test_set_iq);
  g_test_add_func ("/xmpp/roster/not-connected", test_not_connected);

  return g_test_run ();
}
