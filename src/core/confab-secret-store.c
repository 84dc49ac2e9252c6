/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "confab-secret-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "confab-core-error.h"
#include "confab-jid.h"
#include "confab-secret-store.h"

/*
 * Passwords go only through libsecret (ARCHITECTURE.md, "Secrets only in
 * libsecret"). Three rules hold throughout this file:
 *  - the password is handed to libsecret at once and never copied, logged or
 *    put into an error message (only JIDs and libsecret's own messages are);
 *  - every failure becomes a CONFAB_CORE_ERROR (or G_IO_ERROR_CANCELLED), so
 *    callers can tell "no keyring" from "locked keyring" from "not stored";
 *  - there is no fallback: when the keyring cannot be used, nothing is saved.
 *
 * libsecret's password calls hide one distinction we need: a lookup or clear
 * that finds the item only in a locked collection (and whose unlock prompt
 * was dismissed) reports "nothing found" without an error. So lookup and
 * remove follow up with a search that does not prompt: an item that is still
 * there is in a keyring the user did not unlock.
 */

struct _ConfabSecretStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (ConfabSecretStore, confab_secret_store, G_TYPE_OBJECT)

typedef enum {
  OPERATION_SAVE,
  OPERATION_LOOKUP,
  OPERATION_REMOVE,
} Operation;

typedef struct {
  char       *bare_jid;
  GHashTable *attributes;
} Request;

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "im.confab.Confab.Account",
    SECRET_SCHEMA_NONE,
    {
      { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
request_free (Request *request)
{
  g_clear_pointer (&request->bare_jid, g_free);
  g_clear_pointer (&request->attributes, g_hash_table_unref);
  g_free (request);
}

/* Normalizes @jid to its bare form (RFC 7622), so that every spelling of an
 * account's address names the same item. */
static Request *
request_new (const char  *jid,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  ConfabJid *parsed;
  Request *request;

  parsed = confab_jid_parse (jid, &local_error);
  if (parsed == NULL)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                   "Not a valid account address: %s", local_error->message);
      return NULL;
    }

  request = g_new0 (Request, 1);
  request->bare_jid = g_strdup (confab_jid_get_bare_string (parsed));
  request->attributes = g_hash_table_new (g_str_hash, g_str_equal);
  /* The table borrows its values: request->bare_jid lives as long as it. */
  g_hash_table_insert (request->attributes, (gpointer) "jid", request->bare_jid);
  g_hash_table_insert (request->attributes, (gpointer) "kind", (gpointer) "password");
  confab_jid_unref (parsed);

  return request;
}

/* Errors that mean the Secret Service cannot be reached or did not answer:
 * no session bus (the connection fails with a G_IO_ERROR: no such socket,
 * refused, autolaunch impossible), no owner for org.freedesktop.secrets and
 * nothing to activate, activation failed, the service died or hung. */
static gboolean
is_unreachable_error (const GError *error)
{
  static const GDBusError dbus_codes[] = {
    G_DBUS_ERROR_SERVICE_UNKNOWN,
    G_DBUS_ERROR_NAME_HAS_NO_OWNER,
    G_DBUS_ERROR_NO_REPLY,
    G_DBUS_ERROR_TIMEOUT,
    G_DBUS_ERROR_TIMED_OUT,
    G_DBUS_ERROR_NO_SERVER,
    G_DBUS_ERROR_DISCONNECTED,
    G_DBUS_ERROR_NO_NETWORK,
    G_DBUS_ERROR_BAD_ADDRESS,
    G_DBUS_ERROR_FILE_NOT_FOUND,
    G_DBUS_ERROR_ACCESS_DENIED,      /* e.g. a sandbox without the name */
    G_DBUS_ERROR_SPAWN_EXEC_FAILED,
    G_DBUS_ERROR_SPAWN_FORK_FAILED,
    G_DBUS_ERROR_SPAWN_CHILD_EXITED,
    G_DBUS_ERROR_SPAWN_CHILD_SIGNALED,
    G_DBUS_ERROR_SPAWN_FAILED,
    G_DBUS_ERROR_SPAWN_SERVICE_INVALID,
    G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND,
    G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID,
    G_DBUS_ERROR_SPAWN_FILE_INVALID,
    G_DBUS_ERROR_SPAWN_NO_MEMORY,
    G_DBUS_ERROR_UNKNOWN_METHOD,     /* something else owns the name */
    G_DBUS_ERROR_UNKNOWN_OBJECT,
    G_DBUS_ERROR_UNKNOWN_INTERFACE,
  };

  if (error->domain == G_DBUS_ERROR)
    {
      for (guint i = 0; i < G_N_ELEMENTS (dbus_codes); i++)
        if (error->code == (int) dbus_codes[i])
          return TRUE;
      return FALSE;
    }

  /* GDBus reports local failures (connecting, a call timing out, a closed
   * connection) in the G_IO_ERROR domain. */
  return error->domain == G_IO_ERROR;
}

/* Turns an error from libsecret or GDBus into our domain. */
static GError *
translate_error (const GError *error,
                 Operation     operation,
                 const char   *bare_jid)
{
  g_autoptr(GError) copy = g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&copy);

  g_dbus_error_strip_remote_error (copy);

  g_debug ("Secret Service error for %s: %s %d: %s", bare_jid,
           g_quark_to_string (error->domain), error->code, copy->message);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new (CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED,
                        "The keyring is locked: %s", copy->message);

  /* Storing into the "default" alias when no default collection exists makes
   * libsecret ask the service to create one, which prompts the user; if the
   * prompt is dismissed or cannot be shown, creating the item then fails
   * because the collection does not exist. Services report that as
   * NoSuchObject, or (gnome-keyring) as UnknownMethod "Object does not exist",
   * which libsecret itself treats the same way. */
  if (operation == OPERATION_SAVE &&
      (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
       g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
       g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT)))
    return g_error_new (CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED,
                        "There is no default keyring and none was created: %s",
                        copy->message);

  if (is_unreachable_error (error))
    return g_error_new (CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE,
                        "The Secret Service is not available: %s", copy->message);

  /* Protocol errors and anything unexpected: the keyring cannot be used. */
  return g_error_new (CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE,
                      "The Secret Service failed: %s", copy->message);
}

static void
return_translated_error (GTask        *task,
                         const GError *error,
                         Operation     operation)
{
  Request *request = g_task_get_task_data (task);

  g_task_return_error (task, translate_error (error, operation, request->bare_jid));
}

static void
return_locked_error (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED,
                           "The keyring that holds the password for %s is locked",
                           request->bare_jid);
}

/* Starts a task for @jid; returns NULL after completing it with
 * CONFAB_CORE_ERROR_INVALID when the JID is not valid. */
static GTask *
start_task (ConfabSecretStore   *self,
            const char          *jid,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  request = request_new (jid, &error);
  if (request == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  return g_steal_pointer (&task);
}

static void
confab_secret_store_class_init (ConfabSecretStoreClass *klass)
{
}

static void
confab_secret_store_init (ConfabSecretStore *self)
{
}

/**
 * confab_secret_store_new:
 *
 * Returns: (transfer full): a new secret store. It holds no state: the
 *   passwords live in the Secret Service.
 */
ConfabSecretStore *
confab_secret_store_new (void)
{
  return g_object_new (CONFAB_TYPE_SECRET_STORE, NULL);
}

/* Save */

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_translated_error (task, error, OPERATION_SAVE);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * confab_secret_store_save_async:
 * @self: a #ConfabSecretStore
 * @jid: the account's JID (normalized to its bare form)
 * @password: the password, non-empty UTF-8
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stores @password for @jid in the default keyring, replacing the password
 * stored there before. @password is not kept once this returns.
 */
void
confab_secret_store_save_async (ConfabSecretStore   *self,
                                const char          *jid,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  Request *request;

  g_return_if_fail (CONFAB_IS_SECRET_STORE (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_task (self, jid, confab_secret_store_save_async,
                     cancellable, callback, user_data);
  if (task == NULL)
    return;

  /* Never echo the password in the message. */
  if (password[0] == '\0' || !g_utf8_validate (password, -1, NULL))
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                               "The password must be non-empty UTF-8 text");
      return;
    }

  request = g_task_get_task_data (task);
  g_debug ("Saving the password for %s", request->bare_jid);

  /* TRANSLATORS: the label of the keyring item (seen in Passwords and Keys);
   * %s is the account's address. */
  label = g_strdup_printf (_("Confab password for %s"), request->bare_jid);

  /* libsecret copies the password into its own (non-pageable) memory now. */
  secret_password_storev (get_schema (), request->attributes,
                          SECRET_COLLECTION_DEFAULT, label, password,
                          cancellable, store_cb, g_steal_pointer (&task));
}

/**
 * confab_secret_store_save_finish:
 *
 * Returns: %TRUE if the password was stored
 */
gboolean
confab_secret_store_save_finish (ConfabSecretStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        confab_secret_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup */

static void
lookup_search_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;
  Request *request = g_task_get_task_data (task);

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error, OPERATION_LOOKUP);
      return;
    }

  if (items != NULL)
    {
      /* The lookup found nothing it could read, yet an item exists: it is in
       * a collection the user did not unlock when asked. */
      g_list_free_full (items, g_object_unref);
      return_locked_error (task);
      return;
    }

  g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                           "No password is stored for %s", request->bare_jid);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);
  /* Read before the task is handed on (argument order is unspecified). */
  GCancellable *cancellable = g_task_get_cancellable (task);
  char *password;

  password = secret_password_lookup_nonpageable_finish (result, &error);
  if (error != NULL)
    {
      g_assert (password == NULL);
      return_translated_error (task, error, OPERATION_LOOKUP);
      return;
    }

  if (password != NULL)
    {
      g_task_return_pointer (task, password, (GDestroyNotify) secret_password_free);
      return;
    }

  /* Tell "not stored" from "stored in a keyring that stayed locked", without
   * prompting a second time (no SECRET_SEARCH_UNLOCK). */
  secret_password_searchv (get_schema (), request->attributes, SECRET_SEARCH_NONE,
                           cancellable, lookup_search_cb, g_steal_pointer (&task));
}

/**
 * confab_secret_store_lookup_async:
 * @self: a #ConfabSecretStore
 * @jid: the account's JID (normalized to its bare form)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Looks up the password stored for @jid. If it is in a locked collection,
 * the Secret Service asks the user to unlock it.
 */
void
confab_secret_store_lookup_async (ConfabSecretStore   *self,
                                  const char          *jid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (CONFAB_IS_SECRET_STORE (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_task (self, jid, confab_secret_store_lookup_async,
                     cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  g_debug ("Looking up the password for %s", request->bare_jid);

  secret_password_lookupv (get_schema (), request->attributes, cancellable,
                           lookup_cb, g_steal_pointer (&task));
}

/**
 * confab_secret_store_lookup_finish:
 *
 * Returns: (transfer full): the password, to be freed with
 *   confab_secret_free(), or %NULL with @error set
 */
char *
confab_secret_store_lookup_finish (ConfabSecretStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        confab_secret_store_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Remove: unlock what matches (this may prompt), delete what is unlocked,
 * then check that nothing is left behind in a collection that stayed
 * locked. */

static void
remove_check_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error, OPERATION_REMOVE);
      return;
    }

  if (items != NULL)
    {
      g_list_free_full (items, g_object_unref);
      return_locked_error (task);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
remove_clear_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);
  /* Read before the task is handed on (argument order is unspecified). */
  GCancellable *cancellable = g_task_get_cancellable (task);

  /* FALSE without an error only means nothing unlocked matched. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      return_translated_error (task, error, OPERATION_REMOVE);
      return;
    }

  secret_password_searchv (get_schema (), request->attributes,
                           SECRET_SEARCH_ALL, cancellable,
                           remove_check_cb, g_steal_pointer (&task));
}

static void
remove_unlock_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (task);
  /* Read before the task is handed on (argument order is unspecified). */
  GCancellable *cancellable = g_task_get_cancellable (task);
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_translated_error (task, error, OPERATION_REMOVE);
      return;
    }

  /* Nothing stored: removing is done. */
  if (items == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_list_free_full (items, g_object_unref);

  secret_password_clearv (get_schema (), request->attributes, cancellable,
                          remove_clear_cb, g_steal_pointer (&task));
}

/**
 * confab_secret_store_remove_async:
 * @self: a #ConfabSecretStore
 * @jid: the account's JID (normalized to its bare form)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes the password stored for @jid from every collection. Succeeds when
 * none is stored.
 */
void
confab_secret_store_remove_async (ConfabSecretStore   *self,
                                  const char          *jid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (CONFAB_IS_SECRET_STORE (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = start_task (self, jid, confab_secret_store_remove_async,
                     cancellable, callback, user_data);
  if (task == NULL)
    return;

  request = g_task_get_task_data (task);
  g_debug ("Removing the password for %s", request->bare_jid);

  secret_password_searchv (get_schema (), request->attributes,
                           SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, cancellable,
                           remove_unlock_cb, g_steal_pointer (&task));
}

/**
 * confab_secret_store_remove_finish:
 *
 * Returns: %TRUE if no password is stored for the JID any more
 */
gboolean
confab_secret_store_remove_finish (ConfabSecretStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        confab_secret_store_remove_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * confab_secret_free:
 * @secret: (nullable): a password from confab_secret_store_lookup_finish()
 *
 * Overwrites @secret with zeros and frees it.
 */
void
confab_secret_free (char *secret)
{
  /* The lookup returns libsecret's non-pageable memory; this wipes it too. */
  secret_password_free (secret);
}
