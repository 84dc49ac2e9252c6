/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-reconnector.h"

#include <string.h>

#include "confab-xmpp-error.h"

#define BASE_DELAY_MS   1000
#define MAX_DELAY_MS    (5 * 60 * 1000)
#define NETWORK_DEBOUNCE_US (2 * G_USEC_PER_SEC)

struct _ConfabXmppReconnector {
  GObject           parent_instance;

  ConfabXmppStream *stream;
  char             *password;
  GCancellable     *cancellable;
  guint             retry_id;
  guint             attempts;
  gboolean          connecting;
  gboolean          running;
  gint64            last_network_retry_us;
  GNetworkMonitor  *monitor;
};

G_DEFINE_FINAL_TYPE (ConfabXmppReconnector, confab_xmpp_reconnector, G_TYPE_OBJECT)

enum {
  GAVE_UP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (ConfabXmppReconnector *self);

static void
wipe_password (ConfabXmppReconnector *self)
{
  if (self->password == NULL)
    return;
  explicit_bzero (self->password, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
}

guint
confab_xmpp_reconnector_compute_delay_ms (guint   attempt,
                                          guint32 random)
{
  guint delay = MAX_DELAY_MS;

  if (attempt < 20)
    delay = MIN ((guint) BASE_DELAY_MS << attempt, (guint) MAX_DELAY_MS);
  /* "Equal jitter": half fixed, half random. */
  return delay / 2 + random % (delay / 2 + 1);
}

gboolean
confab_xmpp_error_is_permanent (const GError *error)
{
  if (error == NULL)
    return FALSE;

  /* RFC 6120 §6.5: only a temporary failure invites another try. */
  if (error->domain == CONFAB_XMPP_SASL_ERROR)
    return error->code != CONFAB_XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE
           && error->code != CONFAB_XMPP_SASL_ERROR_ABORTED;

  if (error->domain == CONFAB_XMPP_ERROR)
    switch ((ConfabXmppError) error->code)
      {
      case CONFAB_XMPP_ERROR_CERTIFICATE:
      case CONFAB_XMPP_ERROR_TLS_UNAVAILABLE:
      case CONFAB_XMPP_ERROR_NO_MECHANISM:
      case CONFAB_XMPP_ERROR_AUTH_DOWNGRADE:
      case CONFAB_XMPP_ERROR_AUTH_SERVER:
      case CONFAB_XMPP_ERROR_AUTH_PARAMETERS:
      case CONFAB_XMPP_ERROR_INVALID_JID:
        return TRUE;
      default:
        return FALSE;
      }

  /* RFC 6120 §4.9.3: these say "do not come back like this". conflict in
   * particular: another client took our resource, and reconnecting would
   * throw it out in turn, forever. */
  if (error->domain == CONFAB_XMPP_STREAM_ERROR)
    switch ((ConfabXmppStreamError) error->code)
      {
      case CONFAB_XMPP_STREAM_ERROR_CONFLICT:
      case CONFAB_XMPP_STREAM_ERROR_NOT_AUTHORIZED:
      case CONFAB_XMPP_STREAM_ERROR_HOST_UNKNOWN:
      case CONFAB_XMPP_STREAM_ERROR_IMPROPER_ADDRESSING:
      case CONFAB_XMPP_STREAM_ERROR_INVALID_FROM:
      case CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE:
      case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_VERSION:
      case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING:
      case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE:
        return TRUE;
      default:
        return FALSE;
      }

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
retry_cb (gpointer user_data)
{
  ConfabXmppReconnector *self = user_data;

  self->retry_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
give_up (ConfabXmppReconnector *self,
         const GError          *error)
{
  g_debug ("Not reconnecting: %s", error->message);
  self->running = FALSE;
  wipe_password (self);
  g_signal_emit (self, signals[GAVE_UP], 0, error);
}

static void
schedule_retry (ConfabXmppReconnector *self,
                const GError          *error)
{
  guint delay;

  if (!self->running)
    return;
  if (confab_xmpp_error_is_permanent (error))
    {
      give_up (self, error);
      return;
    }
  delay = confab_xmpp_reconnector_compute_delay_ms (self->attempts, g_random_int ());
  g_debug ("Reconnecting in %u ms (attempt %u): %s", delay, self->attempts + 1,
           error != NULL ? error->message : "");
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (delay, retry_cb, self);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConfabXmppReconnector) self = user_data;
  g_autoptr(GError) error = NULL;

  self->connecting = FALSE;
  if (confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &error))
    {
      self->attempts = 0;
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->running)
    return;
  self->attempts++;
  schedule_retry (self, error);
}

static void
connect_now (ConfabXmppReconnector *self)
{
  if (!self->running || self->connecting || self->password == NULL
      || confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_DISCONNECTED)
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->connecting = TRUE;
  confab_xmpp_stream_connect_async (self->stream, self->password, self->cancellable,
                                    connected_cb, g_object_ref (self));
}

static void
connection_lost_cb (ConfabXmppStream      *stream,
                    const GError          *error,
                    ConfabXmppReconnector *self)
{
  /* The first retry after a drop comes quickly: resumption is cheap. */
  schedule_retry (self, error);
}

static void
closed_cb (ConfabXmppStream      *stream,
           const GError          *error,
           ConfabXmppReconnector *self)
{
  if (error == NULL)
    {
      /* Closed on purpose. */
      confab_xmpp_reconnector_stop (self);
      return;
    }
  if (g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_RESUME_FAILED))
    return;  /* the connection goes on with a fresh session */
  schedule_retry (self, error);
}

static void
network_changed_cb (GNetworkMonitor       *monitor,
                    gboolean               available,
                    ConfabXmppReconnector *self)
{
  gint64 now = g_get_monotonic_time ();

  /* Back online: no point waiting out the backoff. Debounced, since some
   * systems report a burst of changes. */
  if (!available || self->retry_id == 0 || now - self->last_network_retry_us < NETWORK_DEBOUNCE_US)
    return;
  self->last_network_retry_us = now;
  connect_now (self);
}

static void
confab_xmpp_reconnector_dispose (GObject *object)
{
  ConfabXmppReconnector *self = CONFAB_XMPP_RECONNECTOR (object);

  confab_xmpp_reconnector_stop (self);
  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->stream);
  G_OBJECT_CLASS (confab_xmpp_reconnector_parent_class)->dispose (object);
}

static void
confab_xmpp_reconnector_class_init (ConfabXmppReconnectorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_xmpp_reconnector_dispose;

  /**
   * ConfabXmppReconnector::gave-up:
   * @error: the error that retrying cannot fix
   *
   * Emitted when the reconnector stops for good; the account needs the
   * user (a new password, a trust decision, ...).
   */
  signals[GAVE_UP] =
    g_signal_new ("gave-up", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
confab_xmpp_reconnector_init (ConfabXmppReconnector *self)
{
}

ConfabXmppReconnector *
confab_xmpp_reconnector_new (ConfabXmppStream *stream)
{
  ConfabXmppReconnector *self;

  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (stream), NULL);

  self = g_object_new (CONFAB_TYPE_XMPP_RECONNECTOR, NULL);
  self->stream = g_object_ref (stream);
  g_signal_connect (stream, "connection-lost", G_CALLBACK (connection_lost_cb), self);
  g_signal_connect (stream, "closed", G_CALLBACK (closed_cb), self);
  self->monitor = g_network_monitor_get_default ();
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  return self;
}

void
confab_xmpp_reconnector_start (ConfabXmppReconnector *self,
                               const char            *password)
{
  g_return_if_fail (CONFAB_IS_XMPP_RECONNECTOR (self));
  g_return_if_fail (password != NULL);

  wipe_password (self);
  self->password = g_strdup (password);
  self->running = TRUE;
  self->attempts = 0;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  connect_now (self);
}

void
confab_xmpp_reconnector_stop (ConfabXmppReconnector *self)
{
  g_return_if_fail (CONFAB_IS_XMPP_RECONNECTOR (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  wipe_password (self);
}

guint
confab_xmpp_reconnector_get_attempts (ConfabXmppReconnector *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_RECONNECTOR (self), 0);
  return self->attempts;
}
