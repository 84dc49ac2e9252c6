/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-xmpp-presence.h"
#include "confab-xmpp-roster.h"

G_BEGIN_DECLS

typedef struct _ConfabAccount ConfabAccount;

/*
 * One contact of one account, as the UI shows it: the roster item (RFC 6121
 * §2.1: name, groups, subscription, pending "ask") merged with the presence
 * of all its resources. Every property notifies when it changes, so a row
 * can bind to it. Owned by ConfabRosterModel, which updates it.
 *
 * Properties (all read-only): account, jid (bare), name (nullable),
 * display-name (name, else the JID; never NULL), groups (GStrv, never NULL),
 * subscription (ConfabXmppSubscription), ask (gboolean), in-roster
 * (gboolean: FALSE for someone who only sent a subscription request),
 * available (gboolean: any resource online), show (ConfabXmppPresenceShow of
 * the best resource), status (nullable status text of the best resource),
 * blocked (gboolean, XEP-0191).
 */
#define CONFAB_TYPE_CONTACT (confab_contact_get_type ())
G_DECLARE_FINAL_TYPE (ConfabContact, confab_contact, CONFAB, CONTACT, GObject)

ConfabAccount          *confab_contact_get_account      (ConfabContact *self);
const char             *confab_contact_get_jid          (ConfabContact *self);
const char             *confab_contact_get_name         (ConfabContact *self);
const char             *confab_contact_get_display_name (ConfabContact *self);
const char * const     *confab_contact_get_groups       (ConfabContact *self);
ConfabXmppSubscription  confab_contact_get_subscription (ConfabContact *self);
gboolean                confab_contact_get_ask          (ConfabContact *self);
gboolean                confab_contact_get_in_roster    (ConfabContact *self);
gboolean                confab_contact_get_available    (ConfabContact *self);
ConfabXmppPresenceShow  confab_contact_get_show         (ConfabContact *self);
const char             *confab_contact_get_status       (ConfabContact *self);
gboolean                confab_contact_get_blocked      (ConfabContact *self);

/* The online resources, best first: a new array of ConfabXmppPresenceInfo
 * (each referenced; the array unrefs them). */
GPtrArray              *confab_contact_list_resources   (ConfabContact *self);

G_END_DECLS
