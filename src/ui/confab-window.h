/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-window.h: the main window.
 *
 * Copyright 2026 The Confab developers
 */

#pragma once

#include <adwaita.h>

#include "confab-application.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_WINDOW (confab_window_get_type ())

G_DECLARE_FINAL_TYPE (ConfabWindow, confab_window, CONFAB, WINDOW, AdwApplicationWindow)

ConfabWindow *confab_window_new       (ConfabApplication *application);
void          confab_window_add_toast (ConfabWindow      *self,
                                       AdwToast          *toast);

G_END_DECLS
