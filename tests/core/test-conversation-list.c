/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ConfabConversationList and ConfabConversation against the real Prosody:
 * two accounts of one profile (alice and bob) chat; the merged list keeps
 * order, unread counts and previews; replies, corrections and reactions are
 * stored on both sides; markers and chat states reach the peer.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"
#include "core-test-util.h"

#define WAIT_SECONDS 30

typedef CoreTestProfile Fixture;

/* ---- Helpers ------------------------------------------------------------------ */

/* Runs the main context until @condition holds (bounded). */
static gboolean
wait_until (XmppTestCondition condition,
            gpointer          data)
{
  return xmpp_test_wait_until (condition, data, WAIT_SECONDS);
}

/* Every account of a profile with a history store gets a sync. */
static ConfabAccount *
add_account (Fixture    *f,
             const char *localpart)
{
  ConfabAccount *account = core_test_add_online_account (f->manager, localpart, WAIT_SECONDS);

  g_assert_nonnull (confab_account_get_sync (account));
  return account;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  core_test_profile_open (f, "confab-conversations-XXXXXX");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  core_test_profile_close (f);
}

static guint
position_of (GListModel *list,
             gpointer    item)
{
  guint n = g_list_model_get_n_items (list);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (list, i);

      if (other == item)
        return i;
    }
  return G_MAXUINT;
}

typedef struct {
  ConfabConversation *conversation;
  const char         *body;
  guint               unread;
} Preview;

static gboolean
preview_is (gpointer data)
{
  Preview *p = data;

  return g_strcmp0 (confab_conversation_get_last_body (p->conversation), p->body) == 0
         && confab_conversation_get_unread_count (p->conversation) == p->unread;
}

typedef struct {
  ConfabConversationList *list;
  ConfabAccount          *account;
  const char             *peer;
} Listed;

static gboolean
is_listed (gpointer data)
{
  Listed *l = data;

  return confab_conversation_list_lookup (l->list, l->account, l->peer) != NULL;
}

typedef struct {
  ConfabHistoryStore *store;
  ConfabAccount      *account;
  const char         *peer;
  const char         *origin_id;   /* the message (by its id) */
  const char         *body;        /* expected body, or NULL */
  gboolean            edited;
  ConfabHistoryState  state;       /* at least */
  const char         *reply_to;    /* expected, or NULL */
  const char         *reactor;     /* expected reaction sender, or NULL */
  const char         *emoji;
  gboolean            no_reactions;
} Stored;

static ConfabHistoryMessage *
find_stored (Stored *s)
{
  g_autoptr(ConfabHistoryConversation) c = NULL;

  c = confab_history_store_get_conversation (s->store, confab_account_get_row_id (s->account),
                                             s->peer, NULL);
  if (c == NULL)
    return NULL;
  return confab_history_store_find_by_ref (s->store, c->id, s->origin_id, NULL);
}

static gboolean
stored_matches (gpointer data)
{
  Stored *s = data;
  g_autoptr(ConfabHistoryMessage) m = find_stored (s);
  g_auto(GStrv) reactions = NULL;

  if (m == NULL)
    return FALSE;
  if (s->body != NULL && g_strcmp0 (m->body, s->body) != 0)
    return FALSE;
  if (s->edited && !m->edited)
    return FALSE;
  if (m->state < s->state)
    return FALSE;
  if (s->reply_to != NULL && g_strcmp0 (m->reply_to, s->reply_to) != 0)
    return FALSE;
  reactions = confab_history_store_get_reactions (s->store, m->id, NULL);
  if (s->no_reactions && reactions != NULL && reactions[0] != NULL)
    return FALSE;
  if (s->reactor != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; reactions != NULL && reactions[i] != NULL && reactions[i + 1] != NULL; i += 2)
        if (g_str_equal (reactions[i], s->reactor) && g_str_equal (reactions[i + 1], s->emoji))
          found = TRUE;
      if (!found)
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  ConfabConversation  *conversation;
  ConfabXmppChatState  state;
} ChatState;

static gboolean
chat_state_is (gpointer data)
{
  ChatState *c = data;

  return confab_conversation_get_peer_chat_state (c->conversation) == c->state;
}

static gboolean
total_unread_is (gpointer data)
{
  ConfabConversationList *list = data;
  guint total = 0;

  g_object_get (list, "unread-count", &total, NULL);
  return total == confab_conversation_list_get_unread_count (list) && total == 1;
}

static gboolean
item_edited (gpointer data)
{
  return confab_message_item_get_edited (data);
}

static gboolean
has_reaction_pair (gpointer data)
{
  return g_strv_length ((char **) confab_message_item_get_reactions (data)) == 2;
}

static gboolean
has_three (gpointer data)
{
  return g_list_model_get_n_items (data) == 3;
}

static gboolean
named_caroline (gpointer data)
{
  return g_strcmp0 (confab_conversation_get_display_name (data), "Caroline") == 0;
}

/* ---- Tests -------------------------------------------------------------------- */

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_chat (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *alice_jid = core_test_address ("alice");
  g_autofree char *bob_jid = core_test_address ("bob");
  g_autoptr(ConfabConversationModel) early = NULL;
  g_autoptr(ConfabConversationModel) alice_messages = NULL;
  g_autoptr(ConfabConversationModel) bob_messages = NULL;
  g_autoptr(ConfabMessageItem) hi = NULL;
  g_autoptr(ConfabMessageItem) reply_item = NULL;
  g_autoptr(ConfabMessageItem) last_outgoing = NULL;
  g_autofree char *hello_id = NULL;
  g_autofree char *hi_id = NULL;
  g_autofree char *reply_id = NULL;
  ConfabConversationList *list;
  ConfabConversation *ab, *ba;
  ConfabAccount *alice, *bob;
  GListModel *model;
  guint n;

  if (xmpp_test_server () == NULL)
    {
      g_test_skip ("Needs Prosody and the Secret Service (tools/with-session)");
      return;
    }

  alice = add_account (f, "alice");
  bob = add_account (f, "bob");
  list = confab_account_manager_get_conversations (f->manager);
  g_assert_true (confab_account_manager_get_conversations (f->manager) == list);
  model = G_LIST_MODEL (list);
  g_assert_true (g_list_model_get_item_type (model) == CONFAB_TYPE_CONVERSATION);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  /* Nothing to send; not a JID. */
  g_assert_null (confab_conversation_list_ensure (list, alice, "not a jid@@"));

  /* Alice opens a chat with Bob and writes. */
  ab = confab_conversation_list_ensure (list, alice, bob_jid);
  g_assert_nonnull (ab);
  g_assert_true (confab_conversation_list_ensure (list, alice, bob_jid) == ab);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpstr (confab_conversation_get_peer (ab), ==, bob_jid);
  g_assert_cmpstr (confab_conversation_get_display_name (ab), ==, bob_jid);
  g_assert_true (confab_conversation_get_account (ab) == alice);
  g_assert_null (confab_conversation_send (ab, "   \n ", NULL));
  /* The view opens before there is a message: its model follows. */
  early = confab_conversation_get_messages (ab);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (early)), ==, 0);
  /* XEP-0085 §5.1: Bob has not shown that he sends chat states: Alice's
   * typing stays on her side. */
  {
    ConfabXmppModule *bob_messages =
      confab_xmpp_stream_get_module (confab_account_get_stream (bob), CONFAB_TYPE_XMPP_MESSAGES);
    guint states_seen = 0;
    gulong handler = g_signal_connect_swapped (bob_messages, "chat-state-changed",
                                               G_CALLBACK (count_cb), &states_seen);

    confab_conversation_set_composing (ab, TRUE);
    confab_conversation_set_composing (ab, FALSE);
    xmpp_test_run_for (1000);
    g_assert_cmpuint (states_seen, ==, 0);
    g_signal_handler_disconnect (bob_messages, handler);
  }
  hello_id = confab_conversation_send (ab, "hello bob", NULL);
  g_assert_nonnull (hello_id);
  g_assert_true (wait_until (preview_is, &(Preview) { ab, "hello bob", 0 }));
  g_assert_cmpint (confab_conversation_get_conversation_id (ab), >, 0);
  g_assert_cmpint (confab_conversation_model_get_conversation_id (early), ==,
                   confab_conversation_get_conversation_id (ab));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (early)), ==, 1);
  {
    g_autoptr(ConfabMessageItem) first = g_list_model_get_item (G_LIST_MODEL (early), 0);

    g_assert_cmpstr (confab_message_item_get_body (first), ==, "hello bob");
    g_assert_cmpstr (confab_message_item_get_origin_id (first), ==, hello_id);
    g_assert_cmpint (confab_message_item_get_direction (first), ==, CONFAB_HISTORY_DIRECTION_OUT);
  }

  /* Bob's account (same profile) gets it: a new, unread conversation. */
  g_assert_true (wait_until (is_listed, &(Listed) { list, bob, alice_jid }));
  ba = confab_conversation_list_lookup (list, bob, alice_jid);
  g_assert_true (wait_until (preview_is, &(Preview) { ba, "hello bob", 1 }));
  g_assert_true (wait_until (total_unread_is, list));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpuint (position_of (model, ba), ==, 0);  /* the newest */

  /* Bob answers: Alice's conversation moves to the top, unread. */
  hi_id = confab_conversation_send (ba, "hi alice", NULL);
  g_assert_nonnull (hi_id);
  g_assert_true (wait_until (preview_is, &(Preview) { ab, "hi alice", 1 }));
  g_assert_cmpuint (position_of (model, ab), ==, 0);
  /* XEP-0184 §8: Bob may not see Alice's presence, so he sent no receipt
   * (it would have left before his answer, which is here). */
  {
    Stored hello = { .store = f->history, .account = alice, .peer = bob_jid, .origin_id = hello_id };
    g_autoptr(ConfabHistoryMessage) row = find_stored (&hello);

    g_assert_nonnull (row);
    g_assert_cmpint (row->state, <, CONFAB_HISTORY_STATE_DELIVERED);
  }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  /* Bob reads Alice's message: his count goes, Alice's message becomes
   * read through the displayed marker (XEP-0333). */
  confab_conversation_mark_read (ba);
  g_assert_cmpuint (confab_conversation_get_unread_count (ba), ==, 0);
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = alice,
                                                         .peer = bob_jid, .origin_id = hello_id,
                                                         .state = CONFAB_HISTORY_STATE_READ }));
  {
    g_autoptr(ConfabHistoryConversation) row =
      confab_history_store_get_conversation (f->history, confab_account_get_row_id (bob), alice_jid, NULL);

    g_assert_cmpuint (row->unread_count, ==, 0);
  }

  /* XEP-0085: Alice types, pauses (after a few idle seconds), stops. */
  confab_conversation_set_composing (ab, TRUE);
  g_assert_true (wait_until (chat_state_is, &(ChatState) { ba, CONFAB_XMPP_CHAT_STATE_COMPOSING }));
  confab_conversation_set_composing (ab, TRUE);  /* repeated: nothing new */
  g_assert_true (wait_until (chat_state_is, &(ChatState) { ba, CONFAB_XMPP_CHAT_STATE_PAUSED }));
  confab_conversation_set_composing (ab, TRUE);
  g_assert_true (wait_until (chat_state_is, &(ChatState) { ba, CONFAB_XMPP_CHAT_STATE_COMPOSING }));
  confab_conversation_set_composing (ab, FALSE);
  g_assert_true (wait_until (chat_state_is, &(ChatState) { ba, CONFAB_XMPP_CHAT_STATE_ACTIVE }));

  /* XEP-0461: Alice replies to Bob's message, from her message list. */
  alice_messages = confab_conversation_get_messages (ab);
  n = g_list_model_get_n_items (G_LIST_MODEL (alice_messages));
  g_assert_cmpuint (n, ==, 2);
  hi = g_list_model_get_item (G_LIST_MODEL (alice_messages), 1);
  g_assert_cmpstr (confab_message_item_get_body (hi), ==, "hi alice");
  g_assert_cmpstr (confab_message_item_get_origin_id (hi), ==, hi_id);
  reply_id = confab_conversation_send (ab, "nice to hear from you", hi);
  g_assert_nonnull (reply_id);
  /* Stored on Alice's side (pending, before it is sent) with the
   * reference ... */
  g_assert_true (wait_until (has_three, alice_messages));
  reply_item = g_list_model_get_item (G_LIST_MODEL (alice_messages), 2);
  g_assert_cmpstr (confab_message_item_get_body (reply_item), ==, "nice to hear from you");
  g_assert_cmpstr (confab_message_item_get_reply_to (reply_item), ==, hi_id);
  g_assert_cmpstr (confab_message_item_get_reply_body (reply_item), ==, "hi alice");
  g_assert_cmpstr (confab_message_item_get_reply_sender (reply_item), ==, bob_jid);
  /* ... and on Bob's, without the fallback quote. */
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = bob,
                                                         .peer = alice_jid, .origin_id = reply_id,
                                                         .body = "nice to hear from you",
                                                         .reply_to = hi_id }));
  bob_messages = confab_conversation_get_messages (ba);
  {
    guint bn = g_list_model_get_n_items (G_LIST_MODEL (bob_messages));
    g_autoptr(ConfabMessageItem) seen = g_list_model_get_item (G_LIST_MODEL (bob_messages), bn - 1);

    g_assert_cmpstr (confab_message_item_get_reply_body (seen), ==, "hi alice");
    g_assert_cmpstr (confab_message_item_get_reply_sender (seen), ==, bob_jid);
  }

  /* XEP-0308: Alice corrects her last message; both sides store it. */
  last_outgoing = confab_conversation_get_last_outgoing (ab);
  g_assert_nonnull (last_outgoing);
  g_assert_true (last_outgoing == reply_item);  /* the view's own item */
  g_assert_false (confab_conversation_correct_last (ab, "  "));
  g_assert_true (confab_conversation_correct_last (ab, "so nice to hear from you"));
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = alice,
                                                         .peer = bob_jid, .origin_id = reply_id,
                                                         .body = "so nice to hear from you",
                                                         .edited = TRUE }));
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = bob,
                                                         .peer = alice_jid, .origin_id = reply_id,
                                                         .body = "so nice to hear from you",
                                                         .edited = TRUE }));
  g_assert_true (wait_until (item_edited, reply_item));
  g_assert_cmpstr (confab_message_item_get_body (reply_item), ==, "so nice to hear from you");
  g_assert_true (wait_until (preview_is, &(Preview) { ab, "so nice to hear from you", 1 }));

  /* XEP-0444: Alice reacts to Bob's message, then takes it back. */
  confab_conversation_toggle_reaction (ab, hi, "👍");
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = alice,
                                                         .peer = bob_jid, .origin_id = hi_id,
                                                         .reactor = alice_jid, .emoji = "👍" }));
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = bob,
                                                         .peer = alice_jid, .origin_id = hi_id,
                                                         .reactor = alice_jid, .emoji = "👍" }));
  /* The store's reader sees a commit before the change signal ran. */
  g_assert_true (wait_until (has_reaction_pair, hi));
  g_assert_cmpstr (confab_message_item_get_reactions (hi)[0], ==, alice_jid);
  confab_conversation_toggle_reaction (ab, hi, "👍");
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = bob,
                                                         .peer = alice_jid, .origin_id = hi_id,
                                                         .no_reactions = TRUE }));
  g_assert_true (wait_until (stored_matches, &(Stored) { .store = f->history, .account = alice,
                                                         .peer = bob_jid, .origin_id = hi_id,
                                                         .no_reactions = TRUE }));

  /* A fresh list (a restart) is built from the store, newest first. */
  {
    g_autoptr(ConfabAccountManager) again = confab_account_manager_new (f->db, f->secrets);
    g_autoptr(GError) error = NULL;
    ConfabConversationList *reloaded;
    g_autoptr(ConfabConversation) first = NULL;

    confab_account_manager_set_history_store (again, f->history);
    g_assert_true (confab_account_manager_load (again, &error));
    g_assert_no_error (error);
    reloaded = confab_account_manager_get_conversations (again);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 2);
    /* Bob received the reply after Alice stored it: his side is newer, in
     * the live list as after the restart. */
    first = g_list_model_get_item (G_LIST_MODEL (reloaded), 0);
    g_assert_cmpuint (position_of (model, ba), ==, 0);
    g_assert_cmpstr (confab_conversation_get_peer (first), ==, alice_jid);
    g_assert_true (confab_conversation_get_account (first) == confab_account_manager_lookup (again, bob_jid));
    g_assert_cmpstr (confab_conversation_get_last_body (first), ==, "so nice to hear from you");
    g_assert_cmpint (confab_conversation_get_last_activity (first), ==,
                     confab_conversation_get_last_activity (ba));
  }
}

static void
test_display_name (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *carol_jid = core_test_address ("carol");
  ConfabConversationList *list;
  ConfabConversation *conversation;
  ConfabRosterModel *roster;
  ConfabAccount *alice;
  XmppTestWaiter waiter = { 0 };
  g_autoptr(GError) error = NULL;
  const char * const no_groups[] = { NULL };

  if (xmpp_test_server () == NULL)
    {
      g_test_skip ("Needs Prosody and the Secret Service (tools/with-session)");
      return;
    }

  alice = add_account (f, "alice");
  list = confab_account_manager_get_conversations (f->manager);
  conversation = confab_conversation_list_ensure (list, alice, carol_jid);
  g_assert_cmpstr (confab_conversation_get_display_name (conversation), ==, carol_jid);
  g_assert_false (confab_conversation_get_available (conversation));

  /* The roster name, as soon as the roster has it. */
  roster = confab_account_get_roster (alice);
  confab_roster_model_update_contact_async (roster, carol_jid, "Caroline", no_groups, NULL,
                                            xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, WAIT_SECONDS));
  g_assert_true (confab_roster_model_action_finish (roster, waiter.result, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
  g_assert_true (wait_until (named_caroline, conversation));
  g_assert_cmpstr (confab_conversation_get_display_name (conversation), ==, "Caroline");

  /* Clean the server's roster for the other tests. */
  waiter.done = FALSE;
  confab_roster_model_remove_contact_async (roster, carol_jid, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, WAIT_SECONDS));
  g_assert_true (confab_roster_model_action_finish (roster, waiter.result, &error));
  g_clear_object (&waiter.result);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  core_test_start_server_in_session ();

  g_test_add ("/core/conversation-list/chat", Fixture, NULL,
              fixture_set_up, test_chat, fixture_tear_down);
  g_test_add ("/core/conversation-list/display-name", Fixture, NULL,
              fixture_set_up, test_display_name, fixture_tear_down);

  return core_test_run ();
}
