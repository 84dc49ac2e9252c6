/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * SASL for the client (RFC 6120 §6): choosing a mechanism from what the
 * server offers, and running one exchange. Network-free: the stream passes
 * the decoded challenges in and sends the responses out.
 *
 * Policy: the strongest SCRAM the server offers wins, with -PLUS (channel
 * binding) preferred; PLAIN is used only over TLS and only when the server
 * offers no SCRAM at all; nothing weaker is ever chosen.
 */

typedef enum {
  CONFAB_SASL_MECHANISM_NONE = 0,
  CONFAB_SASL_MECHANISM_PLAIN,
  CONFAB_SASL_MECHANISM_SCRAM_SHA_1,
  CONFAB_SASL_MECHANISM_SCRAM_SHA_1_PLUS,
  CONFAB_SASL_MECHANISM_SCRAM_SHA_256,
  CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS,
  CONFAB_SASL_MECHANISM_SCRAM_SHA_512,
  CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS,
} ConfabSaslMechanism;

/* Channel-binding types (RFC 5929, RFC 9266), as a bit set where needed. */
typedef enum {
  CONFAB_SASL_CB_NONE                 = 0,
  CONFAB_SASL_CB_TLS_EXPORTER         = 1 << 0,
  CONFAB_SASL_CB_TLS_SERVER_END_POINT = 1 << 1,
  CONFAB_SASL_CB_TLS_UNIQUE           = 1 << 2,
} ConfabSaslChannelBinding;

/* What the server offered, and what this connection can do. */
typedef struct {
  const char * const *mechanisms;        /* <mechanisms/>, NULL-terminated */
  const char * const *cb_types;          /* XEP-0440 list, or NULL if not advertised */
  gboolean            tls;               /* always TRUE in practice: we require TLS */
  gboolean            tls13;             /* TLS 1.3 (no tls-unique there, RFC 9266) */
  guint               available_cb;      /* ConfabSaslChannelBinding bits GIO can give */
  const char * const *allowed;           /* user restriction of mechanisms, or NULL */
} ConfabSaslOffer;

const char         *confab_sasl_mechanism_to_string   (ConfabSaslMechanism      mechanism);
ConfabSaslMechanism confab_sasl_mechanism_from_string (const char              *name);
const char         *confab_sasl_channel_binding_to_string (ConfabSaslChannelBinding cb);

/* Picks the mechanism (and for -PLUS the channel-binding type) to use.
 * Fails with CONFAB_XMPP_ERROR_NO_MECHANISM when nothing acceptable is
 * offered, with a message listing what was offered. */
gboolean confab_xmpp_sasl_choose (const ConfabSaslOffer    *offer,
                                  ConfabSaslMechanism      *mechanism,
                                  ConfabSaslChannelBinding *cb_type,
                                  GError                  **error);

typedef struct _ConfabXmppSasl ConfabXmppSasl;

/* One authentication attempt. @username is the JID's localpart, @cb_data the
 * channel-binding bytes for @cb_type (only for -PLUS mechanisms). @offer is
 * kept (deep-copied) to tell the server whether we could have bound the
 * channel (the gs2 "y" flag, RFC 5802 §6) and to check XEP-0474 downgrade
 * protection against what was really offered. */
ConfabXmppSasl *confab_xmpp_sasl_new        (ConfabSaslMechanism       mechanism,
                                             const char               *username,
                                             const char               *password,
                                             ConfabSaslChannelBinding  cb_type,
                                             GBytes                   *cb_data,
                                             const ConfabSaslOffer    *offer);
void            confab_xmpp_sasl_free       (ConfabXmppSasl           *sasl);
ConfabSaslMechanism confab_xmpp_sasl_get_mechanism (ConfabXmppSasl    *sasl);

/* Upper bound on the SCRAM iteration count a server may ask for; higher
 * counts fail with CONFAB_XMPP_ERROR_AUTH_PARAMETERS instead of freezing. */
#define CONFAB_SASL_MAX_ITERATIONS 1000000
void            confab_xmpp_sasl_set_max_iterations (ConfabXmppSasl   *sasl,
                                                     guint             max_iterations);

/* The <auth/> payload (raw bytes; the stream base64-encodes them).
 * For SCRAM this is the client-first-message with the gs2 header
 * ("p=<cb-name>,,", "y,," or "n,,", RFC 5802 §6) and a fresh nonce; for
 * PLAIN "\0username\0password" (RFC 4616 §2).
 *
 * Returns NULL when no payload can be made: the username or password is not
 * valid after SASLprep (control characters, empty), the channel-binding
 * data for a -PLUS mechanism is missing, or the system has no randomness.
 * The reason is kept: confab_xmpp_sasl_initial_response_full() returns it,
 * and respond() and verify_success() fail with it afterwards, so the
 * attempt cannot succeed by accident. */
GBytes         *confab_xmpp_sasl_initial_response (ConfabXmppSasl    *sasl);
/* The same, with the reason for a NULL return
 * (CONFAB_XMPP_ERROR_AUTH_PARAMETERS). Calling either twice returns the
 * same payload. */
GBytes         *confab_xmpp_sasl_initial_response_full (ConfabXmppSasl *sasl,
                                                        GError        **error);
/* Answers a server challenge. May take a while (PBKDF2), so the stream calls
 * it from a worker thread; checks @cancellable between rounds. Errors:
 * CONFAB_XMPP_ERROR_AUTH_PARAMETERS (hostile or malformed challenge),
 * CONFAB_XMPP_ERROR_AUTH_DOWNGRADE (XEP-0474 mismatch). */
GBytes         *confab_xmpp_sasl_respond          (ConfabXmppSasl    *sasl,
                                                   GBytes            *challenge,
                                                   GCancellable      *cancellable,
                                                   GError           **error);
/* Checks the <success/> payload: for SCRAM the server signature must match
 * (RFC 5802 §5.1 "v="), else CONFAB_XMPP_ERROR_AUTH_SERVER.
 *
 * RFC 6120 §6.4.6 lets the server carry the server-final-message either
 * in <success/> or (like servers that predate that rule) as one more
 * <challenge/> followed by an empty <success/>. Both work:
 *  - respond() given the server-final-message as a challenge verifies it
 *    and returns an empty response (the stream sends "="); a server-error
 *    "e=..." there fails with CONFAB_XMPP_ERROR_AUTH_SERVER;
 *  - verify_success() with empty data then passes only if that signature
 *    was already verified. With empty data and no verified signature it
 *    fails: the server never proved that it knows the password.
 * For PLAIN any <success/> is accepted (there is nothing to check). */
gboolean        confab_xmpp_sasl_verify_success   (ConfabXmppSasl    *sasl,
                                                   GBytes            *additional_data,
                                                   GError           **error);

/* Tests only: use @nonce (printable ASCII without ',') as the SCRAM client
 * nonce instead of a random one, to replay the RFC 5802 §5 and RFC 7677 §3
 * examples. Call before initial_response(). Never use outside tests: a
 * predictable nonce lets an attacker replay an exchange. */
void            confab_xmpp_sasl_set_client_nonce_for_testing (ConfabXmppSasl *sasl,
                                                               const char     *nonce);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppSasl, confab_xmpp_sasl_free)

G_END_DECLS
