/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * An `xmpp:` URI or IRI (RFC 5122) with the query actions of XEP-0147 that
 * Confab acts on. Parsing is strict: anything that does not follow the
 * grammar of RFC 5122 §2.3 (bad percent-encoding, invalid UTF-8, a NUL, an
 * invalid JID, a repeated key, characters outside the allowed sets, an
 * oversized URI) fails with CONFAB_CORE_ERROR_INVALID. Nothing here acts on
 * the URI: the caller asks the user first.
 */

typedef enum {
  CONFAB_XMPP_URI_ACTION_NONE,       /* no (or an unknown) query: open a chat */
  CONFAB_XMPP_URI_ACTION_MESSAGE,    /* XEP-0147 "message": body, subject, thread */
  CONFAB_XMPP_URI_ACTION_ROSTER,     /* "roster": name, group */
  CONFAB_XMPP_URI_ACTION_SUBSCRIBE,  /* "subscribe" */
  CONFAB_XMPP_URI_ACTION_JOIN,       /* "join" (a group chat): password */
} ConfabXmppUriAction;

/* Longest URI accepted, in bytes. */
#define CONFAB_XMPP_URI_MAX_LENGTH 16384

typedef struct _ConfabXmppUri ConfabXmppUri;

#define CONFAB_TYPE_XMPP_URI (confab_xmpp_uri_get_type ())
GType                confab_xmpp_uri_get_type       (void) G_GNUC_CONST;

ConfabXmppUri       *confab_xmpp_uri_parse          (const char     *text,
                                                     GError        **error);
/* @length -1: nul-terminated; an embedded NUL makes the URI invalid. */
ConfabXmppUri       *confab_xmpp_uri_parse_len      (const char     *text,
                                                     gssize          length,
                                                     GError        **error);
ConfabXmppUri       *confab_xmpp_uri_copy           (const ConfabXmppUri *uri);
void                 confab_xmpp_uri_free           (ConfabXmppUri  *uri);

ConfabXmppUriAction  confab_xmpp_uri_get_action     (const ConfabXmppUri *uri);
/* The query type as written (decoded), e.g. "message"; NULL without query. */
const char          *confab_xmpp_uri_get_query_type (const ConfabXmppUri *uri);
/* The target: normalized JID (maybe with a resource), and its bare form. */
const char          *confab_xmpp_uri_get_jid        (const ConfabXmppUri *uri);
const char          *confab_xmpp_uri_get_bare_jid   (const ConfabXmppUri *uri);
/* The bare JID of the authority component ("xmpp://me@example.com/…":
 * the account to act from, RFC 5122 §2.3), or NULL. */
const char          *confab_xmpp_uri_get_account    (const ConfabXmppUri *uri);
/* The decoded value of query key @key ("body", "name", …), or NULL. */
const char          *confab_xmpp_uri_get_param      (const ConfabXmppUri *uri,
                                                     const char          *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppUri, confab_xmpp_uri_free)

G_END_DECLS
