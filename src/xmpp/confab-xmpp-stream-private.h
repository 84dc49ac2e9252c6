/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "confab-xmpp-parser.h"
#include "confab-xmpp-sasl.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

#define CONFAB_XMPP_NS_TLS     "urn:ietf:params:xml:ns:xmpp-tls"
#define CONFAB_XMPP_NS_SASL    "urn:ietf:params:xml:ns:xmpp-sasl"
#define CONFAB_XMPP_NS_BIND    "urn:ietf:params:xml:ns:xmpp-bind"
#define CONFAB_XMPP_NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"
#define CONFAB_XMPP_NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"
#define CONFAB_XMPP_NS_SASL_CB "urn:xmpp:sasl-cb:0"  /* XEP-0440 */
#define CONFAB_XMPP_NS_PING    "urn:xmpp:ping"       /* XEP-0199 */
#define CONFAB_XMPP_NS_SM      "urn:xmpp:sm:3"       /* XEP-0198 */

/* Where the negotiation of RFC 6120 §4.3 stands. */
typedef enum {
  NEGOTIATION_IDLE,
  NEGOTIATION_AWAIT_FEATURES,
  NEGOTIATION_STARTTLS,     /* <starttls/> sent, awaiting <proceed/> */
  NEGOTIATION_TLS,          /* handshake running */
  NEGOTIATION_SASL,         /* <auth/> sent */
  NEGOTIATION_RESUME,       /* XEP-0198 <resume/> sent */
  NEGOTIATION_BIND,         /* bind (and legacy session) IQ sent */
  NEGOTIATION_DONE,
} NegotiationStep;

struct _ConfabXmppStream {
  GObject               parent_instance;

  /* Settings */
  ConfabJid            *jid;
  char                 *host;
  guint16               port;
  gboolean              direct_tls;
  char                 *resource;
  GTlsDatabase         *tls_database;
  GStrv                 pins;
  GStrv                 allowed_mechanisms;
  guint                 keepalive_idle;
  guint                 keepalive_timeout;
  guint                 connect_timeout;

  /* The connection */
  ConfabXmppStreamState state;
  GSocketConnection    *socket_connection;
  GTlsConnection       *tls;
  GInputStream         *input;
  GOutputStream        *output;
  GCancellable         *cancellable;     /* everything of this connection */
  ConfabXmppParser     *parser;
  guint8               *read_buffer;
  gboolean              reading;
  gboolean              pause_reading;   /* between <proceed/> and TLS */
  GString              *write_pending;
  gboolean              writing;
  gboolean              feeding;         /* inside confab_xmpp_parser_feed() */
  ConfabXmppParser     *dead_parser;     /* torn down while feeding */
  gint64                last_read_us;
  gint64                last_write_us;

  /* Negotiation */
  GTask                *connect_task;
  gulong                connect_cancel_handler;  /* on the caller's cancellable */
  NegotiationStep       step;
  gboolean              used_direct_tls;
  gboolean              tls_after_write; /* <proceed/> came before our write finished */
  gboolean              authenticated;
  char                 *password;
  ConfabXmppSasl       *sasl;
  char                 *mechanism;
  guint                 connect_timeout_id;
  GTlsCertificate      *peer_certificate;
  GTlsCertificateFlags  peer_certificate_errors;
  gboolean              certificate_rejected;
  gboolean              unauthenticated_only; /* XEP-0077: stop before SASL */
  GError               *connect_error;        /* of the last failed attempt */

  /* The session */
  ConfabJid            *bound_jid;
  ConfabXmppIqTracker  *iq_tracker;
  GHashTable           *iq_handlers;     /* "ns name" → IqHandlerEntry */
  guint                 keepalive_id;
  gboolean              ping_in_flight;
  GTask                *close_task;
  guint                 close_timeout_id;
  GPtrArray            *modules;          /* ConfabXmppModule */
  GPtrArray            *disco_features;   /* sorted, NULL-terminated */

  /* Inbound stanzas (XEP-0198 §4 counts message, presence and iq). */
  guint64               inbound_count;    /* stanzas received this session */
  guint64               dispatching_seq;  /* of the stanza being emitted, or 0 */
  GArray               *held;             /* sequence numbers not yet handled, ascending */

  /* Stream management (XEP-0198); survives a lost connection while the
   * session can be resumed (sm_id set). */
  gboolean              features_sm;      /* the server offered it on this stream */
  gboolean              sm_enabled;
  gboolean              sm_enabling;      /* <enable/> sent, no answer yet */
  char                 *sm_id;            /* resumption id */
  guint32               sm_outbound;      /* stanzas sent since <enable/> */
  guint32               sm_acked;         /* the server's last h */
  guint32               sm_last_h_sent;
  GQueue                sm_unacked;       /* SmEntry, oldest first */
  guint                 sm_request_id;
  gboolean              sm_request_pending;
  GPtrArray            *resend_after_bind; /* messages of a session that could not resume */
  ConfabXmppNode       *post_auth_features; /* to bind after a failed resumption */
  ConfabXmppNode       *stream_features;    /* what the server offered after SASL */
};

/* confab-xmpp-stream.c */
void     _confab_xmpp_stream_set_state      (ConfabXmppStream *self,
                                             ConfabXmppStreamState state);
void     _confab_xmpp_stream_send_raw       (ConfabXmppStream *self,
                                             const char       *data,
                                             gsize             len);
void     _confab_xmpp_stream_open           (ConfabXmppStream *self);
void     _confab_xmpp_stream_start_reading  (ConfabXmppStream *self);
void     _confab_xmpp_stream_use_io         (ConfabXmppStream *self,
                                             GIOStream        *io);
/* Ends the connection with @error (taken): fails a pending connect or
 * emits ::closed, fails pending IQs, releases the sockets. */
void     _confab_xmpp_stream_fail           (ConfabXmppStream *self,
                                             GError           *error);
/* Sends the stream error @code, then fails with @error (taken). */
void     _confab_xmpp_stream_fail_with_stream_error (ConfabXmppStream    *self,
                                                     ConfabXmppStreamError code,
                                                     GError              *error);
void     _confab_xmpp_stream_emit_accept_certificate (ConfabXmppStream     *self,
                                                      GTlsCertificate      *certificate,
                                                      GTlsCertificateFlags  errors,
                                                      gboolean             *accepted);
void     _confab_xmpp_stream_pin             (ConfabXmppStream *self,
                                              const char       *fingerprint);
/* Called by the negotiation when an unauthenticated connect (XEP-0077)
 * has secured the stream and received its features. */
void     _confab_xmpp_stream_unauthenticated_ready (ConfabXmppStream *self,
                                                    ConfabXmppNode   *features);
/* Called by the negotiation once the resource is bound or the previous
 * session resumed. */
void     _confab_xmpp_stream_negotiation_done (ConfabXmppStream *self,
                                               gboolean          resumed);

void     _confab_xmpp_stream_emit_stanza_acked (ConfabXmppStream *self,
                                                const char       *id);
void     _confab_xmpp_stream_emit_closed       (ConfabXmppStream *self,
                                                const GError     *error);

/* confab-xmpp-stream-sm.c */
void       _confab_xmpp_stream_sm_forget      (ConfabXmppStream *self);
void       _confab_xmpp_stream_sm_suspend     (ConfabXmppStream *self);
gboolean   _confab_xmpp_stream_sm_is_counting (ConfabXmppStream *self);
void       _confab_xmpp_stream_sm_track       (ConfabXmppStream *self,
                                               ConfabXmppNode   *stanza,
                                               const char       *xml,
                                               gsize             len);
gboolean   _confab_xmpp_stream_sm_handle      (ConfabXmppStream *self,
                                               ConfabXmppNode   *element);
void       _confab_xmpp_stream_sm_send_ack    (ConfabXmppStream *self);
void       _confab_xmpp_stream_sm_enable      (ConfabXmppStream *self);
void       _confab_xmpp_stream_sm_resume      (ConfabXmppStream *self);
gboolean   _confab_xmpp_stream_sm_resumed     (ConfabXmppStream *self,
                                               ConfabXmppNode   *resumed);
GPtrArray *_confab_xmpp_stream_sm_take_unacked_messages (ConfabXmppStream *self);
void       _confab_xmpp_stream_sm_resend_messages (ConfabXmppStream *self,
                                                   GPtrArray        *messages);
void       _confab_xmpp_stream_sm_handled_changed (ConfabXmppStream *self);

/* The number of inbound stanzas durably handled: every one up to the
 * first that is still held. */
guint64  _confab_xmpp_stream_get_handled_count (ConfabXmppStream *self);

/* confab-xmpp-stream-tls.c */
void     _confab_xmpp_stream_start_tls      (ConfabXmppStream *self);
/* Fills @offer's TLS fields for SASL; @cb_data_out gets the bytes for the
 * chosen type later through _confab_xmpp_stream_get_cb_data(). */
void     _confab_xmpp_stream_describe_tls   (ConfabXmppStream *self,
                                             ConfabSaslOffer  *offer);
GBytes  *_confab_xmpp_stream_get_cb_data    (ConfabXmppStream         *self,
                                             ConfabSaslChannelBinding  type);

/* confab-xmpp-stream-negotiate.c */
/* Handles a top-level element while negotiating; FALSE if it is not part
 * of the negotiation (then it is dispatched as a stanza). */
gboolean _confab_xmpp_stream_negotiate      (ConfabXmppStream *self,
                                             ConfabXmppNode   *element);
void     _confab_xmpp_stream_clear_negotiation (ConfabXmppStream *self);

G_END_DECLS
