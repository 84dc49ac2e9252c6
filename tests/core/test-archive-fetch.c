/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fetching one conversation's history from the archive on demand, against
 * a real Prosody (mod_mam): the newest page first, then older pages back to
 * the start, each message stored exactly once. */
#include <string.h>

#include <glib/gstdio.h>

#include "confab-archive-fetch.h"
#include "confab-conversation-list.h"
#include "confab-core-error.h"
#include "confab-database.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "core-test-util.h"
#include "xmpp-test-util.h"

#define N_ARCHIVED 120
#define PAGE 50

typedef struct {
  gboolean  done;
  gboolean  ok;
  guint     n_new;
  gboolean  complete;
  GError   *error;
} FetchResult;

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  FetchResult *fetch = user_data;

  fetch->ok = confab_archive_fetch_finish (result, &fetch->n_new, &fetch->complete, &fetch->error);
  fetch->done = TRUE;
}

static FetchResult
fetch (ConfabXmppStream   *stream,
       ConfabHistoryStore *store,
       gint64              account_id,
       const char         *peer,
       ConfabArchiveFetch  what)
{
  FetchResult result = { 0 };

  confab_archive_fetch_async (stream, store, account_id, peer, what, PAGE, NULL,
                              fetched_cb, &result);
  g_assert_true (xmpp_test_wait_for (&result.done, 30));
  return result;
}

/* The bodies stored with @peer, oldest first, as "n 000,n 001,…". */
static char *
stored_bodies (ConfabHistoryStore *store,
               gint64              account_id,
               const char         *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) conversation =
    confab_history_store_get_conversation (store, account_id, peer, &error);
  g_autoptr(GPtrArray) messages = NULL;
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  if (conversation == NULL)
    return g_string_free (out, FALSE);
  messages = confab_history_store_list_newest (store, conversation->id, 10000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < messages->len; i++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, i);

      g_string_append_printf (out, "%s%s", i > 0 ? "," : "", m->body);
    }
  return g_string_free (out, FALSE);
}

static char *
expected_bodies (guint first,
                 guint last)
{
  GString *out = g_string_new (NULL);

  for (guint i = first; i <= last; i++)
    g_string_append_printf (out, "%sn %03u", i > first ? "," : "", i);
  return g_string_free (out, FALSE);
}

static void
test_newest_then_older (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("confab-fetch-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "confab.db", NULL);
  g_autofree char *alice_jid = g_strdup_printf ("fetch-alice@%s", CONFAB_TEST_DOMAIN);
  g_autofree char *bob_jid = g_strdup_printf ("fetch-bob@%s", CONFAB_TEST_DOMAIN);
  g_autofree char *password = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabXmppStream) alice = NULL;
  g_autoptr(ConfabXmppStream) bob = NULL;
  g_autoptr(ConfabJid) alice_bare = confab_jid_parse (alice_jid, NULL);
  ConfabXmppMessages *messages;
  gint64 account_id;
  gboolean flag = FALSE;
  FetchResult result;

  if (xmpp_test_server () == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "fetch-alice" : "fetch-bob";

      password = xmpp_test_password (name);
      g_assert_true (confab_test_server_create_account (xmpp_test_server (), name, password, &error));
      g_assert_no_error (error);
      g_clear_pointer (&password, g_free);
    }

  /* Bob writes while Alice is away: only the archive has it. */
  bob = xmpp_test_stream_new ("fetch-bob", 0);
  confab_xmpp_add_standard_modules (bob);
  xmpp_test_connect_ok (bob);
  messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (bob, CONFAB_TYPE_XMPP_MESSAGES));
  for (guint i = 0; i < N_ARCHIVED; i++)
    {
      g_autofree char *body = g_strdup_printf ("n %03u", i);
      g_autofree char *id = confab_xmpp_messages_send_chat (messages, alice_bare, body, NULL);

      g_assert_nonnull (id);
    }
  xmpp_test_wait_for (&flag, 2);

  db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  account_id = confab_database_ensure_account (db, alice_jid, &error);
  g_assert_no_error (error);
  store = confab_history_store_new (path, &error);
  g_assert_no_error (error);

  /* Alice's session sends no presence, so nothing arrives live. */
  alice = xmpp_test_stream_new ("fetch-alice", 0);
  confab_xmpp_add_standard_modules (alice);
  xmpp_test_connect_ok (alice);

  /* Opening the conversation: the newest page first. */
  result = fetch (alice, store, account_id, bob_jid, CONFAB_ARCHIVE_FETCH_NEWEST);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_cmpuint (result.n_new, ==, PAGE);
  g_assert_false (result.complete);
  {
    g_autofree char *have = stored_bodies (store, account_id, bob_jid);
    g_autofree char *want = expected_bodies (N_ARCHIVED - PAGE, N_ARCHIVED - 1);

    g_assert_cmpstr (have, ==, want);
  }

  /* Scrolling back: the pages before, down to the first message. */
  result = fetch (alice, store, account_id, bob_jid, CONFAB_ARCHIVE_FETCH_OLDER);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.n_new, ==, PAGE);
  g_assert_false (result.complete);
  result = fetch (alice, store, account_id, bob_jid, CONFAB_ARCHIVE_FETCH_OLDER);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.n_new, ==, N_ARCHIVED - 2 * PAGE);
  g_assert_true (result.complete);
  result = fetch (alice, store, account_id, bob_jid, CONFAB_ARCHIVE_FETCH_OLDER);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.n_new, ==, 0);
  g_assert_true (result.complete);

  /* Again from the top: everything is known, nothing is stored twice. */
  result = fetch (alice, store, account_id, bob_jid, CONFAB_ARCHIVE_FETCH_NEWEST);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.n_new, ==, 0);
  {
    g_autofree char *have = stored_bodies (store, account_id, bob_jid);
    g_autofree char *want = expected_bodies (0, N_ARCHIVED - 1);

    g_assert_cmpstr (have, ==, want);
  }

  /* A conversation with nobody in the archive, and a bad peer. */
  result = fetch (alice, store, account_id, "nobody@" CONFAB_TEST_DOMAIN, CONFAB_ARCHIVE_FETCH_OLDER);
  g_assert_no_error (result.error);
  g_assert_cmpuint (result.n_new, ==, 0);
  g_assert_true (result.complete);
  result = fetch (alice, store, account_id, "bob@" CONFAB_TEST_DOMAIN "/phone", CONFAB_ARCHIVE_FETCH_NEWEST);
  g_assert_false (result.ok);
  g_assert_error (result.error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
  g_clear_error (&result.error);

  xmpp_test_close (alice);
  xmpp_test_close (bob);
  g_clear_object (&store);
  g_clear_object (&db);
  for (guint i = 0; i < 3; i++)
    {
      const char *suffix[] = { "", "-wal", "-shm" };
      g_autofree char *file = g_strconcat (path, suffix[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

static gboolean
has_n_items (gpointer data)
{
  gpointer *args = data;

  return g_list_model_get_n_items (args[0]) >= GPOINTER_TO_UINT (args[1]);
}

static gboolean
fetch_settled (gpointer conversation)
{
  return !confab_conversation_can_fetch_history (conversation);
}

/* The conversation's fetch, as the view calls it: after the catch-up has
 * everything, asking for older history stores nothing twice and tells the
 * view to stop asking. */
static void
test_conversation_fetch (void)
{
  CoreTestProfile profile = { 0 };
  g_autofree char *alice_name = core_test_fresh_account ("conv-fetch", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("conv-fetch", "bob");
  g_autofree char *bob_jid = core_test_address (bob_name);
  g_autoptr(ConfabXmppStream) bob = NULL;
  g_autoptr(ConfabJid) alice_bare = NULL;
  g_autoptr(ConfabConversationModel) messages = NULL;
  g_autofree char *alice_jid = core_test_address (alice_name);
  ConfabXmppMessages *module;
  ConfabConversation *conversation;
  ConfabAccount *account;
  gboolean flag = FALSE;
  gpointer args[2];

  if (g_strcmp0 (g_getenv ("CONFAB_IN_SESSION"), "1") != 0)
    {
      g_test_skip ("Needs the Secret Service: run under tools/with-session");
      return;
    }

  alice_bare = confab_jid_parse (alice_jid, NULL);
  bob = xmpp_test_stream_new (bob_name, 0);
  confab_xmpp_add_standard_modules (bob);
  xmpp_test_connect_ok (bob);
  module = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (bob, CONFAB_TYPE_XMPP_MESSAGES));
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *body = g_strdup_printf ("n %03u", i);
      g_autofree char *id = confab_xmpp_messages_send_chat (module, alice_bare, body, NULL);

      g_assert_nonnull (id);
    }
  xmpp_test_wait_for (&flag, 1);

  core_test_profile_open (&profile, "confab-conv-fetch-XXXXXX");
  account = core_test_add_online_account (profile.manager, alice_name, 60);
  conversation = confab_conversation_list_ensure (confab_account_manager_get_conversations (profile.manager),
                                                  account, bob_jid);
  g_assert_nonnull (conversation);
  messages = confab_conversation_get_messages (conversation);
  args[0] = messages;
  args[1] = GUINT_TO_POINTER (10);
  g_assert_true (xmpp_test_wait_until (has_n_items, args, 60));
  g_assert_false (confab_conversation_model_get_has_older (messages));
  g_assert_true (confab_conversation_can_fetch_history (conversation));

  confab_conversation_fetch_history (conversation, CONFAB_ARCHIVE_FETCH_OLDER);
  g_assert_true (xmpp_test_wait_until (fetch_settled, conversation, 30));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, 10);
  /* Once exhausted, asking again does nothing. */
  confab_conversation_fetch_history (conversation, CONFAB_ARCHIVE_FETCH_OLDER);
  xmpp_test_run_for (500);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (messages)), ==, 10);

  g_clear_object (&messages);
  xmpp_test_close (bob);
  core_test_profile_close (&profile);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();
  g_test_add_func ("/core/archive-fetch/newest-then-older", test_newest_then_older);
  g_test_add_func ("/core/archive-fetch/conversation", test_conversation_fetch);
  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
