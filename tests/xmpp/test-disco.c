/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0030 service discovery: strict parsing of results from others, and
 * the answers we give. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "confab-xmpp-parser.h"
#include "xep-0030-disco.h"
#include "xep-0115-caps.h"

#define INFO_START "<query xmlns='http://jabber.org/protocol/disco#info'>"
#define ITEMS_START "<query xmlns='http://jabber.org/protocol/disco#items'>"
#define END "</query>"

static void
keep_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  g_assert_null (*out);
  *out = confab_xmpp_node_ref (stanza);
}

static ConfabXmppNode *
parse_xml (const char *xml)
{
  static const char header[] = "<stream:stream xmlns='jabber:client'"
                               " xmlns:stream='http://etherx.jabber.org/streams'>";
  ConfabXmppParserCallbacks callbacks = { .stanza = keep_stanza_cb };
  ConfabXmppNode *node = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &node);
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_xmpp_parser_feed (parser, header, strlen (header), &error));
  g_assert_true (confab_xmpp_parser_feed (parser, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* n copies of printf(@format, i). */
static char *
repeat (const char *format,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, format, i);
  return g_string_free (s, FALSE);
}

/* ---- disco#info parsing ------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *xml;      /* NULL: built by the test */
  gboolean    valid;
  guint       n_identities;
  guint       n_features;
  guint       n_forms;
  gboolean    foreign;
} InfoCase;

static const InfoCase info_cases[] = {
  { "empty", INFO_START END, TRUE, 0, 0, 0, FALSE },
  { "prosody-like",
    INFO_START "<identity category='server' type='im' name='Prosody'/>"
    "<feature var='urn:xmpp:ping'/><feature var='jabber:iq:version'/>"
    "<feature var='http://jabber.org/protocol/disco#info'/>" END,
    TRUE, 1, 3, 0, FALSE },
  { "identity-lang-and-no-name",
    INFO_START "<identity category='client' type='pc' xml:lang='en'/>"
    "<identity category='client' type='pc' xml:lang='de'/>" END,
    TRUE, 2, 0, 0, FALSE },
  { "duplicate-feature",
    INFO_START "<feature var='urn:xmpp:ping'/><feature var='urn:xmpp:ping'/>" END, FALSE },
  { "duplicate-identity",
    INFO_START "<identity category='client' type='pc' name='A'/>"
    "<identity category='client' type='pc' name='A'/>" END, FALSE },
  { "missing-category", INFO_START "<identity type='pc'/>" END, FALSE },
  { "empty-category", INFO_START "<identity category='' type='pc'/>" END, FALSE },
  { "missing-type", INFO_START "<identity category='client'/>" END, FALSE },
  { "feature-without-var", INFO_START "<feature/>" END, FALSE },
  { "feature-empty-var", INFO_START "<feature var=''/>" END, FALSE },
  { "not-a-query", "<query xmlns='jabber:iq:version'/>", FALSE },
  { "wrong-name", "<info xmlns='http://jabber.org/protocol/disco#info'/>", FALSE },
  { "foreign-child", INFO_START "<feature var='a'/><foo xmlns='urn:example'/>" END,
    TRUE, 0, 1, 0, TRUE },
  { "identity-in-other-namespace",
    INFO_START "<identity xmlns='urn:example' category='client' type='pc'/>" END,
    TRUE, 0, 0, 0, TRUE },
  { "form",
    INFO_START "<x xmlns='jabber:x:data' type='result'>"
    "<field var='FORM_TYPE' type='hidden'><value>urn:x</value></field>"
    "<field var='a'><value>1</value><value>2</value></field></x>" END,
    TRUE, 0, 0, 1, FALSE },
};

static void
test_info_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (info_cases); i++)
    {
      const InfoCase *tc = &info_cases[i];
      g_autoptr(ConfabXmppNode) query = parse_xml (tc->xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, &error);

      g_test_message ("case %s", tc->name);
      if (!tc->valid)
        {
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
          g_assert_null (info);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (info);
      g_assert_cmpuint (confab_disco_info_get_n_identities (info), ==, tc->n_identities);
      g_assert_cmpuint (g_strv_length ((char **) confab_disco_info_get_features (info)), ==, tc->n_features);
      g_assert_cmpuint (confab_disco_info_get_n_forms (info), ==, tc->n_forms);
      g_assert_cmpint (confab_disco_info_has_foreign_content (info), ==, tc->foreign);
    }
}

static void
test_info_accessors (void)
{
  g_autoptr(ConfabXmppNode) query =
    parse_xml ("<query xmlns='http://jabber.org/protocol/disco#info' node='n1'>"
               "<identity category='client' type='pc' xml:lang='en' name='Psi'/>"
               "<feature var='urn:xmpp:ping'/>"
               "<x xmlns='jabber:x:data' type='result'>"
               "<field var='FORM_TYPE' type='hidden'><value>urn:x</value></field>"
               "<field var='a'><value>1</value><value>2</value></field></x>" END);
  g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, NULL);
  g_autoptr(ConfabXmppNode) back = NULL;
  g_autoptr(ConfabDiscoInfo) again = NULL;
  const char *category, *type, *lang, *name, *var;
  const char * const *values;

  g_assert_nonnull (info);
  g_assert_cmpstr (confab_disco_info_get_node (info), ==, "n1");
  confab_disco_info_get_identity (info, 0, &category, &type, &lang, &name);
  g_assert_cmpstr (category, ==, "client");
  g_assert_cmpstr (type, ==, "pc");
  g_assert_cmpstr (lang, ==, "en");
  g_assert_cmpstr (name, ==, "Psi");
  g_assert_true (confab_disco_info_has_identity (info, "client", "pc"));
  g_assert_true (confab_disco_info_has_identity (info, "client", NULL));
  g_assert_false (confab_disco_info_has_identity (info, "server", NULL));
  g_assert_true (confab_disco_info_has_feature (info, "urn:xmpp:ping"));
  g_assert_false (confab_disco_info_has_feature (info, "urn:xmpp:time"));
  g_assert_cmpstr (confab_disco_info_get_form_type (info, 0), ==, "urn:x");
  g_assert_cmpuint (confab_disco_info_get_n_fields (info, 0), ==, 2);
  confab_disco_info_get_field (info, 0, 1, &var, NULL, &values);
  g_assert_cmpstr (var, ==, "a");
  g_assert_cmpuint (g_strv_length ((char **) values), ==, 2);

  /* Serializing and parsing again gives the same content and hashes. */
  back = confab_disco_info_to_node (info);
  again = confab_disco_info_parse (back, NULL);
  g_assert_nonnull (again);
  {
    g_autofree char *v1 = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, NULL);
    g_autofree char *v2 = confab_xep_caps_compute_ver (again, G_CHECKSUM_SHA1, NULL);
    g_autofree char *h1 = confab_xep_caps2_compute_hash (info, G_CHECKSUM_SHA256, NULL);
    g_autofree char *h2 = confab_xep_caps2_compute_hash (again, G_CHECKSUM_SHA256, NULL);

    g_assert_nonnull (v1);
    g_assert_cmpstr (v1, ==, v2);
    g_assert_nonnull (h1);
    g_assert_cmpstr (h1, ==, h2);
  }
}

/* Hostile counts: just within the bound parses, one more does not. */
static void
test_info_bounds (void)
{
  const struct {
    const char *name;
    const char *prefix;
    const char *format;
    const char *suffix;
    guint       limit;
  } cases[] = {
    { "features", INFO_START, "<feature var='urn:f:%u'/>", END, CONFAB_DISCO_MAX_FEATURES },
    { "identities", INFO_START, "<identity category='c' type='t%u'/>", END, CONFAB_DISCO_MAX_IDENTITIES },
    { "forms", INFO_START, "<x xmlns='jabber:x:data' type='result'>"
      "<field var='FORM_TYPE' type='hidden'><value>urn:x:%u</value></field></x>", END,
      CONFAB_DISCO_MAX_FORMS },
    { "fields", INFO_START "<x xmlns='jabber:x:data' type='result'>", "<field var='f%u'/>",
      "</x>" END, CONFAB_DISCO_MAX_FIELDS },
    { "values", INFO_START "<x xmlns='jabber:x:data' type='result'><field var='f'>",
      "<value>%u</value>", "</field></x>" END, CONFAB_DISCO_MAX_VALUES },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint extra = 0; extra <= 1; extra++)
      {
        g_autofree char *body = repeat (cases[i].format, cases[i].limit + extra);
        g_autofree char *xml = g_strconcat (cases[i].prefix, body, cases[i].suffix, NULL);
        g_autoptr(ConfabXmppNode) query = parse_xml (xml);
        g_autoptr(GError) error = NULL;
        g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, &error);

        g_test_message ("case %s + %u", cases[i].name, extra);
        if (extra == 0)
          {
            g_assert_no_error (error);
            g_assert_nonnull (info);
          }
        else
          {
            g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
            g_assert_null (info);
          }
      }

  /* One oversized string. */
  {
    g_autofree char *big = g_strnfill (CONFAB_DISCO_MAX_STRING + 1, 'a');
    g_autofree char *xml = g_strdup_printf (INFO_START "<feature var='%s'/>" END, big);
    g_autoptr(ConfabXmppNode) query = parse_xml (xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, &error);

    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
    g_assert_null (info);
  }
}

/* ---- disco#items parsing ------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *xml;
  gboolean    valid;
  guint       n_items;
} ItemsCase;

static const ItemsCase items_cases[] = {
  { "empty", ITEMS_START END, TRUE, 0 },
  { "components",
    ITEMS_START "<item jid='conference.example.org' name='Chatrooms'/>"
    "<item jid='example.org' node='n' />" END, TRUE, 2 },
  { "rsm-set-ignored",
    ITEMS_START "<item jid='a.example'/><set xmlns='http://jabber.org/protocol/rsm'><count>1</count></set>" END,
    TRUE, 1 },
  { "missing-jid", ITEMS_START "<item name='x'/>" END, FALSE },
  { "invalid-jid", ITEMS_START "<item jid='@@'/>" END, FALSE },
  { "empty-jid", ITEMS_START "<item jid=''/>" END, FALSE },
  { "wrong-namespace", INFO_START END, FALSE },
};

static void
test_items_parse (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (items_cases); i++)
    {
      const ItemsCase *tc = &items_cases[i];
      g_autoptr(ConfabXmppNode) query = parse_xml (tc->xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = confab_disco_items_parse (query, &error);

      g_test_message ("case %s", tc->name);
      if (!tc->valid)
        {
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
          g_assert_null (items);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, ==, tc->n_items);
    }

  {
    g_autoptr(ConfabXmppNode) query = parse_xml (items_cases[1].xml);
    g_autoptr(GPtrArray) items = confab_disco_items_parse (query, NULL);
    ConfabDiscoItem *item = g_ptr_array_index (items, 0);

    g_assert_cmpstr (confab_jid_to_string (confab_disco_item_get_jid (item)), ==, "conference.example.org");
    g_assert_cmpstr (confab_disco_item_get_name (item), ==, "Chatrooms");
    g_assert_null (confab_disco_item_get_node (item));
    item = g_ptr_array_index (items, 1);
    g_assert_cmpstr (confab_disco_item_get_node (item), ==, "n");
  }

  {
    g_autofree char *body = repeat ("<item jid='c%u.example'/>", CONFAB_DISCO_MAX_ITEMS + 1);
    g_autofree char *xml = g_strconcat (ITEMS_START, body, END, NULL);
    g_autoptr(ConfabXmppNode) query = parse_xml (xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) items = confab_disco_items_parse (query, &error);

    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
    g_assert_null (items);
  }
}

/* ---- Our answers -------------------------------------------------------------- */

typedef struct {
  ConfabXmppStream *stream;
  ConfabXepDisco   *disco;
  ConfabXepCaps    *caps;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  with_caps)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("juliet@capulet.example", NULL);

  f->stream = confab_xmpp_stream_new (jid);
  f->disco = confab_xep_disco_new ();
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->disco));
  if (GPOINTER_TO_INT (with_caps))
    {
      f->caps = confab_xep_caps_new ();
      confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->caps));
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->stream);
  g_clear_object (&f->caps);
  g_clear_object (&f->disco);
}

static ConfabXmppNode *
info_request (const char *node)
{
  ConfabXmppNode *iq = confab_xmpp_iq_new ("get", NULL, "disco1");
  ConfabXmppNode *query = confab_xmpp_node_add_child (iq, "query", CONFAB_XEP_DISCO_NS_INFO);

  confab_xmpp_node_set_attr (iq, "from", "romeo@montague.example/orchard");
  if (node != NULL)
    confab_xmpp_node_set_attr (query, "node", node);
  return iq;
}

static const char *
error_condition (ConfabXmppNode *reply)
{
  ConfabXmppNode *error = confab_xmpp_node_get_child (reply, "error", NULL);

  g_assert_nonnull (error);
  return confab_xmpp_node_get_name (confab_xmpp_node_get_first_child (error));
}

static void
test_own_answer (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) request = info_request (NULL);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(ConfabDiscoInfo) info = NULL;
  const char * const *features;
  const char *category, *type, *name;
  const char * const expected[] = {
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/disco#items",
    "urn:example:one",
    "urn:xmpp:ping",
    NULL
  };

  /* A given feature set: what modules registered, plus disco itself. */
  confab_xmpp_stream_add_disco_feature (f->stream, "urn:example:one");
  reply = confab_xep_disco_answer_info (f->disco, request);
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "result");
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "id"), ==, "disco1");
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "to"), ==, "romeo@montague.example/orchard");
  info = confab_disco_info_parse (confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_DISCO_NS_INFO), NULL);
  g_assert_nonnull (info);
  g_assert_null (confab_disco_info_get_node (info));
  g_assert_cmpuint (confab_disco_info_get_n_identities (info), ==, 1);
  confab_disco_info_get_identity (info, 0, &category, &type, NULL, &name);
  g_assert_cmpstr (category, ==, "client");
  g_assert_cmpstr (type, ==, "pc");
  g_assert_cmpstr (name, ==, "Confab");
  features = confab_disco_info_get_features (info);
  g_assert_cmpstrv (features, expected);
}

static void
test_node_answers (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *caps_node = g_strconcat ("https://confab.im#", confab_xep_caps_get_ver (f->caps), NULL);
  g_autofree char *caps2_node = g_strconcat ("urn:xmpp:caps#sha-256.", confab_xep_caps_get_hash (f->caps), NULL);
  const struct { const char *node; gboolean answered; } cases[] = {
    { caps_node, TRUE },
    { caps2_node, TRUE },
    { "https://confab.im#bogus", FALSE },
    { "urn:xmpp:caps#sha-256.bogus", FALSE },
    { "http://jabber.org/protocol/commands", FALSE },
    { "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) request = info_request (cases[i].node);
      g_autoptr(ConfabXmppNode) reply = confab_xep_disco_answer_info (f->disco, request);

      g_test_message ("node %s", cases[i].node);
      if (cases[i].answered)
        {
          ConfabXmppNode *query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_DISCO_NS_INFO);
          g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, NULL);
          g_autofree char *ver = NULL;

          g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "result");
          g_assert_nonnull (info);
          /* XEP-0115 §6.2: the node is echoed and the answer hashes to ver. */
          g_assert_cmpstr (confab_disco_info_get_node (info), ==, cases[i].node);
          ver = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, NULL);
          g_assert_cmpstr (ver, ==, confab_xep_caps_get_ver (f->caps));
        }
      else
        {
          g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "error");
          g_assert_cmpstr (error_condition (reply), ==, "item-not-found");
        }
    }
}

static void
test_node_without_caps (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) request = info_request ("https://confab.im#anything");
  g_autoptr(ConfabXmppNode) reply = confab_xep_disco_answer_info (f->disco, request);

  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "error");
  g_assert_cmpstr (error_condition (reply), ==, "item-not-found");
}

static void
test_set_rejected (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) request = info_request (NULL);
  g_autoptr(ConfabXmppNode) reply = NULL;

  confab_xmpp_node_set_attr (request, "type", "set");
  reply = confab_xep_disco_answer_info (f->disco, request);
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "error");
  g_assert_cmpstr (error_condition (reply), ==, "bad-request");
}

static void
test_detach_removes_features (void)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("juliet@capulet.example", NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (jid);
  g_autoptr(ConfabXepDisco) disco = confab_xep_disco_new ();
  const char * const *features;

  confab_xmpp_module_attach (CONFAB_XMPP_MODULE (disco), stream);
  features = confab_xmpp_stream_get_disco_features (stream);
  g_assert_true (g_strv_contains (features, CONFAB_XEP_DISCO_NS_INFO));
  g_assert_true (g_strv_contains (features, CONFAB_XEP_DISCO_NS_ITEMS));
  confab_xmpp_module_detach (CONFAB_XMPP_MODULE (disco), stream);
  features = confab_xmpp_stream_get_disco_features (stream);
  g_assert_false (g_strv_contains (features, CONFAB_XEP_DISCO_NS_INFO));
  g_assert_false (g_strv_contains (features, CONFAB_XEP_DISCO_NS_ITEMS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/disco/info/parse", test_info_parse);
  g_test_add_func ("/xmpp/disco/info/accessors", test_info_accessors);
  g_test_add_func ("/xmpp/disco/info/bounds", test_info_bounds);
  g_test_add_func ("/xmpp/disco/items/parse", test_items_parse);
  g_test_add ("/xmpp/disco/answer/own", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_own_answer, fixture_tear_down);
  g_test_add ("/xmpp/disco/answer/caps-nodes", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_node_answers, fixture_tear_down);
  g_test_add ("/xmpp/disco/answer/node-without-caps", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_node_without_caps, fixture_tear_down);
  g_test_add ("/xmpp/disco/answer/set-rejected", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_set_rejected, fixture_tear_down);
  g_test_add_func ("/xmpp/disco/detach-removes-features", test_detach_removes_features);

  return g_test_run ();
}
