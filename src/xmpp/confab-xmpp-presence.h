/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * Presence (RFC 6121 §3 and §4): our own availability, subscriptions, and
 * the availability of each resource of each contact. The module keeps a
 * bounded table of the contacts' available resources, so a caller can ask
 * for a contact's resources and the one to prefer.
 */

/* Hostile-server bounds for the table of available resources, and for the
 * text kept from each presence. */
#define CONFAB_XMPP_PRESENCE_MAX_RESOURCES       64     /* per contact */
#define CONFAB_XMPP_PRESENCE_MAX_TOTAL_RESOURCES 20000  /* in the whole table */
#define CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES    4096

#define CONFAB_XMPP_NS_NICK "http://jabber.org/protocol/nick"

/* RFC 6121 §4.7.1: the 'type' of a presence stanza; AVAILABLE is no type. */
typedef enum {
  CONFAB_XMPP_PRESENCE_TYPE_AVAILABLE,
  CONFAB_XMPP_PRESENCE_TYPE_UNAVAILABLE,
  CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBE,
  CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED,
  CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBE,
  CONFAB_XMPP_PRESENCE_TYPE_UNSUBSCRIBED,
  CONFAB_XMPP_PRESENCE_TYPE_PROBE,
  CONFAB_XMPP_PRESENCE_TYPE_ERROR,
} ConfabXmppPresenceType;

GType confab_xmpp_presence_type_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_XMPP_PRESENCE_TYPE (confab_xmpp_presence_type_get_type ())

/* RFC 6121 §4.7.2.1: availability sub-states; NONE is plain "online". */
typedef enum {
  CONFAB_XMPP_PRESENCE_SHOW_NONE,
  CONFAB_XMPP_PRESENCE_SHOW_AWAY,
  CONFAB_XMPP_PRESENCE_SHOW_CHAT,
  CONFAB_XMPP_PRESENCE_SHOW_DND,
  CONFAB_XMPP_PRESENCE_SHOW_XA,
} ConfabXmppPresenceShow;

GType confab_xmpp_presence_show_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_XMPP_PRESENCE_SHOW (confab_xmpp_presence_show_get_type ())

/* Wire values: NULL for NONE; parsing returns FALSE for an unknown value. */
const char *confab_xmpp_presence_show_to_string   (ConfabXmppPresenceShow  show);
gboolean    confab_xmpp_presence_show_from_string (const char             *text,
                                                   ConfabXmppPresenceShow *show);

/* The availability of one resource (or, for "unavailable" from a bare JID,
 * of a whole contact). Immutable and reference counted. */
typedef struct _ConfabXmppPresenceInfo ConfabXmppPresenceInfo;

#define CONFAB_TYPE_XMPP_PRESENCE_INFO (confab_xmpp_presence_info_get_type ())

GType                   confab_xmpp_presence_info_get_type      (void) G_GNUC_CONST;
ConfabXmppPresenceInfo *confab_xmpp_presence_info_ref           (ConfabXmppPresenceInfo *info);
void                    confab_xmpp_presence_info_unref         (ConfabXmppPresenceInfo *info);
/* The sender: a full JID for a resource. */
ConfabJid              *confab_xmpp_presence_info_get_jid       (ConfabXmppPresenceInfo *info);
gboolean                confab_xmpp_presence_info_get_available (ConfabXmppPresenceInfo *info);
ConfabXmppPresenceShow  confab_xmpp_presence_info_get_show      (ConfabXmppPresenceInfo *info);
/* RFC 6121 §4.7.2.2: the status text (without xml:lang, or the first), or NULL. */
const char             *confab_xmpp_presence_info_get_status    (ConfabXmppPresenceInfo *info);
/* RFC 6121 §4.7.2.3: -128..127, 0 when absent. */
int                     confab_xmpp_presence_info_get_priority  (ConfabXmppPresenceInfo *info);
/* The stanza it came from, for other modules (caps, avatars); NULL for the
 * "unavailable" the module makes up when the stream closes. */
ConfabXmppNode         *confab_xmpp_presence_info_get_node      (ConfabXmppPresenceInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppPresenceInfo, confab_xmpp_presence_info_unref)

/* Parsing (also used by the fuzzers). */

/* The type of a presence stanza; FALSE (and BAD_REQUEST in @error) when
 * @stanza is not a jabber:client presence or its type is unknown. */
gboolean                confab_xmpp_presence_parse_type (ConfabXmppNode          *stanza,
                                                         ConfabXmppPresenceType  *type,
                                                         GError                 **error);
/* An available or unavailable presence, which must have a valid 'from'.
 * An invalid <show/> is ignored (plain online), priority is clamped to
 * -128..127, status is cut to CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES. Errors
 * are CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST. */
ConfabXmppPresenceInfo *confab_xmpp_presence_info_parse (ConfabXmppNode          *stanza,
                                                         GError                 **error);
/* The nickname of a subscription request (XEP-0172 §4.1), or NULL. */
const char             *confab_xmpp_presence_get_nick   (ConfabXmppNode          *stanza);

/* Builds <presence/> stanzas; @to and @status may be NULL. Priority is
 * clamped to -128..127 (RFC 6121 §4.7.2.3). */
ConfabXmppNode         *confab_xmpp_presence_new_stanza (ConfabXmppPresenceType   type,
                                                         ConfabJid               *to,
                                                         ConfabXmppPresenceShow   show,
                                                         const char              *status,
                                                         int                      priority);

/* The module. */
#define CONFAB_TYPE_XMPP_PRESENCE (confab_xmpp_presence_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXmppPresence, confab_xmpp_presence, CONFAB, XMPP_PRESENCE, GObject)

ConfabXmppPresence *confab_xmpp_presence_new          (void);

/* RFC 6121 §4.2 and §4.4: initial or updated presence, broadcast by the
 * server to our subscribers. */
void     confab_xmpp_presence_send_available          (ConfabXmppPresence     *self,
                                                       ConfabXmppPresenceShow  show,
                                                       const char             *status,
                                                       int                     priority);
/* RFC 6121 §4.5: going offline. */
void     confab_xmpp_presence_send_unavailable        (ConfabXmppPresence     *self,
                                                       const char             *status);
/* RFC 6121 §4.6: directed presence to @to (available, or unavailable when
 * @available is FALSE, in which case show and priority are not sent). */
void     confab_xmpp_presence_send_directed           (ConfabXmppPresence     *self,
                                                       ConfabJid              *to,
                                                       gboolean                available,
                                                       ConfabXmppPresenceShow  show,
                                                       const char             *status,
                                                       int                     priority);

/* Subscriptions (RFC 6121 §3); always addressed to the bare JID (§3.1.1). */
/* §3.1.1: ask @jid for their presence; @status and @nick (XEP-0172) may be NULL. */
void     confab_xmpp_presence_subscribe               (ConfabXmppPresence     *self,
                                                       ConfabJid              *jid,
                                                       const char             *status,
                                                       const char             *nick);
/* §3.1.4: approve @jid's request. */
void     confab_xmpp_presence_approve                 (ConfabXmppPresence     *self,
                                                       ConfabJid              *jid);
/* §3.1.4: deny @jid's request. */
void     confab_xmpp_presence_deny                    (ConfabXmppPresence     *self,
                                                       ConfabJid              *jid);
/* §3.2: cancel @jid's subscription to our presence. */
void     confab_xmpp_presence_cancel                  (ConfabXmppPresence     *self,
                                                       ConfabJid              *jid);
/* §3.3: stop receiving @jid's presence. */
void     confab_xmpp_presence_unsubscribe             (ConfabXmppPresence     *self,
                                                       ConfabJid              *jid);
/* §3.4: approve @jid before they ask. Needs the server's pre-approval
 * feature (<sub xmlns='urn:xmpp:features:pre-approval'/>), which modules
 * cannot see yet; a server without it ignores the stanza. */
void     confab_xmpp_presence_preapprove              (ConfabXmppPresence     *self,
                                                       ConfabJid              *jid);

/* The available resources of the contact @bare (any JID; its bare part is
 * used), best first: a new array of ConfabXmppPresenceInfo, empty when the
 * contact is offline. */
GPtrArray              *confab_xmpp_presence_get_resources     (ConfabXmppPresence *self,
                                                                ConfabJid          *bare);
/* The resource to prefer: highest priority, ties broken by the most recent
 * presence (RFC 6121 §8.5.2.1.1); NULL when offline. Transfer full. */
ConfabXmppPresenceInfo *confab_xmpp_presence_get_best_resource (ConfabXmppPresence *self,
                                                                ConfabJid          *bare);

G_END_DECLS
