/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * The inbound half of a stream: bytes in, one element tree per top-level
 * stanza out. Built on libxml2's SAX2 push parser and restricted to the XML
 * subset of RFC 6120 §11. Any violation is reported once as a GError in the
 * CONFAB_XMPP_STREAM_ERROR domain whose code is the stream error to send
 * (not-well-formed, restricted-xml, policy-violation, ...); after that the
 * parser accepts no more input.
 */

typedef struct _ConfabXmppParser ConfabXmppParser;

typedef struct {
  /* <stream:stream> opened; @header holds its attributes (no children). */
  void (*stream_opened) (ConfabXmppNode *header, gpointer user_data);
  /* A complete top-level element (depth 1); the callee gets a reference
   * for the duration of the call and must ref it to keep it. */
  void (*stanza)        (ConfabXmppNode *stanza, gpointer user_data);
  /* </stream:stream> received. */
  void (*stream_closed) (gpointer user_data);
} ConfabXmppParserCallbacks;

typedef struct {
  guint max_depth;          /* element depth below the stream, default 32 */
  guint max_attributes;     /* per element, default 64 */
  gsize max_stanza_bytes;   /* bytes of one top-level element, default 1 MiB */
} ConfabXmppParserLimits;

ConfabXmppParser *confab_xmpp_parser_new        (const ConfabXmppParserCallbacks *callbacks,
                                                 gpointer                         user_data);
void              confab_xmpp_parser_free       (ConfabXmppParser                *parser);
void              confab_xmpp_parser_set_limits (ConfabXmppParser                *parser,
                                                 const ConfabXmppParserLimits    *limits);
/* Feeds bytes; callbacks run synchronously from inside. Returns FALSE with
 * @error set on a violation (and on every call after one). A callback may
 * call confab_xmpp_parser_reset(); the rest of the bytes of that call are
 * then discarded (after <proceed/> they would be plaintext injected ahead of
 * the TLS handshake) and the next call starts a new document. */
gboolean          confab_xmpp_parser_feed       (ConfabXmppParser                *parser,
                                                 const char                      *data,
                                                 gsize                            len,
                                                 GError                         **error);
/* Forget all state: a new stream starts (after STARTTLS or SASL success,
 * RFC 6120 §5.4.3.3 and §6.4.6). */
void              confab_xmpp_parser_reset      (ConfabXmppParser                *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppParser, confab_xmpp_parser_free)

G_END_DECLS
