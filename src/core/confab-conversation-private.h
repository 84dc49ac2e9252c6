/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-conversation.h"

G_BEGIN_DECLS

/* Used by ConfabConversationList, which creates and updates them. */
ConfabConversation *_confab_conversation_new            (ConfabAccount                   *account,
                                                         ConfabHistoryStore              *store,
                                                         const char                      *peer);
/* Takes the stored row's values; returns whether last-activity changed. */
gboolean            _confab_conversation_update         (ConfabConversation              *self,
                                                         const ConfabHistoryConversation *row);
void                _confab_conversation_set_last_activity (ConfabConversation           *self,
                                                            gint64                        last_activity);
/* The peer sent a chat state itself (XEP-0085 §5.1): ours may be sent. */
void                _confab_conversation_peer_sends_chat_states (ConfabConversation  *self);
void                _confab_conversation_set_peer_chat_state (ConfabConversation         *self,
                                                              ConfabXmppChatState         state);
/* The newest message of the peer that asked for markers (XEP-0333 §3). */
void                _confab_conversation_set_markable   (ConfabConversation              *self,
                                                         const char                      *id);
/* Looks the peer up in the account's roster again (name, presence). */
void                _confab_conversation_update_contact (ConfabConversation              *self);

G_END_DECLS
