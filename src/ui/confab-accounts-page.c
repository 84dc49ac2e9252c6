/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be replaced by its owner. */

#include "config.h"

#include "confab-accounts-page.h"

GtkWidget *
confab_accounts_page_new (ConfabAccountManager *manager)
{
  return adw_preferences_page_new ();
}
