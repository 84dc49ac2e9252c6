/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* Desktop notifications (GNotification) for new messages in conversations
 * that are not in view, one per conversation (a flood collapses), with
 * "open" and "mark read" actions; respects the notifications preference.
 * Owned by the application.
 *
 * A notification has the id "conversation-<id>" and is replaced, at most
 * about once a second, while messages keep coming; it is withdrawn when the
 * conversation is read (its unread count drops to 0) or opened. Messages
 * older than the notifier (MAM catch-up of what came while Confab was
 * closed), our own messages (carbons included) and group chats notify
 * nothing. */
#define CONFAB_TYPE_NOTIFIER (confab_notifier_get_type ())
G_DECLARE_FINAL_TYPE (ConfabNotifier, confab_notifier, CONFAB, NOTIFIER, GObject)

ConfabNotifier *confab_notifier_new      (GApplication         *application,
                                          ConfabAccountManager *manager,
                                          GSettings            *settings);
/* Withdraws the notification of @conversation, if any. */
void            confab_notifier_withdraw (ConfabNotifier       *self,
                                          ConfabConversation   *conversation);

/* For tests, which have no registered application and no main window:
 * @send replaces g_application_send_notification() (@notification, with
 * the @title and @body it was given) and g_application_withdraw_notification()
 * (@notification, @title and @body NULL); @visible (nullable) replaces
 * asking the windows which conversation is in view. */
typedef void                (*ConfabNotifierSendFunc)    (const char    *id,
                                                          GNotification *notification,
                                                          const char    *title,
                                                          const char    *body,
                                                          gpointer       user_data);
typedef ConfabConversation *(*ConfabNotifierVisibleFunc) (gpointer       user_data);

void            confab_notifier_set_test_hooks (ConfabNotifier            *self,
                                                ConfabNotifierSendFunc     send,
                                                ConfabNotifierVisibleFunc  visible,
                                                gpointer                   user_data);

G_END_DECLS
