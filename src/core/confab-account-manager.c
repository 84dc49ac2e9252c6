/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "confab-account-manager.h"
#include "confab-account-private.h"
#include "confab-account-sync.h"
#include "confab-conversation-list-private.h"
#include "confab-core-error.h"

struct _ConfabAccountManager
{
  GObject            parent_instance;

  ConfabDatabase    *database;
  ConfabSecretStore *secrets;
  GTlsDatabase      *tls_database;
  ConfabHistoryStore *history;   /* nullable */
  GPtrArray         *accounts;   /* of ConfabAccount */
  ConfabConversationList *conversations;  /* created on first use */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabAccountManager, confab_account_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* ---- GListModel ------------------------------------------------------------ */

static GType
get_item_type (GListModel *model)
{
  return CONFAB_TYPE_ACCOUNT;
}

static guint
get_n_items (GListModel *model)
{
  return CONFAB_ACCOUNT_MANAGER (model)->accounts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ConfabAccountManager *self = CONFAB_ACCOUNT_MANAGER (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- Helpers --------------------------------------------------------------- */

/* Our own copies of passwords are zeroed before they are freed. */
static void
wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  for (volatile char *p = secret; *p != '\0'; p++)
    *p = '\0';
  g_free (secret);
}

static gboolean
find_account (ConfabAccountManager *self,
              ConfabAccount        *account,
              guint                *position)
{
  return g_ptr_array_find (self->accounts, account, position);
}

static void
append_account (ConfabAccountManager *self,
                ConfabAccount        *account)
{
  g_ptr_array_add (self->accounts, g_object_ref (account));
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
}

static void connect_account (ConfabAccountManager *self,
                             ConfabAccount        *account);

static void
connect_requested_cb (ConfabAccount        *account,
                      ConfabAccountManager *self)
{
  if (confab_account_get_enabled (account) && confab_account_get_row_id (account) != 0)
    connect_account (self, account);
}

/* Each account owns the sync of its stream into the store. */
static void
ensure_sync (ConfabAccountManager *self,
             ConfabAccount        *account)
{
  g_autoptr(ConfabAccountSync) sync = NULL;

  if (self->history == NULL || confab_account_get_row_id (account) == 0)
    {
      _confab_account_set_sync (account, NULL);
      return;
    }
  if (confab_account_get_sync (account) != NULL)
    return;
  sync = confab_account_sync_new (confab_account_get_stream (account), self->history,
                                  confab_account_get_row_id (account));
  _confab_account_set_sync (account, sync);
}

static ConfabAccount *
create_account (ConfabAccountManager *self,
                ConfabJid            *jid,
                gint64                row_id,
                gboolean              enabled,
                const char           *host,
                guint                 port,
                gboolean              direct_tls,
                const char           *pins,
                const char           *ca_file)
{
  ConfabAccount *account = confab_account_new (jid);
  g_autoptr(GError) error = NULL;

  confab_account_set_enabled (account, enabled);
  confab_account_set_host (account, host);
  confab_account_set_port (account, port);
  confab_account_set_direct_tls (account, direct_tls);
  if (self->tls_database != NULL)
    confab_account_set_tls_database (account, self->tls_database);
  if (pins != NULL && *pins != '\0')
    {
      g_auto(GStrv) list = g_strsplit (pins, "\n", -1);

      confab_xmpp_stream_set_pinned_certificates (confab_account_get_stream (account),
                                                  (const char * const *) list);
    }
  if (ca_file != NULL && !_confab_account_load_ca_file (account, ca_file, &error))
    {
      /* Never a fallback to the system's anchors: the account waits. */
      g_message ("Could not load the CA file of %s: %s",
                 confab_jid_get_bare_string (jid), error->message);
      _confab_account_set_error_full (account, error);
    }
  /* After the pins, so loading them does not write them back. */
  confab_account_set_database (account, self->database, row_id);
  g_signal_connect_object (account, "connect-requested", G_CALLBACK (connect_requested_cb),
                           self, 0);
  ensure_sync (self, account);
  return account;
}

/* ---- Connecting with the password from the keyring -------------------------- */

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConfabAccount) account = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = confab_secret_store_lookup_finish (CONFAB_SECRET_STORE (object), result, &error);
  if (password == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Never a fallback: without the keyring the account waits for the user. */
      if (g_error_matches (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND))
        {
          g_autoptr(GError) missing = g_error_new_literal (CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                                                           _("No password saved for this account"));

          _confab_account_set_error_full (account, missing);
        }
      else
        _confab_account_set_error_full (account, error);
      return;
    }

  /* Disabled (or removed) while we waited for the keyring. */
  if (confab_account_get_enabled (account)
      && confab_account_get_row_id (account) != 0)
    confab_account_connect (account, password);
  confab_secret_free (password);
}

static void
connect_account (ConfabAccountManager *self,
                 ConfabAccount        *account)
{

  confab_secret_store_lookup_async (self->secrets,
                                    confab_jid_get_bare_string (confab_account_get_jid (account)),
                                    NULL, password_cb, g_object_ref (account));
}

/* ---- GObject --------------------------------------------------------------- */

static void
confab_account_manager_dispose (GObject *object)
{
  ConfabAccountManager *self = CONFAB_ACCOUNT_MANAGER (object);

  if (self->accounts != NULL)
    {
      for (guint i = 0; i < self->accounts->len; i++)
        {
          ConfabAccount *account = g_ptr_array_index (self->accounts, i);

          confab_account_disconnect (account);
          confab_account_set_database (account, NULL, 0);
          _confab_account_set_sync (account, NULL);
          g_signal_handlers_disconnect_by_data (account, self);
        }
    }
  g_clear_object (&self->conversations);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_object (&self->database);
  g_clear_object (&self->secrets);
  g_clear_object (&self->tls_database);

  g_clear_object (&self->history);
  G_OBJECT_CLASS (confab_account_manager_parent_class)->dispose (object);
}

static void
confab_account_manager_class_init (ConfabAccountManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_account_manager_dispose;
}

static void
confab_account_manager_init (ConfabAccountManager *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

ConfabAccountManager *
confab_account_manager_new (ConfabDatabase    *database,
                            ConfabSecretStore *secrets)
{
  ConfabAccountManager *self;

  g_return_val_if_fail (CONFAB_IS_DATABASE (database), NULL);
  g_return_val_if_fail (CONFAB_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (CONFAB_TYPE_ACCOUNT_MANAGER, NULL);
  self->database = g_object_ref (database);
  self->secrets = g_object_ref (secrets);
  return self;
}

GTlsDatabase *
confab_account_manager_get_tls_database (ConfabAccountManager *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), NULL);
  return self->tls_database;
}

void
confab_account_manager_set_tls_database (ConfabAccountManager *self,
                                         GTlsDatabase         *database)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->tls_database, database);
  for (guint i = 0; i < self->accounts->len; i++)
    confab_account_set_tls_database (g_ptr_array_index (self->accounts, i), database);
}

gboolean
confab_account_manager_load (ConfabAccountManager  *self,
                             GError               **error)
{
  sqlite3_stmt *stmt;
  int rc;
  guint old_len;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), FALSE);

  stmt = confab_database_prepare (self->database,
                                  "SELECT id, jid, enabled, host, port, direct_tls,"
                                  " pinned_fingerprints, ca_file FROM accounts ORDER BY id",
                                  error);
  if (stmt == NULL)
    return FALSE;

  old_len = self->accounts->len;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(ConfabJid) jid = text != NULL ? confab_jid_parse (text, NULL) : NULL;
      g_autoptr(ConfabAccount) account = NULL;

      if (jid == NULL)
        {
          g_warning ("Ignoring an account with an invalid JID");
          continue;
        }
      if (confab_account_manager_lookup (self, confab_jid_get_bare_string (jid)) != NULL)
        continue;

      account = create_account (self, jid,
                                sqlite3_column_int64 (stmt, 0),
                                sqlite3_column_int (stmt, 2) != 0,
                                (const char *) sqlite3_column_text (stmt, 3),
                                (guint) CLAMP (sqlite3_column_int (stmt, 4), 0, G_MAXUINT16),
                                sqlite3_column_int (stmt, 5) != 0,
                                (const char *) sqlite3_column_text (stmt, 6),
                                (const char *) sqlite3_column_text (stmt, 7));
      g_ptr_array_add (self->accounts, g_steal_pointer (&account));
    }
  if (rc != SQLITE_DONE)
    confab_database_set_error (confab_database_get_handle (self->database),
                               "Could not read the accounts", error);
  sqlite3_reset (stmt);

  if (self->accounts->len > old_len)
    g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0,
                                self->accounts->len - old_len);
  return rc == SQLITE_DONE;
}

ConfabAccount *
confab_account_manager_lookup (ConfabAccountManager *self,
                               const char           *jid)
{
  g_autoptr(ConfabJid) parsed = NULL;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  parsed = confab_jid_parse (jid, NULL);
  if (parsed == NULL)
    return NULL;
  for (guint i = 0; i < self->accounts->len; i++)
    {
      ConfabAccount *account = g_ptr_array_index (self->accounts, i);

      if (confab_jid_equal_bare (confab_account_get_jid (account), parsed))
        return account;
    }
  return NULL;
}

/* ---- Adding ---------------------------------------------------------------- */

typedef struct {
  ConfabJid *jid;
  char      *password;
  char      *host;
  guint16    port;
  gboolean   direct_tls;
  char      *ca_file;
  gboolean   enabled;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_pointer (&data->jid, confab_jid_unref);
  g_clear_pointer (&data->password, wipe_free);
  g_clear_pointer (&data->host, g_free);
  g_clear_pointer (&data->ca_file, g_free);
  g_free (data);
}

static gint64
insert_row (ConfabAccountManager  *self,
            AddData               *data,
            GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = confab_database_prepare (self->database,
                                  "INSERT INTO accounts (jid, enabled, host, port, direct_tls, created, ca_file)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                  error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, confab_jid_get_bare_string (data->jid), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, data->enabled ? 1 : 0);
  if (data->host != NULL)
    sqlite3_bind_text (stmt, 3, data->host, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 3);
  if (data->port != 0)
    sqlite3_bind_int (stmt, 4, data->port);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int (stmt, 5, data->direct_tls ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  if (data->ca_file != NULL)
    sqlite3_bind_text (stmt, 7, data->ca_file, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 7);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (confab_database_get_handle (self->database)) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DUPLICATE,
                     "The account %s exists already", confab_jid_get_bare_string (data->jid));
      else
        confab_database_set_error (confab_database_get_handle (self->database),
                                   "Could not save the account", error);
      sqlite3_reset (stmt);
      return 0;
    }
  id = sqlite3_last_insert_rowid (confab_database_get_handle (self->database));
  sqlite3_reset (stmt);
  return id;
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  ConfabAccountManager *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  gint64 row_id;

  if (!confab_secret_store_save_finish (CONFAB_SECRET_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Checked again: another add may have finished while the keyring worked. */
  if (confab_account_manager_lookup (self, confab_jid_get_bare_string (data->jid)) != NULL)
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DUPLICATE,
                               "The account %s exists already",
                               confab_jid_get_bare_string (data->jid));
      return;
    }

  row_id = insert_row (self, data, &error);
  if (row_id == 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  account = create_account (self, data->jid, row_id, data->enabled,
                            data->host, data->port, data->direct_tls, NULL, data->ca_file);
  append_account (self, account);
  if (data->enabled && confab_account_get_state (account) != CONFAB_ACCOUNT_STATE_ERROR)
    confab_account_connect (account, data->password);
  g_clear_pointer (&data->password, wipe_free);

  g_task_return_pointer (task, g_steal_pointer (&account), g_object_unref);
}

void
confab_account_manager_add_async (ConfabAccountManager *self,
                                  const char           *jid,
                                  const char           *password,
                                  const char           *host,
                                  guint16               port,
                                  gboolean              direct_tls,
                                  const char           *ca_file,
                                  gboolean              enabled,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabJid) parsed = NULL;
  AddData *data;

  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_account_manager_add_async);

  parsed = confab_jid_parse (jid, NULL);
  if (parsed == NULL || confab_jid_get_localpart (parsed) == NULL)
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                               "“%s” is not a valid account address", jid);
      return;
    }
  if (*password == '\0')
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                               "The password is empty");
      return;
    }
  if (confab_account_manager_lookup (self, jid) != NULL)
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DUPLICATE,
                               "The account %s exists already",
                               confab_jid_get_bare_string (parsed));
      return;
    }

  data = g_new0 (AddData, 1);
  data->jid = confab_jid_get_bare (parsed);
  data->password = g_strdup (password);
  data->host = (host != NULL && *host != '\0') ? g_strdup (host) : NULL;
  data->port = port;
  data->direct_tls = !!direct_tls;
  data->enabled = !!enabled;
  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (ca_file);
      g_autoptr(GTlsDatabase) check = NULL;
      g_autoptr(GError) error = NULL;

      data->ca_file = g_file_get_path (file);
      /* Refused now rather than saved unusable. */
      check = data->ca_file != NULL ? g_tls_file_database_new (data->ca_file, &error) : NULL;
      if (check == NULL)
        {
          g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
          g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                                   "The CA file “%s” cannot be used: %s", ca_file,
                                   error != NULL ? error->message : "not a local file");
          return;
        }
    }
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);

  /* The secret first: a row without its password would be an account that
   * cannot connect. */
  confab_secret_store_save_async (self->secrets, confab_jid_get_bare_string (data->jid),
                                  password, cancellable, saved_cb, g_steal_pointer (&task));
}

ConfabAccount *
confab_account_manager_add_finish (ConfabAccountManager  *self,
                                   GAsyncResult          *result,
                                   GError               **error)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Removing -------------------------------------------------------------- */

static void
removed_secret_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ConfabAccountManager *self = g_task_get_source_object (task);
  ConfabAccount *account = g_task_get_task_data (task);
  sqlite3_stmt *stmt;
  guint position;

  if (!confab_secret_store_remove_finish (CONFAB_SECRET_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  stmt = confab_database_prepare (self->database, "DELETE FROM accounts WHERE id = ?1", &error);
  if (stmt == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, confab_account_get_row_id (account));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->database),
                                 "Could not remove the account", &error);
      sqlite3_reset (stmt);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_reset (stmt);

  confab_account_disconnect (account);
  confab_account_set_database (account, NULL, 0);
  _confab_account_set_sync (account, NULL);
  g_signal_handlers_disconnect_by_data (account, self);
  if (find_account (self, account, &position))
    {
      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
  g_task_return_boolean (task, TRUE);
}

void
confab_account_manager_remove_async (ConfabAccountManager *self,
                                     ConfabAccount        *account,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (CONFAB_IS_ACCOUNT (account));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_account_manager_remove_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  if (!find_account (self, account, NULL))
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                               "The account is not in the list");
      return;
    }

  confab_secret_store_remove_async (self->secrets,
                                    confab_jid_get_bare_string (confab_account_get_jid (account)),
                                    cancellable, removed_secret_cb, g_steal_pointer (&task));
}

gboolean
confab_account_manager_remove_finish (ConfabAccountManager  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Enabling -------------------------------------------------------------- */

gboolean
confab_account_manager_set_enabled (ConfabAccountManager  *self,
                                    ConfabAccount         *account,
                                    gboolean               enabled,
                                    GError               **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (account), FALSE);

  if (!find_account (self, account, NULL))
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                   "The account is not in the list");
      return FALSE;
    }

  stmt = confab_database_prepare (self->database,
                                  "UPDATE accounts SET enabled = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, confab_account_get_row_id (account));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->database),
                                 "Could not save the account", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  confab_account_set_enabled (account, enabled);
  if (enabled)
    connect_account (self, account);
  else
    confab_account_disconnect (account);
  return TRUE;
}

void
confab_account_manager_connect_all (ConfabAccountManager *self)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self));

  for (guint i = 0; i < self->accounts->len; i++)
    {
      ConfabAccount *account = g_ptr_array_index (self->accounts, i);
      ConfabAccountState state = confab_account_get_state (account);

      /* The user chose to be offline: only they bring it back. */
      if (!confab_account_get_enabled (account)
          || confab_account_get_own_presence (account) == CONFAB_ACCOUNT_PRESENCE_OFFLINE
          || state == CONFAB_ACCOUNT_STATE_ONLINE
          || state == CONFAB_ACCOUNT_STATE_CONNECTING)
        continue;
      connect_account (self, account);
    }
}

void
confab_account_manager_set_history_store (ConfabAccountManager *self,
                                          ConfabHistoryStore   *store)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (store == NULL || CONFAB_IS_HISTORY_STORE (store));

  if (!g_set_object (&self->history, store))
    return;
  for (guint i = 0; i < self->accounts->len; i++)
    {
      ConfabAccount *account = g_ptr_array_index (self->accounts, i);

      _confab_account_set_sync (account, NULL);
      ensure_sync (self, account);
    }
}

ConfabConversationList *
confab_account_manager_get_conversations (ConfabAccountManager *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), NULL);

  if (self->conversations == NULL)
    self->conversations = _confab_conversation_list_new (self);
  return self->conversations;
}

void
confab_account_manager_set_presence_all (ConfabAccountManager  *self,
                                         ConfabAccountPresence  presence,
                                         const char            *status)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self));

  for (guint i = 0; i < self->accounts->len; i++)
    confab_account_set_own_presence (g_ptr_array_index (self->accounts, i), presence, status);
}

ConfabHistoryStore *
confab_account_manager_get_history_store (ConfabAccountManager *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (self), NULL);

  return self->history;
}
