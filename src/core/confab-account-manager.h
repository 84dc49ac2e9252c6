/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-account.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-secret-store.h"

G_BEGIN_DECLS

/*
 * The list of accounts (a GListModel of ConfabAccount), kept in the
 * accounts table of the profile database; passwords live only in the
 * secret store and are fetched from it for every connect.
 */

#define CONFAB_TYPE_ACCOUNT_MANAGER (confab_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAccountManager, confab_account_manager, CONFAB, ACCOUNT_MANAGER, GObject)

ConfabAccountManager *confab_account_manager_new          (ConfabDatabase       *database,
                                                           ConfabSecretStore    *secrets);

/* Reads the accounts table (once, at start); connects nothing. */
gboolean              confab_account_manager_load         (ConfabAccountManager *self,
                                                           GError              **error);

/* Trust anchors given to every account (NULL: the system's); for tests and
 * special setups. Set it before load() and add. */
void                  confab_account_manager_set_tls_database (ConfabAccountManager *self,
                                                               GTlsDatabase         *database);
/* The trust anchors set above, or NULL (transfer none). */
GTlsDatabase         *confab_account_manager_get_tls_database (ConfabAccountManager *self);

/* The account with bare JID @jid, or NULL (transfer none). */
ConfabAccount        *confab_account_manager_lookup       (ConfabAccountManager *self,
                                                           const char           *jid);

/* Adds an account: saves @password in the secret store first, then the
 * row (@host NULL and @port 0 for DNS; @ca_file NULL for the system's trust
 * anchors, else a PEM file that is the account's only one), then appends
 * the account and, when @enabled, connects it. Fails with
 * CONFAB_CORE_ERROR_INVALID for a bad JID, an empty password or an
 * unusable CA file, and _DUPLICATE when the account exists. */
void                  confab_account_manager_add_async    (ConfabAccountManager *self,
                                                           const char           *jid,
                                                           const char           *password,
                                                           const char           *host,
                                                           guint16               port,
                                                           gboolean              direct_tls,
                                                           const char           *ca_file,
                                                           gboolean              enabled,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
/* Returns the new account (transfer full). */
ConfabAccount        *confab_account_manager_add_finish   (ConfabAccountManager *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Removes the password, then the row, then the account (closing its
 * stream). */
void                  confab_account_manager_remove_async  (ConfabAccountManager *self,
                                                            ConfabAccount        *account,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean              confab_account_manager_remove_finish (ConfabAccountManager *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

/* Persists :enabled; enabling connects (password from the secret store),
 * disabling closes. */
gboolean              confab_account_manager_set_enabled  (ConfabAccountManager *self,
                                                           ConfabAccount        *account,
                                                           gboolean              enabled,
                                                           GError              **error);

/* Connects every enabled account that is not online or connecting. A
 * missing password or an unusable keyring puts that account in the error
 * state; there is no other source of passwords. */
void                  confab_account_manager_connect_all  (ConfabAccountManager *self);

/* ---- Added for the models and the UI (issue 4/5) -------------------------- */

typedef struct _ConfabConversationList ConfabConversationList;

/* The history store every account syncs into (set before load() and add;
 * each account then owns a ConfabAccountSync). */
void                  confab_account_manager_set_history_store (ConfabAccountManager *self,
                                                                ConfabHistoryStore   *store);
ConfabHistoryStore   *confab_account_manager_get_history_store (ConfabAccountManager *self);
/* Every conversation of every account, most recent first (transfer none). */
ConfabConversationList *confab_account_manager_get_conversations (ConfabAccountManager *self);
/* Sets the own presence of every account. */
void                  confab_account_manager_set_presence_all  (ConfabAccountManager *self,
                                                                ConfabAccountPresence presence,
                                                                const char           *status);

G_END_DECLS
