/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-stream-private.h"

#include <string.h>

#include "confab-xmpp-connector.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-module.h"

#define READ_BUFFER_SIZE         (32 * 1024)
#define DEFAULT_CONNECT_TIMEOUT  30
#define DEFAULT_KEEPALIVE_IDLE   60
#define DEFAULT_KEEPALIVE_WAIT   20
#define DEFAULT_IQ_TIMEOUT       30
#define CLOSE_WAIT_SECONDS       5

G_DEFINE_ENUM_TYPE (ConfabXmppStreamState, confab_xmpp_stream_state,
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_SECURING, "securing"),
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_AUTHENTICATING, "authenticating"),
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_BINDING, "binding"),
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_BOUND, "bound"),
  G_DEFINE_ENUM_VALUE (CONFAB_XMPP_STREAM_STATE_CLOSING, "closing"))

G_DEFINE_FINAL_TYPE (ConfabXmppStream, confab_xmpp_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JID,
  PROP_BOUND_JID,
  PROP_STATE,
  PROP_PINNED_CERTIFICATES,
  N_PROPS
};

enum {
  STANZA_RECEIVED,
  SESSION_STARTED,
  STANZA_ACKED,
  ACCEPT_CERTIFICATE,
  CONNECTION_LOST,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  ConfabXmppIqHandler handler;
  gpointer            user_data;
} IqHandlerEntry;

static void teardown (ConfabXmppStream *self);
static void flush (ConfabXmppStream *self);
static void schedule_keepalive (ConfabXmppStream *self, guint seconds);

/* ---- Properties and lifetime -------------------------------------------- */

static void
confab_xmpp_stream_dispose (GObject *object)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);

  teardown (self);
  if (self->modules != NULL)
    {
      g_autoptr(GPtrArray) modules = g_steal_pointer (&self->modules);

      for (guint i = 0; i < modules->len; i++)
        confab_xmpp_module_detach (g_ptr_array_index (modules, i), self);
    }
  G_OBJECT_CLASS (confab_xmpp_stream_parent_class)->dispose (object);
}

static void
confab_xmpp_stream_finalize (GObject *object)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);

  g_clear_pointer (&self->jid, confab_jid_unref);
  g_clear_pointer (&self->bound_jid, confab_jid_unref);
  g_free (self->host);
  g_free (self->resource);
  g_clear_object (&self->tls_database);
  g_strfreev (self->pins);
  g_strfreev (self->allowed_mechanisms);
  g_clear_object (&self->peer_certificate);
  g_clear_error (&self->connect_error);
  g_free (self->mechanism);
  g_free (self->read_buffer);
  g_string_free (self->write_pending, TRUE);
  confab_xmpp_iq_tracker_free (self->iq_tracker);
  g_hash_table_unref (self->iq_handlers);
  g_ptr_array_unref (self->disco_features);
  g_array_unref (self->held);
  _confab_xmpp_stream_sm_forget (self);
  g_clear_pointer (&self->resend_after_bind, g_ptr_array_unref);
  g_clear_pointer (&self->stream_features, confab_xmpp_node_unref);
  G_OBJECT_CLASS (confab_xmpp_stream_parent_class)->finalize (object);
}

static void
confab_xmpp_stream_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_boxed (value, self->jid);
      break;
    case PROP_BOUND_JID:
      g_value_set_boxed (value, self->bound_jid);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PINNED_CERTIFICATES:
      g_value_set_boxed (value, self->pins);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xmpp_stream_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);

  switch (prop_id)
    {
    case PROP_JID:
      self->jid = g_value_dup_boxed (value);
      break;
    case PROP_PINNED_CERTIFICATES:
      confab_xmpp_stream_set_pinned_certificates (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xmpp_stream_class_init (ConfabXmppStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_xmpp_stream_dispose;
  object_class->finalize = confab_xmpp_stream_finalize;
  object_class->get_property = confab_xmpp_stream_get_property;
  object_class->set_property = confab_xmpp_stream_set_property;

  /**
   * ConfabXmppStream:jid:
   * The account's JID; its resource, if any, is requested when binding.
   */
  properties[PROP_JID] =
    g_param_spec_boxed ("jid", NULL, NULL, CONFAB_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * ConfabXmppStream:bound-jid:
   * The full JID of the session, once bound.
   */
  properties[PROP_BOUND_JID] =
    g_param_spec_boxed ("bound-jid", NULL, NULL, CONFAB_TYPE_JID,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CONFAB_TYPE_XMPP_STREAM_STATE,
                       CONFAB_XMPP_STREAM_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ConfabXmppStream:pinned-certificates:
   * Fingerprints of certificates the user trusted explicitly. Changes when
   * an ::accept-certificate handler accepts one, so the app can save it.
   */
  properties[PROP_PINNED_CERTIFICATES] =
    g_param_spec_boxed ("pinned-certificates", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConfabXmppStream::stanza-received:
   * @stanza: a top-level element (message, presence, iq, or other)
   *
   * Emitted for every inbound stanza that the stream does not handle itself.
   */
  signals[STANZA_RECEIVED] =
    g_signal_new ("stanza-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  CONFAB_TYPE_XMPP_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * ConfabXmppStream::session-started:
   * @resumed: %TRUE when an earlier session was resumed (XEP-0198), so
   *   roster, presence and subscriptions are still in place
   *
   * Emitted when the stream is bound and ready for stanzas.
   */
  signals[SESSION_STARTED] =
    g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /**
   * ConfabXmppStream::stanza-acked:
   * @id: the id of a stanza we sent
   *
   * Emitted when the server confirmed receiving a stanza (XEP-0198 §4).
   */
  signals[STANZA_ACKED] =
    g_signal_new ("stanza-acked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * ConfabXmppStream::connection-lost:
   * @error: why
   *
   * Emitted instead of ::closed when the connection broke but the session
   * can be resumed (XEP-0198 §5): roster and presence stay valid, stanzas
   * sent meanwhile are queued, and the next connect resumes the session.
   */
  signals[CONNECTION_LOST] =
    g_signal_new ("connection-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /**
   * ConfabXmppStream::accept-certificate:
   * @certificate: the server's certificate
   * @errors: why verification failed
   *
   * Emitted during the TLS handshake when the certificate is not trusted and
   * not pinned. Return %TRUE only if the user explicitly trusts exactly this
   * certificate; its fingerprint is then added to the pins. Returning %FALSE
   * fails the connection with %CONFAB_XMPP_ERROR_CERTIFICATE, and the
   * certificate stays available for a later decision.
   */
  signals[ACCEPT_CERTIFICATE] =
    g_signal_new ("accept-certificate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 2,
                  G_TYPE_TLS_CERTIFICATE, G_TYPE_TLS_CERTIFICATE_FLAGS);
  /**
   * ConfabXmppStream::closed:
   * @error: (nullable): why the session ended, %NULL after our own close
   *
   * Emitted once when a session ends for good: closed by us or the server,
   * failed without a way to resume it, or found gone when resuming.
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

/* XEP-0199 §4: answer the server's pings, which it uses to see we are alive. */
static gboolean
handle_ping (ConfabXmppStream *stream,
             ConfabXmppNode   *iq,
             gpointer          user_data)
{
  g_autoptr(ConfabXmppNode) result = confab_xmpp_iq_new_result (iq);

  confab_xmpp_stream_send (stream, result);
  return TRUE;
}

static void
confab_xmpp_stream_init (ConfabXmppStream *self)
{
  self->write_pending = g_string_new (NULL);
  self->iq_tracker = confab_xmpp_iq_tracker_new ();
  self->iq_handlers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->keepalive_idle = DEFAULT_KEEPALIVE_IDLE;
  self->keepalive_timeout = DEFAULT_KEEPALIVE_WAIT;
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  self->modules = g_ptr_array_new_with_free_func (g_object_unref);
  self->disco_features = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->disco_features, NULL);
  self->held = g_array_new (FALSE, FALSE, sizeof (guint64));
  confab_xmpp_stream_add_disco_feature (self, CONFAB_XMPP_NS_PING);
  confab_xmpp_stream_add_iq_handler (self, "ping", CONFAB_XMPP_NS_PING, handle_ping, NULL);
}

ConfabXmppStream *
confab_xmpp_stream_new (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (CONFAB_TYPE_XMPP_STREAM, "jid", jid, NULL);
}

ConfabJid *
confab_xmpp_stream_get_jid (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return self->jid;
}

ConfabJid *
confab_xmpp_stream_get_bound_jid (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return self->bound_jid;
}

ConfabXmppStreamState
confab_xmpp_stream_get_state (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
  return self->state;
}

void
_confab_xmpp_stream_set_state (ConfabXmppStream      *self,
                               ConfabXmppStreamState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
confab_xmpp_stream_set_host (ConfabXmppStream *self,
                             const char       *host,
                             guint16           port)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));

  g_free (self->host);
  self->host = host != NULL && *host != '\0' ? g_strdup (host) : NULL;
  self->port = port;
}

void
confab_xmpp_stream_set_direct_tls (ConfabXmppStream *self,
                                   gboolean          direct_tls)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  self->direct_tls = !!direct_tls;
}

void
confab_xmpp_stream_set_resource (ConfabXmppStream *self,
                                 const char       *resource)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_free (self->resource);
  self->resource = g_strdup (resource);
}

void
confab_xmpp_stream_set_tls_database (ConfabXmppStream *self,
                                     GTlsDatabase     *database)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_set_object (&self->tls_database, database);
}

void
confab_xmpp_stream_set_pinned_certificates (ConfabXmppStream   *self,
                                            const char * const *fingerprints)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));

  g_strfreev (self->pins);
  self->pins = g_strdupv ((char **) fingerprints);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATES]);
}

const char * const *
confab_xmpp_stream_get_pinned_certificates (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return (const char * const *) self->pins;
}

void
_confab_xmpp_stream_pin (ConfabXmppStream *self,
                         const char       *fingerprint)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (self->pins != NULL && g_strv_contains ((const char * const *) self->pins, fingerprint))
    return;
  if (self->pins != NULL)
    g_strv_builder_addv (builder, (const char **) self->pins);
  g_strv_builder_add (builder, fingerprint);
  g_strfreev (self->pins);
  self->pins = g_strv_builder_end (builder);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATES]);
}

void
confab_xmpp_stream_set_allowed_mechanisms (ConfabXmppStream   *self,
                                           const char * const *mechanisms)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_strfreev (self->allowed_mechanisms);
  self->allowed_mechanisms = g_strdupv ((char **) mechanisms);
}

void
confab_xmpp_stream_set_keepalive (ConfabXmppStream *self,
                                  guint             idle_seconds,
                                  guint             timeout_seconds)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  self->keepalive_idle = idle_seconds;
  self->keepalive_timeout = timeout_seconds;
  if (self->state == CONFAB_XMPP_STREAM_STATE_BOUND)
    schedule_keepalive (self, idle_seconds);
}

void
confab_xmpp_stream_set_connect_timeout (ConfabXmppStream *self,
                                        guint             seconds)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  self->connect_timeout = seconds > 0 ? seconds : DEFAULT_CONNECT_TIMEOUT;
}

GTlsCertificate *
confab_xmpp_stream_get_peer_certificate (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return self->peer_certificate;
}

const GError *
confab_xmpp_stream_get_connect_error (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return self->connect_error;
}

GTlsCertificateFlags
confab_xmpp_stream_get_peer_certificate_errors (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), 0);
  return self->peer_certificate_errors;
}

const char *
confab_xmpp_stream_get_mechanism (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return self->mechanism;
}

gboolean
confab_xmpp_stream_get_used_direct_tls (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), FALSE);
  return self->used_direct_tls;
}

void
_confab_xmpp_stream_emit_accept_certificate (ConfabXmppStream     *self,
                                             GTlsCertificate      *certificate,
                                             GTlsCertificateFlags  errors,
                                             gboolean             *accepted)
{
  g_signal_emit (self, signals[ACCEPT_CERTIFICATE], 0, certificate, errors, accepted);
}

/* ---- Writing -------------------------------------------------------------- */

/* Closes the socket itself: immediate, and any read or write still pending
 * on it fails at once (closing the GIOStream would refuse while they are). */
static void
close_socket_and_unref (gpointer connection)
{
  g_socket_close (g_socket_connection_get_socket (connection), NULL);
  g_object_unref (connection);
}

typedef struct {
  GSocketConnection *connection;
  char              *data;
  GCancellable      *cancellable;
  guint              timeout_id;
} LastWords;

static void
last_words_written_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  LastWords *words = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  g_clear_handle_id (&words->timeout_id, g_source_remove);
  close_socket_and_unref (words->connection);
  g_object_unref (words->cancellable);
  g_free (words->data);
  g_free (words);
}

static gboolean
last_words_timeout_cb (gpointer user_data)
{
  LastWords *words = user_data;

  words->timeout_id = 0;
  g_cancellable_cancel (words->cancellable);
  return G_SOURCE_REMOVE;
}

/* Closes the connection, after sending what is still queued (a stream error
 * or closing tag) if the socket takes it within two seconds. */
static void
close_io (ConfabXmppStream *self)
{
  if (self->socket_connection != NULL && self->output != NULL && self->writing)
    {
      /* write_cb clears this once the write in flight is done. */
      g_object_set_data_full (G_OBJECT (self->output), "confab-close-after-write",
                              g_object_ref (self->socket_connection), close_socket_and_unref);
    }
  else if (self->socket_connection != NULL && self->output != NULL && self->write_pending->len > 0)
    {
      LastWords *words = g_new0 (LastWords, 1);
      gsize len = self->write_pending->len;

      words->connection = g_object_ref (self->socket_connection);
      words->data = g_string_free (g_steal_pointer (&self->write_pending), FALSE);
      self->write_pending = g_string_new (NULL);
      words->cancellable = g_cancellable_new ();
      words->timeout_id = g_timeout_add_seconds (2, last_words_timeout_cb, words);
      g_output_stream_write_all_async (self->output, words->data, len, G_PRIORITY_DEFAULT,
                                       words->cancellable, last_words_written_cb, words);
    }
  else if (self->socket_connection != NULL)
    {
      close_socket_and_unref (g_object_ref (self->socket_connection));
    }
  g_string_truncate (self->write_pending, 0);
  self->input = NULL;
  self->output = NULL;
  g_clear_object (&self->tls);
  g_clear_object (&self->socket_connection);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConfabXmppStream) self = user_data;
  g_autoptr(GError) error = NULL;
  GOutputStream *output = G_OUTPUT_STREAM (object);

  g_output_stream_write_all_finish (output, result, NULL, &error);
  if (output != self->output)
    {
      /* Torn down meanwhile: close_io() left the closing to us. */
      g_object_set_data (G_OBJECT (output), "confab-close-after-write", NULL);
      return;
    }

  self->writing = FALSE;
  if (error != NULL)
    {
      _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK,
                                                   "The connection was lost: %s", error->message));
      return;
    }

  self->last_write_us = g_get_monotonic_time ();
  if (self->tls_after_write)
    {
      self->tls_after_write = FALSE;
      _confab_xmpp_stream_start_tls (self);
      return;
    }
  flush (self);
}

static void
flush (ConfabXmppStream *self)
{
  gsize len;
  char *data;

  if (self->writing || self->output == NULL || self->write_pending->len == 0)
    return;
  if (self->step == NEGOTIATION_TLS)
    return;  /* nothing may go out while the TLS handshake runs */

  len = self->write_pending->len;
  data = g_string_free (g_steal_pointer (&self->write_pending), FALSE);
  self->write_pending = g_string_sized_new (MIN (len, 4096));
  self->writing = TRUE;
  /* The buffer must outlive the write even if the stream is torn down
   * meanwhile, so the output stream (kept alive by the operation) owns it;
   * the next write replaces it only after this one completed. */
  g_object_set_data_full (G_OBJECT (self->output), "confab-write-buffer", data, g_free);
  g_output_stream_write_all_async (self->output, data, len, G_PRIORITY_DEFAULT,
                                   self->cancellable, write_cb, g_object_ref (self));
}

void
_confab_xmpp_stream_send_raw (ConfabXmppStream *self,
                              const char       *data,
                              gsize             len)
{
  g_string_append_len (self->write_pending, data, len);
  flush (self);
}

static gboolean is_counted_stanza (ConfabXmppNode *element);

void
confab_xmpp_stream_send (ConfabXmppStream *self,
                         ConfabXmppNode   *stanza)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_return_if_fail (stanza != NULL);

  if (self->output == NULL)
    {
      /* While a resumable session waits for its connection, messages join
       * the unacknowledged queue and go out when it resumes. */
      if (self->sm_id != NULL && confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT))
        {
          g_autoptr(GString) xml = g_string_new (NULL);

          confab_xmpp_node_serialize (stanza, CONFAB_XMPP_NS_CLIENT, xml);
          _confab_xmpp_stream_sm_track (self, stanza, xml->str, xml->len);
          return;
        }
      g_debug ("Dropping a stanza: not connected");
      return;
    }
  if (_confab_xmpp_stream_sm_is_counting (self) && is_counted_stanza (stanza))
    {
      gsize start = self->write_pending->len;

      confab_xmpp_node_serialize (stanza, CONFAB_XMPP_NS_CLIENT, self->write_pending);
      _confab_xmpp_stream_sm_track (self, stanza, self->write_pending->str + start,
                                    self->write_pending->len - start);
    }
  else
    confab_xmpp_node_serialize (stanza, CONFAB_XMPP_NS_CLIENT, self->write_pending);
  flush (self);
}

/* RFC 6120 §4.7: the stream header. 'from' only once the channel is
 * encrypted, so the account name is not sent in the clear (§4.7.1). */
void
_confab_xmpp_stream_open (ConfabXmppStream *self)
{
  g_autofree char *to = g_markup_escape_text (confab_jid_get_domain (self->jid), -1);
  g_autofree char *from = g_markup_escape_text (confab_jid_get_bare_string (self->jid), -1);
  g_autofree char *header = NULL;
  /* A stream for registering (XEP-0077) may have only the domain: no
   * account name to announce yet. */
  gboolean send_from = self->tls != NULL && confab_jid_get_localpart (self->jid) != NULL;

  header = g_strdup_printf ("<?xml version='1.0'?>"
                            "<stream:stream to='%s'%s%s%s version='1.0' xml:lang='en'"
                            " xmlns='" CONFAB_XMPP_NS_CLIENT "'"
                            " xmlns:stream='" CONFAB_XMPP_NS_STREAM "'>",
                            to,
                            send_from ? " from='" : "",
                            send_from ? from : "",
                            send_from ? "'" : "");
  self->step = NEGOTIATION_AWAIT_FEATURES;
  _confab_xmpp_stream_send_raw (self, header, strlen (header));
}

/* ---- Reading and dispatch ------------------------------------------------ */

static void
handle_stream_error (ConfabXmppStream *self,
                     ConfabXmppNode   *element)
{
  const char *condition = NULL;
  const char *text = NULL;
  ConfabXmppStreamError code;

  /* RFC 6120 §4.9.2: a condition element and an optional <text/>. */
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (element);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      if (g_strcmp0 (confab_xmpp_node_get_ns (child), CONFAB_XMPP_NS_STREAMS) != 0)
        continue;
      if (g_str_equal (confab_xmpp_node_get_name (child), "text"))
        text = confab_xmpp_node_get_text (child);
      else if (condition == NULL)
        condition = confab_xmpp_node_get_name (child);
    }

  code = confab_xmpp_stream_error_from_condition (condition);
  /* A see-other-host redirect is reported, not followed: following it would
   * need the user's consent, and verification stays against our domain. */
  _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_STREAM_ERROR, code,
                                               "The server ended the session (%s)%s%s",
                                               confab_xmpp_stream_error_to_condition (code),
                                               text != NULL && *text ? ": " : "",
                                               text != NULL ? text : ""));
}

static void
handle_iq_request (ConfabXmppStream *self,
                   ConfabXmppNode   *iq)
{
  ConfabXmppNode *payload = confab_xmpp_node_get_first_child (iq);
  g_autoptr(ConfabXmppNode) reply = NULL;

  if (payload != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s %s",
                                              confab_xmpp_node_get_ns (payload) ?: "",
                                              confab_xmpp_node_get_name (payload));
      IqHandlerEntry *entry = g_hash_table_lookup (self->iq_handlers, key);

      if (entry != NULL && entry->handler (self, iq, entry->user_data))
        return;
    }

  /* RFC 6120 §8.2.3 rule 6 and §8.4: every get/set gets an answer; for a
   * namespace nobody here understands that is service-unavailable. */
  reply = confab_xmpp_iq_new_error (iq, "cancel",
                                    payload != NULL ? "service-unavailable" : "bad-request");
  confab_xmpp_stream_send (self, reply);
}

static gboolean
is_counted_stanza (ConfabXmppNode *element)
{
  const char *name = confab_xmpp_node_get_name (element);

  return g_strcmp0 (confab_xmpp_node_get_ns (element), CONFAB_XMPP_NS_CLIENT) == 0
         && (g_str_equal (name, "message") || g_str_equal (name, "presence")
             || g_str_equal (name, "iq"));
}

static void dispatch_stanza_counted (ConfabXmppStream *self, ConfabXmppNode *stanza);

static void
dispatch_stanza (ConfabXmppStream *self,
                 ConfabXmppNode   *stanza)
{
  if (!is_counted_stanza (stanza) || self->state != CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      dispatch_stanza_counted (self, stanza);
      return;
    }
  /* XEP-0198 §4: every inbound stanza counts, even one we then drop. */
  self->dispatching_seq = ++self->inbound_count;
  dispatch_stanza_counted (self, stanza);
  self->dispatching_seq = 0;
}

static void
dispatch_stanza_counted (ConfabXmppStream *self,
                         ConfabXmppNode   *stanza)
{
  const char *from = confab_xmpp_node_get_attr (stanza, "from");

  /* An address the server could not have produced means a broken or hostile
   * server; the stanza is dropped rather than guessed at. */
  if (from != NULL)
    {
      g_autoptr(ConfabJid) jid = confab_jid_parse (from, NULL);

      if (jid == NULL)
        {
          g_debug ("Dropping a stanza with an invalid 'from'");
          return;
        }
    }

  if (confab_xmpp_node_is (stanza, "iq", CONFAB_XMPP_NS_CLIENT))
    {
      const char *type = confab_xmpp_node_get_attr (stanza, "type");

      if (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0)
        {
          if (!confab_xmpp_iq_tracker_handle (self->iq_tracker, stanza,
                                              self->bound_jid ?: self->jid))
            g_signal_emit (self, signals[STANZA_RECEIVED], 0, stanza);
        }
      else if (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0)
        handle_iq_request (self, stanza);
      else
        g_debug ("Dropping an IQ of type %s", type ? type : "(none)");
      return;
    }

  g_signal_emit (self, signals[STANZA_RECEIVED], 0, stanza);
}

static void
parser_stream_opened_cb (ConfabXmppNode *header,
                         gpointer        user_data)
{
  ConfabXmppStream *self = user_data;
  const char *version = confab_xmpp_node_get_attr (header, "version");

  /* RFC 6120 §4.7.5: we speak 1.x and need the server to as well. */
  if (version == NULL || !g_str_has_prefix (version, "1."))
    _confab_xmpp_stream_fail_with_stream_error (self, CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
                                                g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                                                             "The server speaks an old XMPP version (%s)",
                                                             version ? version : "none"));
}

static void
parser_stanza_cb (ConfabXmppNode *element,
                  gpointer        user_data)
{
  ConfabXmppStream *self = user_data;

  if (confab_xmpp_node_is (element, "error", CONFAB_XMPP_NS_STREAM))
    {
      handle_stream_error (self, element);
      return;
    }
  if (self->connect_task != NULL && _confab_xmpp_stream_negotiate (self, element))
    return;
  if (_confab_xmpp_stream_sm_handle (self, element))
    return;
  if (self->state != CONFAB_XMPP_STREAM_STATE_DISCONNECTED)
    dispatch_stanza (self, element);
}

static void
finish_close (ConfabXmppStream *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->close_task);
  g_autoptr(GError) closed = g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CLOSED,
                                          "The session was closed");

  g_object_ref (self);
  teardown (self);
  _confab_xmpp_stream_sm_forget (self);
  confab_xmpp_iq_tracker_fail_all (self->iq_tracker, closed);
  g_signal_emit (self, signals[CLOSED], 0, NULL);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
  g_object_unref (self);
}

static void
parser_stream_closed_cb (gpointer user_data)
{
  ConfabXmppStream *self = user_data;

  if (self->state == CONFAB_XMPP_STREAM_STATE_CLOSING)
    {
      finish_close (self);
      return;
    }
  /* RFC 6120 §4.4: answer the close, then the session is over. */
  _confab_xmpp_stream_send_raw (self, "</stream:stream>", strlen ("</stream:stream>"));
  _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CLOSED,
                                               "The server closed the session"));
}

static const ConfabXmppParserCallbacks parser_callbacks = {
  .stream_opened = parser_stream_opened_cb,
  .stanza = parser_stanza_cb,
  .stream_closed = parser_stream_closed_cb,
};

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ConfabXmppStream) self = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *input = G_INPUT_STREAM (object);
  gboolean fed;
  gssize n;

  n = g_input_stream_read_finish (input, result, &error);
  if (input != self->input)
    return;  /* torn down or replaced while the read was pending */
  self->reading = FALSE;

  if (n < 0)
    {
      _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK,
                                                   "The connection was lost: %s", error->message));
      return;
    }
  if (n == 0)
    {
      if (self->state == CONFAB_XMPP_STREAM_STATE_CLOSING)
        finish_close (self);
      else
        _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK,
                                                     "The server closed the connection"));
      return;
    }

  self->last_read_us = g_get_monotonic_time ();
  self->feeding = TRUE;
  fed = confab_xmpp_parser_feed (self->parser, (const char *) self->read_buffer, n, &error);
  self->feeding = FALSE;
  g_clear_pointer (&self->dead_parser, confab_xmpp_parser_free);
  if (!fed)
    {
      ConfabXmppStreamError code = error->code;

      if (self->parser != NULL && error->domain == CONFAB_XMPP_STREAM_ERROR)
        _confab_xmpp_stream_fail_with_stream_error (self, code, g_steal_pointer (&error));
      else if (self->parser != NULL)
        _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->input == input && !self->pause_reading)
    _confab_xmpp_stream_start_reading (self);
}

void
_confab_xmpp_stream_start_reading (ConfabXmppStream *self)
{
  if (self->reading || self->input == NULL)
    return;
  self->reading = TRUE;
  g_input_stream_read_async (self->input, self->read_buffer, READ_BUFFER_SIZE,
                             G_PRIORITY_DEFAULT, self->cancellable, read_cb,
                             g_object_ref (self));
}

void
_confab_xmpp_stream_use_io (ConfabXmppStream *self,
                            GIOStream        *io)
{
  self->input = g_io_stream_get_input_stream (io);
  self->output = g_io_stream_get_output_stream (io);
  self->reading = FALSE;
  self->writing = FALSE;
}

/* ---- Ending ---------------------------------------------------------------- */

static void
teardown (ConfabXmppStream *self)
{
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  _confab_xmpp_stream_clear_negotiation (self);
  /* Inside a parser callback the parser is still running: free it after. */
  if (self->feeding)
    self->dead_parser = g_steal_pointer (&self->parser);
  else
    g_clear_pointer (&self->parser, confab_xmpp_parser_free);
  close_io (self);
  self->writing = FALSE;
  self->reading = FALSE;
  self->ping_in_flight = FALSE;
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
}

void
_confab_xmpp_stream_fail (ConfabXmppStream *self,
                          GError           *error)
{
  g_autoptr(GError) owned_error = error;
  g_autoptr(GTask) connect_task = g_steal_pointer (&self->connect_task);
  g_autoptr(GTask) close_task = g_steal_pointer (&self->close_task);
  gboolean was_bound = self->state == CONFAB_XMPP_STREAM_STATE_BOUND
                       || self->state == CONFAB_XMPP_STREAM_STATE_CLOSING;
  gboolean resumable;

  if (self->state == CONFAB_XMPP_STREAM_STATE_DISCONNECTED && connect_task == NULL)
    return;

  if (connect_task != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (connect_task);

      if (self->connect_cancel_handler != 0)
        g_cancellable_disconnect (cancellable, self->connect_cancel_handler);
      self->connect_cancel_handler = 0;
      /* Whatever broke first, a connect the caller cancelled was cancelled. */
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_clear_error (&owned_error);
          owned_error = error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "The connection attempt was cancelled");
        }
    }

  g_debug ("Stream of %s failed: %s", confab_jid_to_string (self->jid), error->message);
  g_object_ref (self);
  teardown (self);
  /* A broken connection of a resumable session is not its end (XEP-0198
   * §5); a stream error, or our own close, is. */
  resumable = was_bound && close_task == NULL && self->sm_id != NULL
              && error->domain == CONFAB_XMPP_ERROR
              && (error->code == CONFAB_XMPP_ERROR_NETWORK || error->code == CONFAB_XMPP_ERROR_TIMEOUT);
  if (resumable)
    _confab_xmpp_stream_sm_suspend (self);
  else if (connect_task == NULL || self->sm_id == NULL)
    _confab_xmpp_stream_sm_forget (self);
  confab_xmpp_iq_tracker_fail_all (self->iq_tracker, error);
  if (connect_task != NULL)
    {
      g_clear_error (&self->connect_error);
      self->connect_error = g_error_copy (error);
      g_task_return_error (connect_task, g_error_copy (error));
    }
  if (close_task != NULL)
    g_task_return_boolean (close_task, TRUE);
  if (was_bound)
    g_signal_emit (self, signals[resumable ? CONNECTION_LOST : CLOSED], 0, error);
  g_object_unref (self);
}

void
_confab_xmpp_stream_fail_with_stream_error (ConfabXmppStream      *self,
                                            ConfabXmppStreamError  code,
                                            GError                *error)
{
  g_autofree char *text = NULL;

  /* RFC 6120 §4.9.1.1: the error, then the closing tag, then close. */
  text = g_strdup_printf ("<stream:error><%s xmlns='" CONFAB_XMPP_NS_STREAMS "'/></stream:error>"
                          "</stream:stream>",
                          confab_xmpp_stream_error_to_condition (code));
  if (self->output != NULL)
    g_string_append (self->write_pending, text);
  _confab_xmpp_stream_fail (self, error);
}

/* ---- Keepalive ------------------------------------------------------------- */

static void
ping_answered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = confab_xmpp_stream_send_iq_finish (self, result, &error);
  self->ping_in_flight = FALSE;
  /* Any answer, even an error, proves the connection alive. */
  if (g_error_matches (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_TIMEOUT))
    _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT,
                                                 "The server stopped answering"));
}

static gboolean
keepalive_cb (gpointer user_data)
{
  ConfabXmppStream *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 idle_us = (gint64) self->keepalive_idle * G_USEC_PER_SEC;
  gint64 read_idle = now - self->last_read_us;
  gint64 write_idle = now - self->last_write_us;

  self->keepalive_id = 0;
  if (read_idle >= idle_us && !self->ping_in_flight)
    {
      /* XEP-0199 §4.2: a ping to the server tells whether anyone is there. */
      g_autoptr(ConfabXmppNode) iq = confab_xmpp_iq_new ("get", confab_jid_get_domain (self->jid), NULL);

      confab_xmpp_node_add_child (iq, "ping", CONFAB_XMPP_NS_PING);
      self->ping_in_flight = TRUE;
      confab_xmpp_stream_send_iq_async (self, iq, MAX (self->keepalive_timeout, 1), NULL,
                                        ping_answered_cb, NULL);
    }
  else if (write_idle >= idle_us)
    {
      /* RFC 6120 §4.6.1: whitespace keeps NAT mappings and the server happy. */
      _confab_xmpp_stream_send_raw (self, " ", 1);
    }

  schedule_keepalive (self, self->keepalive_idle);
  return G_SOURCE_REMOVE;
}

static void
schedule_keepalive (ConfabXmppStream *self,
                    guint             seconds)
{
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->keepalive_idle == 0 || self->state != CONFAB_XMPP_STREAM_STATE_BOUND)
    return;
  self->keepalive_id = g_timeout_add_seconds (MAX (seconds, 1), keepalive_cb, self);
}

/* ---- Connecting ------------------------------------------------------------ */

/* Cancels @target when the cancellable it is connected to fires. */
static void
forward_cancel_cb (GCancellable *source,
                   GCancellable *target)
{
  g_cancellable_cancel (target);
}


static gboolean
connect_timeout_cb (gpointer user_data)
{
  ConfabXmppStream *self = user_data;

  self->connect_timeout_id = 0;
  _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT,
                                               "The server did not answer in time"));
  return G_SOURCE_REMOVE;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConfabXmppStream) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  gboolean direct_tls = FALSE;

  connection = confab_xmpp_connector_connect_finish (result, &direct_tls, &error);
  if (self->connect_task == NULL)
    return;  /* failed or cancelled meanwhile */
  if (connection == NULL)
    {
      _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }

  self->socket_connection = g_steal_pointer (&connection);
  self->used_direct_tls = direct_tls;
  self->parser = confab_xmpp_parser_new (&parser_callbacks, self);
  _confab_xmpp_stream_use_io (self, G_IO_STREAM (self->socket_connection));
  self->last_read_us = self->last_write_us = g_get_monotonic_time ();

  if (direct_tls)
    {
      /* XEP-0368: TLS from the first byte. */
      self->step = NEGOTIATION_TLS;
      _confab_xmpp_stream_start_tls (self);
    }
  else
    {
      _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_SECURING);
      _confab_xmpp_stream_open (self);
      _confab_xmpp_stream_start_reading (self);
    }
}

static void
start_connect (ConfabXmppStream *self,
               const char       *password,
               gboolean          unauthenticated_only,
               GTask            *task_in)
{
  g_autoptr(GTask) task = task_in;
  GCancellable *cancellable = g_task_get_cancellable (task);
  ConfabXmppConnectRequest request = { 0 };

  if (self->state != CONFAB_XMPP_STREAM_STATE_DISCONNECTED || self->connect_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The account is already connected or connecting");
      return;
    }

  g_clear_object (&self->peer_certificate);
  g_clear_error (&self->connect_error);
  self->peer_certificate_errors = 0;
  self->certificate_rejected = FALSE;
  self->unauthenticated_only = unauthenticated_only;
  self->authenticated = FALSE;
  self->used_direct_tls = FALSE;
  g_clear_pointer (&self->mechanism, g_free);
  /* A session to resume keeps its address. */
  if (self->sm_id == NULL)
    g_clear_pointer (&self->bound_jid, confab_jid_unref);
  if (self->read_buffer == NULL)
    self->read_buffer = g_malloc (READ_BUFFER_SIZE);

  self->password = g_strdup (password);
  self->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    self->connect_cancel_handler =
      g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                             g_object_ref (self->cancellable), g_object_unref);
  self->connect_task = g_steal_pointer (&task);
  self->connect_timeout_id = g_timeout_add_seconds (self->connect_timeout, connect_timeout_cb, self);
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_CONNECTING);

  request.domain = confab_jid_get_domain (self->jid);
  request.host = self->host;
  request.port = self->port;
  request.direct_tls = self->direct_tls;
  confab_xmpp_connector_connect_async (&request, self->cancellable, connected_cb,
                                       g_object_ref (self));
}

void
confab_xmpp_stream_connect_async (ConfabXmppStream    *self,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xmpp_stream_connect_async);
  start_connect (self, password, FALSE, task);
}

void
confab_xmpp_stream_connect_unauthenticated_async (ConfabXmppStream    *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xmpp_stream_connect_unauthenticated_async);
  start_connect (self, "", TRUE, task);
}

gboolean
confab_xmpp_stream_connect_unauthenticated_finish (ConfabXmppStream  *self,
                                                   GAsyncResult      *result,
                                                   GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_confab_xmpp_stream_unauthenticated_ready (ConfabXmppStream *self,
                                           ConfabXmppNode   *features)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (self->connect_cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->connect_cancel_handler);
  self->connect_cancel_handler = 0;
  g_clear_pointer (&self->stream_features, confab_xmpp_node_unref);
  self->stream_features = confab_xmpp_node_ref (features);
  self->step = NEGOTIATION_DONE;
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_AUTHENTICATING);
  g_task_return_boolean (task, TRUE);
}

gboolean
confab_xmpp_stream_connect_finish (ConfabXmppStream  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_confab_xmpp_stream_negotiation_done (ConfabXmppStream *self,
                                      gboolean          resumed)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (self->connect_cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->connect_cancel_handler);
  self->connect_cancel_handler = 0;
  self->step = NEGOTIATION_DONE;
  if (!resumed)
    {
      self->inbound_count = 0;
      g_array_set_size (self->held, 0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_JID]);
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_BOUND);
  schedule_keepalive (self, self->keepalive_idle);
  g_signal_emit (self, signals[SESSION_STARTED], 0, resumed);
  g_task_return_boolean (task, TRUE);
}

/* ---- IQ ------------------------------------------------------------------- */

typedef struct {
  char   *id;
  guint   timeout_id;
  gulong  cancel_handler;
  GTask  *outer;
} IqRequest;

static void
iq_request_free (IqRequest *request)
{
  if (request->cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (request->outer), request->cancel_handler);
  g_free (request->id);
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  g_clear_object (&request->outer);
  g_free (request);
}

static void
iq_answered_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  IqRequest *request = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  ConfabXmppNode *reply = g_task_propagate_pointer (G_TASK (result), &error);

  g_clear_handle_id (&request->timeout_id, g_source_remove);
  if (reply != NULL)
    g_task_return_pointer (request->outer, reply, (GDestroyNotify) confab_xmpp_node_unref);
  else
    g_task_return_error (request->outer, error);
}

static gboolean
iq_timeout_cb (gpointer user_data)
{
  /* The tracker holds the only other reference, dropped by the removal. */
  g_autoptr(GTask) inner = g_object_ref (user_data);
  IqRequest *request = g_task_get_task_data (inner);
  ConfabXmppStream *self = g_task_get_source_object (inner);

  request->timeout_id = 0;
  /* Not pending any more means already answered (or failed) meanwhile. */
  if (confab_xmpp_iq_tracker_remove (self->iq_tracker, request->id))
    g_task_return_new_error (inner, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_TIMEOUT,
                             "No answer in time");
  return G_SOURCE_REMOVE;
}

static gboolean
iq_cancelled_idle_cb (gpointer user_data)
{
  GTask *inner = user_data;
  IqRequest *request = g_task_get_task_data (inner);
  ConfabXmppStream *self = g_task_get_source_object (inner);

  if (confab_xmpp_iq_tracker_remove (self->iq_tracker, request->id))
    g_task_return_error_if_cancelled (inner);
  return G_SOURCE_REMOVE;
}

static void
iq_cancelled_cb (GCancellable *cancellable,
                 GTask        *inner)
{
  /* May run in another thread: finish the request on the main context. */
  g_main_context_invoke_full (g_task_get_context (inner), G_PRIORITY_DEFAULT,
                              iq_cancelled_idle_cb, g_object_ref (inner), g_object_unref);
}

void
confab_xmpp_stream_send_iq_async (ConfabXmppStream    *self,
                                  ConfabXmppNode      *iq,
                                  guint                timeout_seconds,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  g_autoptr(ConfabJid) expected = NULL;
  IqRequest *request;
  const char *to;
  const char *id;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_return_if_fail (iq != NULL);

  request = g_new0 (IqRequest, 1);
  request->outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->outer, confab_xmpp_stream_send_iq_async);

  if (self->output == NULL)
    {
      g_task_return_new_error (request->outer, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "Not connected");
      iq_request_free (request);
      return;
    }

  to = confab_xmpp_node_get_attr (iq, "to");
  if (to != NULL && (expected = confab_jid_parse (to, NULL)) == NULL)
    {
      g_task_return_new_error (request->outer, CONFAB_XMPP_STANZA_ERROR,
                               CONFAB_XMPP_STANZA_ERROR_JID_MALFORMED, "Invalid address “%s”", to);
      iq_request_free (request);
      return;
    }
  id = confab_xmpp_node_get_attr (iq, "id");
  if (id == NULL)
    {
      g_autofree char *fresh = confab_xmpp_new_id ();
      confab_xmpp_node_set_attr (iq, "id", fresh);
      id = confab_xmpp_node_get_attr (iq, "id");
    }
  request->id = g_strdup (id);

  /* The inner task is completed by the tracker, the timeout or the stream
   * failing; cancelling the outer one also ends the wait. */
  inner = g_task_new (self, cancellable, iq_answered_cb, NULL);
  g_task_set_task_data (inner, request, (GDestroyNotify) iq_request_free);
  request->timeout_id = g_timeout_add_seconds (timeout_seconds > 0 ? timeout_seconds : DEFAULT_IQ_TIMEOUT,
                                               iq_timeout_cb, inner);
  confab_xmpp_iq_tracker_add (self->iq_tracker, id, expected, inner);
  if (cancellable != NULL)
    request->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (iq_cancelled_cb),
                                                     inner, NULL);
  confab_xmpp_stream_send (self, iq);
}

ConfabXmppNode *
confab_xmpp_stream_send_iq_finish (ConfabXmppStream  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
confab_xmpp_stream_add_iq_handler (ConfabXmppStream    *self,
                                   const char          *name,
                                   const char          *ns,
                                   ConfabXmppIqHandler  handler,
                                   gpointer             user_data)
{
  IqHandlerEntry *entry;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_return_if_fail (name != NULL && ns != NULL && handler != NULL);

  entry = g_new0 (IqHandlerEntry, 1);
  entry->handler = handler;
  entry->user_data = user_data;
  g_hash_table_replace (self->iq_handlers, g_strdup_printf ("%s %s", ns, name), entry);
}

void
confab_xmpp_stream_remove_iq_handler (ConfabXmppStream *self,
                                      const char       *name,
                                      const char       *ns)
{
  g_autofree char *key = NULL;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  key = g_strdup_printf ("%s %s", ns, name);
  g_hash_table_remove (self->iq_handlers, key);
}

/* ---- Closing --------------------------------------------------------------- */

static gboolean
close_timeout_cb (gpointer user_data)
{
  ConfabXmppStream *self = user_data;

  self->close_timeout_id = 0;
  finish_close (self);
  return G_SOURCE_REMOVE;
}

void
confab_xmpp_stream_close_async (ConfabXmppStream    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xmpp_stream_close_async);

  if (self->state != CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      /* RFC 6120 §4.4: a registration stream (XEP-0077) ends politely too. */
      if (self->unauthenticated_only && self->connect_task == NULL && self->output != NULL)
        _confab_xmpp_stream_send_raw (self, "</stream:stream>", strlen ("</stream:stream>"));
      if (self->state != CONFAB_XMPP_STREAM_STATE_DISCONNECTED || self->connect_task != NULL)
        _confab_xmpp_stream_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The connection attempt was abandoned"));
      /* A session waiting to be resumed ends here too. */
      if (self->sm_id != NULL)
        {
          _confab_xmpp_stream_sm_forget (self);
          g_signal_emit (self, signals[CLOSED], 0, NULL);
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* RFC 6120 §4.4: send our closing tag, then wait (briefly) for theirs. */
  self->close_task = g_steal_pointer (&task);
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  /* XEP-0198 §5: closing the stream ends the session; nothing to resume. */
  if (self->sm_enabled)
    _confab_xmpp_stream_sm_send_ack (self);
  _confab_xmpp_stream_sm_forget (self);
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_CLOSING);
  _confab_xmpp_stream_send_raw (self, "</stream:stream>", strlen ("</stream:stream>"));
  self->close_timeout_id = g_timeout_add_seconds (CLOSE_WAIT_SECONDS, close_timeout_cb, self);
}

gboolean
confab_xmpp_stream_close_finish (ConfabXmppStream  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
confab_xmpp_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

/* ---- Modules, features, acknowledgement ----------------------------------- */

gboolean
confab_xmpp_stream_has_stream_feature (ConfabXmppStream *self,
                                       const char       *name,
                                       const char       *ns)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), FALSE);

  return self->stream_features != NULL
         && confab_xmpp_node_get_child (self->stream_features, name, ns) != NULL;
}

void
confab_xmpp_stream_add_module (ConfabXmppStream *self,
                               ConfabXmppModule *module)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_return_if_fail (CONFAB_IS_XMPP_MODULE (module));

  g_ptr_array_add (self->modules, g_object_ref (module));
  confab_xmpp_module_attach (module, self);
}

ConfabXmppModule *
confab_xmpp_stream_get_module (ConfabXmppStream *self,
                               GType             module_type)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);

  for (guint i = 0; self->modules != NULL && i < self->modules->len; i++)
    if (G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (self->modules, i), module_type))
      return g_ptr_array_index (self->modules, i);
  return NULL;
}

static int
compare_features (gconstpointer a,
                  gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;

  /* The NULL terminator sorts last. */
  if (x == NULL || y == NULL)
    return (x == NULL) - (y == NULL);
  return strcmp (x, y);
}

void
confab_xmpp_stream_add_disco_feature (ConfabXmppStream *self,
                                      const char       *feature)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));
  g_return_if_fail (feature != NULL);

  if (g_strv_contains ((const char * const *) self->disco_features->pdata, feature))
    return;
  g_ptr_array_insert (self->disco_features, self->disco_features->len - 1, g_strdup (feature));
  g_ptr_array_sort (self->disco_features, compare_features);
}

void
confab_xmpp_stream_remove_disco_feature (ConfabXmppStream *self,
                                         const char       *feature)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));

  for (guint i = 0; i + 1 < self->disco_features->len; i++)
    if (g_str_equal (g_ptr_array_index (self->disco_features, i), feature))
      {
        g_ptr_array_remove_index (self->disco_features, i);
        return;
      }
}

const char * const *
confab_xmpp_stream_get_disco_features (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), NULL);
  return (const char * const *) self->disco_features->pdata;
}

guint64
confab_xmpp_stream_hold_stanza (ConfabXmppStream *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (self), 0);

  /* A stanza outside a bound session (one that arrives while the stream
   * is closing, say) is not counted by XEP-0198, so there is no ack to hold
   * back: token 0, which release_stanza() ignores. */
  if (self->dispatching_seq == 0)
    return 0;

  /* Sequence numbers only grow, so appending keeps the array sorted. */
  if (self->held->len == 0
      || g_array_index (self->held, guint64, self->held->len - 1) != self->dispatching_seq)
    g_array_append_val (self->held, self->dispatching_seq);
  return self->dispatching_seq;
}

void
confab_xmpp_stream_release_stanza (ConfabXmppStream *self,
                                   guint64           token)
{
  g_return_if_fail (CONFAB_IS_XMPP_STREAM (self));

  for (guint i = 0; i < self->held->len; i++)
    if (g_array_index (self->held, guint64, i) == token)
      {
        g_array_remove_index (self->held, i);
        _confab_xmpp_stream_sm_handled_changed (self);
        return;
      }
}

void
_confab_xmpp_stream_emit_closed (ConfabXmppStream *self,
                                 const GError     *error)
{
  g_signal_emit (self, signals[CLOSED], 0, error);
}

void
_confab_xmpp_stream_emit_stanza_acked (ConfabXmppStream *self,
                                       const char       *id)
{
  g_signal_emit (self, signals[STANZA_ACKED], 0, id);
}

guint64
_confab_xmpp_stream_get_handled_count (ConfabXmppStream *self)
{
  if (self->held->len > 0)
    return g_array_index (self->held, guint64, 0) - 1;
  return self->inbound_count;
}
