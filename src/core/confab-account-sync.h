/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-history-store.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * The bridge between one account's stream and the history store.
 *
 * - Inbound messages (and receipts, markers, corrections, retractions,
 *   reactions, carbons) are held on the stream (XEP-0198 acks wait) until
 *   the store committed them; receipts we owe are sent only then.
 * - Outgoing chats are stored PENDING before they are sent, become SENT on
 *   the server's ack and DELIVERED on the recipient's receipt; on every new
 *   (non-resumed) session the pending ones are resent with their stored id.
 * - On every new session the account's archive is caught up (XEP-0313),
 *   page by page forward, each page stored before the next is asked for,
 *   from the account's persisted catch-up position (the last result of the
 *   last page stored), so an interrupted catch-up resumes where it stopped;
 *   with none yet, from the start of the archive's last 30 days.
 *
 * The stream must carry the standard modules (confab_xmpp_add_standard_modules())
 * before the sync is created.
 */

#define CONFAB_ACCOUNT_SYNC_PAGE_SIZE 100

#define CONFAB_TYPE_ACCOUNT_SYNC (confab_account_sync_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAccountSync, confab_account_sync, CONFAB, ACCOUNT_SYNC, GObject)

ConfabAccountSync *confab_account_sync_new              (ConfabXmppStream   *stream,
                                                         ConfabHistoryStore *store,
                                                         gint64              account_id);

/* Stores a chat message to @to (its bare JID is the conversation) as
 * pending, then sends it. Returns its id (origin-id), or NULL when @to is
 * not a valid JID. */
char              *confab_account_sync_send_chat        (ConfabAccountSync  *self,
                                                         const char         *to,
                                                         const char         *body);

/* Like send_chat(), replying (XEP-0461) to message @reply_id of
 * @reply_author (nullable both), with @reply_fallback (nullable) quoted
 * before @body for clients without replies (XEP-0428). The stored body is
 * @body alone. */
char              *confab_account_sync_send_reply       (ConfabAccountSync  *self,
                                                         const char         *to,
                                                         const char         *body,
                                                         const char         *reply_id,
                                                         const char         *reply_author,
                                                         const char         *reply_fallback);
/* XEP-0308: sends a correction of our message @replace_id to @to and
 * stores it as the store would a received one (the original's text
 * changes). Returns the correction's id, or NULL when not connected. */
char              *confab_account_sync_send_correction  (ConfabAccountSync  *self,
                                                         const char         *to,
                                                         const char         *replace_id,
                                                         const char         *body);
/* XEP-0444: sends our whole set of @reactions to message @message_id and
 * stores it. Returns the stanza's id, or NULL when not connected. */
char              *confab_account_sync_send_reactions   (ConfabAccountSync  *self,
                                                         const char         *to,
                                                         const char         *message_id,
                                                         const char * const *reactions);
/* XEP-0184 §8: with a roster, receipts go only to contacts allowed to see
 * our presence (subscription from or both). Without one (the default),
 * to everyone who asks. */
typedef struct _ConfabRosterModel ConfabRosterModel;
void               confab_account_sync_set_roster       (ConfabAccountSync  *self,
                                                         ConfabRosterModel  *roster);

/* Whether an archive catch-up is running ("catching-up"). */
gboolean           confab_account_sync_get_catching_up  (ConfabAccountSync  *self);
/* Archived messages fetched by the current (or last) catch-up ("progress"). */
guint              confab_account_sync_get_progress     (ConfabAccountSync  *self);
/* Inbound stanzas held on the stream and not yet stored (for tests). */
guint              confab_account_sync_get_held_count   (ConfabAccountSync  *self);

G_END_DECLS
