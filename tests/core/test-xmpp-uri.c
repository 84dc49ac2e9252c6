/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-xmpp-uri.c: RFC 5122 / XEP-0147 parsing, good and hostile links. */

#include <string.h>

#include "confab-core-error.h"
#include "confab-xmpp-uri.h"

typedef struct {
  const char          *uri;
  ConfabXmppUriAction  action;
  const char          *jid;
  const char          *bare_jid;
  const char          *account;
  const char          *key;    /* a parameter to check, or NULL */
  const char          *value;
} GoodCase;

static const GoodCase good_cases[] = {
  /* RFC 5122 §2.6 examples */
  { "xmpp:node@example.com", CONFAB_XMPP_URI_ACTION_NONE, "node@example.com", "node@example.com", NULL, NULL, NULL },
  { "xmpp://guest@example.com/support@example.com?message", CONFAB_XMPP_URI_ACTION_MESSAGE,
    "support@example.com", "support@example.com", "guest@example.com", NULL, NULL },
  { "xmpp:romeo@montague.net/orchard", CONFAB_XMPP_URI_ACTION_NONE, "romeo@montague.net/orchard", "romeo@montague.net", NULL, NULL, NULL },
  { "xmpp:example.com", CONFAB_XMPP_URI_ACTION_NONE, "example.com", "example.com", NULL, NULL, NULL },
  /* RFC 5122 §2.7.3: percent-encoded parts */
  { "xmpp:nasty!%23$%25()*+,-.;=%3F%5B%5C%5D%5E_%60%7B%7C%7D~node@example.com",
    CONFAB_XMPP_URI_ACTION_NONE, NULL, NULL, NULL, NULL, NULL },
  { "xmpp:node@example.com/repulsive%20!%23%22$%25&'()*+,-.%2F:;%3C=%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~resource",
    CONFAB_XMPP_URI_ACTION_NONE, NULL, "node@example.com", NULL, NULL, NULL },
  /* IRI: non-ASCII characters as they are, or percent-encoded UTF-8 */
  { "xmpp:ji%C5%99i@%C4%8Dechy.example", CONFAB_XMPP_URI_ACTION_NONE, "jiři@čechy.example", "jiři@čechy.example", NULL, NULL, NULL },
  { "xmpp:jiři@čechy.example", CONFAB_XMPP_URI_ACTION_NONE, "jiři@čechy.example", "jiři@čechy.example", NULL, NULL, NULL },
  /* The scheme is case-insensitive, the domain is normalized */
  { "XMPP:Bob@Example.COM", CONFAB_XMPP_URI_ACTION_NONE, "bob@example.com", "bob@example.com", NULL, NULL, NULL },
  /* XEP-0147 actions */
  { "xmpp:romeo@montague.net?message;subject=Test%20Message;body=Here%27s%20a%20test%20message",
    CONFAB_XMPP_URI_ACTION_MESSAGE, "romeo@montague.net", "romeo@montague.net", NULL, "body", "Here's a test message" },
  { "xmpp:romeo@montague.net?message;subject=Test%20Message;body=x", CONFAB_XMPP_URI_ACTION_MESSAGE,
    NULL, NULL, NULL, "subject", "Test Message" },
  { "xmpp:romeo@montague.net?message;body=line%0Aline", CONFAB_XMPP_URI_ACTION_MESSAGE,
    NULL, NULL, NULL, "body", "line\nline" },
  { "xmpp:romeo@montague.net?message;body=", CONFAB_XMPP_URI_ACTION_MESSAGE, NULL, NULL, NULL, "body", "" },
  { "xmpp:romeo@montague.net?roster", CONFAB_XMPP_URI_ACTION_ROSTER, "romeo@montague.net", NULL, NULL, NULL, NULL },
  { "xmpp:romeo@montague.net?roster;name=Romeo%20Montague;group=Friends", CONFAB_XMPP_URI_ACTION_ROSTER,
    NULL, NULL, NULL, "name", "Romeo Montague" },
  { "xmpp:romeo@montague.net?roster;name=Romeo%20Montague;group=Friends", CONFAB_XMPP_URI_ACTION_ROSTER,
    NULL, NULL, NULL, "group", "Friends" },
  { "xmpp:romeo@montague.net?subscribe", CONFAB_XMPP_URI_ACTION_SUBSCRIBE, "romeo@montague.net", NULL, NULL, NULL, NULL },
  { "xmpp:darkcave@chat.shakespeare.lit?join", CONFAB_XMPP_URI_ACTION_JOIN, "darkcave@chat.shakespeare.lit", NULL, NULL, NULL, NULL },
  { "xmpp:darkcave@chat.shakespeare.lit?join;password=cauldronburn", CONFAB_XMPP_URI_ACTION_JOIN,
    NULL, NULL, NULL, "password", "cauldronburn" },
  /* Unknown query types and keys are ignored (RFC 5122 §2.5) */
  { "xmpp:pubsub.example.com?pubsub;action=subscribe;node=princely_musings", CONFAB_XMPP_URI_ACTION_NONE,
    "pubsub.example.com", NULL, NULL, "node", "princely_musings" },
  { "xmpp:romeo@montague.net?message;thread=abc;x-unknown=1", CONFAB_XMPP_URI_ACTION_MESSAGE,
    NULL, NULL, NULL, "x-unknown", "1" },
  /* A fragment is allowed and ignored */
  { "xmpp:romeo@montague.net?subscribe#frag/ment?x", CONFAB_XMPP_URI_ACTION_SUBSCRIBE, NULL, NULL, NULL, NULL, NULL },
  /* Query type names are case-sensitive: "MESSAGE" is unknown */
  { "xmpp:romeo@montague.net?MESSAGE;body=x", CONFAB_XMPP_URI_ACTION_NONE, NULL, NULL, NULL, "body", "x" },
  /* Multi-byte body */
  { "xmpp:a@b.example?message;body=%E2%9C%93%20ok", CONFAB_XMPP_URI_ACTION_MESSAGE, NULL, NULL, NULL, "body", "✓ ok" },
};

static const char *bad_cases[] = {
  "",
  "xmpp:",
  "xmpp",
  "http://example.com/",
  "mailto:bob@example.com",
  "xmpp:@example.com",                          /* empty localpart */
  "xmpp:bob@",                                  /* no domain */
  "xmpp:bob@example.com/",                      /* empty resource */
  "xmpp:bob@@example.com",                      /* '@' in the domain */
  "xmpp:bob smith@example.com",                 /* space */
  "xmpp:bob@exa mple.com",
  "xmpp:bob\"@example.com",
  "xmpp:bob<script>@example.com",
  "xmpp:bob@example.com%",                      /* truncated escape */
  "xmpp:bob@example.com%4",
  "xmpp:bob@example.com%zz",
  "xmpp:bob%00@example.com",                    /* NUL */
  "xmpp:bob%0A@example.com",                    /* control character */
  "xmpp:bob%FF@example.com",                    /* invalid UTF-8 */
  "xmpp:bob%C3@example.com",                    /* truncated UTF-8 */
  "xmpp:bob@example.com?",                      /* empty query */
  "xmpp:bob@example.com?;body=x",               /* no query type */
  "xmpp:bob@example.com?message;body",          /* no '=' */
  "xmpp:bob@example.com?message;=x",            /* no key */
  "xmpp:bob@example.com?message;body=a;body=b", /* repeated key */
  "xmpp:bob@example.com?message;body=a b",      /* space in a value */
  "xmpp:bob@example.com?message;body=a&b",      /* '&' is not allowed in a value */
  "xmpp:bob@example.com?message;body=%00",      /* NUL in a value */
  "xmpp:bob@example.com?message;body=%1B[31m",  /* escape character */
  "xmpp:bob@example.com?message;body=%ZZ",
  "xmpp:bob@example.com?message;;",             /* empty pair */
  "xmpp:bob@example.com#frag ment",             /* space in the fragment */
  "xmpp://guest@example.com",                   /* authority without a target */
  "xmpp://example.com/bob@example.com",         /* authority without a localpart */
  "xmpp://guest@example.com/res/bob@example.com", /* raw "@" in a resource */
  "xmpp://guest@example.com/",                  /* authority, empty target */
  "xmpp:bob@-invalid-.example",                 /* bad domain label */
  "xmpp:bob@example.com/\xe2\x80",              /* raw invalid UTF-8 */
};

static void
test_good (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      const GoodCase *c = &good_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabXmppUri) uri = confab_xmpp_uri_parse (c->uri, &error);
      g_autoptr(ConfabXmppUri) copy = NULL;

      g_test_message ("%s", c->uri);
      g_assert_no_error (error);
      g_assert_nonnull (uri);
      g_assert_cmpint (confab_xmpp_uri_get_action (uri), ==, c->action);
      if (c->jid != NULL)
        g_assert_cmpstr (confab_xmpp_uri_get_jid (uri), ==, c->jid);
      if (c->bare_jid != NULL)
        g_assert_cmpstr (confab_xmpp_uri_get_bare_jid (uri), ==, c->bare_jid);
      g_assert_cmpstr (confab_xmpp_uri_get_account (uri), ==, c->account);
      if (c->key != NULL)
        g_assert_cmpstr (confab_xmpp_uri_get_param (uri, c->key), ==, c->value);

      copy = confab_xmpp_uri_copy (uri);
      g_assert_cmpstr (confab_xmpp_uri_get_jid (copy), ==, confab_xmpp_uri_get_jid (uri));
      g_assert_cmpint (confab_xmpp_uri_get_action (copy), ==, confab_xmpp_uri_get_action (uri));
      if (c->key != NULL)
        g_assert_cmpstr (confab_xmpp_uri_get_param (copy, c->key), ==, c->value);
    }
}

static void
test_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabXmppUri) uri = confab_xmpp_uri_parse (bad_cases[i], &error);
      g_autofree char *escaped = g_strescape (bad_cases[i], NULL);

      /* Escaped: TAP output must stay valid UTF-8. */
      g_test_message ("%s", escaped);
      g_assert_null (uri);
      g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
      g_assert_nonnull (error->message);
      g_assert_cmpuint (strlen (error->message), >, 0);
    }
}

static void
test_percent_decoding (void)
{
  g_autoptr(ConfabXmppUri) uri = NULL;

  /* The decoded localpart keeps characters that would be delimiters raw. */
  uri = confab_xmpp_uri_parse ("xmpp:a%3Fb%23c@example.com?message;body=%3B%3D%3F%23", NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (confab_xmpp_uri_get_bare_jid (uri), ==, "a?b#c@example.com");
  g_assert_cmpstr (confab_xmpp_uri_get_param (uri, "body"), ==, ";=?#");
  /* Lower-case hex digits are fine. */
  g_clear_pointer (&uri, confab_xmpp_uri_free);
  uri = confab_xmpp_uri_parse ("xmpp:bob@example.com?message;body=%c3%a9", NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (confab_xmpp_uri_get_param (uri, "body"), ==, "é");
  /* Absent keys. */
  g_assert_null (confab_xmpp_uri_get_param (uri, "subject"));
  g_assert_cmpstr (confab_xmpp_uri_get_query_type (uri), ==, "message");
}

static void
test_embedded_nul (void)
{
  static const char text[] = "xmpp:bob@example.com\0?message;body=x";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppUri) uri = confab_xmpp_uri_parse_len (text, sizeof text - 1, &error);

  g_assert_null (uri);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
}

static void
test_too_long (void)
{
  g_autoptr(GString) text = g_string_new ("xmpp:bob@example.com?message;body=");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppUri) uri = NULL;

  while (text->len <= CONFAB_XMPP_URI_MAX_LENGTH)
    g_string_append (text, "%41");
  uri = confab_xmpp_uri_parse (text->str, &error);
  g_assert_null (uri);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
}

static void
test_many_pairs (void)
{
  g_autoptr(GString) text = g_string_new ("xmpp:bob@example.com?message");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppUri) uri = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (text, ";k%u=v", i);
  uri = confab_xmpp_uri_parse (text->str, &error);
  g_assert_null (uri);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
}

static void
test_bidi_and_long_jid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppUri) uri = NULL;
  g_autoptr(GString) text = g_string_new ("xmpp:");

  /* A localpart over 1023 bytes is not a JID (RFC 7622 §3.3.1). */
  for (guint i = 0; i < 1100; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, "@example.com");
  uri = confab_xmpp_uri_parse (text->str, &error);
  g_assert_null (uri);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/xmpp-uri/good", test_good);
  g_test_add_func ("/core/xmpp-uri/bad", test_bad);
  g_test_add_func ("/core/xmpp-uri/percent-decoding", test_percent_decoding);
  g_test_add_func ("/core/xmpp-uri/embedded-nul", test_embedded_nul);
  g_test_add_func ("/core/xmpp-uri/too-long", test_too_long);
  g_test_add_func ("/core/xmpp-uri/many-pairs", test_many_pairs);
  g_test_add_func ("/core/xmpp-uri/long-jid", test_bidi_and_long_jid);

  return g_test_run ();
}
