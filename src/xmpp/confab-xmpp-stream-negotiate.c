/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-stream-private.h"

#include <string.h>

#include "confab-xmpp-error.h"

/* The negotiation of RFC 6120 §4.3: features → STARTTLS → SASL → bind,
 * driven by the elements the server sends. Nothing of the account leaves
 * before TLS is up, and nothing but the negotiation is accepted before the
 * resource is bound. */

static void
secure_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
_confab_xmpp_stream_clear_negotiation (ConfabXmppStream *self)
{
  g_clear_pointer (&self->password, secure_free);
  g_clear_pointer (&self->sasl, confab_xmpp_sasl_free);
  g_clear_pointer (&self->post_auth_features, confab_xmpp_node_unref);
  self->step = NEGOTIATION_IDLE;
  self->pause_reading = FALSE;
  self->tls_after_write = FALSE;
}

static void
fail (ConfabXmppStream *self,
      ConfabXmppError   code,
      const char       *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
fail (ConfabXmppStream *self,
      ConfabXmppError   code,
      const char       *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  _confab_xmpp_stream_fail (self, g_error_new_literal (CONFAB_XMPP_ERROR, code, message));
}

/* ---- SASL (RFC 6120 §6) ------------------------------------------------------ */

static void
send_sasl_element (ConfabXmppStream *self,
                   const char       *name,
                   const char       *mechanism,
                   GBytes           *payload)
{
  g_autoptr(ConfabXmppNode) element = confab_xmpp_node_new (name, CONFAB_XMPP_NS_SASL);
  gsize len = payload != NULL ? g_bytes_get_size (payload) : 0;

  if (mechanism != NULL)
    confab_xmpp_node_set_attr (element, "mechanism", mechanism);
  /* RFC 6120 §6.4.2: an empty response is sent as "=". */
  if (len == 0)
    confab_xmpp_node_set_text (element, "=");
  else
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (payload, NULL), len);
      confab_xmpp_node_set_text (element, encoded);
    }
  confab_xmpp_stream_send (self, element);
}

/* RFC 6120 §6.4.2 and §13.9.4: strict base64, "=" meaning empty. */
static GBytes *
decode_sasl_payload (ConfabXmppNode *element,
                     GError        **error)
{
  const char *text = confab_xmpp_node_get_text (element);
  gsize len = strlen (text);
  guchar *data;
  gsize data_len;

  if (len == 0 || g_str_equal (text, "="))
    return g_bytes_new (NULL, 0);
  if (len % 4 != 0 || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "The server sent a malformed authentication message");
      return NULL;
    }
  data = g_base64_decode (text, &data_len);
  return g_bytes_new_take (data, data_len);
}

typedef struct {
  ConfabXmppSasl *sasl;
  GBytes         *challenge;
} RespondData;

static void
respond_data_free (RespondData *data)
{
  g_clear_pointer (&data->sasl, confab_xmpp_sasl_free);
  g_clear_pointer (&data->challenge, g_bytes_unref);
  g_free (data);
}

/* PBKDF2 can take a while with a high iteration count, so it runs here,
 * off the main context. */
static void
respond_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  RespondData *data = task_data;
  GError *error = NULL;
  GBytes *response = confab_xmpp_sasl_respond (data->sasl, data->challenge, cancellable, &error);

  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) g_bytes_unref);
}

static void
responded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);
  RespondData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  response = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->step != NEGOTIATION_SASL || self->sasl != NULL)
    return;  /* the attempt ended meanwhile */
  self->sasl = g_steal_pointer (&data->sasl);
  if (response == NULL)
    {
      _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }
  send_sasl_element (self, "response", NULL, response);
}

static void
handle_challenge (ConfabXmppStream *self,
                  ConfabXmppNode   *element)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  RespondData *data;
  GBytes *challenge;

  if (self->sasl == NULL)
    {
      fail (self, CONFAB_XMPP_ERROR_PROTOCOL, "The server sent a challenge out of turn");
      return;
    }
  challenge = decode_sasl_payload (element, &error);
  if (challenge == NULL)
    {
      _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }

  /* The worker owns the SASL state while it computes; it comes back in
   * responded_cb, so a torn-down stream never frees it under the thread. */
  data = g_new0 (RespondData, 1);
  data->sasl = g_steal_pointer (&self->sasl);
  data->challenge = challenge;
  task = g_task_new (self, self->cancellable, responded_cb, NULL);
  g_task_set_source_tag (task, handle_challenge);
  g_task_set_task_data (task, data, (GDestroyNotify) respond_data_free);
  g_task_run_in_thread (task, respond_in_thread);
}

static void
handle_sasl_success (ConfabXmppStream *self,
                     ConfabXmppNode   *element)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;

  if (self->sasl == NULL)
    {
      fail (self, CONFAB_XMPP_ERROR_PROTOCOL, "The server reported success out of turn");
      return;
    }
  payload = decode_sasl_payload (element, &error);
  /* RFC 5802 §5.1: with SCRAM the server must prove it knows the password
   * too, or the "success" may come from an impostor. */
  if (payload == NULL || !confab_xmpp_sasl_verify_success (self->sasl, payload, &error))
    {
      _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }

  self->authenticated = TRUE;
  g_clear_pointer (&self->sasl, confab_xmpp_sasl_free);
  g_clear_pointer (&self->password, secure_free);
  /* RFC 6120 §6.4.6: the old stream is gone; anything after <success/> in
   * the same read belonged to it and is discarded with the parser state. */
  confab_xmpp_parser_reset (self->parser);
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_BINDING);
  _confab_xmpp_stream_open (self);
}

static void
handle_sasl_failure (ConfabXmppStream *self,
                     ConfabXmppNode   *element)
{
  const char *condition = NULL;
  const char *text = NULL;
  ConfabXmppSaslError code;

  /* RFC 6120 §6.5: one condition element and an optional <text/>. */
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (element);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      if (g_str_equal (confab_xmpp_node_get_name (child), "text"))
        text = confab_xmpp_node_get_text (child);
      else if (condition == NULL)
        condition = confab_xmpp_node_get_name (child);
    }
  code = confab_xmpp_sasl_error_from_condition (condition);
  _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_SASL_ERROR, code,
                                               code == CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED
                                               ? "The password or account name is wrong%s%s%s"
                                               : "The server refused the login%s%s%s",
                                               text != NULL && *text ? " (" : "",
                                               text != NULL ? text : "",
                                               text != NULL && *text ? ")" : ""));
}

static char **
collect_child_texts (ConfabXmppNode *parent,
                     const char     *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (parent);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    if (g_str_equal (confab_xmpp_node_get_name (child), name))
      g_strv_builder_add (builder, confab_xmpp_node_get_text (child));
  return g_strv_builder_end (builder);
}

/* XEP-0440 §2: <sasl-channel-binding><channel-binding type='…'/>…. */
static char **
collect_cb_types (ConfabXmppNode *features)
{
  ConfabXmppNode *list = confab_xmpp_node_get_child (features, "sasl-channel-binding",
                                                     CONFAB_XMPP_NS_SASL_CB);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (list == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (list);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *type = confab_xmpp_node_get_attr (child, "type");

      if (confab_xmpp_node_is (child, "channel-binding", CONFAB_XMPP_NS_SASL_CB) && type != NULL)
        g_strv_builder_add (builder, type);
    }
  return g_strv_builder_end (builder);
}

static void
start_sasl (ConfabXmppStream *self,
            ConfabXmppNode   *features,
            ConfabXmppNode   *mechanisms)
{
  g_auto(GStrv) offered = collect_child_texts (mechanisms, "mechanism");
  g_auto(GStrv) cb_types = collect_cb_types (features);
  g_autoptr(GBytes) cb_data = NULL;
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GError) error = NULL;
  ConfabSaslOffer offer = { 0 };
  ConfabSaslMechanism mechanism;
  ConfabSaslChannelBinding cb_type = CONFAB_SASL_CB_NONE;

  offer.mechanisms = (const char * const *) offered;
  offer.cb_types = (const char * const *) cb_types;
  offer.allowed = (const char * const *) self->allowed_mechanisms;
  _confab_xmpp_stream_describe_tls (self, &offer);

  if (!confab_xmpp_sasl_choose (&offer, &mechanism, &cb_type, &error))
    {
      _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }
  if (cb_type != CONFAB_SASL_CB_NONE)
    cb_data = _confab_xmpp_stream_get_cb_data (self, cb_type);

  g_free (self->mechanism);
  self->mechanism = g_strdup (confab_sasl_mechanism_to_string (mechanism));
  self->sasl = confab_xmpp_sasl_new (mechanism, confab_jid_get_localpart (self->jid),
                                     self->password, cb_type, cb_data, &offer);
  initial = confab_xmpp_sasl_initial_response_full (self->sasl, &error);
  if (initial == NULL)
    {
      _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      return;
    }
  self->step = NEGOTIATION_SASL;
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_AUTHENTICATING);
  send_sasl_element (self, "auth", self->mechanism, initial);
}

/* ---- Resource binding (RFC 6120 §7) ------------------------------------------- */

/* The resource is bound: turn on stream management where offered, and
 * send what a session that could not be resumed left unconfirmed. */
static void
start_session (ConfabXmppStream *self)
{
  g_autoptr(GPtrArray) resend = g_steal_pointer (&self->resend_after_bind);

  if (self->features_sm)
    _confab_xmpp_stream_sm_enable (self);
  _confab_xmpp_stream_negotiation_done (self, FALSE);
  if (resend != NULL && self->output != NULL)
    _confab_xmpp_stream_sm_resend_messages (self, resend);
}

static void
session_established_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = confab_xmpp_stream_send_iq_finish (self, result, &error);
  if (self->step != NEGOTIATION_BIND)
    return;
  if (reply == NULL)
    {
      fail (self, CONFAB_XMPP_ERROR_BIND, "The server refused to start the session: %s",
            error->message);
      return;
    }
  start_session (self);
}

static void
bound_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConfabXmppStream *self = CONFAB_XMPP_STREAM (object);
  g_autoptr(ConfabXmppNode) needs_session = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJid) jid = NULL;
  ConfabXmppNode *bind;
  const char *jid_text;

  reply = confab_xmpp_stream_send_iq_finish (self, result, &error);
  if (self->step != NEGOTIATION_BIND)
    return;
  if (reply == NULL)
    {
      fail (self, CONFAB_XMPP_ERROR_BIND, "The server refused to bind a resource: %s", error->message);
      return;
    }

  bind = confab_xmpp_node_get_child (reply, "bind", CONFAB_XMPP_NS_BIND);
  jid_text = bind != NULL ? confab_xmpp_node_get_child_text (bind, "jid", CONFAB_XMPP_NS_BIND) : NULL;
  jid = jid_text != NULL ? confab_jid_parse (jid_text, NULL) : NULL;
  /* RFC 6120 §7.6.1: a full JID of the account we logged in as. */
  if (jid == NULL || confab_jid_is_bare (jid) || !confab_jid_equal_bare (jid, self->jid))
    {
      fail (self, CONFAB_XMPP_ERROR_BIND, "The server bound an unexpected address “%s”",
            jid_text != NULL ? jid_text : "");
      return;
    }
  g_clear_pointer (&self->bound_jid, confab_jid_unref);
  self->bound_jid = g_steal_pointer (&jid);

  /* RFC 6121 Appendix E / RFC 3921 §3: only servers that still require the
   * legacy session (no <optional/>) get the extra round trip. */
  if (needs_session != NULL)
    {
      g_autoptr(ConfabXmppNode) iq = confab_xmpp_iq_new ("set", NULL, NULL);

      confab_xmpp_node_add_child (iq, "session", CONFAB_XMPP_NS_SESSION);
      confab_xmpp_stream_send_iq_async (self, iq, 0, self->cancellable, session_established_cb, NULL);
      return;
    }
  start_session (self);
}

static char *
generate_resource (void)
{
  return g_strdup_printf ("confab.%08x", g_random_int ());
}

static void
start_bind (ConfabXmppStream *self,
            ConfabXmppNode   *features)
{
  g_autoptr(ConfabXmppNode) iq = confab_xmpp_iq_new ("set", NULL, NULL);
  ConfabXmppNode *bind = confab_xmpp_node_add_child (iq, "bind", CONFAB_XMPP_NS_BIND);
  ConfabXmppNode *session = confab_xmpp_node_get_child (features, "session", CONFAB_XMPP_NS_SESSION);
  g_autofree char *resource = NULL;

  if (self->resource != NULL)
    resource = g_strdup (self->resource);
  else if (confab_jid_get_resource (self->jid) != NULL)
    resource = g_strdup (confab_jid_get_resource (self->jid));
  else
    resource = generate_resource ();
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (bind, "resource", NULL), resource);

  if (session != NULL && confab_xmpp_node_get_child (session, "optional", NULL) != NULL)
    session = NULL;

  self->step = NEGOTIATION_BIND;
  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_BINDING);
  confab_xmpp_stream_send_iq_async (self, iq, 0, self->cancellable, bound_cb,
                                    session != NULL ? confab_xmpp_node_ref (session) : NULL);
}

/* ---- Features ------------------------------------------------------------------ */

/* The previous session is gone (XEP-0198 §5 <failed/>): say so, keep its
 * unconfirmed messages for the new session. */
static void
resumption_failed (ConfabXmppStream *self,
                   const char       *why)
{
  g_autoptr(GError) error = g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_RESUME_FAILED,
                                         "The previous session could not be resumed: %s", why);

  g_debug ("%s", error->message);
  g_clear_pointer (&self->resend_after_bind, g_ptr_array_unref);
  self->resend_after_bind = _confab_xmpp_stream_sm_take_unacked_messages (self);
  g_clear_pointer (&self->bound_jid, confab_jid_unref);
  _confab_xmpp_stream_emit_closed (self, error);
}

static void
handle_features (ConfabXmppStream *self,
                 ConfabXmppNode   *features)
{
  ConfabXmppNode *mechanisms;

  if (self->tls == NULL)
    {
      /* RFC 6120 §5.3.1: we require TLS; without it the password (and the
       * conversation) would cross the network in the clear. */
      if (confab_xmpp_node_get_child (features, "starttls", CONFAB_XMPP_NS_TLS) == NULL)
        {
          fail (self, CONFAB_XMPP_ERROR_TLS_UNAVAILABLE,
                "The server does not offer an encrypted connection");
          return;
        }
      g_autoptr(ConfabXmppNode) starttls = confab_xmpp_node_new ("starttls", CONFAB_XMPP_NS_TLS);
      self->step = NEGOTIATION_STARTTLS;
      confab_xmpp_stream_send (self, starttls);
      return;
    }

  if (!self->authenticated && self->unauthenticated_only)
    {
      /* XEP-0077 §3.1: secured, not authenticated; the caller registers. */
      _confab_xmpp_stream_unauthenticated_ready (self, features);
      return;
    }

  if (!self->authenticated)
    {
      mechanisms = confab_xmpp_node_get_child (features, "mechanisms", CONFAB_XMPP_NS_SASL);
      if (mechanisms == NULL)
        {
          fail (self, CONFAB_XMPP_ERROR_NO_MECHANISM, "The server offers no way to log in");
          return;
        }
      start_sasl (self, features, mechanisms);
      return;
    }

  g_clear_pointer (&self->stream_features, confab_xmpp_node_unref);
  self->stream_features = confab_xmpp_node_ref (features);
  self->features_sm = confab_xmpp_node_get_child (features, "sm", CONFAB_XMPP_NS_SM) != NULL;
  if (self->sm_id != NULL)
    {
      if (self->features_sm)
        {
          /* XEP-0198 §5: pick the old session up instead of binding anew. */
          g_clear_pointer (&self->post_auth_features, confab_xmpp_node_unref);
          self->post_auth_features = confab_xmpp_node_ref (features);
          self->step = NEGOTIATION_RESUME;
          _confab_xmpp_stream_sm_resume (self);
          return;
        }
      resumption_failed (self, "The server no longer offers stream management");
    }

  if (confab_xmpp_node_get_child (features, "bind", CONFAB_XMPP_NS_BIND) == NULL)
    {
      fail (self, CONFAB_XMPP_ERROR_BIND, "The server offers no resource binding");
      return;
    }
  start_bind (self, features);
}

gboolean
_confab_xmpp_stream_negotiate (ConfabXmppStream *self,
                               ConfabXmppNode   *element)
{
  const char *ns = confab_xmpp_node_get_ns (element);

  /* Replies to the bind and session requests take the normal IQ path. */
  if (self->step == NEGOTIATION_BIND && confab_xmpp_node_is (element, "iq", CONFAB_XMPP_NS_CLIENT))
    return FALSE;

  switch (self->step)
    {
    case NEGOTIATION_AWAIT_FEATURES:
      if (confab_xmpp_node_is (element, "features", CONFAB_XMPP_NS_STREAM))
        {
          handle_features (self, element);
          return TRUE;
        }
      break;

    case NEGOTIATION_STARTTLS:
      if (confab_xmpp_node_is (element, "proceed", CONFAB_XMPP_NS_TLS))
        {
          /* RFC 6120 §5.4.3.3: bytes after <proceed/> in the clear would be
           * an injection ahead of TLS; resetting the parser drops them. */
          confab_xmpp_parser_reset (self->parser);
          _confab_xmpp_stream_start_tls (self);
          return TRUE;
        }
      if (confab_xmpp_node_is (element, "failure", CONFAB_XMPP_NS_TLS))
        {
          fail (self, CONFAB_XMPP_ERROR_TLS, "The server could not start encryption");
          return TRUE;
        }
      break;

    case NEGOTIATION_SASL:
      if (g_strcmp0 (ns, CONFAB_XMPP_NS_SASL) != 0)
        break;
      if (confab_xmpp_node_is (element, "challenge", CONFAB_XMPP_NS_SASL))
        handle_challenge (self, element);
      else if (confab_xmpp_node_is (element, "success", CONFAB_XMPP_NS_SASL))
        handle_sasl_success (self, element);
      else if (confab_xmpp_node_is (element, "failure", CONFAB_XMPP_NS_SASL))
        handle_sasl_failure (self, element);
      else
        break;
      return TRUE;

    case NEGOTIATION_RESUME:
      if (confab_xmpp_node_is (element, "resumed", CONFAB_XMPP_NS_SM))
        {
          if (!_confab_xmpp_stream_sm_resumed (self, element))
            fail (self, CONFAB_XMPP_ERROR_PROTOCOL, "The server resumed the session inconsistently");
          else
            _confab_xmpp_stream_negotiation_done (self, TRUE);
          return TRUE;
        }
      if (confab_xmpp_node_is (element, "failed", CONFAB_XMPP_NS_SM))
        {
          g_autoptr(ConfabXmppNode) features = g_steal_pointer (&self->post_auth_features);

          resumption_failed (self, "the server has forgotten it");
          if (self->connect_task == NULL)
            return TRUE;  /* a ::closed handler gave up on the connection */
          if (confab_xmpp_node_get_child (features, "bind", CONFAB_XMPP_NS_BIND) == NULL)
            fail (self, CONFAB_XMPP_ERROR_BIND, "The server offers no resource binding");
          else
            start_bind (self, features);
          return TRUE;
        }
      break;

    case NEGOTIATION_IDLE:
    case NEGOTIATION_TLS:
    case NEGOTIATION_BIND:
    case NEGOTIATION_DONE:
    default:
      break;
    }

  /* RFC 6120 §4.3.3: nothing but negotiation before the stream is ready. */
  fail (self, CONFAB_XMPP_ERROR_PROTOCOL, "The server sent <%s/> during login",
        confab_xmpp_node_get_name (element));
  return TRUE;
}
