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
 * Owned by the application. */
#define CONFAB_TYPE_NOTIFIER (confab_notifier_get_type ())
G_DECLARE_FINAL_TYPE (ConfabNotifier, confab_notifier, CONFAB, NOTIFIER, GObject)

ConfabNotifier *confab_notifier_new (GApplication         *application,
                                     ConfabAccountManager *manager,
                                     GSettings            *settings);

G_END_DECLS
