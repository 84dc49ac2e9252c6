/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * The roster (RFC 6121 §2): the user's contact list, kept by the server.
 * The module fetches it when a new session starts (not after a resumption,
 * when the server's state is still in place), using roster versioning
 * (§2.6) when the caller gave a stored version, and turns roster pushes
 * (§2.1.6) into typed events. Only the server may push: a push from any
 * other entity is refused without effect.
 */

#define CONFAB_XMPP_NS_ROSTER "jabber:iq:roster"

/* Hostile-server bounds. Items and groups beyond these are ignored; longer
 * names are cut (at a character boundary). */
#define CONFAB_XMPP_ROSTER_MAX_ITEMS        10000
#define CONFAB_XMPP_ROSTER_MAX_GROUPS       64
#define CONFAB_XMPP_ROSTER_MAX_NAME_BYTES   1024

/* RFC 6121 §2.1.2.5: the subscription state of a roster item. REMOVE only
 * appears in pushes (and in our own removal requests). */
typedef enum {
  CONFAB_XMPP_SUBSCRIPTION_NONE,
  CONFAB_XMPP_SUBSCRIPTION_TO,
  CONFAB_XMPP_SUBSCRIPTION_FROM,
  CONFAB_XMPP_SUBSCRIPTION_BOTH,
  CONFAB_XMPP_SUBSCRIPTION_REMOVE,
} ConfabXmppSubscription;

GType confab_xmpp_subscription_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_XMPP_SUBSCRIPTION (confab_xmpp_subscription_get_type ())

/* The wire value ("none", "to", ...) and back; FALSE for an unknown value. */
const char *confab_xmpp_subscription_to_string   (ConfabXmppSubscription  subscription);
gboolean    confab_xmpp_subscription_from_string (const char             *text,
                                                  ConfabXmppSubscription *subscription);

/* One roster item: immutable and reference counted. */
typedef struct _ConfabXmppRosterItem ConfabXmppRosterItem;

#define CONFAB_TYPE_XMPP_ROSTER_ITEM (confab_xmpp_roster_item_get_type ())

GType                   confab_xmpp_roster_item_get_type         (void) G_GNUC_CONST;
/* @name and @groups may be NULL; groups are de-duplicated and empty names
 * dropped, as when parsing. */
ConfabXmppRosterItem   *confab_xmpp_roster_item_new              (ConfabJid              *jid,
                                                                  const char             *name,
                                                                  ConfabXmppSubscription  subscription,
                                                                  gboolean                ask_subscribe,
                                                                  const char * const     *groups);
ConfabXmppRosterItem   *confab_xmpp_roster_item_ref              (ConfabXmppRosterItem   *item);
void                    confab_xmpp_roster_item_unref            (ConfabXmppRosterItem   *item);
ConfabJid              *confab_xmpp_roster_item_get_jid          (ConfabXmppRosterItem   *item);
/* The user's handle for the contact, or NULL (RFC 6121 §2.1.2.4). */
const char             *confab_xmpp_roster_item_get_name         (ConfabXmppRosterItem   *item);
ConfabXmppSubscription  confab_xmpp_roster_item_get_subscription (ConfabXmppRosterItem   *item);
/* RFC 6121 §2.1.2.2: ask='subscribe', our request is pending. */
gboolean                confab_xmpp_roster_item_get_ask_subscribe (ConfabXmppRosterItem  *item);
/* RFC 6121 §2.1.2.1: approved='true', we pre-approved the contact. */
gboolean                confab_xmpp_roster_item_get_approved     (ConfabXmppRosterItem   *item);
/* NULL-terminated, never NULL (may be empty). */
const char * const     *confab_xmpp_roster_item_get_groups       (ConfabXmppRosterItem   *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppRosterItem, confab_xmpp_roster_item_unref)

/* Parsing (also used by the fuzzers). Errors are CONFAB_XMPP_STANZA_ERROR:
 * BAD_REQUEST for anything malformed, SERVICE_UNAVAILABLE for a push from
 * an entity that may not push; the code's condition is the right answer to
 * send back. */

/* One <item/> of jabber:iq:roster. REMOVE is accepted only if @allow_remove. */
ConfabXmppRosterItem *confab_xmpp_roster_item_parse   (ConfabXmppNode  *item,
                                                       gboolean         allow_remove,
                                                       GError         **error);
/* The <query/> of a roster result (RFC 6121 §2.1.3 and §2.1.4): a new array
 * of items (invalid items and duplicates are skipped, at most
 * CONFAB_XMPP_ROSTER_MAX_ITEMS) and the 'ver' attribute, or NULL and @error
 * when @query is not a roster query. */
GPtrArray            *confab_xmpp_roster_parse_query  (ConfabXmppNode  *query,
                                                       char           **version,
                                                       GError         **error);
/* TRUE when @stanza comes from the user's own account as a whole: no 'from'
 * (RFC 6120 §8.1.2.1) or 'from' equal to the bare JID of @own_jid. A full
 * JID of the account is one of the user's clients, not the server, so it
 * is not trusted. The rule for roster pushes (RFC 6121 §2.1.6) and
 * blocking pushes (XEP-0191 §3.3). */
gboolean              confab_xmpp_stanza_is_from_account (ConfabXmppNode *stanza,
                                                          ConfabJid      *own_jid);
/* A roster push (RFC 6121 §2.1.6): checks the sender and that the query
 * holds exactly one item. Returns the item and the push's 'ver' (may be
 * NULL). */
ConfabXmppRosterItem *confab_xmpp_roster_parse_push   (ConfabXmppNode  *iq,
                                                       ConfabJid       *own_jid,
                                                       char           **version,
                                                       GError         **error);

/* The module. */
#define CONFAB_TYPE_XMPP_ROSTER (confab_xmpp_roster_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXmppRoster, confab_xmpp_roster, CONFAB, XMPP_ROSTER, GObject)

ConfabXmppRoster *confab_xmpp_roster_new              (void);

/* The roster version the caller has stored (RFC 6121 §2.6); sent as 'ver'
 * with the next fetch. NULL (the default) sends no 'ver'; "" asks a
 * versioning server for a full roster with a version to store. Updated by
 * the module from every roster result and push. */
void              confab_xmpp_roster_set_version      (ConfabXmppRoster *self,
                                                       const char       *version);
const char       *confab_xmpp_roster_get_version      (ConfabXmppRoster *self);

/* Fetches the roster now (the module also does this at every new session)
 * and emits ::roster-received. On success *@items is the full roster (a new
 * array of ConfabXmppRosterItem) or NULL when the server answered that the
 * stored version is current (§2.6.3); *@version is the version. */
void              confab_xmpp_roster_fetch_async      (ConfabXmppRoster     *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean          confab_xmpp_roster_fetch_finish     (ConfabXmppRoster     *self,
                                                       GAsyncResult         *result,
                                                       GPtrArray           **items,
                                                       char                **version,
                                                       GError              **error);

/* RFC 6121 §2.3: adds @jid or updates its name and groups. The change
 * itself arrives as a push (::item-changed). */
void              confab_xmpp_roster_set_item_async   (ConfabXmppRoster    *self,
                                                       ConfabJid           *jid,
                                                       const char          *name,
                                                       const char * const  *groups,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean          confab_xmpp_roster_set_item_finish  (ConfabXmppRoster    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* RFC 6121 §2.5: removes @jid (the server also cancels subscriptions). */
void              confab_xmpp_roster_remove_item_async (ConfabXmppRoster    *self,
                                                        ConfabJid           *jid,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean          confab_xmpp_roster_remove_item_finish (ConfabXmppRoster    *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Builds the IQ sets sent by the calls above (exposed for tests). */
ConfabXmppNode   *confab_xmpp_roster_new_set_iq       (ConfabJid           *jid,
                                                       const char          *name,
                                                       const char * const  *groups,
                                                       gboolean             remove);

G_END_DECLS
