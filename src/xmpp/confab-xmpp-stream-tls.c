/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-stream-private.h"

#include "confab-xmpp-error.h"

/* Says in words why a certificate failed, for the error a user reads. */
static char *
describe_certificate_errors (GTlsCertificateFlags errors)
{
  static const struct { GTlsCertificateFlags flag; const char *text; } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "it is not signed by a trusted authority" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "it was issued for another server" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "it is not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "it has expired" },
    { G_TLS_CERTIFICATE_REVOKED, "it has been revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "it uses insecure cryptography" },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, "it could not be checked" },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      if ((errors & reasons[i].flag) == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, reasons[i].text);
    }
  if (text->len == 0)
    g_string_append (text, "it could not be verified");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
accept_certificate_cb (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       ConfabXmppStream     *self)
{
  g_autofree char *fingerprint = confab_xmpp_certificate_fingerprint (certificate);
  gboolean accepted = FALSE;

  /* An explicit pin trusts exactly this certificate, whatever else is
   * wrong with it: the user saw its details and decided. */
  if (fingerprint != NULL && self->pins != NULL
      && g_strv_contains ((const char * const *) self->pins, fingerprint))
    return TRUE;

  g_set_object (&self->peer_certificate, certificate);
  self->peer_certificate_errors = errors;
  _confab_xmpp_stream_emit_accept_certificate (self, certificate, errors, &accepted);
  if (accepted && fingerprint != NULL)
    {
      _confab_xmpp_stream_pin (self, fingerprint);
      return TRUE;
    }
  self->certificate_rejected = TRUE;
  return FALSE;
}

static void
handshake_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConfabXmppStream) self = user_data;
  g_autoptr(GError) error = NULL;
  GTlsConnection *tls = G_TLS_CONNECTION (object);

  if (!g_tls_connection_handshake_finish (tls, result, &error))
    {
      if (tls != self->tls)
        return;  /* the attempt was abandoned meanwhile */
      if (self->certificate_rejected)
        {
          g_autofree char *why = describe_certificate_errors (self->peer_certificate_errors);

          _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE,
                                                       "The certificate of “%s” is not trusted: %s",
                                                       confab_jid_get_domain (self->jid), why));
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _confab_xmpp_stream_fail (self, g_steal_pointer (&error));
      else
        _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS,
                                                     "A secure connection could not be set up: %s",
                                                     error->message));
      return;
    }
  if (tls != self->tls)
    return;

  g_set_object (&self->peer_certificate, g_tls_connection_get_peer_certificate (tls));
  _confab_xmpp_stream_use_io (self, G_IO_STREAM (tls));
  self->pause_reading = FALSE;
  /* RFC 6120 §5.4.3.3: a fresh stream over the secured channel. */
  confab_xmpp_parser_reset (self->parser);
  _confab_xmpp_stream_open (self);
  _confab_xmpp_stream_start_reading (self);
}

void
_confab_xmpp_stream_start_tls (ConfabXmppStream *self)
{
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  /* From here on nothing more is read in the clear. */
  self->pause_reading = TRUE;
  /* Our <starttls/> may still be on its way out; it must be sent first. */
  if (self->writing)
    {
      self->tls_after_write = TRUE;
      return;
    }

  _confab_xmpp_stream_set_state (self, CONFAB_XMPP_STREAM_STATE_SECURING);
  self->step = NEGOTIATION_TLS;

  /* RFC 6120 §13.7.2.1 and RFC 6125: verify against the XMPP domain, never
   * the host we happened to connect to (SRV target or manual override). */
  identity = g_network_address_new (confab_jid_get_domain (self->jid), 0);
  tls = g_tls_client_connection_new (G_IO_STREAM (self->socket_connection), identity, &error);
  if (tls == NULL)
    {
      _confab_xmpp_stream_fail (self, g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS,
                                                   "TLS is not available: %s", error->message));
      return;
    }
  self->tls = G_TLS_CONNECTION (tls);
  if (self->tls_database != NULL)
    g_tls_connection_set_database (self->tls, self->tls_database);
  if (self->used_direct_tls)
    {
      /* XEP-0368 §3: the ALPN protocol for client connections. */
      const char * const alpn[] = { "xmpp-client", NULL };
      g_tls_connection_set_advertised_protocols (self->tls, alpn);
    }
  g_signal_connect (self->tls, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);
  g_tls_connection_handshake_async (self->tls, G_PRIORITY_DEFAULT, self->cancellable,
                                    handshake_cb, g_object_ref (self));
}

static const struct {
  ConfabSaslChannelBinding ours;
  GTlsChannelBindingType   gio;
} binding_types[] = {
  { CONFAB_SASL_CB_TLS_EXPORTER, G_TLS_CHANNEL_BINDING_TLS_EXPORTER },
  { CONFAB_SASL_CB_TLS_SERVER_END_POINT, G_TLS_CHANNEL_BINDING_TLS_SERVER_END_POINT },
  { CONFAB_SASL_CB_TLS_UNIQUE, G_TLS_CHANNEL_BINDING_TLS_UNIQUE },
};

void
_confab_xmpp_stream_describe_tls (ConfabXmppStream *self,
                                  ConfabSaslOffer  *offer)
{
  offer->tls = self->tls != NULL;
  offer->available_cb = 0;
  if (self->tls == NULL)
    return;

  offer->tls13 = g_tls_connection_get_protocol_version (self->tls) == G_TLS_PROTOCOL_VERSION_TLS_1_3;
  for (gsize i = 0; i < G_N_ELEMENTS (binding_types); i++)
    if (g_tls_connection_get_channel_binding_data (self->tls, binding_types[i].gio, NULL, NULL))
      offer->available_cb |= binding_types[i].ours;
}

GBytes *
_confab_xmpp_stream_get_cb_data (ConfabXmppStream         *self,
                                 ConfabSaslChannelBinding  type)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (binding_types); i++)
    {
      if (binding_types[i].ours != type)
        continue;
      if (self->tls != NULL
          && g_tls_connection_get_channel_binding_data (self->tls, binding_types[i].gio, data, NULL))
        return g_byte_array_free_to_bytes (g_steal_pointer (&data));
    }
  return NULL;
}
