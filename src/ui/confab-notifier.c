/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be replaced by its owner. */

#include "config.h"

#include "confab-notifier.h"

struct _ConfabNotifier { GObject parent_instance; };
G_DEFINE_FINAL_TYPE (ConfabNotifier, confab_notifier, G_TYPE_OBJECT)
static void confab_notifier_class_init (ConfabNotifierClass *klass) {}
static void confab_notifier_init (ConfabNotifier *self) {}

ConfabNotifier *
confab_notifier_new (GApplication         *application,
                     ConfabAccountManager *manager,
                     GSettings            *settings)
{
  return g_object_new (CONFAB_TYPE_NOTIFIER, NULL);
}
