/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * One client-to-server XMPP session (RFC 6120): connects (through
 * ConfabXmppConnector), secures the connection with TLS (always, and always
 * verified against the XMPP domain), authenticates with SASL, binds a
 * resource, and then carries stanzas both ways until it is closed or fails.
 *
 * Inbound stanzas are emitted as ::stanza-received, except IQ results and
 * errors that answer a request made with confab_xmpp_stream_send_iq_async(),
 * and IQ get/set that no handler claims, which are answered with
 * service-unavailable (RFC 6120 §8.2.3 rule 6).
 */

#define CONFAB_TYPE_XMPP_STREAM (confab_xmpp_stream_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXmppStream, confab_xmpp_stream, CONFAB, XMPP_STREAM, GObject)

typedef enum {
  CONFAB_XMPP_STREAM_STATE_DISCONNECTED,
  CONFAB_XMPP_STREAM_STATE_CONNECTING,      /* DNS and TCP */
  CONFAB_XMPP_STREAM_STATE_SECURING,        /* TLS */
  CONFAB_XMPP_STREAM_STATE_AUTHENTICATING,  /* SASL */
  CONFAB_XMPP_STREAM_STATE_BINDING,         /* resource binding */
  CONFAB_XMPP_STREAM_STATE_BOUND,           /* ready for stanzas */
  CONFAB_XMPP_STREAM_STATE_CLOSING,
} ConfabXmppStreamState;

GType confab_xmpp_stream_state_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_XMPP_STREAM_STATE (confab_xmpp_stream_state_get_type ())

ConfabXmppStream     *confab_xmpp_stream_new             (ConfabJid        *jid);

ConfabJid            *confab_xmpp_stream_get_jid         (ConfabXmppStream *self);
/* The full JID the server bound, once BOUND; NULL before. */
ConfabJid            *confab_xmpp_stream_get_bound_jid   (ConfabXmppStream *self);
ConfabXmppStreamState confab_xmpp_stream_get_state       (ConfabXmppStream *self);

/* Connection settings; take effect at the next connect. */
void         confab_xmpp_stream_set_host              (ConfabXmppStream *self,
                                                       const char       *host,
                                                       guint16           port);
void         confab_xmpp_stream_set_direct_tls        (ConfabXmppStream *self,
                                                       gboolean          direct_tls);
void         confab_xmpp_stream_set_resource          (ConfabXmppStream *self,
                                                       const char       *resource);
/* Trust anchors; NULL means the system's. */
void         confab_xmpp_stream_set_tls_database      (ConfabXmppStream *self,
                                                       GTlsDatabase     *database);
/* SHA-256 fingerprints (lowercase hex of the DER) of certificates the user
 * accepted explicitly; such a certificate is trusted even if verification
 * fails. */
void         confab_xmpp_stream_set_pinned_certificates (ConfabXmppStream   *self,
                                                         const char * const *fingerprints);
const char * const *confab_xmpp_stream_get_pinned_certificates (ConfabXmppStream *self);
/* Restricts the SASL mechanisms we may use (NULL: any we support). */
void         confab_xmpp_stream_set_allowed_mechanisms (ConfabXmppStream   *self,
                                                        const char * const *mechanisms);
/* Seconds of inbound silence before we ping the server, and seconds to wait
 * for its answer before declaring the connection dead. 0 disables. */
void         confab_xmpp_stream_set_keepalive         (ConfabXmppStream *self,
                                                       guint             idle_seconds,
                                                       guint             timeout_seconds);
/* Seconds the whole negotiation (TCP to bound) may take. */
void         confab_xmpp_stream_set_connect_timeout   (ConfabXmppStream *self,
                                                       guint             seconds);

/* After a failed connect: the certificate that was not trusted and why. */
GTlsCertificate     *confab_xmpp_stream_get_peer_certificate        (ConfabXmppStream *self);
GTlsCertificateFlags confab_xmpp_stream_get_peer_certificate_errors (ConfabXmppStream *self);
/* Why the last connect attempt failed (the error connect_finish() gave),
 * or NULL after a successful one; for telling the user when a reconnector
 * made the attempt. */
const GError        *confab_xmpp_stream_get_connect_error           (ConfabXmppStream *self);
/* Lowercase hex SHA-256 of a certificate's DER, as used for pins. */
char                *confab_xmpp_certificate_fingerprint            (GTlsCertificate  *certificate);
/* The SASL mechanism used by the current session (e.g. "SCRAM-SHA-256"). */
const char          *confab_xmpp_stream_get_mechanism               (ConfabXmppStream *self);
/* Whether TLS came first (XEP-0368) rather than through STARTTLS. */
gboolean             confab_xmpp_stream_get_used_direct_tls         (ConfabXmppStream *self);

/* Connects, secures, authenticates and binds. @password is used for this
 * attempt only and not kept. */
void         confab_xmpp_stream_connect_async         (ConfabXmppStream    *self,
                                                       const char          *password,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean     confab_xmpp_stream_connect_finish        (ConfabXmppStream    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* XEP-0077 §3.1 (in-band registration): connects and secures the
 * connection exactly as connect_async() does (TLS always, the same
 * certificate checks, pins and ::accept-certificate) but stops before
 * authentication. The stream then stays in the AUTHENTICATING state and
 * carries IQs to and from the server (confab_xmpp_stream_send_iq_async())
 * until it is closed; it never becomes BOUND. The stream's JID may be just
 * the server's domain. has_stream_feature() answers for the features the
 * server offered to this unauthenticated stream. */
void         confab_xmpp_stream_connect_unauthenticated_async  (ConfabXmppStream    *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean     confab_xmpp_stream_connect_unauthenticated_finish (ConfabXmppStream    *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Queues a stanza for sending (in jabber:client). */
void         confab_xmpp_stream_send                  (ConfabXmppStream *self,
                                                       ConfabXmppNode   *stanza);

/* Sends an IQ get/set and waits for the reply from the entity in its 'to'
 * (or the own account when it has none). The result is the <iq type=result>
 * node; a type=error reply is a CONFAB_XMPP_STANZA_ERROR; no reply within
 * @timeout_seconds (0: 30) is CONFAB_XMPP_STANZA_ERROR_TIMEOUT. */
void            confab_xmpp_stream_send_iq_async      (ConfabXmppStream    *self,
                                                       ConfabXmppNode      *iq,
                                                       guint                timeout_seconds,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ConfabXmppNode *confab_xmpp_stream_send_iq_finish     (ConfabXmppStream    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Handler for inbound IQ get/set whose first child is @name in @ns. Return
 * TRUE when the request was answered (or will be). */
typedef gboolean (*ConfabXmppIqHandler) (ConfabXmppStream *stream,
                                         ConfabXmppNode   *iq,
                                         gpointer          user_data);
void         confab_xmpp_stream_add_iq_handler        (ConfabXmppStream    *self,
                                                       const char          *name,
                                                       const char          *ns,
                                                       ConfabXmppIqHandler  handler,
                                                       gpointer             user_data);
void         confab_xmpp_stream_remove_iq_handler     (ConfabXmppStream    *self,
                                                       const char          *name,
                                                       const char          *ns);

/* Whether the server offered the stream feature <@name xmlns=@ns/> after
 * authentication (RFC 6120 §4.3.2), e.g. XEP-0352's csi or RFC 6121's
 * roster versioning. Valid from ::session-started on. */
gboolean     confab_xmpp_stream_has_stream_feature    (ConfabXmppStream *self,
                                                       const char       *name,
                                                       const char       *ns);

/* Modules (see confab-xmpp-module.h). The stream keeps a reference and
 * attaches the module now; confab_xmpp_stream_get_module() finds it by type. */
typedef struct _ConfabXmppModule ConfabXmppModule;
void              confab_xmpp_stream_add_module     (ConfabXmppStream *self,
                                                     ConfabXmppModule *module);
ConfabXmppModule *confab_xmpp_stream_get_module     (ConfabXmppStream *self,
                                                     GType             module_type);

/* Service discovery features we support (XEP-0030 §3.1), registered by the
 * modules; sorted and without duplicates. */
void         confab_xmpp_stream_add_disco_feature     (ConfabXmppStream *self,
                                                       const char       *feature);
void         confab_xmpp_stream_remove_disco_feature  (ConfabXmppStream *self,
                                                       const char       *feature);
const char * const *confab_xmpp_stream_get_disco_features (ConfabXmppStream *self);

/* Stored before acknowledged (ARCHITECTURE.md): a handler of
 * ::stanza-received that stores the stanza asynchronously calls
 * hold_stanza() during the emission and release_stanza() with the returned
 * token once the stanza is durably handled. Stream management (XEP-0198)
 * acknowledges inbound stanzas only up to the first one still held.
 * Outside an emission for a counted stanza hold_stanza() returns 0, a token
 * that release_stanza() ignores. */
guint64      confab_xmpp_stream_hold_stanza           (ConfabXmppStream *self);
void         confab_xmpp_stream_release_stanza        (ConfabXmppStream *self,
                                                       guint64           token);

/* Closes the session cleanly (RFC 6120 §4.4): sends </stream:stream> and
 * waits briefly for the server's. */
void         confab_xmpp_stream_close_async           (ConfabXmppStream    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean     confab_xmpp_stream_close_finish          (ConfabXmppStream    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
