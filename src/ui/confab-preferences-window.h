/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-preferences-window.h: the preferences window.
 *
 * Copyright 2026 The Confab developers
 */

#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_PREFERENCES_WINDOW (confab_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (ConfabPreferencesWindow, confab_preferences_window, CONFAB, PREFERENCES_WINDOW, AdwPreferencesWindow)

ConfabPreferencesWindow *confab_preferences_window_new (GtkWindow            *parent,
                                                        GSettings            *settings,
                                                        ConfabAccountManager *manager);

G_END_DECLS
