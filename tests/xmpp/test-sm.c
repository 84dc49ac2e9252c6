/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stream management (XEP-0198) against a real Prosody, with the fault
 * proxy cutting connections in the middle of message bursts. */
#include "confab-test-proxy.h"
#include "confab-xmpp-error.h"
#include "xmpp-test-util.h"

typedef struct {
  GPtrArray *acked;        /* ids the server confirmed */
  guint      lost;         /* ::connection-lost emissions */
  guint      closed;       /* ::closed emissions */
  guint      resumed;      /* session-started with resumed = TRUE */
  guint      fresh;        /* session-started with resumed = FALSE */
  GPtrArray *bodies;       /* bodies of chat messages received, in order */
} Events;

static void
events_init (Events *events)
{
  *events = (Events) { 0 };
  events->acked = g_ptr_array_new_with_free_func (g_free);
  events->bodies = g_ptr_array_new_with_free_func (g_free);
}

static void
events_clear (Events *events)
{
  g_ptr_array_unref (events->acked);
  g_ptr_array_unref (events->bodies);
}

static void
acked_cb (ConfabXmppStream *stream, const char *id, Events *events)
{
  g_ptr_array_add (events->acked, g_strdup (id));
}

static void
lost_cb (ConfabXmppStream *stream, const GError *error, Events *events)
{
  events->lost++;
}

static void
closed_cb (ConfabXmppStream *stream, const GError *error, Events *events)
{
  events->closed++;
}

static void
started_cb (ConfabXmppStream *stream, gboolean resumed, Events *events)
{
  if (resumed)
    events->resumed++;
  else
    events->fresh++;
}

static void
stanza_cb (ConfabXmppStream *stream, ConfabXmppNode *stanza, Events *events)
{
  const char *body = confab_xmpp_node_get_child_text (stanza, "body", NULL);

  if (confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT) && body != NULL)
    g_ptr_array_add (events->bodies, g_strdup (body));
}

static ConfabXmppStream *
watched_stream (const char *localpart,
                guint16     port,
                Events     *events)
{
  ConfabXmppStream *stream = xmpp_test_stream_new (localpart, port);

  g_signal_connect (stream, "stanza-acked", G_CALLBACK (acked_cb), events);
  g_signal_connect (stream, "connection-lost", G_CALLBACK (lost_cb), events);
  g_signal_connect (stream, "closed", G_CALLBACK (closed_cb), events);
  g_signal_connect (stream, "session-started", G_CALLBACK (started_cb), events);
  g_signal_connect (stream, "stanza-received", G_CALLBACK (stanza_cb), events);
  return stream;
}

static ConfabXmppNode *
chat_message (ConfabXmppStream *to,
              const char       *id,
              const char       *body)
{
  ConfabXmppNode *message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (message, "type", "chat");
  confab_xmpp_node_set_attr (message, "id", id);
  confab_xmpp_node_set_attr (message, "to",
                             confab_jid_get_bare_string (confab_xmpp_stream_get_jid (to)));
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (message, "body", NULL), body);
  return message;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_until (gboolean (*done) (gpointer), gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint wake_id = g_timeout_add (100, wake_cb, NULL);

  /* The wake-up source makes sure the loop notices the deadline. */
  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_id);
  if (!done (data))
    xmpp_test_print_server_log (80);
  return done (data);
}

static gboolean
has_one_ack (gpointer data)
{
  return ((Events *) data)->acked->len >= 1;
}

static gboolean
has_lost (gpointer data)
{
  return ((Events *) data)->lost >= 1;
}

static void
test_server_acknowledges (void)
{
  Events alice_events, bob_events;
  g_autoptr(ConfabXmppStream) alice = NULL;
  g_autoptr(ConfabXmppStream) bob = NULL;
  g_autoptr(ConfabXmppNode) message = NULL;

  events_init (&alice_events);
  events_init (&bob_events);
  alice = watched_stream ("alice", 0, &alice_events);
  bob = watched_stream ("bob", 0, &bob_events);
  xmpp_test_connect_ok (alice);
  xmpp_test_connect_ok (bob);

  message = chat_message (bob, "ack-me", "hello");
  confab_xmpp_stream_send (alice, message);
  g_assert_true (wait_until (has_one_ack, &alice_events, 10));
  g_assert_cmpstr (g_ptr_array_index (alice_events.acked, 0), ==, "ack-me");

  xmpp_test_close (alice);
  xmpp_test_close (bob);
  g_assert_cmpuint (alice_events.closed, ==, 1);
  g_assert_cmpuint (alice_events.lost, ==, 0);
  events_clear (&alice_events);
  events_clear (&bob_events);
}

static void
test_resume_after_cut (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) carol = NULL;
  g_autofree char *first_jid = NULL;
  Events events;

  g_assert_no_error (error);
  events_init (&events);
  carol = watched_stream ("carol", confab_test_proxy_get_port (proxy), &events);
  xmpp_test_connect_ok (carol);
  g_assert_cmpuint (events.fresh, ==, 1);
  first_jid = g_strdup (confab_jid_to_string (confab_xmpp_stream_get_bound_jid (carol)));

  /* Let <enabled/> arrive, then break the connection. */
  {
    gboolean never = FALSE;
    xmpp_test_wait_for (&never, 1);
  }
  confab_test_proxy_cut (proxy);
  g_assert_true (wait_until (has_lost, &events, 10));
  g_assert_cmpuint (events.closed, ==, 0);

  xmpp_test_connect_ok (carol);
  g_assert_cmpuint (events.resumed, ==, 1);
  g_assert_cmpuint (events.fresh, ==, 1);
  g_assert_cmpstr (confab_jid_to_string (confab_xmpp_stream_get_bound_jid (carol)), ==, first_jid);
  xmpp_test_close (carol);
  g_assert_cmpuint (events.closed, ==, 1);
  events_clear (&events);
}

typedef struct {
  Events *events;
  guint   count;
} Progress;

static gboolean
received_at_least (gpointer data)
{
  Progress *progress = data;

  return progress->events->bodies->len >= progress->count;
}

typedef struct {
  Events *events;
  guint   before;
} LostWait;

static gboolean
has_lost_more (gpointer data)
{
  LostWait *wait = data;

  return wait->events->lost > wait->before;
}

static void
reconnect_after_cut (ConfabXmppStream *stream,
                     ConfabTestProxy  *proxy,
                     Events           *events)
{
  guint lost_before = events->lost;
  confab_test_proxy_cut (proxy);
  wait_until (has_lost_more, &(LostWait) { events, lost_before }, 10);
  g_assert_cmpuint (events->lost, ==, lost_before + 1);
  xmpp_test_connect_ok (stream);
}

static void
test_burst_survives_cuts (void)
{
  const guint total = 1000;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) alice_proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabTestProxy) bob_proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) alice = NULL;
  g_autoptr(ConfabXmppStream) bob = NULL;
  Events alice_events, bob_events;
  Progress progress;
  gboolean never = FALSE;

  g_assert_no_error (error);
  events_init (&alice_events);
  events_init (&bob_events);
  confab_test_server_create_account (xmpp_test_server (), "sender", "secret-sender", &error);
  g_assert_no_error (error);
  confab_test_server_create_account (xmpp_test_server (), "receiver", "secret-receiver", &error);
  g_assert_no_error (error);
  alice = watched_stream ("sender", confab_test_proxy_get_port (alice_proxy), &alice_events);
  bob = watched_stream ("receiver", confab_test_proxy_get_port (bob_proxy), &bob_events);
  xmpp_test_connect_ok (alice);
  xmpp_test_connect_ok (bob);
  /* Chat to a bare JID reaches only available resources (RFC 6121 §8.5.2). */
  {
    g_autoptr(ConfabXmppNode) presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);

    confab_xmpp_stream_send (bob, presence);
  }
  xmpp_test_wait_for (&never, 1);

  /* The first half goes out at once; the sender's connection is cut while
   * much of it is still unacknowledged. */
  for (guint i = 0; i < total / 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("burst-%u", i);
      g_autofree char *body = g_strdup_printf ("message %u", i);
      g_autoptr(ConfabXmppNode) message = chat_message (bob, id, body);

      confab_xmpp_stream_send (alice, message);
    }
  progress = (Progress) { &bob_events, 100 };
  g_assert_true (wait_until (received_at_least, &progress, 30));
  reconnect_after_cut (alice, alice_proxy, &alice_events);

  /* The receiver loses its connection twice while messages flow to it. */
  progress.count = 250;
  g_assert_true (wait_until (received_at_least, &progress, 30));
  reconnect_after_cut (bob, bob_proxy, &bob_events);

  /* The second half is sent while the receiver is cut off. */
  for (guint i = total / 2; i < total; i++)
    {
      g_autofree char *id = g_strdup_printf ("burst-%u", i);
      g_autofree char *body = g_strdup_printf ("message %u", i);
      g_autoptr(ConfabXmppNode) message = chat_message (bob, id, body);

      confab_xmpp_stream_send (alice, message);
      if (i == total / 2 + 100)
        reconnect_after_cut (bob, bob_proxy, &bob_events);
    }
  progress.count = 700;
  g_assert_true (wait_until (received_at_least, &progress, 30));
  reconnect_after_cut (alice, alice_proxy, &alice_events);

  progress.count = total;
  g_assert_true (wait_until (received_at_least, &progress, 60));
  xmpp_test_wait_for (&never, 1);

  /* Exactly once, in order. */
  g_assert_cmpuint (bob_events.bodies->len, ==, total);
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *expected = g_strdup_printf ("message %u", i);

      g_assert_cmpstr (g_ptr_array_index (bob_events.bodies, i), ==, expected);
    }
  /* Every cut was survived by resuming, never by starting over. */
  g_assert_cmpuint (alice_events.resumed, ==, 2);
  g_assert_cmpuint (bob_events.resumed, ==, 2);
  g_assert_cmpuint (alice_events.closed + bob_events.closed, ==, 0);

  xmpp_test_close (alice);
  xmpp_test_close (bob);
  events_clear (&alice_events);
  events_clear (&bob_events);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/xmpp/sm/server-acknowledges", test_server_acknowledges);
  g_test_add_func ("/xmpp/sm/resume-after-cut", test_resume_after_cut);
  g_test_add_func ("/xmpp/sm/burst-survives-cuts", test_burst_survives_cuts);

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
