/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-history-store.h"
#include "confab-message-item.h"

G_BEGIN_DECLS

/*
 * The messages of one conversation as a GListModel of ConfabMessageItem in
 * chronological order, loaded from the history store a page at a time:
 * only the newest page is read when it is created (a conversation with a
 * million messages opens by reading 50 rows). load_older() prepends the
 * page before the oldest loaded message; messages stored later (live, from
 * carbons or MAM) are inserted at their place, and changed rows update
 * their item in place. Properties: conversation-id, has-older (gboolean:
 * there may be older messages to load), has-newer (see load_newer()),
 * n-loaded.
 *
 * Obtain it from confab_conversation_get_messages(); the conversation keeps
 * it only while someone else holds a reference, so closed conversations
 * cost no memory.
 */
#define CONFAB_CONVERSATION_MODEL_PAGE_SIZE 50

#define CONFAB_TYPE_CONVERSATION_MODEL (confab_conversation_model_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConversationModel, confab_conversation_model, CONFAB, CONVERSATION_MODEL, GObject)

ConfabConversationModel *confab_conversation_model_new          (ConfabHistoryStore      *store,
                                                                 gint64                   conversation_id);
gint64                   confab_conversation_model_get_conversation_id (ConfabConversationModel *self);
gboolean                 confab_conversation_model_get_has_older (ConfabConversationModel *self);
/* Loads up to one page of older messages; returns how many were added. */
guint                    confab_conversation_model_load_older   (ConfabConversationModel *self);
/* Makes sure message @message_id (a row id of this conversation) is loaded,
 * reloading a page around it when it is far back (search results);
 * returns its position, or -1 when it is not in this conversation. */
int                      confab_conversation_model_load_around  (ConfabConversationModel *self,
                                                                 gint64                   message_id);
/* After load_around() of a message more than a few pages back, the window
 * may end before the newest message (property has-newer): received
 * messages beyond it are then not inserted (one we send brings the newest
 * page back). load_newer() appends the next page; returns how many. */
gboolean                 confab_conversation_model_get_has_newer (ConfabConversationModel *self);
guint                    confab_conversation_model_load_newer   (ConfabConversationModel *self);
/* The position of message @message_id if loaded, else -1. */
int                      confab_conversation_model_find         (ConfabConversationModel *self,
                                                                 gint64                   message_id);

G_END_DECLS
