/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IQ request/response tracking against a real Prosody, with three accounts:
 * alice asks, bob answers, carol tries to answer in bob's place. */
#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "xmpp-test-util.h"

#define TEST_NS "urn:confab:test"

typedef struct {
  ConfabXmppStream *alice;
  ConfabXmppStream *bob;
  ConfabXmppStream *carol;
  GPtrArray        *held;      /* requests bob received and holds */
  GPtrArray        *unmatched; /* IQ results alice saw that answered nothing */
} Fixture;

/* Bob keeps requests to answer later, so the test decides who answers. */
static gboolean
hold_request_cb (ConfabXmppStream *stream,
                 ConfabXmppNode   *iq,
                 gpointer          user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->held, confab_xmpp_node_ref (iq));
  return TRUE;
}

static void
alice_stanza_cb (ConfabXmppStream *stream,
                 ConfabXmppNode   *stanza,
                 gpointer          user_data)
{
  Fixture *f = user_data;

  if (confab_xmpp_node_is (stanza, "iq", CONFAB_XMPP_NS_CLIENT))
    g_ptr_array_add (f->unmatched, confab_xmpp_node_ref (stanza));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->held = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_node_unref);
  f->unmatched = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_node_unref);
  f->alice = xmpp_test_stream_new ("alice", 0);
  f->bob = xmpp_test_stream_new ("bob", 0);
  f->carol = xmpp_test_stream_new ("carol", 0);
  confab_xmpp_stream_add_iq_handler (f->bob, "query", TEST_NS, hold_request_cb, f);
  g_signal_connect (f->alice, "stanza-received", G_CALLBACK (alice_stanza_cb), f);
  xmpp_test_connect_ok (f->alice);
  xmpp_test_connect_ok (f->bob);
  xmpp_test_connect_ok (f->carol);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ConfabXmppStream *streams[] = { f->alice, f->bob, f->carol };

  for (gsize i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      if (confab_xmpp_stream_get_state (streams[i]) == CONFAB_XMPP_STREAM_STATE_BOUND)
        xmpp_test_close (streams[i]);
      g_object_unref (streams[i]);
    }
  g_ptr_array_unref (f->held);
  g_ptr_array_unref (f->unmatched);
}

typedef struct {
  gboolean        done;
  ConfabXmppNode *reply;
  GError         *error;
} Answer;

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Answer *answer = user_data;

  answer->reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result,
                                                     &answer->error);
  answer->done = TRUE;
}

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->reply, confab_xmpp_node_unref);
  g_clear_error (&answer->error);
}

static ConfabXmppNode *
new_query (ConfabXmppStream *to)
{
  ConfabXmppNode *iq = confab_xmpp_iq_new ("get", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (to)), NULL);

  confab_xmpp_node_add_child (iq, "query", TEST_NS);
  return iq;
}

static gboolean
wait_for_held (Fixture *f,
               guint    count)
{
  gboolean enough = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!(enough = f->held->len >= count) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return enough;
}

static gboolean
wait_for_unmatched (Fixture *f,
                    guint    count)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (f->unmatched->len < count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return f->unmatched->len >= count;
}

static void
test_ping_server (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) iq = confab_xmpp_iq_new ("get", CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_node_add_child (iq, "ping", "urn:xmpp:ping");
  reply = xmpp_test_send_iq (f->alice, iq, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "type"), ==, "result");
  g_assert_cmpstr (confab_xmpp_node_get_attr (reply, "id"), ==, confab_xmpp_node_get_attr (iq, "id"));
}

static void
test_reply_from_other_entity_ignored (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) query = new_query (f->bob);
  g_autoptr(ConfabXmppNode) forged = NULL;
  g_autoptr(ConfabXmppNode) genuine = NULL;
  ConfabXmppNode *held;
  Answer answer = { 0 };
  gboolean never = FALSE;

  confab_xmpp_stream_send_iq_async (f->alice, query, 20, NULL, answered_cb, &answer);
  g_assert_true (wait_for_held (f, 1));
  held = g_ptr_array_index (f->held, 0);
  g_assert_cmpstr (confab_xmpp_node_get_attr (held, "id"), ==, confab_xmpp_node_get_attr (query, "id"));

  /* Carol learned the id and answers in bob's place: not a reply. */
  forged = confab_xmpp_iq_new ("result", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (f->alice)),
                               confab_xmpp_node_get_attr (query, "id"));
  confab_xmpp_stream_send (f->carol, forged);
  g_assert_true (wait_for_unmatched (f, 1));
  /* Give a wrong match time to show itself before checking there was none. */
  xmpp_test_wait_for (&never, 1);
  g_assert_false (answer.done);
  g_assert_cmpuint (f->unmatched->len, ==, 1);
  g_assert_true (g_str_has_prefix (confab_xmpp_node_get_attr (g_ptr_array_index (f->unmatched, 0), "from"),
                                   "carol@"));

  /* Bob's own answer is the reply. */
  genuine = confab_xmpp_iq_new_result (held);
  confab_xmpp_node_add_child (genuine, "query", TEST_NS);
  confab_xmpp_stream_send (f->bob, genuine);
  g_assert_true (xmpp_test_wait_for (&answer.done, 10));
  g_assert_no_error (answer.error);
  g_assert_true (g_str_has_prefix (confab_xmpp_node_get_attr (answer.reply, "from"), "bob@"));
  g_assert_nonnull (confab_xmpp_node_get_child (answer.reply, "query", TEST_NS));
  answer_clear (&answer);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) query = new_query (f->bob);
  g_autoptr(ConfabXmppNode) late = NULL;
  Answer answer = { 0 };
  gboolean never = FALSE;

  /* Bob holds the request and never answers in time. */
  confab_xmpp_stream_send_iq_async (f->alice, query, 1, NULL, answered_cb, &answer);
  g_assert_true (xmpp_test_wait_for (&answer.done, 10));
  g_assert_error (answer.error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_TIMEOUT);
  answer_clear (&answer);

  /* An answer after the deadline is not delivered to anyone's request. */
  g_assert_true (wait_for_held (f, 1));
  late = confab_xmpp_iq_new_result (g_ptr_array_index (f->held, 0));
  confab_xmpp_stream_send (f->bob, late);
  g_assert_true (wait_for_unmatched (f, 1));
  xmpp_test_wait_for (&never, 1);
  g_assert_cmpuint (f->unmatched->len, ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) query = new_query (f->bob);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Answer answer = { 0 };

  confab_xmpp_stream_send_iq_async (f->alice, query, 30, cancellable, answered_cb, &answer);
  g_assert_true (wait_for_held (f, 1));
  g_cancellable_cancel (cancellable);
  g_assert_true (xmpp_test_wait_for (&answer.done, 5));
  g_assert_error (answer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  answer_clear (&answer);
}

static void
test_error_reply (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) iq = confab_xmpp_iq_new ("get", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (f->bob)), NULL);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* Bob's stream has no handler for this namespace and must say so
   * (RFC 6120 §8.4) rather than leave alice waiting. */
  confab_xmpp_node_add_child (iq, "query", "urn:confab:nobody-knows");
  reply = xmpp_test_send_iq (f->alice, iq, 10, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
}

static void
test_pending_fail_when_stream_closes (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(ConfabXmppNode) query = new_query (f->bob);
  Answer answer = { 0 };

  confab_xmpp_stream_send_iq_async (f->alice, query, 30, NULL, answered_cb, &answer);
  g_assert_true (wait_for_held (f, 1));
  xmpp_test_close (f->alice);
  g_assert_true (xmpp_test_wait_for (&answer.done, 5));
  g_assert_nonnull (answer.error);
  g_assert_null (answer.reply);
  answer_clear (&answer);
}

static void
test_not_connected (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ConfabXmppStream) offline = xmpp_test_stream_new ("alice", 0);
  g_autoptr(ConfabXmppNode) iq = confab_xmpp_iq_new ("get", CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;

  confab_xmpp_node_add_child (iq, "ping", "urn:xmpp:ping");
  reply = xmpp_test_send_iq (offline, iq, 5, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/xmpp/iq/ping-server", test_ping_server);
  ADD ("/xmpp/iq/reply-from-other-entity-ignored", test_reply_from_other_entity_ignored);
  ADD ("/xmpp/iq/timeout", test_timeout);
  ADD ("/xmpp/iq/cancel", test_cancel);
  ADD ("/xmpp/iq/error-reply", test_error_reply);
  ADD ("/xmpp/iq/pending-fail-when-stream-closes", test_pending_fail_when_stream_closes);
  ADD ("/xmpp/iq/not-connected", test_not_connected);
#undef ADD

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
