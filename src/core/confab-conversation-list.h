/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-conversation.h"

G_BEGIN_DECLS

typedef struct _ConfabAccountManager ConfabAccountManager;

/*
 * Every conversation of every account of a ConfabAccountManager as one
 * GListModel of ConfabConversation, most recent activity first. Built from
 * the history store's conversations at start and kept up to date from its
 * ::message-changed / ::conversation-changed signals with minimal
 * items-changed emissions. Obtain it with
 * confab_account_manager_get_conversations(). Property: unread-count (the
 * total, for the window title).
 */
#define CONFAB_TYPE_CONVERSATION_LIST (confab_conversation_list_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConversationList, confab_conversation_list, CONFAB, CONVERSATION_LIST, GObject)

/* The conversation of @account with @peer (a bare JID), or NULL
 * (transfer none). */
ConfabConversation *confab_conversation_list_lookup          (ConfabConversationList *self,
                                                              ConfabAccount          *account,
                                                              const char             *peer);
/* The conversation of @account with @peer, created (and listed on top) if
 * there is none yet, e.g. to start chatting with a contact. NULL when @peer
 * is not a valid JID (transfer none). */
ConfabConversation *confab_conversation_list_ensure          (ConfabConversationList *self,
                                                              ConfabAccount          *account,
                                                              const char             *peer);
guint               confab_conversation_list_get_unread_count (ConfabConversationList *self);

G_END_DECLS
