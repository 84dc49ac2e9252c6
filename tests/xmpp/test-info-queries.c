/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The small information queries: XEP-0202 entity time, XEP-0092 software
 * version, XEP-0012 last activity, XEP-0352 client state indication. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "confab-xmpp-parser.h"
#include "xep-0012-last.h"
#include "xep-0092-version.h"
#include "xep-0202-time.h"
#include "xep-0352-csi.h"

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

static ConfabXmppNode *
request (const char *type,
         const char *child,
         const char *ns)
{
  ConfabXmppNode *iq = confab_xmpp_iq_new (type, NULL, "q1");

  confab_xmpp_node_set_attr (iq, "from", "romeo@montague.example/orchard");
  confab_xmpp_node_add_child (iq, child, ns);
  return iq;
}

static const char *
error_condition (ConfabXmppNode *reply)
{
  ConfabXmppNode *error = confab_xmpp_node_get_child (reply, "error", NULL);

  g_assert_nonnull (error);
  return confab_xmpp_node_get_name (confab_xmpp_node_get_first_child (error));
}

/* ---- XEP-0202 ------------------------------------------------------------------ */

static void
test_tzo_format (void)
{
  const struct { gint offset; const char *text; } cases[] = {
    { 0, "+00:00" },
    { 19800, "+05:30" },     /* India */
    { -21600, "-06:00" },    /* XEP-0202 §3 example */
    { -34200, "-09:30" },    /* Marquesas */
    { 50400, "+14:00" },     /* Kiribati */
    { 20700, "+05:45" },     /* Nepal */
    { 3629, "+01:00" },      /* seconds round to minutes */
    { 3631, "+01:01" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = confab_xep_time_format_tzo (cases[i].offset);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_tzo_parse (void)
{
  const struct { const char *text; gboolean valid; gint offset; } cases[] = {
    { "Z", TRUE, 0 },
    { "+00:00", TRUE, 0 },
    { "-00:00", TRUE, 0 },     /* RFC 3339 §4.3: unknown offset, UTC */
    { "+05:30", TRUE, 19800 },
    { "-06:00", TRUE, -21600 },
    { "+14:00", TRUE, 50400 },
    { "-23:59", TRUE, -86340 },
    { "+24:00", FALSE },
    { "+05:60", FALSE },
    { "05:30", FALSE },
    { "+5:30", FALSE },
    { "+0530", FALSE },
    { "+05:30 ", FALSE },
    { " +05:30", FALSE },
    { "+05-30", FALSE },
    { "z", FALSE },
    { "+0a:30", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint offset = 12345;

      g_test_message ("tzo '%s'", cases[i].text);
      g_assert_cmpint (confab_xep_time_parse_tzo (cases[i].text, &offset), ==, cases[i].valid);
      if (cases[i].valid)
        g_assert_cmpint (offset, ==, cases[i].offset);
    }
}

static void
test_utc_parse (void)
{
  const struct { const char *text; gboolean valid; gint64 unix_time; } cases[] = {
    { "2006-12-19T17:58:35Z", TRUE, 1166551115 },   /* XEP-0202 §3 example */
    { "2006-12-19T17:58:35.123Z", TRUE, 1166551115 },
    { "1970-01-01T00:00:00Z", TRUE, 0 },
    { "2006-12-19T17:58:35", FALSE },
    { "2006-12-19T17:58:35+01:00", FALSE },
    { "2006-12-19T17:58:35.Z", FALSE },
    { "2006-12-19T17:58:35.1a3Z", FALSE },
    { "2006-13-19T17:58:35Z", FALSE },
    { "2006-12-19 17:58:35Z", FALSE },
    { "2006-12-19T25:58:35Z", FALSE },
    { "06-12-19T17:58:35Z", FALSE },
    { "2006-12-19T17:58:35.00000000000000000000001Z", FALSE },  /* too long */
    { "", FALSE },
    { NULL, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) time = confab_xep_time_parse_utc (cases[i].text);

      g_test_message ("utc '%s'", cases[i].text);
      if (!cases[i].valid)
        {
          g_assert_null (time);
          continue;
        }
      g_assert_nonnull (time);
      g_assert_cmpint (g_date_time_to_unix (time), ==, cases[i].unix_time);
    }
}

static void
test_time_round_trip (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (19800);
  g_autoptr(GDateTime) now = g_date_time_new (zone, 2024, 3, 1, 10, 15, 30);
  g_autoptr(ConfabXmppNode) time = confab_xep_time_build (now);
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (confab_xmpp_node_get_child_text (time, "tzo", CONFAB_XEP_TIME_NS), ==, "+05:30");
  g_assert_cmpstr (confab_xmpp_node_get_child_text (time, "utc", CONFAB_XEP_TIME_NS), ==,
                   "2024-03-01T04:45:30Z");
  parsed = confab_xep_time_parse (time, &error);
  g_assert_no_error (error);
  g_assert_true (g_date_time_equal (parsed, now));
  g_assert_cmpint (g_date_time_get_utc_offset (parsed), ==, (gint64) 19800 * G_USEC_PER_SEC);
  g_assert_cmpint (g_date_time_get_hour (parsed), ==, 10);
}

static void
test_time_parse_invalid (void)
{
  const char *cases[] = {
    "<time xmlns='urn:xmpp:time'><utc>2006-12-19T17:58:35Z</utc></time>",
    "<time xmlns='urn:xmpp:time'><tzo>-06:00</tzo></time>",
    "<time xmlns='urn:xmpp:time'><tzo>-06:00</tzo><utc>yesterday</utc></time>",
    "<time xmlns='urn:xmpp:time'><tzo>6</tzo><utc>2006-12-19T17:58:35Z</utc></time>",
    "<time xmlns='jabber:iq:time'><tzo>-06:00</tzo><utc>2006-12-19T17:58:35Z</utc></time>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) time = parse_xml (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) parsed = confab_xep_time_parse (time, &error);

      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
      g_assert_null (parsed);
    }
}

static void
test_time_answer (void)
{
  g_autoptr(ConfabXepTime) module = confab_xep_time_new ();
  g_autoptr(ConfabXmppNode) get = request ("get", "time", CONFAB_XEP_TIME_NS);
  g_autoptr(ConfabXmppNode) set = request ("set", "time", CONFAB_XEP_TIME_NS);
  g_autoptr(ConfabXmppNode) reply = confab_xep_time_answer (module, get);
  g_autoptr(ConfabXmppNode) refused = confab_xep_time_answer (module, set);
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "result");
  parsed = confab_xep_time_parse (confab_xmpp_node_get_child (reply, "time", CONFAB_XEP_TIME_NS), NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpint (ABS (g_date_time_difference (now, parsed)), <, 5 * G_TIME_SPAN_SECOND);
  g_assert_cmpstr (error_condition (refused), ==, "bad-request");
}

/* ---- XEP-0092 ------------------------------------------------------------------ */

static void
test_version_answer (void)
{
  g_autoptr(ConfabXepVersion) module = confab_xep_version_new ();
  g_autoptr(ConfabXmppNode) get = request ("get", "query", CONFAB_XEP_VERSION_NS);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(ConfabXmppNode) with_os = NULL;
  g_autofree char *os_name = g_get_os_info (G_OS_INFO_KEY_NAME);
  ConfabXmppNode *query;

  /* Privacy: no <os/> unless the user opted in (XEP-0092 §5). */
  g_assert_false (confab_xep_version_get_send_os (module));
  reply = confab_xep_version_answer (module, get);
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "result");
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "to"), ==, "romeo@montague.example/orchard");
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_VERSION_NS);
  g_assert_nonnull (query);
  g_assert_cmpstr (confab_xmpp_node_get_child_text (query, "name", CONFAB_XEP_VERSION_NS), ==, "Confab");
  g_assert_nonnull (confab_xmpp_node_get_child_text (query, "version", CONFAB_XEP_VERSION_NS));
  g_assert_cmpstr (confab_xmpp_node_get_child_text (query, "version", CONFAB_XEP_VERSION_NS), !=, "");
  g_assert_null (confab_xmpp_node_get_child (query, "os", NULL));

  confab_xep_version_set_send_os (module, TRUE);
  with_os = confab_xep_version_answer (module, get);
  query = confab_xmpp_node_get_child (with_os, "query", CONFAB_XEP_VERSION_NS);
  if (os_name != NULL)
    g_assert_nonnull (confab_xmpp_node_get_child (query, "os", CONFAB_XEP_VERSION_NS));
}

static void
test_version_parse (void)
{
  const struct { const char *xml; gboolean valid; const char *os; } cases[] = {
    { "<query xmlns='jabber:iq:version'><name>Prosody</name><version>0.12.3</version>"
      "<os>Linux</os></query>", TRUE, "Linux" },
    { "<query xmlns='jabber:iq:version'><name>Psi</name><version>1.5</version></query>", TRUE, NULL },
    { "<query xmlns='jabber:iq:version'><version>1.5</version></query>", FALSE },
    { "<query xmlns='jabber:iq:version'><name>Psi</name></query>", FALSE },
    { "<query xmlns='jabber:iq:version'><name></name><version>1</version></query>", FALSE },
    { "<query xmlns='jabber:iq:last'><name>Psi</name><version>1.5</version></query>", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) query = parse_xml (cases[i].xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabSoftwareVersion) version = confab_software_version_parse (query, &error);

      if (!cases[i].valid)
        {
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
          g_assert_null (version);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (confab_software_version_get_os (version), ==, cases[i].os);
    }

  {
    g_autofree char *big = g_strnfill (CONFAB_XEP_VERSION_MAX_LENGTH + 1, 'x');
    g_autofree char *xml = g_strdup_printf ("<query xmlns='jabber:iq:version'><name>%s</name>"
                                            "<version>1</version></query>", big);
    g_autoptr(ConfabXmppNode) query = parse_xml (xml);
    g_autoptr(GError) error = NULL;
    g_autoptr(ConfabSoftwareVersion) version = confab_software_version_parse (query, &error);

    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
    g_assert_null (version);
  }
}

/* ---- XEP-0012 ------------------------------------------------------------------ */

static void
test_last_answer (void)
{
  g_autoptr(ConfabXepLast) module = confab_xep_last_new ();
  g_autoptr(ConfabXmppNode) get = request ("get", "query", CONFAB_XEP_LAST_NS);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(ConfabXmppNode) idle = NULL;

  /* Default: active now. */
  reply = confab_xep_last_answer (module, get);
  g_assert_cmpstr (confab_xmpp_node_get_attr (confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_LAST_NS),
                                              "seconds"), ==, "0");
  confab_xep_last_set_idle_seconds (module, 903);
  idle = confab_xep_last_answer (module, get);
  g_assert_cmpstr (confab_xmpp_node_get_attr (confab_xmpp_node_get_child (idle, "query", CONFAB_XEP_LAST_NS),
                                              "seconds"), ==, "903");
}

static void
test_last_parse (void)
{
  const struct { const char *xml; gint64 seconds; const char *status; } cases[] = {
    { "<query xmlns='jabber:iq:last' seconds='903'/>", 903, NULL },
    { "<query xmlns='jabber:iq:last' seconds='0'/>", 0, NULL },
    { "<query xmlns='jabber:iq:last' seconds='903'>Heading Home</query>", 903, "Heading Home" },
    { "<query xmlns='jabber:iq:last' seconds='-1'/>", -1 },
    { "<query xmlns='jabber:iq:last' seconds='+5'/>", -1 },
    { "<query xmlns='jabber:iq:last' seconds=' 5'/>", -1 },
    { "<query xmlns='jabber:iq:last' seconds='5s'/>", -1 },
    { "<query xmlns='jabber:iq:last' seconds=''/>", -1 },
    { "<query xmlns='jabber:iq:last' seconds='99999999999999999999'/>", -1 },
    { "<query xmlns='jabber:iq:last'/>", -1 },
    { "<query xmlns='jabber:iq:version' seconds='5'/>", -1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) query = parse_xml (cases[i].xml);
      g_autoptr(GError) error = NULL;
      g_autofree char *status = NULL;
      gint64 seconds = confab_xep_last_parse (query, &status, &error);

      g_test_message ("case %s", cases[i].xml);
      g_assert_cmpint (seconds, ==, cases[i].seconds);
      if (seconds < 0)
        g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
      else
        g_assert_cmpstr (status, ==, cases[i].status);
    }
}

/* ---- Features registered by attach, removed by detach -------------------------- */

static void
test_module_features (void)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("juliet@capulet.example", NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (jid);
  g_autoptr(ConfabXepTime) time = confab_xep_time_new ();
  g_autoptr(ConfabXepVersion) version = confab_xep_version_new ();
  g_autoptr(ConfabXepLast) last = confab_xep_last_new ();
  ConfabXmppModule *modules[] = {
    CONFAB_XMPP_MODULE (time), CONFAB_XMPP_MODULE (version), CONFAB_XMPP_MODULE (last)
  };
  const char *features[] = { CONFAB_XEP_TIME_NS, CONFAB_XEP_VERSION_NS, CONFAB_XEP_LAST_NS };

  for (gsize i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      confab_xmpp_module_attach (modules[i], stream);
      g_assert_true (g_strv_contains (confab_xmpp_stream_get_disco_features (stream), features[i]));
      confab_xmpp_module_detach (modules[i], stream);
      g_assert_false (g_strv_contains (confab_xmpp_stream_get_disco_features (stream), features[i]));
    }
}

/* ---- XEP-0352 ------------------------------------------------------------------ */

static void
test_csi_not_connected (void)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("juliet@capulet.example", NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (jid);
  g_autoptr(ConfabXepCsi) csi = confab_xep_csi_new ();

  confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (csi));
  g_assert_true (confab_xep_csi_get_active (csi));
  /* Nothing is sent without server support or without a session, but the
   * state is kept for the next session. */
  g_assert_false (confab_xep_csi_set_active (csi, FALSE));
  g_assert_false (confab_xep_csi_get_active (csi));
  confab_xep_csi_set_server_support (csi, TRUE);
  g_assert_false (confab_xep_csi_set_active (csi, TRUE));
  g_assert_false (confab_xep_csi_set_active (csi, TRUE));
  g_assert_true (confab_xep_csi_get_active (csi));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/time/tzo-format", test_tzo_format);
  g_test_add_func ("/xmpp/time/tzo-parse", test_tzo_parse);
  g_test_add_func ("/xmpp/time/utc-parse", test_utc_parse);
  g_test_add_func ("/xmpp/time/round-trip", test_time_round_trip);
  g_test_add_func ("/xmpp/time/parse-invalid", test_time_parse_invalid);
  g_test_add_func ("/xmpp/time/answer", test_time_answer);
  g_test_add_func ("/xmpp/version/answer", test_version_answer);
  g_test_add_func ("/xmpp/version/parse", test_version_parse);
  g_test_add_func ("/xmpp/last/answer", test_last_answer);
  g_test_add_func ("/xmpp/last/parse", test_last_parse);
  g_test_add_func ("/xmpp/info-queries/module-features", test_module_features);
  g_test_add_func ("/xmpp/csi/not-connected", test_csi_not_connected);

  return g_test_run ();
}
