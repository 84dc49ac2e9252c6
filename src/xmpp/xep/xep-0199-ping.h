/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"

G_BEGIN_DECLS

/*
 * XEP-0199 XMPP Ping, the client-initiated side: measure the round trip to
 * another entity (a contact's full JID, a component, our server). Answering
 * pings is done by the stream itself, which also registers urn:xmpp:ping.
 */

#define CONFAB_XEP_PING_NS "urn:xmpp:ping"

#define CONFAB_TYPE_XEP_PING (confab_xep_ping_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepPing, confab_xep_ping, CONFAB, XEP_PING, GObject)

ConfabXepPing *confab_xep_ping_new    (void);

/* Pings @jid (NULL: our own server, XEP-0199 §4.2) and waits at most
 * @timeout_seconds (0: the stream's default). */
void           confab_xep_ping_async  (ConfabXepPing       *self,
                                       ConfabJid           *jid,
                                       guint                timeout_seconds,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* The round-trip time in microseconds, or -1 with @error: a
 * CONFAB_XMPP_STANZA_ERROR for an error reply (XEP-0199 §4.1:
 * service-unavailable means the entity does not support ping; §4.2:
 * it is then still reachable) or CONFAB_XMPP_STANZA_ERROR_TIMEOUT. */
gint64         confab_xep_ping_finish (ConfabXepPing       *self,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
