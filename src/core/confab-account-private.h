/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-account.h"

G_BEGIN_DECLS

/* Used by ConfabAccountManager. */
void     _confab_account_set_sync       (ConfabAccount     *self,
                                         ConfabAccountSync *sync);
/* The ERROR state with the GError behind it (e.g. from the keyring). */
void     _confab_account_set_error_full (ConfabAccount     *self,
                                         const GError      *error);
/* Makes @ca_file the only trust anchor without writing the row. */
gboolean _confab_account_load_ca_file   (ConfabAccount     *self,
                                         const char        *ca_file,
                                         GError           **error);

G_END_DECLS
