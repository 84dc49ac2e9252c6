/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-conversation.h"
#include "confab-message-item.h"

G_BEGIN_DECLS

/*
 * One message in the conversation view: an optional day separator, the
 * sender and time (left out when the message continues a group from the
 * same sender), the quote it replies to, the styled body (or a placeholder
 * when retracted), reactions, an "edited" mark and the delivery state of
 * our own messages. Its menu (right click, long press) offers Reply, React,
 * Copy and Edit; those that need the conversation are forwarded as the
 * actions "conversation.reply" (x: message id), "conversation.edit" (x) and
 * "conversation.react" ((xs): id, emoji) for an ancestor to handle.
 */
#define CONFAB_TYPE_MESSAGE_ROW (confab_message_row_get_type ())
G_DECLARE_FINAL_TYPE (ConfabMessageRow, confab_message_row, CONFAB, MESSAGE_ROW, GtkWidget)

/* Messages from the same sender closer than this are grouped. */
#define CONFAB_MESSAGE_ROW_GROUP_SPAN (5 * G_TIME_SPAN_MINUTE)

GtkWidget         *confab_message_row_new           (void);
/* @conversation gives the names: the peer's display name and our JID. */
void               confab_message_row_set_item      (ConfabMessageRow   *self,
                                                     ConfabMessageItem  *item,
                                                     ConfabConversation *conversation);
ConfabMessageItem *confab_message_row_get_item      (ConfabMessageRow   *self);
/* Recomputes the day separator and grouping against @previous (the item
 * shown above, or NULL). */
void               confab_message_row_set_previous  (ConfabMessageRow   *self,
                                                     ConfabMessageItem  *previous);

/* Whether @item starts a new day after @previous (local time). */
gboolean           confab_message_row_is_new_day    (ConfabMessageItem  *item,
                                                     ConfabMessageItem  *previous);
/* Whether @item continues the group of @previous: same day, same sender
 * and direction, within CONFAB_MESSAGE_ROW_GROUP_SPAN. */
gboolean           confab_message_row_continues     (ConfabMessageItem  *item,
                                                     ConfabMessageItem  *previous);

G_END_DECLS
