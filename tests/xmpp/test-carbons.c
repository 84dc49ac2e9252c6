/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-parser.h"
#include "xep-0280-carbons.h"

#define OWN "alice@example.org"
#define HEADER "<stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

static void
grab_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out == NULL)
    *out = confab_xmpp_node_ref (stanza);
}

static ConfabXmppNode *
parse_xml (const char *xml)
{
  ConfabXmppParserCallbacks callbacks = { .stanza = grab_stanza_cb };
  ConfabXmppNode *node = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &node);
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = g_strconcat (HEADER, xml, NULL);

  g_assert_true (confab_xmpp_parser_feed (parser, doc, strlen (doc), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static ConfabJid *
jid (const char *text)
{
  ConfabJid *j = confab_jid_parse (text, NULL);

  g_assert_nonnull (j);
  return j;
}

/* A carbon: outer from, direction, inner from and to, inner extra. */
#define CARBON(outer_from, dir, inner_from, inner_to, extra) \
  "<message from='" outer_from "' to='" OWN "/phone' type='chat'>" \
  "<" dir " xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" \
  "<message xmlns='jabber:client' from='" inner_from "' to='" inner_to "' type='chat' id='c1'>" \
  "<body>hi</body>" extra "</message></forwarded></" dir "></message>"

/* ---- Unwrapping ----------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *xml;
  ConfabXepCarbonDirection direction;
  gboolean    accepted;
} UnwrapCase;

static const UnwrapCase unwrap_cases[] = {
  { "/carbons/unwrap/received", CARBON (OWN, "received", "bob@example.org/l", OWN "/tablet", ""),
    CONFAB_XEP_CARBON_RECEIVED, TRUE },
  { "/carbons/unwrap/sent", CARBON (OWN, "sent", OWN "/tablet", "bob@example.org", ""),
    CONFAB_XEP_CARBON_SENT, TRUE },
  { "/carbons/unwrap/own-bare-case-insensitive", CARBON ("Alice@Example.org", "received", "bob@example.org/l", OWN, ""),
    CONFAB_XEP_CARBON_RECEIVED, TRUE },
  { "/carbons/unwrap/not-a-carbon", "<message from='bob@example.org/l'><body>x</body></message>",
    CONFAB_XEP_CARBON_NONE, FALSE },
  { "/carbons/unwrap/wrong-carbons-namespace",
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:1'/></message>",
    CONFAB_XEP_CARBON_NONE, FALSE },
  /* XEP-0280 §11: the classic spoof. */
  { "/carbons/unwrap/from-contact", CARBON ("bob@example.org/l", "received", "bob@example.org/l", OWN, ""),
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/from-contact-bare", CARBON ("carol@example.org", "received", "bob@example.org/l", OWN, ""),
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/from-own-full-jid", CARBON (OWN "/tablet", "received", "bob@example.org/l", OWN, ""),
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/from-server-domain", CARBON ("example.org", "received", "bob@example.org/l", OWN, ""),
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/from-other-domain-same-local", CARBON ("alice@evil.example", "sent", OWN "/t", "bob@example.org", ""),
    CONFAB_XEP_CARBON_SENT, FALSE },
  { "/carbons/unwrap/no-from",
    "<message><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
    "<message xmlns='jabber:client' from='bob@example.org/l' to='" OWN "'><body>x</body></message>"
    "</forwarded></received></message>",
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/sent-inner-from-someone-else", CARBON (OWN, "sent", "bob@example.org/l", OWN, ""),
    CONFAB_XEP_CARBON_SENT, FALSE },
  { "/carbons/unwrap/received-inner-to-someone-else", CARBON (OWN, "received", "bob@example.org/l", "carol@example.org", ""),
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/inner-invalid-jid", CARBON (OWN, "sent", "@@", "bob@example.org", ""),
    CONFAB_XEP_CARBON_SENT, FALSE },
  { "/carbons/unwrap/no-forwarded",
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'>"
    "<message xmlns='jabber:client' from='bob@example.org/l'><body>x</body></message></received></message>",
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
  { "/carbons/unwrap/forwarded-without-message",
    "<message from='" OWN "'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
    "<iq xmlns='jabber:client' type='get'/></forwarded></sent></message>",
    CONFAB_XEP_CARBON_SENT, FALSE },
  { "/carbons/unwrap/both-directions",
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
    "<message xmlns='jabber:client' from='bob@example.org/l' to='" OWN "'/></forwarded></received>"
    "<sent xmlns='urn:xmpp:carbons:2'/></message>",
    CONFAB_XEP_CARBON_RECEIVED, FALSE },
};

static void
test_unwrap (gconstpointer data)
{
  const UnwrapCase *c = data;
  g_autoptr(ConfabXmppNode) node = parse_xml (c->xml);
  g_autoptr(ConfabJid) own = jid (OWN "/phone");
  g_autoptr(GError) error = NULL;
  ConfabXepCarbonDirection direction = 99;
  g_autoptr(ConfabXmppNode) inner = confab_xep_carbons_unwrap (node, own, &direction, &error);

  g_assert_cmpint (direction, ==, c->direction);
  if (c->accepted)
    {
      g_assert_no_error (error);
      g_assert_nonnull (inner);
      g_assert_true (confab_xmpp_node_is (inner, "message", CONFAB_XMPP_NS_CLIENT));
    }
  else
    {
      g_assert_null (inner);
      if (c->direction == CONFAB_XEP_CARBON_NONE)
        g_assert_no_error (error);
      else
        g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
    }
}

static void
test_mark_private (void)
{
  g_autoptr(ConfabJid) to = jid ("bob@example.org");
  g_autoptr(ConfabXmppNode) message = confab_xmpp_message_build_chat (to, "x", "i1", NULL);

  confab_xep_carbons_mark_private (message);
  confab_xep_carbons_mark_private (message);  /* idempotent */
  g_assert_nonnull (confab_xmpp_node_get_child (message, "private", CONFAB_XMPP_NS_CARBONS));
  g_assert_nonnull (confab_xmpp_node_get_child (message, "no-copy", "urn:xmpp:hints"));
  {
    g_autofree char *xml = confab_xmpp_node_to_string (message, CONFAB_XMPP_NS_CLIENT);
    g_assert_nonnull (strstr (xml, "private"));
    g_assert_null (strstr (strstr (xml, "private") + 1, "<private"));
  }
}

static void
test_options_private (void)
{
  g_autoptr(ConfabJid) to = jid ("bob@example.org");
  ConfabXmppChatOptions options = { .private_ = TRUE };
  g_autoptr(ConfabXmppNode) message = confab_xmpp_message_build_chat (to, "x", "i1", &options);

  g_assert_nonnull (confab_xmpp_node_get_child (message, "private", CONFAB_XMPP_NS_CARBONS));
  g_assert_nonnull (confab_xmpp_node_get_child (message, "no-copy", "urn:xmpp:hints"));
}

/* ---- The two modules together --------------------------------------------- */

typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppMessages *messages;
  ConfabXepCarbons   *carbons;
  GPtrArray          *events;
  GError             *enable_error;
} Fixture;

static void
on_message_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m,
               gboolean is_carbon, gboolean is_sent, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("message:%s:%s%s",
                                               confab_jid_get_bare_string (confab_xmpp_message_get_from (m)),
                                               confab_xmpp_message_get_body (m),
                                               is_carbon ? (is_sent ? ":sent" : ":carbon") : ""));
}

static void
on_receipt_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("receipt:%s", id));
}

static void
on_marker_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, ConfabXmppMarker marker,
              const char *id, gboolean is_own, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("marker:%d:%s%s", marker, id, is_own ? ":own" : ""));
}

static void
on_correction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                  gboolean verified, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("correction:%s:%s", id, verified ? "verified" : "unverified"));
}

static void
on_enable_failed_cb (ConfabXepCarbons *carbons, GError *error, Fixture *f)
{
  g_clear_error (&f->enable_error);
  f->enable_error = g_error_copy (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(ConfabJid) own = jid (OWN "/phone");

  f->stream = confab_xmpp_stream_new (own);
  f->messages = confab_xmpp_messages_new ();
  f->carbons = confab_xep_carbons_new ();
  f->events = g_ptr_array_new_with_free_func (g_free);
  /* Carbons first: the order of attachment must not matter. */
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->carbons));
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->messages));
  g_signal_connect (f->messages, "message-received", G_CALLBACK (on_message_cb), f);
  g_signal_connect (f->messages, "receipt-received", G_CALLBACK (on_receipt_cb), f);
  g_signal_connect (f->messages, "marker-received", G_CALLBACK (on_marker_cb), f);
  g_signal_connect (f->messages, "correction-received", G_CALLBACK (on_correction_cb), f);
  g_signal_connect (f->carbons, "enable-failed", G_CALLBACK (on_enable_failed_cb), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->messages);
  g_clear_object (&f->carbons);
  g_clear_object (&f->stream);
  g_clear_pointer (&f->events, g_ptr_array_unref);
  g_clear_error (&f->enable_error);
}

static void
receive (Fixture *f, const char *xml)
{
  g_autoptr(ConfabXmppNode) node = parse_xml (xml);

  g_signal_emit_by_name (f->stream, "stanza-received", node);
}

static void
assert_events (Fixture *f, const char *expected)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (f->events, NULL);
  joined = g_strjoinv (" ", (GStrv) f->events->pdata);
  g_ptr_array_set_size (f->events, 0);
  g_assert_cmpstr (joined, ==, expected);
}

typedef struct {
  const char *name;
  const char *xml;
  const char *expected;
} FlowCase;

static const FlowCase flow_cases[] = {
  { "/carbons/module/received", CARBON (OWN, "received", "bob@example.org/l", OWN "/tablet", ""),
    "message:bob@example.org:hi:carbon" },
  { "/carbons/module/sent", CARBON (OWN, "sent", OWN "/tablet", "bob@example.org", ""),
    "message:" OWN ":hi:sent" },
  { "/carbons/module/from-contact", CARBON ("bob@example.org/l", "received", "bob@example.org/l", OWN, ""), "" },
  { "/carbons/module/from-own-full", CARBON (OWN "/tablet", "received", "bob@example.org/l", OWN, ""), "" },
  { "/carbons/module/from-own-session", CARBON (OWN "/phone", "sent", OWN "/phone", "bob@example.org", ""), "" },
  { "/carbons/module/from-server", CARBON ("example.org", "received", "bob@example.org/l", OWN, ""), "" },
  { "/carbons/module/sent-inner-from-other", CARBON (OWN, "sent", "carol@example.org/x", "bob@example.org", ""), "" },
  /* A forged carbon from carol with a body of its own outside: still
   * nothing (the wrapper is never a message). */
  { "/carbons/module/forged-with-outer-body",
    "<message from='carol@example.org/x' to='" OWN "'><body>outer</body>"
    "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
    "<message xmlns='jabber:client' from='bob@example.org/l' to='" OWN "'><body>forged</body></message>"
    "</forwarded></received></message>", "" },
  /* A marker our other device sent: our own read-state sync. */
  { "/carbons/module/sent-marker",
    CARBON (OWN, "sent", OWN "/tablet", "bob@example.org", "<displayed xmlns='urn:xmpp:chat-markers:0' id='b9'/>"),
    "marker:2:b9:own message:" OWN ":hi:sent" },
  /* A marker of bob's for an id we never sent: dropped even in a carbon. */
  { "/carbons/module/received-marker-unknown",
    CARBON (OWN, "received", "bob@example.org/l", OWN, "<displayed xmlns='urn:xmpp:chat-markers:0' id='zz'/>"),
    "message:bob@example.org:hi:carbon" },
};

static void
test_flow (Fixture *f, gconstpointer data)
{
  const FlowCase *c = data;

  receive (f, c->xml);
  assert_events (f, c->expected);
}

static void
test_sent_carbon_teaches_ids (Fixture *f, gconstpointer data)
{
  /* Our tablet sent c1 to bob; bob's receipt (here as a received carbon,
   * as it would reach this device) is accepted; carol's is not. */
  receive (f, CARBON (OWN, "sent", OWN "/tablet", "bob@example.org", "<request xmlns='urn:xmpp:receipts'/>"));
  assert_events (f, "message:" OWN ":hi:sent");
  receive (f, "<message from='" OWN "' type='chat'><received xmlns='urn:xmpp:carbons:2'>"
              "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
              "from='bob@example.org/l' to='" OWN "/tablet' type='chat'>"
              "<received xmlns='urn:xmpp:receipts' id='c1'/></message></forwarded></received></message>");
  receive (f, "<message from='carol@example.org/x'><received xmlns='urn:xmpp:receipts' id='c1'/></message>");
  assert_events (f, "receipt:c1");
  /* Our tablet's correction of c1, as a sent carbon: verified. */
  receive (f, CARBON (OWN, "sent", OWN "/tablet", "bob@example.org",
                      "<replace xmlns='urn:xmpp:message-correct:0' id='c1'/>"));
  assert_events (f, "correction:c1:verified");
  /* Bob "correcting" our c1: dropped. */
  receive (f, "<message from='bob@example.org/l' type='chat'><body>mine now</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='c1'/></message>");
  assert_events (f, "");
}

static void
test_received_carbon_then_correction (Fixture *f, gconstpointer data)
{
  receive (f, CARBON (OWN, "received", "bob@example.org/l", OWN "/tablet", ""));
  assert_events (f, "message:bob@example.org:hi:carbon");
  receive (f, "<message from='bob@example.org/l' type='chat'><body>hey</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='c1'/></message>");
  receive (f, "<message from='carol@example.org/l' type='chat'><body>hey</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='c1'/></message>");
  assert_events (f, "correction:c1:verified");
}

static void
test_enable_fails_offline (Fixture *f, gconstpointer data)
{
  g_assert_false (confab_xep_carbons_get_enabled (f->carbons));
  /* Resumed: nothing to do. */
  g_signal_emit_by_name (f->stream, "session-started", TRUE);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_no_error (f->enable_error);
  /* New session on a stream that is not connected: the IQ fails. */
  g_signal_emit_by_name (f->stream, "session-started", FALSE);
  for (guint i = 0; i < 100 && f->enable_error == NULL; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_error (f->enable_error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED);
  g_assert_false (confab_xep_carbons_get_enabled (f->carbons));
}

static void
test_without_messages_module (void)
{
  g_autoptr(ConfabJid) own = jid (OWN "/phone");
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (own);
  g_autoptr(ConfabXepCarbons) carbons = confab_xep_carbons_new ();
  g_autoptr(ConfabXmppNode) node = parse_xml (CARBON (OWN, "received", "bob@example.org/l", OWN, ""));

  confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (carbons));
  /* Dropped with a debug message, no crash. */
  g_signal_emit_by_name (stream, "stanza-received", node);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (unwrap_cases); i++)
    g_test_add_data_func (unwrap_cases[i].name, &unwrap_cases[i], test_unwrap);
  g_test_add_func ("/carbons/mark-private", test_mark_private);
  g_test_add_func ("/carbons/options-private", test_options_private);
  for (gsize i = 0; i < G_N_ELEMENTS (flow_cases); i++)
    g_test_add (flow_cases[i].name, Fixture, &flow_cases[i], fixture_set_up, test_flow, fixture_tear_down);
  g_test_add ("/carbons/module/sent-carbon-teaches-ids", Fixture, NULL,
              fixture_set_up, test_sent_carbon_teaches_ids, fixture_tear_down);
  g_test_add ("/carbons/module/received-carbon-then-correction", Fixture, NULL,
              fixture_set_up, test_received_carbon_then_correction, fixture_tear_down);
  g_test_add ("/carbons/module/enable-fails-offline", Fixture, NULL,
              fixture_set_up, test_enable_fails_offline, fixture_tear_down);
  g_test_add_func ("/carbons/module/without-messages-module", test_without_messages_module);

  return g_test_run ();
}
