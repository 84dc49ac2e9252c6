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

/* ---- Added for the models and the UI (issue 4/5) -------------------------- */

typedef struct _ConfabRosterModel ConfabRosterModel;
typedef struct _ConfabAccountSync ConfabAccountSync;

/* What the user chose to show (RFC 6121 §4.7.2.1): AWAY is <show>away</show>,
 * BUSY is <show>dnd</show>; OFFLINE ("invisible as offline") sends
 * unavailable presence and disconnects; choosing any other while offline
 * connects again. Properties own-presence and own-status. */
typedef enum {
  CONFAB_ACCOUNT_PRESENCE_AVAILABLE,
  CONFAB_ACCOUNT_PRESENCE_AWAY,
  CONFAB_ACCOUNT_PRESENCE_BUSY,
  CONFAB_ACCOUNT_PRESENCE_OFFLINE,
} ConfabAccountPresence;

GType confab_account_presence_get_type (void) G_GNUC_CONST;
#define CONFAB_TYPE_ACCOUNT_PRESENCE (confab_account_presence_get_type ())

void                   confab_account_set_own_presence  (ConfabAccount         *self,
                                                         ConfabAccountPresence  presence,
                                                         const char            *status);
ConfabAccountPresence  confab_account_get_own_presence  (ConfabAccount         *self);
const char            *confab_account_get_own_status    (ConfabAccount         *self);

/* The roster model of this account (transfer none; always there). */
ConfabRosterModel     *confab_account_get_roster        (ConfabAccount         *self);
/* The history sync of this account (transfer none); NULL when the manager
 * has no history store. */
ConfabAccountSync     *confab_account_get_sync          (ConfabAccount         *self);

/* The error behind the ERROR state (CONFAB_XMPP_ERROR_CERTIFICATE,
 * _AUTHENTICATION, CONFAB_CORE_ERROR_KEYRING_*, ...), or NULL. */
const GError          *confab_account_get_error         (ConfabAccount         *self);
/* The user explicitly trusts @certificate (shown to them after a
 * CONFAB_XMPP_ERROR_CERTIFICATE error): pins its SHA-256 fingerprint
 * (persisted) and connects again. */
void                   confab_account_trust_certificate (ConfabAccount         *self,
                                                         GTlsCertificate       *certificate);
/* A PEM file that is then the ONLY trust anchor for this account (a server
 * with a private CA); persisted in the accounts row. NULL: the system's. */
const char            *confab_account_get_ca_file       (ConfabAccount         *self);
gboolean               confab_account_set_ca_file       (ConfabAccount         *self,
                                                         const char            *ca_file,
                                                         GError               **error);
/* Parses the CA file (done at the first connection, not when the account is
 * loaded) and gives the stream its trust anchors. FALSE: the CA file cannot
 * be used and the account's stream must not connect. */
gboolean               confab_account_prepare_tls       (ConfabAccount         *self,
                                                         GError               **error);

G_END_DECLS
