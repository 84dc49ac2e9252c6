/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-application.h: the Confab application object.
 *
 * Copyright 2026 The Confab developers
 */

#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_APPLICATION (confab_application_get_type ())

G_DECLARE_FINAL_TYPE (ConfabApplication, confab_application, CONFAB, APPLICATION, AdwApplication)

ConfabApplication *confab_application_new          (void);
GSettings         *confab_application_get_settings (ConfabApplication *self);
/* The profile's accounts (transfer none): created at startup on the
 * database in $XDG_DATA_HOME/confab/confab.db (the one confab-cli uses);
 * NULL when the profile could not be opened (the window says why). */
ConfabAccountManager *confab_application_get_account_manager (ConfabApplication *self);
/* Why the profile could not be opened, or NULL. */
const GError      *confab_application_get_profile_error (ConfabApplication *self);

G_END_DECLS
