/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <glib/gstdio.h>

#include "confab-xmpp-modules.h"
#include "confab-xmpp-parser.h"
#include "confab-xmpp-presence.h"
#include "core-test-util.h"

#define STREAM_HEADER "<stream:stream xmlns='jabber:client' " \
                      "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

char *
core_test_address (const char *localpart)
{
  return g_strdup_printf ("%s@%s", localpart, CONFAB_TEST_DOMAIN);
}

void
core_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_file_test (dir, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (dir);
      return;
    }
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      core_test_remove_dir (child);
    }
  g_rmdir (dir);
}

char *
core_test_fresh_account (const char *prefix,
                         const char *name)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  char *localpart = g_strdup_printf ("%s%u-%s", prefix, counter++, name);
  g_autofree char *password = xmpp_test_password (localpart);

  g_assert_true (confab_test_server_create_account (xmpp_test_server (), localpart, password,
                                                    &error));
  g_assert_no_error (error);
  return localpart;
}

ConfabHistoryStore *
core_test_history_open (const char *path,
                        const char *bare,
                        gint64     *account_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  ConfabHistoryStore *store;

  db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  *account_id = confab_database_ensure_account (db, bare, &error);
  g_assert_no_error (error);
  g_assert_cmpint (*account_id, >, 0);
  g_clear_object (&db);

  store = confab_history_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
core_test_history_init (CoreTestHistory *history,
                        const char      *dir_template,
                        const char      *bare)
{
  history->dir = g_dir_make_tmp (dir_template, NULL);
  g_assert_nonnull (history->dir);
  history->path = g_build_filename (history->dir, "confab.db", NULL);
  history->store = core_test_history_open (history->path, bare, &history->account_id);
}

void
core_test_history_clear (CoreTestHistory *history)
{
  g_clear_object (&history->store);
  core_test_remove_dir (history->dir);
  g_clear_pointer (&history->path, g_free);
  g_clear_pointer (&history->dir, g_free);
}

static void
grab_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out == NULL)
    *out = confab_xmpp_node_ref (stanza);
}

ConfabXmppMessage *
core_test_parse_message (const char *xml,
                         const char *own_full_jid)
{
  ConfabXmppParserCallbacks callbacks = { .stanza = grab_stanza_cb };
  g_autoptr(ConfabXmppNode) node = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &node);
  g_autoptr(ConfabJid) own = confab_jid_parse (own_full_jid, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = g_strconcat (STREAM_HEADER, xml, NULL);
  ConfabXmppMessage *m;

  g_assert_nonnull (own);
  g_assert_true (confab_xmpp_parser_feed (parser, doc, strlen (doc), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  m = confab_xmpp_message_parse (node, own, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

void
core_test_send_available (ConfabXmppStream *stream)
{
  confab_xmpp_presence_send_available (CONFAB_XMPP_PRESENCE (
    confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE)),
    CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0);
}

gboolean
core_test_init_with_server (int    *argc,
                            char ***argv)
{
  g_test_init (argc, argv, NULL);
  return xmpp_test_start_server (NULL);
}

void
core_test_start_server_in_session (void)
{
  if (g_strcmp0 (g_getenv ("CONFAB_IN_SESSION"), "1") == 0)
    xmpp_test_start_server (NULL);
}

int
core_test_run (void)
{
  int ret = g_test_run ();

  xmpp_test_stop_server ();
  return ret;
}

int
core_test_run_with_server_log (guint last_lines)
{
  int ret = g_test_run ();

  if (ret != 0)
    xmpp_test_print_server_log (last_lines);
  xmpp_test_stop_server ();
  return ret;
}

void
core_test_profile_open (CoreTestProfile *profile,
                        const char      *dir_template)
{
  g_autoptr(GError) error = NULL;

  profile->dir = g_dir_make_tmp (dir_template, NULL);
  g_assert_nonnull (profile->dir);
  profile->path = g_build_filename (profile->dir, "confab.db", NULL);
  profile->db = confab_database_open (profile->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  profile->history = confab_history_store_new (profile->path, &error);
  g_assert_no_error (error);
  profile->secrets = confab_secret_store_new ();
  profile->manager = confab_account_manager_new (profile->db, profile->secrets);
  confab_account_manager_set_history_store (profile->manager, profile->history);
  if (xmpp_test_server () != NULL)
    confab_account_manager_set_tls_database (profile->manager,
                                             confab_test_server_get_tls_database (xmpp_test_server ()));
  g_assert_true (confab_account_manager_load (profile->manager, &error));
  g_assert_no_error (error);
}

void
core_test_profile_close (CoreTestProfile *profile)
{
  g_clear_object (&profile->manager);
  xmpp_test_run_for (200);  /* let the streams close */
  g_clear_object (&profile->history);
  g_clear_object (&profile->secrets);
  g_clear_object (&profile->db);
  core_test_remove_dir (profile->dir);
  g_clear_pointer (&profile->path, g_free);
  g_clear_pointer (&profile->dir, g_free);
}

void
core_test_session_init (CoreTestSession *session,
                        const char      *localpart,
                        const char      *resource,
                        const char      *dir_template,
                        const char      *db_name)
{
  session->localpart = g_strdup (localpart);
  session->dir = g_dir_make_tmp (dir_template, NULL);
  g_assert_nonnull (session->dir);
  session->path = g_build_filename (session->dir, db_name, NULL);
  session->stream = xmpp_test_stream_new (localpart, 0);
  if (resource != NULL)
    confab_xmpp_stream_set_resource (session->stream, resource);
  session->bare = g_strdup (confab_jid_get_bare_string (confab_xmpp_stream_get_jid (session->stream)));
  session->store = core_test_history_open (session->path, session->bare, &session->account_id);
  confab_xmpp_add_standard_modules (session->stream);
  session->sync = confab_account_sync_new (session->stream, session->store, session->account_id);
  g_assert_nonnull (session->sync);
}

void
core_test_session_clear (CoreTestSession *session)
{
  if (confab_xmpp_stream_get_state (session->stream) == CONFAB_XMPP_STREAM_STATE_BOUND)
    xmpp_test_close (session->stream);
  g_clear_object (&session->sync);
  g_clear_object (&session->stream);
  g_clear_object (&session->store);
  core_test_remove_dir (session->dir);
  g_clear_pointer (&session->dir, g_free);
  g_clear_pointer (&session->path, g_free);
  g_clear_pointer (&session->localpart, g_free);
  g_clear_pointer (&session->bare, g_free);
}

static void
position_set_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_history_store_apply_finish (CONFAB_HISTORY_STORE (source), result,
                                                    NULL, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

void
core_test_session_set_catch_up_position (CoreTestSession *session,
                                         const char      *archive_id)
{
  gboolean done = FALSE;

  confab_history_store_set_catch_up_position_async (session->store, session->account_id,
                                                    archive_id, NULL, position_set_cb, &done);
  g_assert_true (xmpp_test_wait_for (&done, 60));
}

gboolean
core_test_account_is_online (gpointer account)
{
  return confab_account_get_state (account) == CONFAB_ACCOUNT_STATE_ONLINE;
}

ConfabAccount *
core_test_add_online_account (ConfabAccountManager *manager,
                              const char           *localpart,
                              guint                 seconds)
{
  g_autofree char *jid = core_test_address (localpart);
  g_autofree char *password = xmpp_test_password (localpart);
  g_autoptr(GError) error = NULL;
  XmppTestWaiter waiter = { 0 };
  ConfabAccount *account;

  confab_account_manager_add_async (manager, jid, password, "127.0.0.1",
                                    confab_test_server_get_port (xmpp_test_server ()),
                                    FALSE, NULL, TRUE, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, seconds));
  account = confab_account_manager_add_finish (manager, waiter.result, &error);
  g_object_unref (waiter.result);
  g_assert_no_error (error);
  g_assert_true (xmpp_test_wait_until (core_test_account_is_online, account, seconds));
  g_object_unref (account);  /* the manager keeps it */
  return account;
}
