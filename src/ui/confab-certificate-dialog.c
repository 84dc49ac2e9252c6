/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be replaced by its owner. */

#include "config.h"

#include "confab-certificate-dialog.h"

void
confab_certificate_dialog_present (GtkWindow     *parent,
                                   ConfabAccount *account)
{
}
