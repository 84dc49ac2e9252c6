/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-contact.h"

G_BEGIN_DECLS

/*
 * The roster of one account: a GListModel of ConfabContact sorted by
 * display name (case-insensitively, then by JID), kept up to date from the
 * roster, presence and blocking modules of the account's stream. Changes
 * are emitted as the smallest items-changed possible (one contact moving
 * is a removal and an insertion), never as a reset, so a 2,000-contact
 * list stays cheap. Obtain it with confab_account_get_roster().
 *
 * Incoming subscription requests (RFC 6121 §3.1.3) from JIDs that the user
 * has not approved are listed separately in confab_roster_model_get_requests()
 * (a GListModel of ConfabContact with in-roster FALSE unless they already
 * are in the roster), oldest first.
 *
 * The actions below act on the server; the model changes when the server's
 * roster push / presence arrives, not before. All finish with
 * confab_roster_model_action_finish().
 */
#define CONFAB_TYPE_ROSTER_MODEL (confab_roster_model_get_type ())
G_DECLARE_FINAL_TYPE (ConfabRosterModel, confab_roster_model, CONFAB, ROSTER_MODEL, GObject)

ConfabAccount *confab_roster_model_get_account   (ConfabRosterModel *self);
/* The contact with bare JID @jid in the roster, or NULL (transfer none). */
ConfabContact *confab_roster_model_lookup        (ConfabRosterModel *self,
                                                  const char        *jid);
GListModel    *confab_roster_model_get_requests  (ConfabRosterModel *self);

/* Adds @jid (a bare JID; fails with CONFAB_CORE_ERROR_INVALID otherwise) to
 * the roster with @name (nullable) and @groups (nullable), asks for its
 * presence and pre-approves ours (RFC 6121 §3.4) where the server allows. */
void           confab_roster_model_add_contact_async    (ConfabRosterModel   *self,
                                                         const char          *jid,
                                                         const char          *name,
                                                         const char * const  *groups,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* Sets the name (NULL or "" removes it) and the groups of a contact. */
void           confab_roster_model_update_contact_async (ConfabRosterModel   *self,
                                                         const char          *jid,
                                                         const char          *name,
                                                         const char * const  *groups,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* Removes the contact (the server cancels both subscriptions). */
void           confab_roster_model_remove_contact_async (ConfabRosterModel   *self,
                                                         const char          *jid,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* XEP-0191: blocks or unblocks @jid. */
void           confab_roster_model_set_blocked_async    (ConfabRosterModel   *self,
                                                         const char          *jid,
                                                         gboolean             blocked,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean       confab_roster_model_action_finish        (ConfabRosterModel   *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Answers a pending request from @jid: accepting approves it and, when we
 * are not subscribed to them yet, adds them to the roster and subscribes
 * back; denying refuses it. Either way it leaves get_requests(). */
void           confab_roster_model_accept_request       (ConfabRosterModel   *self,
                                                         const char          *jid);
void           confab_roster_model_deny_request         (ConfabRosterModel   *self,
                                                         const char          *jid);

G_END_DECLS
