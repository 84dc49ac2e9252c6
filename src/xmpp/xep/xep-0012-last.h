/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * XEP-0012 Last Activity. Addressed to a client's full JID, a jabber:iq:last
 * query asks how long the user has been idle (XEP-0012 §4): we answer with
 * the "idle-seconds" property, which the core keeps current (0, the default,
 * means active now). We can also ask others.
 */

#define CONFAB_XEP_LAST_NS "jabber:iq:last"

#define CONFAB_TYPE_XEP_LAST (confab_xep_last_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepLast, confab_xep_last, CONFAB, XEP_LAST, GObject)

ConfabXepLast  *confab_xep_last_new              (void);

guint64         confab_xep_last_get_idle_seconds (ConfabXepLast  *self);
void            confab_xep_last_set_idle_seconds (ConfabXepLast  *self,
                                                  guint64         seconds);

/* Our answer to @request; exposed for tests. */
ConfabXmppNode *confab_xep_last_answer           (ConfabXepLast  *self,
                                                  ConfabXmppNode *request);
/* Parses a jabber:iq:last <query/>: the seconds, and its text (a status
 * message, XEP-0012 §5/§6) when @status is not NULL. -1 with @error when
 * malformed. */
gint64          confab_xep_last_parse            (ConfabXmppNode *query,
                                                  char          **status,
                                                  GError        **error);

/* Asks @jid (NULL: our server's uptime, XEP-0012 §7). */
void            confab_xep_last_query_async      (ConfabXepLast       *self,
                                                  ConfabJid           *jid,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* Seconds, or -1 with @error. @status (optional) gets the text, or NULL. */
gint64          confab_xep_last_query_finish     (ConfabXepLast       *self,
                                                  GAsyncResult        *result,
                                                  char               **status,
                                                  GError             **error);

G_END_DECLS
