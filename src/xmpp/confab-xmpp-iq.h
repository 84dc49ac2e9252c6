/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * IQ requests and responses (RFC 6120 §8.2.3). The tracker remembers each
 * request by id AND by the entity that must answer it: a result or error
 * with the right id from anyone else is not a reply, so a contact cannot
 * answer a request we sent to our server.
 */

#define CONFAB_XMPP_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* <iq type=@type id=@id [to=@to]/> in jabber:client; @id NULL makes one. */
ConfabXmppNode *confab_xmpp_iq_new          (const char     *type,
                                             const char     *to,
                                             const char     *id);
/* The empty result for a get/set @request (RFC 6120 §8.2.3 rule 2). */
ConfabXmppNode *confab_xmpp_iq_new_result   (ConfabXmppNode *request);
/* An error reply carrying @condition of type @error_type (cancel, modify,
 * auth, wait) and the original payload-free request addressing. */
ConfabXmppNode *confab_xmpp_iq_new_error    (ConfabXmppNode *request,
                                             const char     *error_type,
                                             const char     *condition);
/* Turns an <error/> child of a stanza into a CONFAB_XMPP_STANZA_ERROR. */
GError         *confab_xmpp_stanza_get_error (ConfabXmppNode *stanza);
/* A fresh random stanza id (unpredictable, so replies cannot be guessed). */
char           *confab_xmpp_new_id          (void);

typedef struct _ConfabXmppIqTracker ConfabXmppIqTracker;

ConfabXmppIqTracker *confab_xmpp_iq_tracker_new   (void);
void                 confab_xmpp_iq_tracker_free  (ConfabXmppIqTracker *tracker);
/* Remembers @task (a GTask returning a ConfabXmppNode) for the reply to
 * @id from @expected, where @expected is the request's 'to' (NULL for the
 * own account). @own_jid is the session's JID: a reply without 'from' or
 * from the own bare JID counts as from the own account (RFC 6120 §8.1.2.1),
 * and one without 'from' also as from the own server. */
void                 confab_xmpp_iq_tracker_add   (ConfabXmppIqTracker *tracker,
                                                   const char          *id,
                                                   ConfabJid           *expected,
                                                   GTask               *task);
/* Offers an inbound result/error; TRUE if it answered a pending request
 * (whose task is then completed). */
gboolean             confab_xmpp_iq_tracker_handle (ConfabXmppIqTracker *tracker,
                                                    ConfabXmppNode      *iq,
                                                    ConfabJid           *own_jid);
/* Forgets @id without completing its task (after a timeout or cancel);
 * FALSE if it was not pending (already answered or failed). */
gboolean             confab_xmpp_iq_tracker_remove (ConfabXmppIqTracker *tracker,
                                                    const char          *id);
/* Fails every pending request with @error (the stream went away). */
void                 confab_xmpp_iq_tracker_fail_all (ConfabXmppIqTracker *tracker,
                                                      const GError        *error);
guint                confab_xmpp_iq_tracker_get_n_pending (ConfabXmppIqTracker *tracker);

G_END_DECLS
