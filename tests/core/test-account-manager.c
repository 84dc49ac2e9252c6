/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <glib/gstdio.h>

#include "confab-account-manager.h"
#include "confab-account-sync.h"
#include "confab-core-error.h"
#include "confab-xmpp-error.h"
#include "core-test-util.h"

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

#define WAIT_SECONDS 60

typedef struct {
  char                 *dir;
  char                 *path;
  ConfabDatabase       *db;
  ConfabSecretStore    *secrets;
  ConfabAccountManager *manager;
} Fixture;

static gboolean
in_session (void)
{
  if (g_strcmp0 (g_getenv ("CONFAB_IN_SESSION"), "1") == 0)
    return TRUE;
  g_test_skip ("Needs the Secret Service: run under tools/with-session");
  return FALSE;
}

/* @trust_test_ca FALSE: the system's anchors only, which do not know the
 * test CA. */
static void
open_manager_full (Fixture  *f,
                   gboolean  trust_test_ca)
{
  g_autoptr(GError) error = NULL;

  f->db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->manager = confab_account_manager_new (f->db, f->secrets);
  if (trust_test_ca)
    confab_account_manager_set_tls_database (f->manager,
                                             confab_test_server_get_tls_database (xmpp_test_server ()));
  g_assert_true (confab_account_manager_get_tls_database (f->manager)
                 == (trust_test_ca ? confab_test_server_get_tls_database (xmpp_test_server ()) : NULL));
  g_assert_true (confab_account_manager_load (f->manager, &error));
  g_assert_no_error (error);
}

static void
open_manager (Fixture *f)
{
  open_manager_full (f, TRUE);
}

static void
close_manager (Fixture *f)
{
  gboolean flag = FALSE;

  g_clear_object (&f->manager);
  /* Let the closing streams finish. */
  xmpp_test_wait_for (&flag, 1);
  g_clear_object (&f->db);
}

/* As the app restarts: the same database and Secret Service. */
static void
reopen_manager (Fixture  *f,
                gboolean  trust_test_ca)
{
  close_manager (f);
  open_manager_full (f, trust_test_ca);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("confab-accounts-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "confab.db", NULL);
  f->secrets = confab_secret_store_new ();
  if (xmpp_test_server () != NULL)
    open_manager (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  close_manager (f);
  g_clear_object (&f->secrets);
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static char *
address (const char *localpart)
{
  if (xmpp_test_server () == NULL)
    return NULL;  /* the test skips */
  return g_strdup_printf ("%s@%s", localpart,
                          confab_test_server_get_domain (xmpp_test_server ()));
}

static ConfabAccount *
add_account_full (Fixture    *f,
                  const char *localpart,
                  const char *password,
                  const char *ca_file,
                  GError    **error)
{
  g_autofree char *jid = address (localpart);
  XmppTestWaiter waiter = { 0 };
  ConfabAccount *account;

  confab_account_manager_add_async (f->manager, jid, password, "127.0.0.1",
                                    confab_test_server_get_port (xmpp_test_server ()),
                                    FALSE, ca_file, TRUE, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, WAIT_SECONDS));
  account = confab_account_manager_add_finish (f->manager, waiter.result, error);
  g_object_unref (waiter.result);
  return account;
}

static ConfabAccount *
add_account (Fixture    *f,
             const char *localpart,
             const char *password,
             GError    **error)
{
  return add_account_full (f, localpart, password, NULL, error);
}

typedef struct {
  ConfabAccount      *account;
  ConfabAccountState  state;
  gboolean            reached;
} StateWait;

static void
state_cb (ConfabAccount *account,
          GParamSpec    *pspec,
          StateWait     *wait)
{
  if (confab_account_get_state (account) == wait->state)
    wait->reached = TRUE;
}

static gboolean
wait_for_state (ConfabAccount      *account,
                ConfabAccountState  state)
{
  StateWait wait = { account, state, FALSE };
  gulong id;

  if (confab_account_get_state (account) == state)
    return TRUE;
  id = g_signal_connect (account, "notify::state", G_CALLBACK (state_cb), &wait);
  xmpp_test_wait_for (&wait.reached, WAIT_SECONDS);
  g_signal_handler_disconnect (account, id);
  return confab_account_get_state (account) == state;
}

/* Connects every account, as at startup, and waits for @account's @state. */
static gboolean
connect_all_until (Fixture            *f,
                   ConfabAccount      *account,
                   ConfabAccountState  state)
{
  confab_account_manager_connect_all (f->manager);
  return wait_for_state (account, state);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static void
test_add_restart (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autofree char *password = xmpp_test_password ("alice");
  g_autofree char *jid = address ("alice");
  const char * const suffixes[] = { "", "-wal", "-shm" };
  ConfabAccount *loaded;

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  account = add_account (f, "alice", password, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  g_assert_true (confab_account_get_enabled (account));
  if (!wait_for_state (account, CONFAB_ACCOUNT_STATE_ONLINE))
    {
      xmpp_test_print_server_log (40);
      g_error ("alice did not come online: %s", confab_account_get_error_message (account));
    }
  g_assert_cmpint (confab_xmpp_stream_get_state (confab_account_get_stream (account)), ==,
                   CONFAB_XMPP_STREAM_STATE_BOUND);
  g_clear_object (&account);

  /* Restart: a fresh database connection and manager on the same file. */
  reopen_manager (f, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  loaded = confab_account_manager_lookup (f->manager, jid);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (confab_account_get_host (loaded), ==, "127.0.0.1");
  g_assert_cmpuint (confab_account_get_port (loaded), ==,
                    confab_test_server_get_port (xmpp_test_server ()));
  g_assert_cmpint (confab_account_get_state (loaded), ==, CONFAB_ACCOUNT_STATE_OFFLINE);

  g_assert_true (connect_all_until (f, loaded, CONFAB_ACCOUNT_STATE_ONLINE));

  /* Secrets only in libsecret: not in the database, its WAL or SHM. */
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);

      g_assert_false (file_contains (file, password));
    }

  /* Disabling closes and is persisted. */
  g_assert_true (confab_account_manager_set_enabled (f->manager, loaded, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (confab_account_get_state (loaded), ==, CONFAB_ACCOUNT_STATE_OFFLINE);
  reopen_manager (f, TRUE);
  loaded = confab_account_manager_lookup (f->manager, jid);
  g_assert_nonnull (loaded);
  g_assert_false (confab_account_get_enabled (loaded));

  /* Certificates the user accepted on the stream are kept in the row. */
  {
    const char * const pins[] = { "00aa", "11bb", NULL };
    const char * const *reloaded;

    confab_xmpp_stream_set_pinned_certificates (confab_account_get_stream (loaded), pins);
    reopen_manager (f, TRUE);
    loaded = confab_account_manager_lookup (f->manager, jid);
    g_assert_nonnull (loaded);
    reloaded = confab_xmpp_stream_get_pinned_certificates (confab_account_get_stream (loaded));
    g_assert_nonnull (reloaded);
    g_assert_cmpstrv (reloaded, pins);
  }
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  ConfabXmppReconnector *reconnector;
  gboolean flag = FALSE;
  guint attempts;

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  account = add_account (f, "bob", "not-the-password", &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ERROR));
  g_assert_cmpstr (confab_account_get_error_message (account), ==,
                   "The password or the account name is wrong.");
  /* The error behind it, for the UI to choose what to offer. */
  g_assert_nonnull (confab_account_get_error (account));
  g_assert_true (confab_account_get_error (account)->domain == CONFAB_XMPP_SASL_ERROR);

  /* No retry storm: nothing happens over the next seconds. */
  reconnector = confab_account_get_reconnector (account);
  attempts = confab_xmpp_reconnector_get_attempts (reconnector);
  xmpp_test_wait_for (&flag, 3);
  g_assert_cmpuint (confab_xmpp_reconnector_get_attempts (reconnector), ==, attempts);
  g_assert_cmpint (confab_account_get_state (account), ==, CONFAB_ACCOUNT_STATE_ERROR);
  g_assert_cmpint (confab_xmpp_stream_get_state (confab_account_get_stream (account)), ==,
                   CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
}

static void
test_missing_password (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = address ("dave");
  ConfabAccount *account;

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  /* A row whose password is not in the keyring. */
  g_assert_cmpint (confab_database_ensure_account (f->db, jid, &error), >, 0);
  g_assert_no_error (error);
  reopen_manager (f, TRUE);
  account = confab_account_manager_lookup (f->manager, jid);
  g_assert_nonnull (account);

  g_assert_true (connect_all_until (f, account, CONFAB_ACCOUNT_STATE_ERROR));
  g_assert_cmpstr (confab_account_get_error_message (account), ==,
                   "No password saved for this account");
}

/* The login keyring of tools/with-session, locked and unlocked through the
 * Secret Service (gnome-keyring's password interface, no prompt). */
#define SECRETS_NAME "org.freedesktop.secrets"
#define SECRETS_PATH "/org/freedesktop/secrets"
#define WITH_SESSION_KEYRING_PASSWORD "confab-test-keyring"

static char *
default_collection (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *path = NULL;

  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH,
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);
  g_assert_cmpstr (path, !=, "/");
  return path;
}

static void
set_keyring_locked (gboolean locked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autofree char *collection = NULL;
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  collection = default_collection (bus);
  if (locked)
    {
      const char *paths[] = { collection, NULL };

      reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH,
                                           "org.freedesktop.Secret.Service", "Lock",
                                           g_variant_new ("(^ao)", paths), NULL,
                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    }
  else
    {
      g_autofree char *session = NULL;
      g_autoptr(GVariant) opened = NULL;
      const char *password = WITH_SESSION_KEYRING_PASSWORD;

      opened = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH,
                                            "org.freedesktop.Secret.Service", "OpenSession",
                                            g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                            G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE,
                                            -1, NULL, &error);
      g_assert_no_error (error);
      g_variant_get (opened, "(vo)", NULL, &session);
      reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH,
                                           "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                           "UnlockWithMasterPassword",
                                           g_variant_new ("(o(o@ay@ays))", collection, session,
                                                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                                                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                                                     strlen (password), 1),
                                                          "text/plain"),
                                           NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    }
  g_assert_no_error (error);
}

/* A locked keyring: the account says so (an error state with its own
 * words, no crash, no other source of the password). */
static void
test_locked_keyring (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autofree char *password = xmpp_test_password ("carol");

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  account = add_account (f, "carol", password, &error);
  g_assert_no_error (error);
  g_assert_true (connect_all_until (f, account, CONFAB_ACCOUNT_STATE_ONLINE));
  g_assert_true (confab_account_manager_set_enabled (f->manager, account, FALSE, &error));
  g_assert_no_error (error);

  set_keyring_locked (TRUE);
  g_assert_true (confab_account_manager_set_enabled (f->manager, account, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (connect_all_until (f, account, CONFAB_ACCOUNT_STATE_ERROR));
  /* Either the service refused outright or its unlock prompt could not be
   * shown here: both are "locked" for the user. */
  g_assert_error ((GError *) confab_account_get_error (account),
                  CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED);
  g_assert_nonnull (confab_account_get_error_message (account));
  g_test_message ("locked: %s", confab_account_get_error_message (account));

  /* Unlocked again for the other tests. (Reconnecting after the unlock
   * is not checked here: the error state stays until the user acts.) */
  set_keyring_locked (FALSE);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *removals)
{
  *removals += removed;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  char *password;

  password = confab_secret_store_lookup_finish (CONFAB_SECRET_STORE (object), result, error);
  g_assert_null (password);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autofree char *password = xmpp_test_password ("carol");
  XmppTestWaiter waiter = { 0 };
  guint removals = 0;
  sqlite3_stmt *stmt;

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  account = add_account (f, "carol", password, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ONLINE));

  g_signal_connect (f->manager, "items-changed", G_CALLBACK (items_changed_cb), &removals);
  confab_account_manager_remove_async (f->manager, account, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, WAIT_SECONDS));
  g_assert_true (confab_account_manager_remove_finish (f->manager, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);

  g_assert_cmpuint (removals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
  g_assert_cmpint (confab_account_get_state (account), ==, CONFAB_ACCOUNT_STATE_OFFLINE);

  /* The secret is gone. */
  confab_secret_store_lookup_async (f->secrets, confab_jid_get_bare_string (confab_account_get_jid (account)),
                                    NULL, lookup_cb, &lookup_error);
  while (lookup_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (lookup_error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND);

  /* And so is the row. */
  stmt = confab_database_prepare (f->db, "SELECT COUNT(*) FROM accounts", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);
}

/* Puts @ca_file into the accounts row behind the manager's back (a file
 * moved or changed since it was chosen) and loads the accounts again. */
static ConfabAccount *
reload_with_stored_ca_file (Fixture    *f,
                            const char *jid,
                            const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = confab_database_prepare (f->db, "UPDATE accounts SET ca_file = ?1", &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, ca_file, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  reopen_manager (f, TRUE);
  return confab_account_manager_lookup (f->manager, jid);
}

static void
test_ca_file (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autofree char *password = xmpp_test_password ("alice");
  g_autofree char *jid = address ("alice");
  const char *ca_file;
  ConfabAccount *loaded;

  if (!in_session () || xmpp_test_server () == NULL)
    return;
  ca_file = confab_test_server_get_ca_file (xmpp_test_server ());

  /* A manager that trusts only the system: the account's CA file is what
   * makes the test server trusted. */
  reopen_manager (f, FALSE);

  /* An unusable file is refused before anything is saved. */
  account = add_account_full (f, "alice", password, "/nonexistent/ca.pem", &error);
  g_assert_null (account);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);

  account = add_account_full (f, "alice", password, ca_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_account_get_ca_file (account), ==, ca_file);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ONLINE));
  g_clear_object (&account);

  /* Persisted: a restart connects with it. */
  reopen_manager (f, FALSE);
  loaded = confab_account_manager_lookup (f->manager, jid);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (confab_account_get_ca_file (loaded), ==, ca_file);
  g_assert_true (connect_all_until (f, loaded, CONFAB_ACCOUNT_STATE_ONLINE));

  /* The ONLY anchor: with the test CA given to the manager, an account
   * whose CA file is another one does not trust the server. */
  reopen_manager (f, TRUE);
  loaded = confab_account_manager_lookup (f->manager, jid);
  g_assert_false (confab_account_set_ca_file (loaded, "/nonexistent/ca.pem", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpstr (confab_account_get_ca_file (loaded), ==, ca_file);
  if (g_file_test (SYSTEM_CA_BUNDLE, G_FILE_TEST_EXISTS))
    {
      g_assert_true (confab_account_set_ca_file (loaded, SYSTEM_CA_BUNDLE, &error));
      g_assert_no_error (error);
      g_assert_true (connect_all_until (f, loaded, CONFAB_ACCOUNT_STATE_ERROR));
      g_assert_error (confab_account_get_error (loaded), CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE);
    }

  /* A stored CA file that is gone: the account waits in the error state
   * instead of falling back to other anchors. */
  {
    loaded = reload_with_stored_ca_file (f, jid, "/nonexistent/ca.pem");
    g_assert_cmpint (confab_account_get_state (loaded), ==, CONFAB_ACCOUNT_STATE_ERROR);
    g_assert_nonnull (confab_account_get_error (loaded));
    g_assert_cmpstr (confab_account_get_ca_file (loaded), ==, "/nonexistent/ca.pem");
  }

  /* A stored CA file that is there but holds no certificate: it is read at
   * the first connection (not at load, which stays fast), and then the
   * account refuses to connect the same way. */
  {
    g_autofree char *garbage = g_build_filename (f->dir, "garbage.pem", NULL);

    g_assert_true (g_file_set_contents (garbage, "not a certificate\n", -1, NULL));
    loaded = reload_with_stored_ca_file (f, jid, garbage);
    g_assert_cmpint (confab_account_get_state (loaded), !=, CONFAB_ACCOUNT_STATE_ERROR);
    g_assert_false (confab_account_prepare_tls (loaded, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_true (connect_all_until (f, loaded, CONFAB_ACCOUNT_STATE_ERROR));
    g_assert_nonnull (confab_account_get_error (loaded));
    g_assert_cmpstr (confab_account_get_ca_file (loaded), ==, garbage);
  }

  /* Back to the system's (here: the manager's test CA). */
  g_assert_true (confab_account_set_ca_file (loaded, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (confab_account_get_ca_file (loaded));
  reopen_manager (f, TRUE);
  loaded = confab_account_manager_lookup (f->manager, jid);
  g_assert_null (confab_account_get_ca_file (loaded));
  g_assert_true (connect_all_until (f, loaded, CONFAB_ACCOUNT_STATE_ONLINE));
}

static void
test_trust_certificate (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autofree char *password = xmpp_test_password ("bob");
  g_autofree char *jid = address ("bob");
  GTlsCertificate *certificate;
  ConfabAccount *loaded;
  const char * const *pins;

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  /* The system's anchors do not know the test CA. */
  reopen_manager (f, FALSE);
  account = add_account (f, "bob", password, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ERROR));
  g_assert_error (confab_account_get_error (account), CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE);
  certificate = confab_xmpp_stream_get_peer_certificate (confab_account_get_stream (account));
  g_assert_nonnull (certificate);

  /* The user looked at it and trusts it: pinned, and connected. */
  confab_account_trust_certificate (account, certificate);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ONLINE));
  g_assert_null (confab_account_get_error (account));
  pins = confab_xmpp_stream_get_pinned_certificates (confab_account_get_stream (account));
  g_assert_nonnull (pins);
  g_assert_cmpuint (g_strv_length ((char **) pins), ==, 1);
  g_clear_object (&account);

  /* Persisted. */
  reopen_manager (f, FALSE);
  loaded = confab_account_manager_lookup (f->manager, jid);
  g_assert_nonnull (loaded);
  g_assert_true (connect_all_until (f, loaded, CONFAB_ACCOUNT_STATE_ONLINE));
}

static void
test_presence_and_sync (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autofree char *password = xmpp_test_password ("carol");
  g_autofree char *store_path = NULL;

  if (!in_session () || xmpp_test_server () == NULL)
    return;

  account = add_account (f, "carol", password, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ONLINE));
  g_assert_nonnull (confab_account_get_roster (account));
  /* Without a history store there is no sync; with one, each account has it. */
  g_assert_null (confab_account_get_sync (account));
  store_path = g_build_filename (f->dir, "history.db", NULL);
  store = confab_history_store_new (f->path, &error);
  g_assert_no_error (error);
  confab_account_manager_set_history_store (f->manager, store);
  g_assert_true (confab_account_manager_get_history_store (f->manager) == store);
  g_assert_nonnull (confab_account_get_sync (account));
  g_assert_true (CONFAB_IS_ACCOUNT_SYNC (confab_account_get_sync (account)));

  /* RFC 6121 §4.7.2.1: away with a status, while connected. */
  g_assert_cmpint (confab_account_get_own_presence (account), ==, CONFAB_ACCOUNT_PRESENCE_AVAILABLE);
  confab_account_manager_set_presence_all (f->manager, CONFAB_ACCOUNT_PRESENCE_AWAY, "brb");
  g_assert_cmpint (confab_account_get_own_presence (account), ==, CONFAB_ACCOUNT_PRESENCE_AWAY);
  g_assert_cmpstr (confab_account_get_own_status (account), ==, "brb");
  g_assert_cmpint (confab_account_get_state (account), ==, CONFAB_ACCOUNT_STATE_ONLINE);

  /* Offline disconnects, and stays so through connect_all ... */
  confab_account_set_own_presence (account, CONFAB_ACCOUNT_PRESENCE_OFFLINE, NULL);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_OFFLINE));
  confab_account_manager_connect_all (f->manager);
  g_assert_cmpint (confab_account_get_state (account), ==, CONFAB_ACCOUNT_STATE_OFFLINE);
  /* ... until the user chooses to be seen again. */
  confab_account_set_own_presence (account, CONFAB_ACCOUNT_PRESENCE_BUSY, NULL);
  g_assert_true (wait_for_state (account, CONFAB_ACCOUNT_STATE_ONLINE));
  g_assert_cmpint (confab_account_get_own_presence (account), ==, CONFAB_ACCOUNT_PRESENCE_BUSY);

  g_clear_object (&account);
  close_manager (f);
  g_clear_object (&store);
  open_manager (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  core_test_start_server_in_session ();

  g_test_add ("/core/account-manager/add-and-restart", Fixture, NULL,
              fixture_set_up, test_add_restart, fixture_tear_down);
  g_test_add ("/core/account-manager/wrong-password", Fixture, NULL,
              fixture_set_up, test_wrong_password, fixture_tear_down);
  g_test_add ("/core/account-manager/missing-password", Fixture, NULL,
              fixture_set_up, test_missing_password, fixture_tear_down);
  g_test_add ("/core/account-manager/locked-keyring", Fixture, NULL,
              fixture_set_up, test_locked_keyring, fixture_tear_down);
  g_test_add ("/core/account-manager/remove", Fixture, NULL,
              fixture_set_up, test_remove, fixture_tear_down);
  g_test_add ("/core/account-manager/ca-file", Fixture, NULL,
              fixture_set_up, test_ca_file, fixture_tear_down);
  g_test_add ("/core/account-manager/trust-certificate", Fixture, NULL,
              fixture_set_up, test_trust_certificate, fixture_tear_down);
  g_test_add ("/core/account-manager/presence-and-sync", Fixture, NULL,
              fixture_set_up, test_presence_and_sync, fixture_tear_down);

  return core_test_run ();
}
