/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presence (RFC 6121 §3 and §4): parsing, building, and the module's table
 * of available resources, fed through an unconnected stream's
 * ::stanza-received as the stream would. */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "confab-xmpp-presence.h"

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

static ConfabJid *
jid (const char *text)
{
  ConfabJid *parsed = confab_jid_parse (text, NULL);

  g_assert_nonnull (parsed);
  return parsed;
}

/* ---- Parsing ---------------------------------------------------------------- */

static void
test_parse_type (void)
{
  static const struct { const char *xml; gboolean ok; ConfabXmppPresenceType type; } cases[] = {
    { "<presence/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE },
    { "<presence type='unavailable'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE },
    { "<presence type='subscribe'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE },
    { "<presence type='subscribed'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED },
    { "<presence type='unsubscribe'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE },
    { "<presence type='unsubscribed'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED },
    { "<presence type='probe'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_PROBE },
    { "<presence type='error'/>", TRUE, CONFAB_XMPP_PRESENCE_TYPE_ERROR },
    { "<presence type='available'/>", FALSE, 0 },   /* not a wire value */
    { "<presence type=''/>", FALSE, 0 },
    { "<presence type='Subscribe'/>", FALSE, 0 },
    { "<presence xmlns='jabber:server'/>", FALSE, 0 },
    { "<message/>", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) node = parse_xml (cases[i].xml);
      g_autoptr(GError) error = NULL;
      ConfabXmppPresenceType type = CONFAB_XMPP_PRESENCE_TYPE_ERROR;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].xml);
      g_assert_cmpint (confab_xmpp_presence_parse_type (node, &type, &error), ==, cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (type, ==, cases[i].type);
        }
      else
        g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST);
    }
}

typedef struct {
  const char             *xml;
  gboolean                ok;
  const char             *jid;
  gboolean                available;
  ConfabXmppPresenceShow  show;
  const char             *status;
  int                     priority;
} InfoCase;

static const InfoCase info_cases[] = {
  { "<presence from='bob@example.com/phone'/>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  { "<presence from='bob@example.com/phone'><show>away</show><status>hello</status><priority>5</priority></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_AWAY, "hello", 5 },
  { "<presence from='bob@example.com/phone'><show>chat</show></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_CHAT, NULL, 0 },
  { "<presence from='bob@example.com/phone'><show>dnd</show></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_DND, NULL, 0 },
  { "<presence from='bob@example.com/phone'><show> xa </show></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_XA, NULL, 0 },
  /* Invalid show values: still available, just no sub-state. */
  { "<presence from='bob@example.com/phone'><show>busy</show></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  { "<presence from='bob@example.com/phone'><show>AWAY</show></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  { "<presence from='bob@example.com/phone'><show/></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  { "<presence from='bob@example.com/phone'><show xmlns='urn:other'>dnd</show></presence>",
    TRUE, "bob@example.com/phone", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  /* Priority: clamped to -128..127, non-numbers count as 0. */
  { "<presence from='bob@example.com/a'><priority>-128</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, -128 },
  { "<presence from='bob@example.com/a'><priority>127</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 127 },
  { "<presence from='bob@example.com/a'><priority>-129</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, -128 },
  { "<presence from='bob@example.com/a'><priority>128</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 127 },
  { "<presence from='bob@example.com/a'><priority>99999999999999999999999</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 127 },
  { "<presence from='bob@example.com/a'><priority>-99999999999999999999999</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, -128 },
  { "<presence from='bob@example.com/a'><priority> 7 </priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 7 },
  { "<presence from='bob@example.com/a'><priority>ten</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  { "<presence from='bob@example.com/a'><priority>5x</priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  { "<presence from='bob@example.com/a'><priority></priority></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },
  /* Status: the one without xml:lang, else the first. */
  { "<presence from='bob@example.com/a'><status xml:lang='de'>hallo</status><status>hello</status></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, "hello", 0 },
  { "<presence from='bob@example.com/a'><status xml:lang='de'>hallo</status><status xml:lang='fr'>salut</status></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, "hallo", 0 },
  { "<presence from='bob@example.com/a'><status>&lt;b&gt;bold&lt;/b&gt;</status></presence>",
    TRUE, "bob@example.com/a", TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, "<b>bold</b>", 0 },
  /* Unavailable: show and priority do not apply; status does. */
  { "<presence from='bob@example.com/a' type='unavailable'><show>dnd</show><priority>9</priority>"
    "<status>bye</status></presence>",
    TRUE, "bob@example.com/a", FALSE, CONFAB_XMPP_PRESENCE_SHOW_NONE, "bye", 0 },
  { "<presence from='bob@example.com' type='unavailable'/>",
    TRUE, "bob@example.com", FALSE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0 },

  /* Malformed or not availability. */
  { "<presence/>", FALSE },
  { "<presence from=''/>", FALSE },
  { "<presence from='@example.com'/>", FALSE },
  { "<presence from='bob@example.com/'/>", FALSE },
  { "<presence from='bob@example.com' type='subscribe'/>", FALSE },
  { "<presence from='bob@example.com' type='error'/>", FALSE },
  { "<presence from='bob@example.com' type='bogus'/>", FALSE },
  { "<message from='bob@example.com'/>", FALSE },
};

static void
test_info_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (info_cases); i++)
    {
      const InfoCase *c = &info_cases[i];
      g_autoptr(ConfabXmppNode) node = parse_xml (c->xml);
      g_autoptr(ConfabXmppPresenceInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, c->xml);
      info = confab_xmpp_presence_info_parse (node, &error);
      if (!c->ok)
        {
          g_assert_null (info);
          g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (info);
      g_assert_cmpstr (confab_jid_to_string (confab_xmpp_presence_info_get_jid (info)), ==, c->jid);
      g_assert_cmpint (confab_xmpp_presence_info_get_available (info), ==, c->available);
      g_assert_cmpint (confab_xmpp_presence_info_get_show (info), ==, c->show);
      g_assert_cmpstr (confab_xmpp_presence_info_get_status (info), ==, c->status);
      g_assert_cmpint (confab_xmpp_presence_info_get_priority (info), ==, c->priority);
      g_assert_true (confab_xmpp_presence_info_get_node (info) == node);
    }
}

static void
test_status_bound (void)
{
  g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
  g_autoptr(ConfabXmppPresenceInfo) info = NULL;
  g_autoptr(GString) status = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES; i++)
    g_string_append (status, "€");
  confab_xmpp_node_set_attr (node, "from", "bob@example.com/a");
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (node, "status", NULL), status->str);
  info = confab_xmpp_presence_info_parse (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (confab_xmpp_presence_info_get_status (info)), <, CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES);
  g_assert_true (g_utf8_validate (confab_xmpp_presence_info_get_status (info), -1, NULL));
}

static void
test_show_strings (void)
{
  static const struct { const char *text; gboolean ok; ConfabXmppPresenceShow show; } cases[] = {
    { "away", TRUE, CONFAB_XMPP_PRESENCE_SHOW_AWAY },
    { "chat", TRUE, CONFAB_XMPP_PRESENCE_SHOW_CHAT },
    { "dnd", TRUE, CONFAB_XMPP_PRESENCE_SHOW_DND },
    { "xa", TRUE, CONFAB_XMPP_PRESENCE_SHOW_XA },
    { "online", FALSE, 0 },
    { "", FALSE, 0 },
    { NULL, FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ConfabXmppPresenceShow show = CONFAB_XMPP_PRESENCE_SHOW_NONE;

      g_assert_cmpint (confab_xmpp_presence_show_from_string (cases[i].text, &show), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpstr (confab_xmpp_presence_show_to_string (show), ==, cases[i].text);
    }
  g_assert_null (confab_xmpp_presence_show_to_string (CONFAB_XMPP_PRESENCE_SHOW_NONE));
}

static void
test_nick (void)
{
  static const struct { const char *xml; const char *nick; } cases[] = {
    { "<presence type='subscribe'><nick xmlns='http://jabber.org/protocol/nick'>Bobby</nick></presence>", "Bobby" },
    { "<presence type='subscribe'><nick xmlns='http://jabber.org/protocol/nick'/></presence>", NULL },
    { "<presence type='subscribe'><nick>Bobby</nick></presence>", NULL },
    { "<presence type='subscribe'/>", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) node = parse_xml (cases[i].xml);

      g_assert_cmpstr (confab_xmpp_presence_get_nick (node), ==, cases[i].nick);
    }
}

/* ---- Building --------------------------------------------------------------- */

static void
test_new_stanza (void)
{
  g_autoptr(ConfabJid) bob = jid ("bob@example.com");
  static const struct {
    ConfabXmppPresenceType type;
    gboolean to_bob;
    ConfabXmppPresenceShow show;
    const char *status;
    int priority;
    const char *xml;
  } cases[] = {
    { CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, FALSE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0,
      "<presence/>" },
    { CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, FALSE, CONFAB_XMPP_PRESENCE_SHOW_AWAY, "hello", 5,
      "<presence><show>away</show><status>hello</status><priority>5</priority></presence>" },
    { CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, FALSE, CONFAB_XMPP_PRESENCE_SHOW_DND, "<b>", 1000,
      "<presence><show>dnd</show><status>&lt;b&gt;</status><priority>127</priority></presence>" },
    { CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE, TRUE, CONFAB_XMPP_PRESENCE_SHOW_XA, NULL, -1000,
      "<presence to='bob@example.com'><show>xa</show><priority>-128</priority></presence>" },
    { CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE, FALSE, CONFAB_XMPP_PRESENCE_SHOW_DND, "bye", 3,
      "<presence type='unavailable'><status>bye</status></presence>" },
    { CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE, TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0,
      "<presence type='subscribe' to='bob@example.com'/>" },
    { CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED, TRUE, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0,
      "<presence type='subscribed' to='bob@example.com'/>" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) built = confab_xmpp_presence_new_stanza (cases[i].type,
                                                                         cases[i].to_bob ? bob : NULL,
                                                                         cases[i].show, cases[i].status,
                                                                         cases[i].priority);
      g_autoptr(ConfabXmppNode) expected = parse_xml (cases[i].xml);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].xml);
      g_assert_true (confab_xmpp_node_equal (built, expected));
    }
}

/* ---- The module's table ----------------------------------------------------- */

typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppPresence *presence;
  GPtrArray          *changes;     /* ConfabXmppPresenceInfo */
  GPtrArray          *requests;    /* "jid|status|nick" */
  GPtrArray          *subscriptions; /* "jid type" */
  GPtrArray          *errors;      /* "jid code" */
} Fixture;

static void
on_presence_changed (ConfabXmppPresence     *presence,
                     ConfabXmppPresenceInfo *info,
                     Fixture                *f)
{
  g_ptr_array_add (f->changes, confab_xmpp_presence_info_ref (info));
}

static void
on_subscription_requested (ConfabXmppPresence *presence,
                           ConfabJid          *from,
                           const char         *status,
                           const char         *nick,
                           Fixture            *f)
{
  g_ptr_array_add (f->requests, g_strdup_printf ("%s|%s|%s", confab_jid_to_string (from),
                                                 status ? status : "-", nick ? nick : "-"));
}

static void
on_subscription_changed (ConfabXmppPresence     *presence,
                         ConfabJid              *from,
                         ConfabXmppPresenceType  type,
                         Fixture                *f)
{
  g_ptr_array_add (f->subscriptions, g_strdup_printf ("%s %d", confab_jid_to_string (from), type));
}

static void
on_presence_error (ConfabXmppPresence *presence,
                   ConfabJid          *from,
                   const GError       *error,
                   Fixture            *f)
{
  g_assert_true (error->domain == CONFAB_XMPP_STANZA_ERROR);
  g_ptr_array_add (f->errors, g_strdup_printf ("%s %d", from ? confab_jid_to_string (from) : "-",
                                               error->code));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ConfabJid) own = jid (OWN_JID);

  f->stream = confab_xmpp_stream_new (own);
  f->presence = confab_xmpp_presence_new ();
  f->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);
  f->requests = g_ptr_array_new_with_free_func (g_free);
  f->subscriptions = g_ptr_array_new_with_free_func (g_free);
  f->errors = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->presence, "presence-changed", G_CALLBACK (on_presence_changed), f);
  g_signal_connect (f->presence, "subscription-requested", G_CALLBACK (on_subscription_requested), f);
  g_signal_connect (f->presence, "subscription-changed", G_CALLBACK (on_subscription_changed), f);
  g_signal_connect (f->presence, "presence-error", G_CALLBACK (on_presence_error), f);
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->presence));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->stream);
  g_clear_object (&f->presence);
  g_ptr_array_unref (f->changes);
  g_ptr_array_unref (f->requests);
  g_ptr_array_unref (f->subscriptions);
  g_ptr_array_unref (f->errors);
}

/* Hands @xml to the module as an inbound stanza. */
static void
receive (Fixture    *f,
         const char *xml)
{
  g_autoptr(ConfabXmppNode) node = parse_xml (xml);

  g_signal_emit_by_name (f->stream, "stanza-received", node);
}

static char *
resources_string (Fixture    *f,
                  const char *contact)
{
  g_autoptr(ConfabJid) bare = jid (contact);
  g_autoptr(GPtrArray) resources = confab_xmpp_presence_get_resources (f->presence, bare);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < resources->len; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (resources, i);

      g_string_append_printf (out, "%s%s:%d", i ? " " : "",
                              confab_jid_get_resource (confab_xmpp_presence_info_get_jid (info)),
                              confab_xmpp_presence_info_get_priority (info));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
best_string (Fixture    *f,
             const char *contact)
{
  g_autoptr(ConfabJid) bare = jid (contact);
  g_autoptr(ConfabXmppPresenceInfo) best = confab_xmpp_presence_get_best_resource (f->presence, bare);

  return best != NULL ? g_strdup (confab_jid_to_string (confab_xmpp_presence_info_get_jid (best))) : NULL;
}

#define assert_resources(f, contact, expected) G_STMT_START { \
  g_autofree char *_got = resources_string (f, contact);       \
  g_assert_cmpstr (_got, ==, expected);                         \
} G_STMT_END

#define assert_best(f, contact, expected) G_STMT_START { \
  g_autofree char *_got = best_string (f, contact);      \
  g_assert_cmpstr (_got, ==, expected);                  \
} G_STMT_END

static void
test_table_best (Fixture       *f,
                 gconstpointer  data)
{
  receive (f, "<presence from='bob@example.com/a'><priority>5</priority></presence>");
  receive (f, "<presence from='bob@example.com/b'><priority>5</priority></presence>");
  /* Equal priority: the most recent wins (RFC 6121 §8.5.2.1.1). */
  assert_best (f, "bob@example.com", "bob@example.com/b");
  assert_resources (f, "bob@example.com", "b:5 a:5");
  receive (f, "<presence from='bob@example.com/a'><show>away</show><priority>5</priority></presence>");
  assert_best (f, "bob@example.com", "bob@example.com/a");
  receive (f, "<presence from='bob@example.com/c'><priority>-1</priority></presence>");
  receive (f, "<presence from='bob@example.com/d'><priority>10</priority></presence>");
  assert_best (f, "bob@example.com", "bob@example.com/d");
  assert_resources (f, "bob@example.com", "d:10 a:5 b:5 c:-1");
  /* Any JID of the contact finds the same table. */
  assert_best (f, "BOB@example.com/whatever", "bob@example.com/d");
  g_assert_cmpuint (f->changes->len, ==, 5);

  receive (f, "<presence from='bob@example.com/d' type='unavailable'/>");
  assert_best (f, "bob@example.com", "bob@example.com/a");
  g_assert_cmpuint (f->changes->len, ==, 6);
  g_assert_false (confab_xmpp_presence_info_get_available (g_ptr_array_index (f->changes, 5)));

  /* Unavailable for a resource we never saw: reported, nothing removed. */
  receive (f, "<presence from='bob@example.com/zzz' type='unavailable'/>");
  assert_resources (f, "bob@example.com", "a:5 b:5 c:-1");
  g_assert_cmpuint (f->changes->len, ==, 7);

  /* Unavailable from the bare JID: every resource goes, one event each. */
  receive (f, "<presence from='carol@example.com/x'/>");
  receive (f, "<presence from='bob@example.com' type='unavailable'><status>gone</status></presence>");
  assert_resources (f, "bob@example.com", "");
  assert_best (f, "bob@example.com", NULL);
  assert_resources (f, "carol@example.com", "x:0");
  g_assert_cmpuint (f->changes->len, ==, 8 + 3);
  for (guint i = 8; i < f->changes->len; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (f->changes, i);

      g_assert_false (confab_xmpp_presence_info_get_available (info));
      g_assert_nonnull (confab_jid_get_resource (confab_xmpp_presence_info_get_jid (info)));
      g_assert_cmpstr (confab_xmpp_presence_info_get_status (info), ==, "gone");
    }

  /* Unavailable from a bare JID we know nothing about: one bare event. */
  receive (f, "<presence from='dave@example.com' type='unavailable'/>");
  g_assert_cmpuint (f->changes->len, ==, 12);
  g_assert_true (confab_jid_is_bare (confab_xmpp_presence_info_get_jid (g_ptr_array_index (f->changes, 11))));
}

static void
test_table_drops (Fixture       *f,
                  gconstpointer  data)
{
  /* Our own full JID: the server's reflection of our broadcast. */
  receive (f, "<presence from='" OWN_JID "'><show>dnd</show></presence>");
  /* No sender, an invalid sender, an unknown type. */
  receive (f, "<presence/>");
  receive (f, "<presence from='bob@@example.com/x'/>");
  receive (f, "<presence from='bob@example.com/x' type='bogus'/>");
  /* A MUC occupant belongs to the MUC module. */
  receive (f, "<presence from='room@conference.example.com/nick'>"
              "<x xmlns='http://jabber.org/protocol/muc#user'/></presence>");
  /* Probes are the server's business. */
  receive (f, "<presence from='bob@example.com/x' type='probe'/>");
  /* Not presence at all. */
  receive (f, "<message from='bob@example.com/x'/>");
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_cmpuint (f->requests->len, ==, 0);
  g_assert_cmpuint (f->subscriptions->len, ==, 0);
  assert_resources (f, OWN_JID, "");
  assert_resources (f, "room@conference.example.com", "");

  /* Our other clients are visible. */
  receive (f, "<presence from='alice@example.com/laptop'/>");
  assert_resources (f, "alice@example.com", "laptop:0");
}

static void
test_table_bounded (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ConfabJid) bob = jid ("bob@example.com");
  g_autoptr(GPtrArray) resources = NULL;

  for (guint i = 0; i < CONFAB_XMPP_PRESENCE_MAX_RESOURCES + 36; i++)
    {
      g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
      g_autofree char *from = g_strdup_printf ("bob@example.com/r%u", i);

      confab_xmpp_node_set_attr (node, "from", from);
      g_signal_emit_by_name (f->stream, "stanza-received", node);
    }
  resources = confab_xmpp_presence_get_resources (f->presence, bob);
  g_assert_cmpuint (resources->len, ==, CONFAB_XMPP_PRESENCE_MAX_RESOURCES);
  g_assert_cmpuint (f->changes->len, ==, CONFAB_XMPP_PRESENCE_MAX_RESOURCES);
  /* Known resources still update when the contact is full. */
  receive (f, "<presence from='bob@example.com/r0'><priority>50</priority></presence>");
  assert_best (f, "bob@example.com", "bob@example.com/r0");
  /* And leaving makes room again. */
  receive (f, "<presence from='bob@example.com/r1' type='unavailable'/>");
  receive (f, "<presence from='bob@example.com/new'><priority>60</priority></presence>");
  assert_best (f, "bob@example.com", "bob@example.com/new");
}

static void
test_subscriptions (Fixture       *f,
                    gconstpointer  data)
{
  receive (f, "<presence from='bob@example.com' type='subscribe'><status>let me in</status>"
              "<nick xmlns='http://jabber.org/protocol/nick'>Bobby</nick></presence>");
  /* The request is about the account, whatever resource it names. */
  receive (f, "<presence from='carol@example.com/phone' type='subscribe'/>");
  receive (f, "<presence type='subscribe'/>");
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->requests, 0), ==, "bob@example.com|let me in|Bobby");
  g_assert_cmpstr (g_ptr_array_index (f->requests, 1), ==, "carol@example.com|-|-");

  receive (f, "<presence from='bob@example.com' type='subscribed'/>");
  receive (f, "<presence from='bob@example.com/x' type='unsubscribed'/>");
  receive (f, "<presence from='bob@example.com' type='unsubscribe'/>");
  g_assert_cmpuint (f->subscriptions->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->subscriptions, 0), ==, "bob@example.com 3");
  g_assert_cmpstr (g_ptr_array_index (f->subscriptions, 1), ==, "bob@example.com 5");
  g_assert_cmpstr (g_ptr_array_index (f->subscriptions, 2), ==, "bob@example.com 4");
  g_assert_cmpuint (f->changes->len, ==, 0);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *expected = NULL;

  receive (f, "<presence from='nobody@example.com' type='error'><error type='cancel'>"
              "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
  receive (f, "<presence type='error'><error type='cancel'>"
              "<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
  receive (f, "<presence from='x@example.com' type='error'/>");
  g_assert_cmpuint (f->errors->len, ==, 3);
  expected = g_strdup_printf ("nobody@example.com %d", CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
  g_assert_cmpstr (g_ptr_array_index (f->errors, 0), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("- %d", CONFAB_XMPP_STANZA_ERROR_NOT_ALLOWED);
  g_assert_cmpstr (g_ptr_array_index (f->errors, 1), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("x@example.com %d", CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpstr (g_ptr_array_index (f->errors, 2), ==, expected);
}

static void
test_closed (Fixture       *f,
             gconstpointer  data)
{
  receive (f, "<presence from='bob@example.com/a'/>");
  receive (f, "<presence from='bob@example.com/b'/>");
  receive (f, "<presence from='carol@example.com/c'/>");
  g_assert_cmpuint (f->changes->len, ==, 3);

  g_signal_emit_by_name (f->stream, "closed", NULL);
  g_assert_cmpuint (f->changes->len, ==, 6);
  for (guint i = 3; i < 6; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (f->changes, i);

      g_assert_false (confab_xmpp_presence_info_get_available (info));
      g_assert_null (confab_xmpp_presence_info_get_node (info));
    }
  assert_resources (f, "bob@example.com", "");
  assert_resources (f, "carol@example.com", "");

  /* Closing again with nothing known says nothing. */
  g_signal_emit_by_name (f->stream, "closed", NULL);
  g_assert_cmpuint (f->changes->len, ==, 6);

  /* A resumed session keeps the table; a new one starts empty. */
  receive (f, "<presence from='bob@example.com/a'/>");
  g_signal_emit_by_name (f->stream, "session-started", TRUE);
  assert_resources (f, "bob@example.com", "a:0");
  g_signal_emit_by_name (f->stream, "session-started", FALSE);
  assert_resources (f, "bob@example.com", "");
}

static void
test_detach (Fixture       *f,
             gconstpointer  data)
{
  receive (f, "<presence from='bob@example.com/a'/>");
  g_clear_object (&f->stream);   /* detaches the module */
  g_assert_cmpuint (f->changes->len, ==, 2);
  assert_resources (f, "bob@example.com", "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/presence/parse-type", test_parse_type);
  g_test_add_func ("/xmpp/presence/info-parse", test_info_parse);
  g_test_add_func ("/xmpp/presence/status-bound", test_status_bound);
  g_test_add_func ("/xmpp/presence/show-strings", test_show_strings);
  g_test_add_func ("/xmpp/presence/nick", test_nick);
  g_test_add_func ("/xmpp/presence/new-stanza", test_new_stanza);
  g_test_add ("/xmpp/presence/table/best", Fixture, NULL, fixture_set_up, test_table_best, fixture_tear_down);
  g_test_add ("/xmpp/presence/table/drops", Fixture, NULL, fixture_set_up, test_table_drops, fixture_tear_down);
  g_test_add ("/xmpp/presence/table/bounded", Fixture, NULL, fixture_set_up, test_table_bounded, fixture_tear_down);
  g_test_add ("/xmpp/presence/subscriptions", Fixture, NULL, fixture_set_up, test_subscriptions, fixture_tear_down);
  g_test_add ("/xmpp/presence/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/xmpp/presence/closed", Fixture, NULL, fixture_set_up, test_closed, fixture_tear_down);
  g_test_add ("/xmpp/presence/detach", Fixture, NULL, fixture_set_up, test_detach, fixture_tear_down);

  return g_test_run ();
}
