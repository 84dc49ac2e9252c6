/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-history-store.h"

G_BEGIN_DECLS

/*
 * One stored message as the UI shows it (a GObject over a
 * ConfabHistoryMessage row). Read-only properties, notified when the row
 * changes (a correction, a retraction, a delivery state, reactions):
 * id (gint64 row id), direction (ConfabHistoryDirection as int), sender,
 * timestamp (gint64 µs), body (nullable: retracted), state
 * (ConfabHistoryState as int), edited, retracted, origin-id (the id peers
 * refer to in corrections, replies and reactions), reply-to (nullable id),
 * reply-body (nullable: the text of the message replied to, if stored),
 * reply-sender (nullable), reactions (GStrv of pairs sender, emoji, …;
 * never NULL).
 *
 * Text is plain: never parse it as markup.
 */
#define CONFAB_TYPE_MESSAGE_ITEM (confab_message_item_get_type ())
G_DECLARE_FINAL_TYPE (ConfabMessageItem, confab_message_item, CONFAB, MESSAGE_ITEM, GObject)

gint64                  confab_message_item_get_id           (ConfabMessageItem *self);
ConfabHistoryDirection  confab_message_item_get_direction    (ConfabMessageItem *self);
const char             *confab_message_item_get_sender       (ConfabMessageItem *self);
gint64                  confab_message_item_get_timestamp    (ConfabMessageItem *self);
const char             *confab_message_item_get_body         (ConfabMessageItem *self);
ConfabHistoryState      confab_message_item_get_state        (ConfabMessageItem *self);
gboolean                confab_message_item_get_edited       (ConfabMessageItem *self);
gboolean                confab_message_item_get_retracted    (ConfabMessageItem *self);
const char             *confab_message_item_get_origin_id    (ConfabMessageItem *self);
const char             *confab_message_item_get_reply_to     (ConfabMessageItem *self);
const char             *confab_message_item_get_reply_body   (ConfabMessageItem *self);
const char             *confab_message_item_get_reply_sender (ConfabMessageItem *self);
const char * const     *confab_message_item_get_reactions    (ConfabMessageItem *self);

G_END_DECLS
