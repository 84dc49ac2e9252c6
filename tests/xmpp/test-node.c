/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-node.h"

#include <string.h>

static void
test_new (void)
{
  g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  g_autoptr(ConfabXmppNode) bare = confab_xmpp_node_new ("x", NULL);

  g_assert_cmpstr (confab_xmpp_node_get_name (node), ==, "message");
  g_assert_cmpstr (confab_xmpp_node_get_ns (node), ==, CONFAB_XMPP_NS_CLIENT);
  g_assert_true (confab_xmpp_node_is (node, "message", CONFAB_XMPP_NS_CLIENT));
  g_assert_false (confab_xmpp_node_is (node, "message", NULL));
  g_assert_false (confab_xmpp_node_is (node, "presence", CONFAB_XMPP_NS_CLIENT));
  g_assert_false (confab_xmpp_node_is (node, "message", "jabber:server"));
  g_assert_true (confab_xmpp_node_is (bare, "x", NULL));
  g_assert_null (confab_xmpp_node_get_ns (bare));
  g_assert_cmpstr (confab_xmpp_node_get_text (node), ==, "");
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 0);
  g_assert_null (confab_xmpp_node_get_parent (node));
  g_assert_null (confab_xmpp_node_get_first_child (node));
}

static void
test_boxed (void)
{
  g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("iq", CONFAB_XMPP_NS_CLIENT);
  ConfabXmppNode *copy;

  g_assert_true (G_TYPE_IS_BOXED (CONFAB_TYPE_XMPP_NODE));
  copy = g_boxed_copy (CONFAB_TYPE_XMPP_NODE, node);
  g_assert_true (copy == node);
  g_boxed_free (CONFAB_TYPE_XMPP_NODE, copy);
}

static void
test_attributes (void)
{
  g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  const char *name, *ns, *value;

  confab_xmpp_node_set_attr (node, "to", "juliet@example.com");
  confab_xmpp_node_set_attr (node, "type", "chat");
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 2);
  g_assert_cmpstr (confab_xmpp_node_get_attr (node, "to"), ==, "juliet@example.com");

  /* Replace keeps the count and the position. */
  confab_xmpp_node_set_attr (node, "to", "romeo@example.net");
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 2);
  g_assert_cmpstr (confab_xmpp_node_get_attr (node, "to"), ==, "romeo@example.net");
  g_assert_true (confab_xmpp_node_get_nth_attr (node, 0, &name, &ns, &value));
  g_assert_cmpstr (name, ==, "to");
  g_assert_null (ns);
  g_assert_cmpstr (value, ==, "romeo@example.net");

  /* Namespaced and xml:lang. */
  confab_xmpp_node_set_attr_ns (node, "lang", CONFAB_XMPP_NS_XML, "en");
  confab_xmpp_node_set_attr_ns (node, "type", "urn:example", "other");
  g_assert_cmpstr (confab_xmpp_node_get_attr (node, "xml:lang"), ==, "en");
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (node, "lang", CONFAB_XMPP_NS_XML), ==, "en");
  g_assert_cmpstr (confab_xmpp_node_get_attr (node, "type"), ==, "chat");
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (node, "type", "urn:example"), ==, "other");
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 4);

  /* NULL removes. */
  confab_xmpp_node_set_attr (node, "type", NULL);
  g_assert_null (confab_xmpp_node_get_attr (node, "type"));
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (node, "type", "urn:example"), ==, "other");
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 3);
  confab_xmpp_node_set_attr (node, "absent", NULL);
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 3);
  g_assert_false (confab_xmpp_node_get_nth_attr (node, 3, NULL, NULL, NULL));

  /* Many attributes grow the storage. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", i);
      g_autofree char *val = g_strdup_printf ("v%u", i);

      confab_xmpp_node_set_attr (node, key, val);
    }
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (node), ==, 103);
  g_assert_cmpstr (confab_xmpp_node_get_attr (node, "k99"), ==, "v99");
  g_assert_cmpstr (confab_xmpp_node_get_attr (node, "to"), ==, "romeo@example.net");
}

static void
test_children (void)
{
  g_autoptr(ConfabXmppNode) message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  ConfabXmppNode *body, *active, *x, *second_body;

  body = confab_xmpp_node_add_child (message, "body", NULL);
  active = confab_xmpp_node_add_child (message, "active", "http://jabber.org/protocol/chatstates");
  x = confab_xmpp_node_append (message, confab_xmpp_node_new ("body", "urn:example:x"));
  second_body = confab_xmpp_node_add_child (message, "body", NULL);

  g_assert_cmpstr (confab_xmpp_node_get_ns (body), ==, CONFAB_XMPP_NS_CLIENT);
  g_assert_true (confab_xmpp_node_get_parent (body) == message);
  g_assert_true (confab_xmpp_node_get_first_child (message) == body);
  g_assert_true (confab_xmpp_node_get_next_sibling (body) == active);
  g_assert_true (confab_xmpp_node_get_next_sibling (active) == x);
  g_assert_true (confab_xmpp_node_get_next_sibling (x) == second_body);
  g_assert_null (confab_xmpp_node_get_next_sibling (second_body));

  /* Lookup by name and namespace; NULL namespace takes the first. */
  g_assert_true (confab_xmpp_node_get_child (message, "body", CONFAB_XMPP_NS_CLIENT) == body);
  g_assert_true (confab_xmpp_node_get_child (message, "body", "urn:example:x") == x);
  g_assert_true (confab_xmpp_node_get_child (message, "body", NULL) == body);
  g_assert_null (confab_xmpp_node_get_child (message, "body", "urn:none"));
  g_assert_null (confab_xmpp_node_get_child (message, "subject", NULL));

  confab_xmpp_node_set_text (body, "hi");
  g_assert_cmpstr (confab_xmpp_node_get_child_text (message, "body", NULL), ==, "hi");
  g_assert_cmpstr (confab_xmpp_node_get_child_text (message, "active", NULL), ==, "");
  g_assert_null (confab_xmpp_node_get_child_text (message, "subject", NULL));
}

/* A child kept by someone outlives its parent and forgets it. */
static void
test_child_outlives_parent (void)
{
  ConfabXmppNode *parent = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  g_autoptr(ConfabXmppNode) child = confab_xmpp_node_ref (confab_xmpp_node_add_child (parent, "body", NULL));

  confab_xmpp_node_set_text (child, "still here");
  confab_xmpp_node_unref (parent);
  g_assert_null (confab_xmpp_node_get_parent (child));
  g_assert_null (confab_xmpp_node_get_next_sibling (child));
  g_assert_cmpstr (confab_xmpp_node_get_text (child), ==, "still here");
}

static void
test_text (void)
{
  g_autoptr(ConfabXmppNode) node = confab_xmpp_node_new ("body", CONFAB_XMPP_NS_CLIENT);
  g_autoptr(GString) expected = g_string_new (NULL);

  confab_xmpp_node_append_text (node, "abc", 2);
  confab_xmpp_node_append_text (node, "", 0);
  confab_xmpp_node_append_text (node, "cd", -1);
  g_assert_cmpstr (confab_xmpp_node_get_text (node), ==, "abcd");

  confab_xmpp_node_set_text (node, "fresh");
  g_assert_cmpstr (confab_xmpp_node_get_text (node), ==, "fresh");
  confab_xmpp_node_set_text (node, NULL);
  g_assert_cmpstr (confab_xmpp_node_get_text (node), ==, "");

  for (guint i = 0; i < 100000; i++)
    {
      confab_xmpp_node_append_text (node, "xy", 1);
      g_string_append_c (expected, 'x');
    }
  g_assert_cmpstr (confab_xmpp_node_get_text (node), ==, expected->str);
}

static void
test_equal (void)
{
  g_autoptr(ConfabXmppNode) a = confab_xmpp_node_new ("iq", CONFAB_XMPP_NS_CLIENT);
  g_autoptr(ConfabXmppNode) b = confab_xmpp_node_new ("iq", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (a, "type", "get");
  confab_xmpp_node_set_attr (a, "id", "1");
  confab_xmpp_node_set_attr (b, "id", "1");
  confab_xmpp_node_set_attr (b, "type", "get");
  confab_xmpp_node_add_child (a, "ping", "urn:xmpp:ping");
  confab_xmpp_node_add_child (b, "ping", "urn:xmpp:ping");
  g_assert_true (confab_xmpp_node_equal (a, b));

  confab_xmpp_node_set_text (confab_xmpp_node_get_first_child (b), "x");
  g_assert_false (confab_xmpp_node_equal (a, b));
  confab_xmpp_node_set_text (confab_xmpp_node_get_first_child (b), NULL);
  g_assert_true (confab_xmpp_node_equal (a, b));
  confab_xmpp_node_add_child (b, "extra", NULL);
  g_assert_false (confab_xmpp_node_equal (a, b));
}

/* Serialization, as a table */

typedef struct {
  const char *name;
  ConfabXmppNode *(*build) (void);
  const char *context_ns;
  const char *expected;
} SerializeCase;

static ConfabXmppNode *
build_message (void)
{
  ConfabXmppNode *message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  ConfabXmppNode *x;

  confab_xmpp_node_set_attr (message, "to", "romeo@example.net");
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (message, "body", NULL), "hi");
  x = confab_xmpp_node_add_child (message, "x", "jabber:x:data");
  confab_xmpp_node_add_child (x, "field", NULL);
  confab_xmpp_node_add_child (message, "plain", "");
  return message;
}

static ConfabXmppNode *
build_no_namespace_child (void)
{
  ConfabXmppNode *node = confab_xmpp_node_new ("a", "urn:a");

  confab_xmpp_node_append (node, confab_xmpp_node_new ("b", NULL));
  return node;
}

static ConfabXmppNode *
build_escapes (void)
{
  ConfabXmppNode *node = confab_xmpp_node_new ("body", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (node, "a", "&<>\"'\t\n\r ]]>");
  confab_xmpp_node_set_text (node, "&<>\"'\t\n\r ]]>");
  return node;
}

static ConfabXmppNode *
build_unrepresentable (void)
{
  ConfabXmppNode *node = confab_xmpp_node_new ("body", CONFAB_XMPP_NS_CLIENT);

  /* A C0 control, invalid UTF-8 and U+FFFF cannot appear in XML 1.0. */
  confab_xmpp_node_set_attr (node, "a", "x\x01y");
  confab_xmpp_node_set_text (node, "\xC3(\xEF\xBF\xBF\xC3\xA9");
  return node;
}

static ConfabXmppNode *
build_namespaced_attributes (void)
{
  ConfabXmppNode *node = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr_ns (node, "lang", CONFAB_XMPP_NS_XML, "en");
  confab_xmpp_node_set_attr_ns (node, "a", "urn:one", "1");
  confab_xmpp_node_set_attr (node, "b", "2");
  confab_xmpp_node_set_attr_ns (node, "c", "urn:one", "3");
  confab_xmpp_node_set_attr_ns (node, "d", "urn:two", "4");
  return node;
}

static const SerializeCase serialize_cases[] = {
  { "message-in-client-stream", build_message, CONFAB_XMPP_NS_CLIENT,
    "<message to='romeo@example.net'><body>hi</body><x xmlns='jabber:x:data'><field/></x>"
    "<plain xmlns=''/></message>" },
  { "message-without-context", build_message, NULL,
    "<message xmlns='jabber:client' to='romeo@example.net'><body>hi</body>"
    "<x xmlns='jabber:x:data'><field/></x><plain xmlns=''/></message>" },
  { "message-in-other-context", build_message, "jabber:server",
    "<message xmlns='jabber:client' to='romeo@example.net'><body>hi</body>"
    "<x xmlns='jabber:x:data'><field/></x><plain xmlns=''/></message>" },
  { "undeclare-default", build_no_namespace_child, NULL, "<a xmlns='urn:a'><b xmlns=''/></a>" },
  { "escapes", build_escapes, CONFAB_XMPP_NS_CLIENT,
    "<body a='&amp;&lt;&gt;&quot;&apos;&#9;&#10;&#13; ]]&gt;'>&amp;&lt;&gt;\"'\t\n&#13; ]]&gt;</body>" },
  { "unrepresentable", build_unrepresentable, CONFAB_XMPP_NS_CLIENT,
    "<body a='x\xEF\xBF\xBDy'>\xEF\xBF\xBD(\xEF\xBF\xBD\xC3\xA9</body>" },
  { "namespaced-attributes", build_namespaced_attributes, CONFAB_XMPP_NS_CLIENT,
    "<message xml:lang='en' xmlns:ns1='urn:one' ns1:a='1' b='2' ns1:c='3' xmlns:ns4='urn:two' ns4:d='4'/>" },
};

static void
test_serialize_case (gconstpointer data)
{
  const SerializeCase *tc = data;
  g_autoptr(ConfabXmppNode) node = tc->build ();
  g_autofree char *text = confab_xmpp_node_to_string (node, tc->context_ns);
  g_autoptr(GString) out = g_string_new ("prefix:");

  g_assert_cmpstr (text, ==, tc->expected);

  /* serialize() appends. */
  confab_xmpp_node_serialize (node, tc->context_ns, out);
  g_assert_true (g_str_has_prefix (out->str, "prefix:"));
  g_assert_cmpstr (out->str + strlen ("prefix:"), ==, tc->expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/node/new", test_new);
  g_test_add_func ("/xmpp/node/boxed", test_boxed);
  g_test_add_func ("/xmpp/node/attributes", test_attributes);
  g_test_add_func ("/xmpp/node/children", test_children);
  g_test_add_func ("/xmpp/node/child-outlives-parent", test_child_outlives_parent);
  g_test_add_func ("/xmpp/node/text", test_text);
  g_test_add_func ("/xmpp/node/equal", test_equal);
  for (gsize i = 0; i < G_N_ELEMENTS (serialize_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/node/serialize/%s", serialize_cases[i].name);

      g_test_add_data_func (path, &serialize_cases[i], test_serialize_case);
    }

  return g_test_run ();
}
