/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Error domains of the protocol layer. Each has a named code for every case,
 * never 0, so callers can tell every failure apart.
 */

#define CONFAB_XMPP_ERROR (confab_xmpp_error_quark ())

/* Failures of the connection itself (connecting, TLS, authentication). */
typedef enum {
  CONFAB_XMPP_ERROR_HOST_NOT_FOUND = 1,   /* DNS gave no address for the server */
  CONFAB_XMPP_ERROR_CONNECTION_REFUSED,   /* every address refused the TCP connection */
  CONFAB_XMPP_ERROR_NETWORK,              /* the connection broke or could not be made */
  CONFAB_XMPP_ERROR_TIMEOUT,              /* the server stopped answering */
  CONFAB_XMPP_ERROR_TLS,                  /* the TLS handshake failed */
  CONFAB_XMPP_ERROR_TLS_UNAVAILABLE,      /* RFC 6120 §5.3.1: server offers no STARTTLS */
  CONFAB_XMPP_ERROR_CERTIFICATE,          /* the server's certificate is not trusted */
  CONFAB_XMPP_ERROR_NO_MECHANISM,         /* no SASL mechanism we accept is offered */
  CONFAB_XMPP_ERROR_AUTH_DOWNGRADE,       /* XEP-0474: the mechanism list was tampered with */
  CONFAB_XMPP_ERROR_AUTH_SERVER,          /* the server failed to prove it knows the password */
  CONFAB_XMPP_ERROR_AUTH_PARAMETERS,      /* hostile SCRAM parameters (iterations, nonce) */
  CONFAB_XMPP_ERROR_BIND,                 /* RFC 6120 §7: resource binding failed */
  CONFAB_XMPP_ERROR_PROTOCOL,             /* the server broke the protocol */
  CONFAB_XMPP_ERROR_CLOSED,               /* the stream was closed cleanly */
  CONFAB_XMPP_ERROR_INVALID_JID,          /* RFC 7622: not a valid JID */
  CONFAB_XMPP_ERROR_NOT_CONNECTED,        /* an operation needs a bound session */
  CONFAB_XMPP_ERROR_RESUME_FAILED,        /* XEP-0198 §5: the old session is gone */
} ConfabXmppError;

/* RFC 6120 §4.9.3: stream error conditions, sent or received. */
#define CONFAB_XMPP_STREAM_ERROR (confab_xmpp_stream_error_quark ())

typedef enum {
  CONFAB_XMPP_STREAM_ERROR_BAD_FORMAT = 1,
  CONFAB_XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX,
  CONFAB_XMPP_STREAM_ERROR_CONFLICT,
  CONFAB_XMPP_STREAM_ERROR_CONNECTION_TIMEOUT,
  CONFAB_XMPP_STREAM_ERROR_HOST_GONE,
  CONFAB_XMPP_STREAM_ERROR_HOST_UNKNOWN,
  CONFAB_XMPP_STREAM_ERROR_IMPROPER_ADDRESSING,
  CONFAB_XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR,
  CONFAB_XMPP_STREAM_ERROR_INVALID_FROM,
  CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE,
  CONFAB_XMPP_STREAM_ERROR_INVALID_XML,
  CONFAB_XMPP_STREAM_ERROR_NOT_AUTHORIZED,
  CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED,
  CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
  CONFAB_XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED,
  CONFAB_XMPP_STREAM_ERROR_RESET,
  CONFAB_XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT,
  CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
  CONFAB_XMPP_STREAM_ERROR_SEE_OTHER_HOST,
  CONFAB_XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN,
  CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
  CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
  CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE,
  CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
  CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
} ConfabXmppStreamError;

/* RFC 6120 §6.5: SASL failure conditions. */
#define CONFAB_XMPP_SASL_ERROR (confab_xmpp_sasl_error_quark ())

typedef enum {
  CONFAB_XMPP_SASL_ERROR_ABORTED = 1,
  CONFAB_XMPP_SASL_ERROR_ACCOUNT_DISABLED,
  CONFAB_XMPP_SASL_ERROR_CREDENTIALS_EXPIRED,
  CONFAB_XMPP_SASL_ERROR_ENCRYPTION_REQUIRED,
  CONFAB_XMPP_SASL_ERROR_INCORRECT_ENCODING,
  CONFAB_XMPP_SASL_ERROR_INVALID_AUTHZID,
  CONFAB_XMPP_SASL_ERROR_INVALID_MECHANISM,
  CONFAB_XMPP_SASL_ERROR_MALFORMED_REQUEST,
  CONFAB_XMPP_SASL_ERROR_MECHANISM_TOO_WEAK,
  CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED,
  CONFAB_XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE,
} ConfabXmppSaslError;

/* RFC 6120 §8.3.3: stanza error conditions. */
#define CONFAB_XMPP_STANZA_ERROR (confab_xmpp_stanza_error_quark ())

typedef enum {
  CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST = 1,
  CONFAB_XMPP_STANZA_ERROR_CONFLICT,
  CONFAB_XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED,
  CONFAB_XMPP_STANZA_ERROR_FORBIDDEN,
  CONFAB_XMPP_STANZA_ERROR_GONE,
  CONFAB_XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR,
  CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND,
  CONFAB_XMPP_STANZA_ERROR_JID_MALFORMED,
  CONFAB_XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
  CONFAB_XMPP_STANZA_ERROR_NOT_ALLOWED,
  CONFAB_XMPP_STANZA_ERROR_NOT_AUTHORIZED,
  CONFAB_XMPP_STANZA_ERROR_POLICY_VIOLATION,
  CONFAB_XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE,
  CONFAB_XMPP_STANZA_ERROR_REDIRECT,
  CONFAB_XMPP_STANZA_ERROR_REGISTRATION_REQUIRED,
  CONFAB_XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND,
  CONFAB_XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT,
  CONFAB_XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
  CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE,
  CONFAB_XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED,
  CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION,
  CONFAB_XMPP_STANZA_ERROR_UNEXPECTED_REQUEST,
  /* Not an RFC condition: no answer came before the deadline. */
  CONFAB_XMPP_STANZA_ERROR_TIMEOUT,
} ConfabXmppStanzaError;

GQuark confab_xmpp_error_quark (void);
GQuark confab_xmpp_stream_error_quark (void);
GQuark confab_xmpp_sasl_error_quark (void);
GQuark confab_xmpp_stanza_error_quark (void);

/* Map between RFC condition element names and codes. Unknown names map to
 * the "undefined-condition" code (stream, stanza) or NOT_AUTHORIZED (SASL,
 * RFC 6120 §6.5 says a client treats unknown conditions as a failure). */
ConfabXmppStreamError confab_xmpp_stream_error_from_condition (const char *condition);
const char           *confab_xmpp_stream_error_to_condition   (ConfabXmppStreamError code);
ConfabXmppSaslError   confab_xmpp_sasl_error_from_condition   (const char *condition);
const char           *confab_xmpp_sasl_error_to_condition     (ConfabXmppSaslError code);
ConfabXmppStanzaError confab_xmpp_stanza_error_from_condition (const char *condition);
const char           *confab_xmpp_stanza_error_to_condition   (ConfabXmppStanzaError code);

G_END_DECLS
