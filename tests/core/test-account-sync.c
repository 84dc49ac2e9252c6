/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ConfabAccountSync against a real Prosody (mod_mam, carbons, XEP-0198):
 * live messages are stored once and acknowledged (receipts) only after
 * storage, the archive catch-up converges with live delivery, and our own
 * messages go from pending to sent. Every test uses fresh accounts so that
 * archives hold exactly what the test sent. */
#include <string.h>

#include <glib/gstdio.h>

#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "core-test-util.h"

#define WAIT_SECONDS 30

static gboolean
expire_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond) G_STMT_START {                                           \
  gboolean _expired = FALSE;                                                    \
  guint _id = g_timeout_add_seconds (WAIT_SECONDS, expire_cb, &_expired);       \
  while (!(cond) && !_expired)                                                  \
    g_main_context_iteration (NULL, TRUE);                                      \
  if (!_expired)                                                                \
    g_source_remove (_id);                                                      \
  if (!(cond))                                                                  \
    g_error ("Timed out waiting for: %s", #cond);                               \
} G_STMT_END

/* ---- A plain contact: stream + modules, counting what it receives ---------- */

typedef struct {
  char               *localpart;
  ConfabXmppStream   *stream;
  ConfabXmppMessages *messages;
  guint               receipts;
  guint               received;
  gboolean            send_receipts;
} Client;

static void
receipt_cb (ConfabXmppMessages *messages,
            ConfabXmppMessage  *message,
            const char         *id,
            Client             *c)
{
  c->receipts++;
}

static void
message_cb (ConfabXmppMessages *messages,
            ConfabXmppMessage  *message,
            gboolean            is_carbon,
            gboolean            is_sent,
            Client             *c)
{
  if (is_carbon)
    return;
  c->received++;
  if (c->send_receipts && confab_xmpp_message_get_receipt_requested (message))
    confab_xmpp_messages_send_receipt (messages, confab_xmpp_message_get_from (message),
                                       confab_xmpp_message_get_id (message));
}

static void
count_live_cb (ConfabXmppMessages *messages,
               ConfabXmppMessage  *message,
               gboolean            is_carbon,
               gboolean            is_sent,
               guint              *count)
{
  (*count)++;
}

static void
send_available (ConfabXmppStream *stream)
{
  g_autoptr(ConfabXmppNode) presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_stream_send (stream, presence);
}

static Client *
client_new (const char *localpart)
{
  Client *c = g_new0 (Client, 1);

  c->localpart = g_strdup (localpart);
  c->stream = xmpp_test_stream_new (localpart, 0);
  confab_xmpp_add_standard_modules (c->stream);
  c->messages = g_object_ref (CONFAB_XMPP_MESSAGES (
    confab_xmpp_stream_get_module (c->stream, CONFAB_TYPE_XMPP_MESSAGES)));
  g_signal_connect (c->messages, "receipt-received", G_CALLBACK (receipt_cb), c);
  g_signal_connect (c->messages, "message-received", G_CALLBACK (message_cb), c);
  xmpp_test_connect_ok (c->stream);
  send_available (c->stream);
  return c;
}

static void
client_free (Client *c)
{
  g_signal_handlers_disconnect_by_data (c->messages, c);
  xmpp_test_close (c->stream);
  g_clear_object (&c->messages);
  g_clear_object (&c->stream);
  g_free (c->localpart);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static ConfabJid *
bare_of (ConfabXmppStream *stream)
{
  return confab_jid_get_bare (confab_xmpp_stream_get_jid (stream));
}

/* ---- The account under test: temp database, store, stream, sync ------------- */

typedef CoreTestSession Owner;

static Owner *
owner_new (const char *localpart)
{
  Owner *o = g_new0 (Owner, 1);

  core_test_session_init (o, localpart, NULL, "confab-test-sync-XXXXXX", "confab.db");
  return o;
}

static void
owner_connect (Owner *o)
{
  xmpp_test_connect_ok (o->stream);
  send_available (o->stream);
}

static void
owner_wait_caught_up (Owner *o)
{
  /* The catch-up starts from ::session-started. */
  xmpp_test_run_for (100);
  WAIT_FOR (!confab_account_sync_get_catching_up (o->sync));
}

static void
owner_free (Owner *o)
{
  core_test_session_clear (o);
  g_free (o);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Owner, owner_free)

/* The history with @peer's bare JID, oldest first (NULL: no conversation). */
static GPtrArray *
history_with (Owner            *o,
              ConfabXmppStream *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJid) bare = bare_of (peer);
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  GPtrArray *messages;

  conversation = confab_history_store_get_conversation (o->store, o->account_id,
                                                        confab_jid_to_string (bare), &error);
  g_assert_no_error (error);
  if (conversation == NULL)
    return NULL;
  messages = confab_history_store_list_newest (o->store, conversation->id, 1000, &error);
  g_assert_no_error (error);
  return messages;
}

static guint
count_body (GPtrArray  *messages,
            const char *body)
{
  guint n = 0;

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, i);

      if (g_strcmp0 (m->body, body) == 0)
        n++;
    }
  return n;
}

/* Waits until every "<prefix> NN" for NN < @n is in the history with @peer,
 * then checks each is there exactly once. */
static void
assert_history_once (Owner            *o,
                     ConfabXmppStream *peer,
                     const char       *prefix,
                     guint             n)
{
  g_autoptr(GPtrArray) messages = NULL;
  gboolean complete = FALSE;
  gboolean expired = FALSE;
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, expire_cb, &expired);

  while (!complete && !expired)
    {
      g_clear_pointer (&messages, g_ptr_array_unref);
      messages = history_with (o, peer);
      complete = TRUE;
      for (guint i = 0; i < n && complete; i++)
        {
          g_autofree char *body = g_strdup_printf ("%s %02u", prefix, i);

          complete = count_body (messages, body) > 0;
        }
      if (!complete)
        g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (timeout);

  /* Let any late duplicate arrive before checking for it. */
  xmpp_test_run_for (300);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = history_with (o, peer);
  g_assert_nonnull (messages);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("%s %02u", prefix, i);

      g_assert_cmpuint (count_body (messages, body), ==, 1);
    }
}

static void
send_from (Client     *from,
           Owner      *to,
           const char *prefix,
           guint       n)
{
  g_autoptr(ConfabJid) to_bare = bare_of (to->stream);
  ConfabXmppChatOptions options = { 0 };

  options.request_receipt = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("%s %02u", prefix, i);
      g_autofree char *id = confab_xmpp_messages_send_chat (from->messages, to_bare, body,
                                                            &options);
      g_assert_nonnull (id);
    }
}

/* ---- Tests ------------------------------------------------------------------ */

/* Live: 20 messages with receipt requests are each stored once, each gets
 * exactly one receipt, and nothing stays held on the stream. */
static void
test_live_receipts (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("live", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("live", "bob");
  g_autoptr(Owner) alice = owner_new (alice_name);
  g_autoptr(Client) bob = NULL;

  owner_connect (alice);
  owner_wait_caught_up (alice);
  bob = client_new (bob_name);

  send_from (bob, alice, "live", 20);
  assert_history_once (alice, bob->stream, "live", 20);

  WAIT_FOR (bob->receipts >= 20);
  xmpp_test_run_for (300);
  g_assert_cmpuint (bob->receipts, ==, 20);
  g_assert_cmpuint (confab_account_sync_get_held_count (alice->sync), ==, 0);
}

/* Offline, then catch-up, then a live message that the archive returns
 * again on the next session: every message is stored exactly once. */
static void
test_mam_convergence (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("mam", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("mam", "bob");
  g_autoptr(Owner) alice = owner_new (alice_name);
  g_autoptr(Client) bob = client_new (bob_name);
  g_autoptr(Client) alice2 = NULL;
  guint live = 0;

  g_signal_connect (confab_xmpp_stream_get_module (alice->stream, CONFAB_TYPE_XMPP_MESSAGES),
                    "message-received", G_CALLBACK (count_live_cb), &live);

  /* Alice is offline: the server archives (and stores offline). */
  send_from (bob, alice, "offline", 15);
  xmpp_test_run_for (500);

  owner_connect (alice);
  owner_wait_caught_up (alice);
  assert_history_once (alice, bob->stream, "offline", 15);
  g_assert_cmpuint (confab_account_sync_get_progress (alice->sync), >=, 15);
  g_test_message ("offline messages also delivered live: %u", live);

  /* A second resource of Alice's comes online too (carbons). */
  alice2 = client_new (alice_name);

  send_from (bob, alice, "live", 1);
  assert_history_once (alice, bob->stream, "live", 1);
  WAIT_FOR (alice2->received >= 1);
  /* One receipt, for the live message only (not for carbons or MAM). */
  WAIT_FOR (bob->receipts >= 1);

  /* Our own messages sent live have no archive id of ours, so the next
   * session's forward paging (from the live message's stanza-id) returns
   * them again from the archive: each must still be stored once. */
  {
    g_autoptr(ConfabJid) bob_bare = bare_of (bob->stream);

    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *body = g_strdup_printf ("mine %02u", i);
        g_autofree char *id = confab_account_sync_send_chat (alice->sync,
                                                             confab_jid_to_string (bob_bare),
                                                             body);
        g_assert_nonnull (id);
      }
    WAIT_FOR (bob->received >= 3);
    assert_history_once (alice, bob->stream, "mine", 3);
  }

  xmpp_test_close (alice->stream);
  owner_connect (alice);
  owner_wait_caught_up (alice);
  g_test_message ("second catch-up fetched %u", confab_account_sync_get_progress (alice->sync));
  g_assert_cmpuint (confab_account_sync_get_progress (alice->sync), >=, 3);
  assert_history_once (alice, bob->stream, "offline", 15);
  assert_history_once (alice, bob->stream, "live", 1);
  assert_history_once (alice, bob->stream, "mine", 3);
  g_assert_cmpuint (confab_account_sync_get_held_count (alice->sync), ==, 0);
  g_assert_cmpuint (bob->receipts, ==, 1);
}

static gboolean
all_in_state (Owner              *o,
              ConfabXmppStream   *peer,
              guint               n,
              ConfabHistoryState  state)
{
  g_autoptr(GPtrArray) messages = history_with (o, peer);
  guint found = 0;

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, i);

      if (m->direction == CONFAB_HISTORY_DIRECTION_OUT && m->state >= state)
        found++;
    }
  return found == n;
}

/* Outgoing: stored pending first, sent on the server's ack, delivered on
 * the recipient's receipt. */
static void
test_outgoing (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("out", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("out", "bob");
  g_autoptr(Owner) alice = owner_new (alice_name);
  g_autoptr(Client) bob = client_new (bob_name);
  g_autoptr(ConfabJid) bob_bare = bare_of (bob->stream);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;

  bob->send_receipts = TRUE;
  owner_connect (alice);
  owner_wait_caught_up (alice);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *body = g_strdup_printf ("out %02u", i);
      g_autofree char *id = confab_account_sync_send_chat (alice->sync,
                                                           confab_jid_to_string (bob_bare),
                                                           body);
      g_assert_nonnull (id);
    }

  WAIT_FOR (all_in_state (alice, bob->stream, 5, CONFAB_HISTORY_STATE_SENT));
  WAIT_FOR (bob->received >= 5);
  pending = confab_history_store_list_pending (alice->store, alice->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 0);
  assert_history_once (alice, bob->stream, "out", 5);
  /* XEP-0184: the receipts are stored too. */
  WAIT_FOR (all_in_state (alice, bob->stream, 5, CONFAB_HISTORY_STATE_DELIVERED));
}

/* Corrections and retractions from the author are applied once they are
 * stored; the corrected message stays one row. */
static void
test_edits (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("edit", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("edit", "bob");
  g_autoptr(Owner) alice = owner_new (alice_name);
  g_autoptr(Client) bob = NULL;
  g_autoptr(ConfabJid) alice_bare = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *fix = NULL;
  g_autofree char *retraction = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  owner_connect (alice);
  owner_wait_caught_up (alice);
  bob = client_new (bob_name);
  alice_bare = bare_of (alice->stream);

  first = confab_xmpp_messages_send_chat (bob->messages, alice_bare, "edit 00", NULL);
  second = confab_xmpp_messages_send_chat (bob->messages, alice_bare, "edit 01", NULL);
  assert_history_once (alice, bob->stream, "edit", 2);

  fix = confab_xmpp_messages_send_correction (bob->messages, alice_bare, first, "edit fixed");
  retraction = confab_xmpp_messages_send_retraction (bob->messages, alice_bare, second);
  g_assert_nonnull (fix);
  g_assert_nonnull (retraction);

  {
    gboolean expired = FALSE;
    guint timeout = g_timeout_add_seconds (WAIT_SECONDS, expire_cb, &expired);

    while (!expired)
      {
        g_clear_pointer (&messages, g_ptr_array_unref);
        messages = history_with (alice, bob->stream);
        if (count_body (messages, "edit fixed") == 1 && count_body (messages, "edit 01") == 0)
          break;
        g_main_context_iteration (NULL, TRUE);
      }
    if (!expired)
      g_source_remove (timeout);
  }
  g_assert_cmpuint (count_body (messages, "edit fixed"), ==, 1);
  g_assert_cmpuint (count_body (messages, "edit 00"), ==, 0);
  g_assert_cmpuint (count_body (messages, "edit 01"), ==, 0);
  g_assert_cmpuint (messages->len, ==, 2);
  xmpp_test_run_for (200);
  g_assert_cmpuint (confab_account_sync_get_held_count (alice->sync), ==, 0);
}

/* Pending messages of an earlier run are resent on the next session, with
 * their stored ids. */
static void
test_resend_pending (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("resend", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("resend", "bob");
  g_autoptr(Owner) alice = owner_new (alice_name);
  g_autoptr(Client) bob = client_new (bob_name);
  g_autoptr(ConfabJid) bob_bare = bare_of (bob->stream);

  /* Offline: stored as pending, not sent. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("resend %02u", i);
      g_autofree char *id = confab_account_sync_send_chat (alice->sync,
                                                           confab_jid_to_string (bob_bare),
                                                           body);
      g_assert_nonnull (id);
    }
  WAIT_FOR (all_in_state (alice, bob->stream, 3, CONFAB_HISTORY_STATE_PENDING));
  g_assert_cmpuint (bob->received, ==, 0);

  owner_connect (alice);
  WAIT_FOR (bob->received >= 3);
  WAIT_FOR (all_in_state (alice, bob->stream, 3, CONFAB_HISTORY_STATE_SENT));
  owner_wait_caught_up (alice);
  assert_history_once (alice, bob->stream, "resend", 3);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                                          NULL, NULL, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* The catch-up position is no longer in the archive (expired): the
 * catch-up falls back to the archive's recent window instead of failing
 * for good. */
static void
test_expired_archive_id (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("expired", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("expired", "bob");
  g_autoptr(Owner) alice = owner_new (alice_name);
  g_autoptr(Client) bob = client_new (bob_name);
  g_autoptr(ConfabJid) alice_bare = bare_of (alice->stream);
  g_autoptr(ConfabXmppNode) stanza = NULL;
  g_autoptr(ConfabXmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GPtrArray) history = NULL;
  gboolean done = FALSE;

  /* An old message from Bob, stored by an earlier run under an archive id
   * the server no longer has. */
  stanza = confab_xmpp_message_build_chat (alice_bare, "ancient", "ancient-id", NULL);
  confab_xmpp_node_set_attr (stanza, "from",
                             confab_jid_get_bare_string (confab_xmpp_stream_get_jid (bob->stream)));
  message = confab_xmpp_message_parse (stanza, alice_bare, &error);
  g_assert_no_error (error);
  confab_history_store_add_message_async (alice->store, alice->account_id, message,
                                          CONFAB_HISTORY_DIRECTION_IN, "no-such-archive-id",
                                          NULL, stored_cb, &done);
  WAIT_FOR (done);
  last = confab_history_store_get_last_archive_id (alice->store, alice->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (last, ==, "no-such-archive-id");
  /* ... and whose catch-up ended there. */
  core_test_session_set_catch_up_position (alice, "no-such-archive-id");

  send_from (bob, alice, "expired", 4);
  xmpp_test_run_for (500);

  owner_connect (alice);
  owner_wait_caught_up (alice);
  assert_history_once (alice, bob->stream, "expired", 4);
  history = history_with (alice, bob->stream);
  g_assert_cmpuint (count_body (history, "ancient"), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  if (!core_test_init_with_server (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/core/account-sync/live-receipts", test_live_receipts);
  g_test_add_func ("/core/account-sync/mam-convergence", test_mam_convergence);
  g_test_add_func ("/core/account-sync/outgoing", test_outgoing);
  g_test_add_func ("/core/account-sync/resend-pending", test_resend_pending);
  g_test_add_func ("/core/account-sync/edits", test_edits);
  g_test_add_func ("/core/account-sync/expired-archive-id", test_expired_archive_id);

  return core_test_run_with_server_log (60);
}
