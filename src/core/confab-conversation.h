/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-archive-fetch.h"
#include "confab-conversation-model.h"
#include "confab-history-store.h"
#include "confab-message-item.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-presence.h"

G_BEGIN_DECLS

typedef struct _ConfabAccount ConfabAccount;

/*
 * A one-to-one conversation of one account with a peer (bare JID), as shown
 * in the conversation list and the conversation view.
 *
 * Read-only properties, notified on change: account, peer (bare JID),
 * conversation-id (gint64; 0 until the first message is stored),
 * display-name (roster name, else the JID), last-body (nullable preview),
 * last-activity (gint64 µs), unread-count (guint), peer-chat-state
 * (ConfabXmppChatState as int, XEP-0085: the peer's typing state, reset to
 * ACTIVE when a message from them arrives), available and show (the peer's
 * presence, from the roster).
 *
 * Sending goes through the account's ConfabAccountSync: stored as pending
 * first, then sent. Every call is ignored (returns NULL/FALSE) while the
 * text is empty after trimming.
 */
#define CONFAB_TYPE_CONVERSATION (confab_conversation_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConversation, confab_conversation, CONFAB, CONVERSATION, GObject)

ConfabAccount           *confab_conversation_get_account         (ConfabConversation *self);
const char              *confab_conversation_get_peer            (ConfabConversation *self);
gint64                   confab_conversation_get_conversation_id (ConfabConversation *self);
const char              *confab_conversation_get_display_name    (ConfabConversation *self);
const char              *confab_conversation_get_last_body       (ConfabConversation *self);
gint64                   confab_conversation_get_last_activity   (ConfabConversation *self);
guint                    confab_conversation_get_unread_count    (ConfabConversation *self);
ConfabXmppChatState      confab_conversation_get_peer_chat_state (ConfabConversation *self);
gboolean                 confab_conversation_get_available       (ConfabConversation *self);
ConfabXmppPresenceShow   confab_conversation_get_show            (ConfabConversation *self);

/* The messages (transfer full); see ConfabConversationModel. */
ConfabConversationModel *confab_conversation_get_messages        (ConfabConversation *self);

/* Asks the account's archive (XEP-0313) for this conversation's history:
 * NEWEST when the conversation is opened while the account is still
 * catching up (so the one in view is filled first), OLDER when the user
 * scrolls back past what is stored. The messages appear in the model as
 * they are stored. Does nothing while a fetch runs, when offline, or (for
 * OLDER) once the archive said it has nothing older. */
void                     confab_conversation_fetch_history       (ConfabConversation *self,
                                                                  ConfabArchiveFetch  what);
/* FALSE once the archive has nothing older than what is stored. */
gboolean                 confab_conversation_can_fetch_history   (ConfabConversation *self);

/* Sends @body, replying to @reply_to (nullable: a ConfabMessageItem of this
 * conversation; XEP-0461 with a fallback quote). Returns the new message's
 * id (origin-id), or NULL. Also ends our "composing" state. */
char                    *confab_conversation_send                (ConfabConversation *self,
                                                                  const char         *body,
                                                                  ConfabMessageItem  *reply_to);
/* XEP-0308: replaces the text of our last message in this conversation.
 * FALSE when there is none or it is retracted. */
gboolean                 confab_conversation_correct_last        (ConfabConversation *self,
                                                                  const char         *body);
/* Our last outgoing message that can still be corrected, or NULL
 * (transfer full). For "edit the last message with Up". */
ConfabMessageItem       *confab_conversation_get_last_outgoing   (ConfabConversation *self);
/* XEP-0444: toggles our reaction @emoji on @item. */
void                     confab_conversation_toggle_reaction     (ConfabConversation *self,
                                                                  ConfabMessageItem  *item,
                                                                  const char         *emoji);
/* XEP-0085: tells the peer we are typing (TRUE) or stopped (FALSE).
 * Repeated calls with the same value send nothing; "paused" follows
 * automatically after a few seconds without a new TRUE. */
void                     confab_conversation_set_composing       (ConfabConversation *self,
                                                                  gboolean            composing);
/* Resets the unread count and sends a displayed marker (XEP-0333) for the
 * newest message when the peer asked for markers. */
void                     confab_conversation_mark_read           (ConfabConversation *self);

G_END_DECLS
