/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-background.c: ask the Background portal to let Confab run in the
 * background and start at login.
 *
 * Copyright 2026 The Confab developers
 *
 * The XDG Background portal (org.freedesktop.portal.Background) answers
 * RequestBackground() with the object path of a Request; the real answer
 * arrives later as the Response signal of that Request, once the user (or a
 * stored permission) has decided. We subscribe to the signal on the path we
 * expect *before* calling, so that a fast answer cannot be missed.
 *
 * Errors use G_IO_ERROR:
 *  - G_IO_ERROR_NOT_SUPPORTED: no session bus, or no Background portal;
 *  - G_IO_ERROR_PERMISSION_DENIED: the user refused (response 1);
 *  - G_IO_ERROR_FAILED: the portal failed (response 2 or a D-Bus error).
 * The cancellable covers the method call; once the portal has shown its
 * dialog the answer is awaited (the dialog belongs to the portal).
 */

#include "config.h"

#include "confab-background.h"

#define PORTAL_BUS_NAME      "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH   "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND    "org.freedesktop.portal.Background"
#define PORTAL_REQUEST       "org.freedesktop.portal.Request"

/* xdg-desktop-portal Request.Response codes */
enum {
  RESPONSE_SUCCESS   = 0,
  RESPONSE_CANCELLED = 1,
  RESPONSE_OTHER     = 2,
};

typedef struct
{
  GDBusConnection *connection;
  char            *request_path;
  guint            response_id;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  g_clear_object (&request->connection);
  g_free (request->request_path);
  g_free (request);
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender_name,
             const char      *object_path,
             const char      *interface_name,
             const char      *signal_name,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  gboolean autostart = FALSE;
  guint32 response;

  /* The request may have been re-subscribed on another path; only the one we
   * currently track counts. */
  if (g_strcmp0 (object_path, request->request_path) != 0)
    return;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    {
      g_debug ("Background portal: unexpected Response signature %s",
               g_variant_get_type_string (parameters));
      return;
    }

  g_variant_get (parameters, "(u@a{sv})", &response, &results);

  /* One answer per request: stop listening before completing the task, which
   * may drop the last reference to it. */
  g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
  request->response_id = 0;

  switch (response)
    {
    case RESPONSE_SUCCESS:
      if (!g_variant_lookup (results, "autostart", "b", &autostart))
        autostart = FALSE;
      g_task_return_int (task, autostart);
      break;

    case RESPONSE_CANCELLED:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               "The request to run in the background was refused");
      break;

    case RESPONSE_OTHER:
    default:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "The Background portal failed (response %u)", response);
      break;
    }

  g_object_unref (task);
}

static guint
subscribe_response (GDBusConnection *connection,
                    const char      *path,
                    GTask           *task)
{
  /* The signal subscription owns a reference to the task; it is dropped in
   * response_cb() or when the request is freed with the task. The task is
   * not freed before the subscription, so pass it without a destroy notify. */
  return g_dbus_connection_signal_subscribe (connection,
                                             PORTAL_BUS_NAME,
                                             PORTAL_REQUEST,
                                             "Response",
                                             path,
                                             NULL,
                                             G_DBUS_SIGNAL_FLAGS_NONE,
                                             response_cb,
                                             task,
                                             NULL);
}

static gboolean
is_missing_portal_error (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED);
}

static void
request_background_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);

  if (reply == NULL)
    {
      /* The subscription's reference to the task will never be used. */
      g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
      request->response_id = 0;
      g_object_unref (task);

      if (is_missing_portal_error (error))
        {
          g_dbus_error_strip_remote_error (error);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   "The Background portal is not available: %s",
                                   error->message);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
        }
      else
        {
          g_dbus_error_strip_remote_error (error);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "The Background portal failed: %s",
                                   error->message);
        }
      return;
    }

  g_variant_get (reply, "(&o)", &handle);

  /* Portals older than 0.9 do not honour handle_token: follow the path they
   * chose. The subscription keeps its reference to the task. */
  if (g_strcmp0 (handle, request->request_path) != 0)
    {
      g_debug ("Background portal answered on %s instead of %s",
               handle, request->request_path);
      g_dbus_connection_signal_unsubscribe (request->connection, request->response_id);
      g_free (request->request_path);
      request->request_path = g_strdup (handle);
      request->response_id = subscribe_response (request->connection, handle, task);
    }
}

/**
 * confab_background_request_async:
 * @connection: (nullable): the session bus, or %NULL if there is none
 * @parent_window: (nullable): the portal handle of the window asking, or %NULL
 * @autostart: whether Confab should start when the user logs in
 * @reason: (nullable): a sentence shown to the user in the portal's dialog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the portal has answered
 * @user_data: data for @callback
 *
 * Asks the Background portal for permission to keep running without a window
 * and to start (or no longer start) at login with
 * `confab --gapplication-service`.
 */
void
confab_background_request_async (GDBusConnection     *connection,
                                 const char          *parent_window,
                                 gboolean             autostart,
                                 const char          *reason,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  const char *commandline[] = { "confab", "--gapplication-service", NULL };
  GVariantBuilder options;
  Request *request;

  g_return_if_fail (connection == NULL || G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_background_request_async);

  if (connection == NULL || g_dbus_connection_get_unique_name (connection) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "There is no session bus to reach the Background portal");
      return;
    }

  /* The Request object lives at .../request/SENDER/TOKEN, where SENDER is our
   * unique name without the leading ':' and with '.' replaced by '_'. */
  token = g_strdup_printf ("confab%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (connection) + 1);
  g_strdelimit (sender, ".", '_');

  request = g_new0 (Request, 1);
  request->connection = g_object_ref (connection);
  request->request_path = g_strconcat (PORTAL_OBJECT_PATH "/request/", sender, "/", token, NULL);
  g_task_set_task_data (task, request, request_free);

  request->response_id = subscribe_response (connection, request->request_path,
                                             g_object_ref (task));

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  if (reason != NULL)
    g_variant_builder_add (&options, "{sv}", "reason", g_variant_new_string (reason));

  g_dbus_connection_call (connection,
                          PORTAL_BUS_NAME,
                          PORTAL_OBJECT_PATH,
                          PORTAL_BACKGROUND,
                          "RequestBackground",
                          g_variant_new ("(sa{sv})", parent_window ? parent_window : "", &options),
                          G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE,
                          -1,
                          cancellable,
                          request_background_cb,
                          g_steal_pointer (&task));
}

/**
 * confab_background_request_finish:
 * @result: the result passed to the callback
 * @out_autostart: (out) (optional): whether the portal enabled autostart
 * @error: return location for a #GError
 *
 * Returns: %TRUE if Confab may run in the background
 */
gboolean
confab_background_request_finish (GAsyncResult  *result,
                                  gboolean      *out_autostart,
                                  GError       **error)
{
  gssize autostart;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == confab_background_request_async, FALSE);

  autostart = g_task_propagate_int (G_TASK (result), error);
  if (autostart < 0)
    return FALSE;

  if (out_autostart != NULL)
    *out_autostart = autostart != 0;

  return TRUE;
}
