/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * XEP-0191 Blocking Command: the server-side list of JIDs the user blocks.
 * Whether the server supports it (disco feature urn:xmpp:blocking) is for
 * the caller to check. Pushes are accepted only from the user's own account
 * (no 'from' or the own bare JID), like roster pushes.
 */

#define CONFAB_XEP_NS_BLOCKING "urn:xmpp:blocking"

/* Hostile-server bound: items beyond it are ignored (lists) or refused
 * (pushes). */
#define CONFAB_XEP_BLOCKING_MAX_ITEMS 10000

/* Parsing (also for tests and fuzzers). Results are new arrays of
 * ConfabJid. */

/* §3.2: the <blocklist/> of a result; invalid JIDs and duplicates are
 * skipped. NULL and BAD_REQUEST in @error when @blocklist is not one. */
GPtrArray *confab_xep_blocking_parse_blocklist (ConfabXmppNode  *blocklist,
                                                GError         **error);
/* §3.3 and §3.4: a push (<iq type='set'> with <block/> or <unblock/>).
 * Checks the sender (SERVICE_UNAVAILABLE) and the items (BAD_REQUEST: a
 * block without items, an invalid JID, too many items). On success
 * *@blocked tells which it was, and *@jids holds the JIDs; an empty array
 * for an unblock means everything was unblocked (§3.5). */
gboolean   confab_xep_blocking_parse_push      (ConfabXmppNode  *iq,
                                                ConfabJid       *own_jid,
                                                gboolean        *blocked,
                                                GPtrArray      **jids,
                                                GError         **error);

#define CONFAB_TYPE_XEP_BLOCKING (confab_xep_blocking_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepBlocking, confab_xep_blocking, CONFAB, XEP_BLOCKING, GObject)

ConfabXepBlocking *confab_xep_blocking_new                 (void);

/* §3.2: the blocklist, as a new array of ConfabJid. Asking for it also
 * tells the server to send us pushes. */
void               confab_xep_blocking_get_blocklist_async  (ConfabXepBlocking    *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GPtrArray         *confab_xep_blocking_get_blocklist_finish (ConfabXepBlocking    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
/* §3.3: blocks @jids (a non-empty array of ConfabJid). */
void               confab_xep_blocking_block_async          (ConfabXepBlocking    *self,
                                                             GPtrArray            *jids,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean           confab_xep_blocking_block_finish         (ConfabXepBlocking    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
/* §3.4: unblocks @jids; §3.5: a NULL or empty @jids unblocks everyone. */
void               confab_xep_blocking_unblock_async        (ConfabXepBlocking    *self,
                                                             GPtrArray            *jids,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean           confab_xep_blocking_unblock_finish       (ConfabXepBlocking    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* The IQ sets the calls above send (exposed for tests). */
ConfabXmppNode    *confab_xep_blocking_new_iq               (gboolean              block,
                                                             GPtrArray            *jids);

G_END_DECLS
