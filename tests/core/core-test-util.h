/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-account-manager.h"
#include "confab-account-sync.h"
#include "confab-history-store.h"
#include "confab-xmpp-message.h"
#include "xmpp-test-util.h"

G_BEGIN_DECLS

/* Shared by the core tests: a profile on disk, accounts on the test
 * server, a history store with its account row, and a message as the
 * stream hands it over. Every helper asserts what it sets up. */

/* "localpart@" CONFAB_TEST_DOMAIN */
char               *core_test_address             (const char *localpart);

/* Removes @dir (a test's temporary directory) and everything in it; a
 * link is removed, never followed. */
void                core_test_remove_dir          (const char *dir);

/* Creates a new account "<prefix><n>-<name>" on the test server (password
 * from xmpp_test_password()), so that its archive holds only what the test
 * sends. Returns the localpart. */
char               *core_test_fresh_account       (const char *prefix,
                                                   const char *name);

/* Opens the database at @path, ensures the account row for @bare (stored in
 * *@account_id), and opens a history store on the same file. */
ConfabHistoryStore *core_test_history_open        (const char *path,
                                                   const char *bare,
                                                   gint64     *account_id);

/* A history store on a new database in a temporary directory, with the
 * account row of @bare. */
typedef struct {
  char               *dir;
  char               *path;
  gint64              account_id;
  ConfabHistoryStore *store;
} CoreTestHistory;

/* @dir_template: for g_dir_make_tmp(). */
void                core_test_history_init        (CoreTestHistory *history,
                                                   const char      *dir_template,
                                                   const char      *bare);
/* Closes the store and removes the directory. */
void                core_test_history_clear       (CoreTestHistory *history);

/* Parses @xml (one <message/>) through the real parser, as received by
 * @own_full_jid. */
ConfabXmppMessage  *core_test_parse_message       (const char *xml,
                                                   const char *own_full_jid);

/* Sends initial presence through the stream's presence module. */
void                core_test_send_available      (ConfabXmppStream *stream);

/* g_test_init(), then starts the test server with its accounts. FALSE
 * when there is no Prosody (the tests are then skipped). */
gboolean            core_test_init_with_server    (int    *argc,
                                                   char ***argv);
/* Starts the test server when run under tools/with-session (the account
 * manager needs its Secret Service); the tests skip otherwise. */
void                core_test_start_server_in_session (void);
/* Runs the tests, then stops the server. */
int                 core_test_run                 (void);
/* The same; when a test failed, the last @last_lines of the server's log
 * go into the test output before the server stops. */
int                 core_test_run_with_server_log (guint last_lines);

/* A profile as the app has one: a database, the Secret Service, a history
 * store and an account manager that trusts the test CA, in a temporary
 * directory. */
typedef struct {
  char                 *dir;
  char                 *path;
  ConfabDatabase       *db;
  ConfabSecretStore    *secrets;
  ConfabHistoryStore   *history;
  ConfabAccountManager *manager;
} CoreTestProfile;

/* @dir_template: for g_dir_make_tmp(). */
void                core_test_profile_open        (CoreTestProfile *profile,
                                                   const char      *dir_template);
/* Closes everything (letting the streams close) and removes the directory. */
void                core_test_profile_close       (CoreTestProfile *profile);

/* One account's own side on the core, as the app runs it without the
 * account manager: a temporary database with the account's row, its
 * history store, a stream with the standard modules, and the sync between
 * them. Not connected. */
typedef struct {
  char               *dir;
  char               *path;
  char               *localpart;
  char               *bare;
  gint64              account_id;
  ConfabHistoryStore *store;
  ConfabXmppStream   *stream;
  ConfabAccountSync  *sync;
} CoreTestSession;

/* @resource: NULL for the server's choice; @dir_template: for
 * g_dir_make_tmp(); @db_name: the database file in that directory. */
void                core_test_session_init        (CoreTestSession *session,
                                                   const char      *localpart,
                                                   const char      *resource,
                                                   const char      *dir_template,
                                                   const char      *db_name);
/* Closes the stream if it is bound, frees everything and removes the
 * directory. */
void                core_test_session_clear       (CoreTestSession *session);

/* Stores where @session's archive catch-up ended (XEP-0313 archive id),
 * as an interrupted session would have left it, and waits for the commit. */
void                core_test_session_set_catch_up_position (CoreTestSession *session,
                                                             const char      *archive_id);

/* A condition for xmpp_test_wait_until(): @account is online. */
gboolean            core_test_account_is_online   (gpointer account);

/* Adds @localpart's account to @manager with its right password, through
 * the test server's port, and waits (up to @seconds) until it is online.
 * The manager keeps the account: the return value is not a new reference. */
ConfabAccount      *core_test_add_online_account  (ConfabAccountManager *manager,
                                                   const char           *localpart,
                                                   guint                 seconds);

G_END_DECLS
