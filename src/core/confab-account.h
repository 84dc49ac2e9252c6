/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-database.h"
#include "confab-jid.h"
#include "confab-xmpp-reconnector.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * One XMPP account: its settings (as stored in the accounts table, never
 * the password), one ConfabXmppStream with the standard modules, and the
 * ConfabXmppReconnector that keeps it connected. :state summarizes both for
 * the UI. Accounts are created and persisted by ConfabAccountManager.
 */

typedef enum {
  CONFAB_ACCOUNT_STATE_OFFLINE,
  CONFAB_ACCOUNT_STATE_CONNECTING,
  CONFAB_ACCOUNT_STATE_ONLINE,
  CONFAB_ACCOUNT_STATE_ERROR,     /* see :error-message; needs the user */
} ConfabAccountState;

GType confab_account_state_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_ACCOUNT_STATE (confab_account_state_get_type ())

#define CONFAB_TYPE_ACCOUNT (confab_account_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAccount, confab_account, CONFAB, ACCOUNT, GObject)

ConfabAccount         *confab_account_new               (ConfabJid      *jid);

ConfabJid             *confab_account_get_jid           (ConfabAccount  *self);
ConfabAccountState     confab_account_get_state         (ConfabAccount  *self);
/* Human-readable reason when :state is ERROR; NULL otherwise. */
const char            *confab_account_get_error_message (ConfabAccount  *self);
ConfabXmppStream      *confab_account_get_stream        (ConfabAccount  *self);
ConfabXmppReconnector *confab_account_get_reconnector   (ConfabAccount  *self);

/* :enabled only records the choice; ConfabAccountManager persists it and
 * connects or disconnects (confab_account_manager_set_enabled()). */
gboolean               confab_account_get_enabled       (ConfabAccount  *self);
void                   confab_account_set_enabled       (ConfabAccount  *self,
                                                         gboolean        enabled);

/* Connection settings (NULL/0: from DNS); take effect at the next connect. */
const char            *confab_account_get_host          (ConfabAccount  *self);
void                   confab_account_set_host          (ConfabAccount  *self,
                                                         const char     *host);
guint                  confab_account_get_port          (ConfabAccount  *self);
void                   confab_account_set_port          (ConfabAccount  *self,
                                                         guint           port);
gboolean               confab_account_get_direct_tls    (ConfabAccount  *self);
void                   confab_account_set_direct_tls    (ConfabAccount  *self,
                                                         gboolean        direct_tls);
/* Trust anchors (NULL: the system's). For tests and special setups. */
void                   confab_account_set_tls_database  (ConfabAccount  *self,
                                                         GTlsDatabase   *database);

/* The accounts row this account is stored in: pinned certificate
 * fingerprints accepted on the stream are written there. Used by
 * ConfabAccountManager. */
void                   confab_account_set_database      (ConfabAccount  *self,
                                                         ConfabDatabase *database,
                                                         gint64          row_id);
gint64                 confab_account_get_row_id        (ConfabAccount  *self);

/* Starts connecting (and keeping connected) with @password, which is
 * handed to the reconnector and not kept here. */
void                   confab_account_connect           (ConfabAccount  *self,
                                                         const char     *password);
/* Stops reconnecting and closes the stream; :state becomes OFFLINE. */
void                   confab_account_disconnect        (ConfabAccount  *self);
/* Puts the account in the ERROR state with @message (e.g. the keyring
 * could not give the password). */
void                   confab_account_set_error         (ConfabAccount  *self,
                                                         const char     *message);

G_END_DECLS
