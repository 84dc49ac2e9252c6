/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Messages, receipts, markers, chat states, corrections, replies,
 * reactions, retractions and carbons between real clients on a real
 * Prosody, plus a hostile contact trying the classic spoofs. */
#include <string.h>

#include "confab-xmpp-message.h"
#include "xep-0280-carbons.h"
#include "xmpp-test-util.h"

#define WAIT_SECONDS 15

typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppMessages *messages;
  ConfabXepCarbons   *carbons;
  gboolean            carbons_done;
  GPtrArray          *events;    /* strings, see the callbacks */
  GPtrArray          *received;  /* ConfabXmppMessage of ::message-received */
  GPtrArray          *other;     /* ConfabXmppMessage of every other signal */
} Client;

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

/* Lets stanzas in flight arrive (to check that something did NOT happen). */
static void
settle (guint milliseconds)
{
  gboolean expired = FALSE;

  g_timeout_add (milliseconds, expire_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static void
add_event (Client            *c,
           ConfabXmppMessage *message,
           char              *event)
{
  g_test_message ("%s got %s", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (c->stream)), event);
  g_ptr_array_add (c->events, event);
  g_ptr_array_add (c->other, confab_xmpp_message_ref (message));
}

static void
on_message_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m,
               gboolean is_carbon, gboolean is_sent, Client *c)
{
  g_ptr_array_add (c->received, confab_xmpp_message_ref (m));
  add_event (c, m, g_strdup_printf ("message:%s:%s%s",
                                    confab_jid_get_bare_string (confab_xmpp_message_get_from (m)),
                                    confab_xmpp_message_get_body (m),
                                    is_carbon ? (is_sent ? ":sent" : ":carbon") : ""));
}

static void
on_receipt_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id, Client *c)
{
  add_event (c, m, g_strdup_printf ("receipt:%s", id));
}

static void
on_marker_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, ConfabXmppMarker marker,
              const char *id, gboolean is_own, Client *c)
{
  add_event (c, m, g_strdup_printf ("marker:%d:%s%s", marker, id, is_own ? ":own" : ""));
}

static void
on_chat_state_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m,
                  ConfabXmppChatState state, Client *c)
{
  add_event (c, m, g_strdup_printf ("state:%d", state));
}

static void
on_correction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                  gboolean verified, Client *c)
{
  add_event (c, m, g_strdup_printf ("correction:%s:%s:%s", id, confab_xmpp_message_get_body (m),
                                    verified ? "verified" : "unverified"));
}

static void
on_retraction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                  gboolean verified, Client *c)
{
  add_event (c, m, g_strdup_printf ("retraction:%s:%s", id, verified ? "verified" : "unverified"));
}

static void
on_reaction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                GStrv reactions, Client *c)
{
  g_autofree char *joined = g_strjoinv ("|", reactions);

  add_event (c, m, g_strdup_printf ("reaction:%s:%s", id, joined));
}

static void
on_error_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, GError *error, Client *c)
{
  add_event (c, m, g_strdup_printf ("error:%s", confab_xmpp_message_get_id (m)));
}

static void
on_carbons_enabled_cb (GObject *object, GParamSpec *pspec, Client *c)
{
  c->carbons_done = TRUE;
}

static void
on_carbons_failed_cb (ConfabXepCarbons *carbons, GError *error, Client *c)
{
  g_test_message ("carbons refused: %s", error->message);
  c->carbons_done = TRUE;
}

static Client *
client_new (const char *localpart,
            const char *resource)
{
  Client *c = g_new0 (Client, 1);
  g_autoptr(ConfabXmppNode) presence = NULL;

  c->stream = xmpp_test_stream_new (localpart, 0);
  confab_xmpp_stream_set_resource (c->stream, resource);
  c->messages = confab_xmpp_messages_new ();
  c->carbons = confab_xep_carbons_new ();
  c->events = g_ptr_array_new_with_free_func (g_free);
  c->received = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_message_unref);
  c->other = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_message_unref);
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->messages));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->carbons));
  g_signal_connect (c->messages, "message-received", G_CALLBACK (on_message_cb), c);
  g_signal_connect (c->messages, "receipt-received", G_CALLBACK (on_receipt_cb), c);
  g_signal_connect (c->messages, "marker-received", G_CALLBACK (on_marker_cb), c);
  g_signal_connect (c->messages, "chat-state-changed", G_CALLBACK (on_chat_state_cb), c);
  g_signal_connect (c->messages, "correction-received", G_CALLBACK (on_correction_cb), c);
  g_signal_connect (c->messages, "retraction-received", G_CALLBACK (on_retraction_cb), c);
  g_signal_connect (c->messages, "reaction-received", G_CALLBACK (on_reaction_cb), c);
  g_signal_connect (c->messages, "message-error", G_CALLBACK (on_error_cb), c);
  g_signal_connect (c->carbons, "notify::enabled", G_CALLBACK (on_carbons_enabled_cb), c);
  g_signal_connect (c->carbons, "enable-failed", G_CALLBACK (on_carbons_failed_cb), c);

  xmpp_test_connect_ok (c->stream);
  WAIT_FOR (c->carbons_done);
  g_assert_true (confab_xep_carbons_get_enabled (c->carbons));

  /* RFC 6121 §4.2: initial presence makes this resource available, so the
   * server delivers messages addressed to the bare JID to it (§8.5.2). */
  presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
  confab_xmpp_stream_send (c->stream, presence);
  return c;
}

static void
client_free (Client *c)
{
  xmpp_test_close (c->stream);
  g_clear_object (&c->messages);
  g_clear_object (&c->carbons);
  g_clear_object (&c->stream);
  g_ptr_array_unref (c->events);
  g_ptr_array_unref (c->received);
  g_ptr_array_unref (c->other);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static ConfabJid *
bare_of (Client *c)
{
  return confab_jid_get_bare (confab_xmpp_stream_get_bound_jid (c->stream));
}

static ConfabJid *
full_of (Client *c)
{
  return confab_jid_ref (confab_xmpp_stream_get_bound_jid (c->stream));
}

/* Waits for an event equal to @expected, or starting with it when it ends
 * with '*'; removes it and returns (a reference to) its message. */
static ConfabXmppMessage *
wait_event (Client     *c,
            const char *expected)
{
  gsize len = strlen (expected);
  gboolean prefix = len > 0 && expected[len - 1] == '*';
  ConfabXmppMessage *found = NULL;

  for (;;)
    {
      for (guint i = 0; i < c->events->len && found == NULL; i++)
        {
          const char *event = g_ptr_array_index (c->events, i);

          if (prefix ? strncmp (event, expected, len - 1) == 0 : g_str_equal (event, expected))
            {
              found = g_ptr_array_steal_index (c->other, i);
              g_ptr_array_remove_index (c->events, i);
            }
        }
      if (found != NULL)
        break;
      {
        gboolean expired = FALSE;
        guint id = g_timeout_add_seconds (WAIT_SECONDS, expire_cb, &expired);
        guint before = c->events->len;

        while (c->events->len == before && !expired)
          g_main_context_iteration (NULL, TRUE);
        if (!expired)
          g_source_remove (id);
        else
          {
            g_autofree char *all = NULL;

            g_ptr_array_add (c->events, NULL);
            all = g_strjoinv (" ", (GStrv) c->events->pdata);
            g_error ("Timed out waiting for %s; have: %s", expected, all);
          }
      }
    }
  /* Caller owns the returned reference. */
  return found;
}

static void
clear_events (Client *c)
{
  g_ptr_array_set_size (c->events, 0);
  g_ptr_array_set_size (c->other, 0);
}

/* Nothing but chat states (content messages carry <active/>) arrived. */
static void
assert_no_events (Client *c)
{
  g_autoptr(GString) all = g_string_new ("");

  for (guint i = 0; i < c->events->len; i++)
    {
      const char *event = g_ptr_array_index (c->events, i);

      if (!g_str_has_prefix (event, "state:"))
        g_string_append_printf (all, "%s ", event);
    }
  clear_events (c);
  g_assert_cmpstr (all->str, ==, "");
}

/* ---- Alice and Bob -------------------------------------------------------- */

static void
test_conversation (void)
{
  g_autoptr(Client) alice = client_new ("alice", "laptop");
  g_autoptr(Client) bob = client_new ("bob", "phone");
  g_autoptr(ConfabJid) alice_bare = bare_of (alice);
  g_autoptr(ConfabJid) alice_full = full_of (alice);
  g_autoptr(ConfabJid) bob_bare = bare_of (bob);
  g_autoptr(ConfabXmppMessage) m = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *correction_id = NULL;
  g_autofree char *reply_id = NULL;
  g_autofree char *reaction_id = NULL;
  g_autofree char *retract_id = NULL;
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };
  const char * const thumbs[] = { "👍", "👍", "🐢", "", NULL };

  /* A message with a receipt request to Bob's bare JID. */
  id = confab_xmpp_messages_send_chat (alice->messages, bob_bare, "Hello, Bob <3 & ü", &options);
  g_assert_true (g_uuid_string_is_valid (id));
  m = wait_event (bob, "message:alice@" CONFAB_TEST_DOMAIN ":Hello, Bob <3 & ü");
  g_assert_cmpstr (confab_xmpp_message_get_id (m), ==, id);
  g_assert_cmpstr (confab_xmpp_message_get_origin_id (m), ==, id);
  g_assert_true (confab_jid_equal (confab_xmpp_message_get_from (m), alice_full));
  g_assert_true (confab_xmpp_message_get_receipt_requested (m));
  g_assert_true (confab_xmpp_message_get_markable (m));
  /* Prosody's mod_mam archived it for Bob and said so (XEP-0359 §5). */
  g_assert_nonnull (confab_xmpp_message_get_stanza_id (m));
  g_test_message ("bob's archive id: %s", confab_xmpp_message_get_stanza_id (m));

  /* Bob stores it (the core's job), then acknowledges and marks it read. */
  confab_xmpp_messages_send_receipt (bob->messages, confab_xmpp_message_get_from (m), id);
  expected = g_strdup_printf ("receipt:%s", id);
  g_clear_pointer (&m, confab_xmpp_message_unref);
  m = wait_event (alice, expected);
  g_clear_pointer (&m, confab_xmpp_message_unref);
  confab_xmpp_messages_send_marker (bob->messages, alice_bare, id, CONFAB_XMPP_MARKER_DISPLAYED);
  g_free (expected);
  expected = g_strdup_printf ("marker:%d:%s", CONFAB_XMPP_MARKER_DISPLAYED, id);
  m = wait_event (alice, expected);
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Chat states. */
  confab_xmpp_messages_send_chat_state (bob->messages, alice_full, CONFAB_XMPP_CHAT_STATE_COMPOSING);
  confab_xmpp_messages_send_chat_state (bob->messages, alice_full, CONFAB_XMPP_CHAT_STATE_ACTIVE);
  m = wait_event (alice, "state:2");
  g_clear_pointer (&m, confab_xmpp_message_unref);
  m = wait_event (alice, "state:1");
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Alice corrects her message: verified at Bob's. */
  correction_id = confab_xmpp_messages_send_correction (alice->messages, bob_bare, id, "Hello, Bob!");
  g_free (expected);
  expected = g_strdup_printf ("correction:%s:Hello, Bob!:verified", id);
  m = wait_event (bob, expected);
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Bob replies, quoting; Alice sees the reply without the quote. */
  {
    ConfabXmppChatOptions reply = {
      .reply_id = id, .reply_to = alice_bare, .reply_fallback = "> Hello, Bob!\n",
    };
    g_autofree char *rid = confab_xmpp_messages_send_chat (bob->messages, alice_bare, "Hi Alice", &reply);

    reply_id = g_strdup (rid);
  }
  m = wait_event (alice, "message:bob@" CONFAB_TEST_DOMAIN ":> Hello, Bob!\nHi Alice");
  g_assert_cmpstr (confab_xmpp_message_get_reply_id (m), ==, id);
  g_assert_true (confab_jid_equal (confab_xmpp_message_get_reply_to (m), alice_bare));
  g_assert_cmpstr (confab_xmpp_message_get_display_body (m), ==, "Hi Alice");
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Bob reacts (duplicates and empties are left out). */
  reaction_id = confab_xmpp_messages_send_reaction (bob->messages, alice_bare, id, thumbs);
  g_free (expected);
  expected = g_strdup_printf ("reaction:%s:👍|🐢", id);
  m = wait_event (alice, expected);
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Alice retracts: verified at Bob's. */
  retract_id = confab_xmpp_messages_send_retraction (alice->messages, bob_bare, id);
  g_free (expected);
  expected = g_strdup_printf ("retraction:%s:verified", id);
  m = wait_event (bob, expected);
  g_assert_null (confab_xmpp_message_get_display_body (m));
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* A message to someone who does not exist bounces as an error. */
  {
    g_autoptr(ConfabJid) nobody = confab_jid_parse ("nobody@" CONFAB_TEST_DOMAIN, NULL);
    g_autofree char *lost = confab_xmpp_messages_send_chat (alice->messages, nobody, "anyone?", NULL);

    g_free (expected);
    expected = g_strdup_printf ("error:%s", lost);
    m = wait_event (alice, expected);
    g_assert_nonnull (confab_xmpp_message_get_error (m));
    g_test_message ("bounce: %s", confab_xmpp_message_get_error (m)->message);
    g_clear_pointer (&m, confab_xmpp_message_unref);
  }
}

/* ---- Carbons -------------------------------------------------------------- */

static void
test_carbons (void)
{
  g_autoptr(Client) alice1 = client_new ("alice", "one");
  g_autoptr(Client) alice2 = client_new ("alice", "two");
  g_autoptr(Client) bob = client_new ("bob", "phone");
  g_autoptr(ConfabJid) alice_bare = bare_of (alice1);
  g_autoptr(ConfabJid) alice1_full = full_of (alice1);
  g_autoptr(ConfabJid) bob_bare = bare_of (bob);
  g_autoptr(ConfabXmppMessage) m = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  ConfabXmppChatOptions options = { .request_receipt = TRUE };

  settle (300);  /* presence of the others */
  clear_events (alice1);
  clear_events (alice2);

  /* Alice's first device writes; the second gets a sent carbon. */
  id = confab_xmpp_messages_send_chat (alice1->messages, bob_bare, "from one", &options);
  m = wait_event (bob, "message:alice@" CONFAB_TEST_DOMAIN ":from one");
  g_clear_pointer (&m, confab_xmpp_message_unref);
  m = wait_event (alice2, "message:alice@" CONFAB_TEST_DOMAIN ":from one:sent");
  g_assert_cmpstr (confab_xmpp_message_get_id (m), ==, id);
  g_assert_true (confab_jid_equal_bare (confab_xmpp_message_get_to (m), bob_bare));
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Bob's receipt goes to the first device, and as a received carbon to
   * the second, which learnt the id from the sent carbon. */
  confab_xmpp_messages_send_receipt (bob->messages, alice1_full, id);
  expected = g_strdup_printf ("receipt:%s", id);
  m = wait_event (alice1, expected);
  g_clear_pointer (&m, confab_xmpp_message_unref);
  m = wait_event (alice2, expected);
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* To the bare JID: Prosody delivers to every available resource of the
   * highest priority (RFC 6121 §8.5.2.1.1), both here, and carbons none
   * of them again (mod_carbons skips the top resources). */
  g_free (id);
  id = confab_xmpp_messages_send_chat (bob->messages, alice_bare, "to both", NULL);
  m = wait_event (alice1, "message:bob@" CONFAB_TEST_DOMAIN ":to both");
  g_clear_pointer (&m, confab_xmpp_message_unref);
  m = wait_event (alice2, "message:bob@" CONFAB_TEST_DOMAIN ":to both");
  g_clear_pointer (&m, confab_xmpp_message_unref);
  settle (500);
  /* Exactly once each, directly. */
  g_assert_cmpuint (alice1->received->len, ==, 1);
  g_assert_cmpuint (alice2->received->len, ==, 2);
  assert_no_events (alice1);
  assert_no_events (alice2);

  /* To the first device's full JID: the second gets a received carbon. */
  g_free (id);
  {
    g_autoptr(ConfabJid) to = full_of (alice1);
    id = confab_xmpp_messages_send_chat (bob->messages, to, "to one", NULL);
  }
  m = wait_event (alice1, "message:bob@" CONFAB_TEST_DOMAIN ":to one");
  g_clear_pointer (&m, confab_xmpp_message_unref);
  m = wait_event (alice2, "message:bob@" CONFAB_TEST_DOMAIN ":to one:carbon");
  g_assert_cmpstr (confab_xmpp_message_get_id (m), ==, id);
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Private messages are not copied (XEP-0280 §7). */
  {
    ConfabXmppChatOptions private_options = { .private_ = TRUE };
    g_autofree char *pid = confab_xmpp_messages_send_chat (alice1->messages, bob_bare, "secret",
                                                           &private_options);

    g_assert_nonnull (pid);
    m = wait_event (bob, "message:alice@" CONFAB_TEST_DOMAIN ":secret");
    g_clear_pointer (&m, confab_xmpp_message_unref);
    settle (500);
    assert_no_events (alice2);
  }
}

/* ---- A hostile contact ---------------------------------------------------- */

static guint
count_stanza_ids (ConfabXmppNode *stanza)
{
  guint n = 0;

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    if (confab_xmpp_node_is (child, "stanza-id", CONFAB_XMPP_NS_SID))
      n++;
  return n;
}

static void
send_raw (Client     *from,
          const char *to,
          void      (*build) (ConfabXmppNode *message, gpointer data),
          gpointer    data)
{
  g_autoptr(ConfabXmppNode) message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (message, "to", to);
  confab_xmpp_node_set_attr (message, "type", "chat");
  confab_xmpp_node_set_attr (message, "id", "hostile");
  build (message, data);
  confab_xmpp_stream_send (from->stream, message);
}

static void
build_forged_carbon (ConfabXmppNode *message,
                     gpointer        data)
{
  Client *alice = data;
  ConfabXmppNode *received = confab_xmpp_node_add_child (message, "received", CONFAB_XMPP_NS_CARBONS);
  ConfabXmppNode *forwarded = confab_xmpp_node_add_child (received, "forwarded", CONFAB_XMPP_NS_FORWARD);
  ConfabXmppNode *inner = confab_xmpp_node_add_child (forwarded, "message", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (inner, "from", "bob@" CONFAB_TEST_DOMAIN "/phone");
  confab_xmpp_node_set_attr (inner, "to", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (alice->stream)));
  confab_xmpp_node_set_attr (inner, "type", "chat");
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (inner, "body", NULL), "forged");
}

static void
build_forged_sent_carbon (ConfabXmppNode *message,
                          gpointer        data)
{
  ConfabXmppNode *sent = confab_xmpp_node_add_child (message, "sent", CONFAB_XMPP_NS_CARBONS);
  ConfabXmppNode *forwarded = confab_xmpp_node_add_child (sent, "forwarded", CONFAB_XMPP_NS_FORWARD);
  ConfabXmppNode *inner = confab_xmpp_node_add_child (forwarded, "message", CONFAB_XMPP_NS_CLIENT);

  confab_xmpp_node_set_attr (inner, "from", "alice@" CONFAB_TEST_DOMAIN "/laptop");
  confab_xmpp_node_set_attr (inner, "to", "bob@" CONFAB_TEST_DOMAIN);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (inner, "body", NULL), "I never said this");
}

static void
build_correction (ConfabXmppNode *message,
                  gpointer        data)
{
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (message, "body", NULL), "Bob owes Carol money");
  confab_xmpp_node_set_attr (confab_xmpp_node_add_child (message, "replace", CONFAB_XMPP_NS_CORRECT),
                             "id", data);
}

static void
build_stanza_id (ConfabXmppNode *message,
                 gpointer        data)
{
  ConfabXmppNode *sid = confab_xmpp_node_add_child (message, "stanza-id", CONFAB_XMPP_NS_SID);

  confab_xmpp_node_set_attr (sid, "by", "alice@" CONFAB_TEST_DOMAIN);
  confab_xmpp_node_set_attr (sid, "id", "forged-archive-id");
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (message, "body", NULL), "with a stanza-id");
}

static void
test_hostile_contact (void)
{
  g_autoptr(Client) alice = client_new ("alice", "laptop");
  g_autoptr(Client) bob = client_new ("bob", "phone");
  g_autoptr(Client) carol = client_new ("carol", "evil");
  g_autoptr(ConfabJid) alice_full = full_of (alice);
  g_autoptr(ConfabXmppMessage) m = NULL;
  g_autofree char *bob_id = NULL;
  const char *alice_str = confab_jid_to_string (alice_full);

  bob_id = confab_xmpp_messages_send_chat (bob->messages, alice_full, "an honest message", NULL);
  m = wait_event (alice, "message:bob@" CONFAB_TEST_DOMAIN ":an honest message");
  g_clear_pointer (&m, confab_xmpp_message_unref);
  settle (300);
  clear_events (alice);

  /* XEP-0280 §11: carbons from Carol (received and sent forms). */
  send_raw (carol, alice_str, build_forged_carbon, alice);
  send_raw (carol, alice_str, build_forged_sent_carbon, NULL);
  /* XEP-0308: Carol "corrects" Bob's message. */
  send_raw (carol, alice_str, build_correction, bob_id);
  settle (1000);
  assert_no_events (alice);

  /* Carol "corrects" something Alice does not know: unverified, so the
   * core checks it against the history (where it is not Carol's). */
  send_raw (carol, alice_str, build_correction, (gpointer) "from-last-year");
  m = wait_event (alice, "correction:from-last-year:Bob owes Carol money:unverified");
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* XEP-0359: a stanza-id claiming to be by Alice's archive. Prosody's
   * mod_mam means to strip stanza-ids by the recipient before archiving
   * (strip_stanza_id()), but 0.12.3 then archives and forwards the
   * unstripped stanza plus its own stanza-id, so Alice gets both, forged
   * first. The parser sees two different ids both "by" Alice's archive and
   * trusts neither; the core then deduplicates on origin-id. A server that
   * strips properly delivers only its own, which is then trusted. Never
   * the forged one. */
  send_raw (carol, alice_str, build_stanza_id, NULL);
  m = wait_event (alice, "message:carol@" CONFAB_TEST_DOMAIN ":with a stanza-id");
  {
    guint n = count_stanza_ids (confab_xmpp_message_get_stanza (m));
    g_autofree char *xml = confab_xmpp_node_to_string (confab_xmpp_message_get_stanza (m),
                                                       CONFAB_XMPP_NS_CLIENT);

    g_test_message ("stanza-ids arriving: %u; trusted: %s; stanza: %s", n,
                    confab_xmpp_message_get_stanza_id (m), xml);
    g_assert_cmpstr (confab_xmpp_message_get_stanza_id (m), !=, "forged-archive-id");
    g_assert_cmpuint (n, >=, 1);
    if (n == 1)
      g_assert_nonnull (confab_xmpp_message_get_stanza_id (m));
    else
      g_assert_null (confab_xmpp_message_get_stanza_id (m));
  }
  g_clear_pointer (&m, confab_xmpp_message_unref);

  /* Bob's own correction of his message is still verified. */
  confab_xmpp_messages_send_correction (bob->messages, alice_full, bob_id, "an honest fix");
  {
    g_autofree char *expected = g_strdup_printf ("correction:%s:an honest fix:verified", bob_id);
    m = wait_event (alice, expected);
    g_clear_pointer (&m, confab_xmpp_message_unref);
  }
  /* Carol's receipt and marker for a message Alice sent to Bob: dropped. */
  {
    g_autoptr(ConfabJid) bob_bare = bare_of (bob);
    g_autofree char *alice_id = confab_xmpp_messages_send_chat (alice->messages, bob_bare, "to bob", NULL);

    confab_xmpp_messages_send_receipt (carol->messages, alice_full, alice_id);
    confab_xmpp_messages_send_marker (carol->messages, alice_full, alice_id, CONFAB_XMPP_MARKER_DISPLAYED);
    settle (1000);
    assert_no_events (alice);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/im/messages/conversation", test_conversation);
  g_test_add_func ("/im/messages/carbons", test_carbons);
  g_test_add_func ("/im/messages/hostile-contact", test_hostile_contact);

  status = g_test_run ();
  if (status != 0)
    {
      g_autofree char *log = confab_test_server_get_log (xmpp_test_server ());
      g_printerr ("%s\n", log);
    }
  xmpp_test_stop_server ();
  return status;
}
