/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-application.h: the Confab application object.
 *
 * Copyright 2026 The Confab developers
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONFAB_TYPE_APPLICATION (confab_application_get_type ())

G_DECLARE_FINAL_TYPE (ConfabApplication, confab_application, CONFAB, APPLICATION, AdwApplication)

ConfabApplication *confab_application_new          (void);
GSettings         *confab_application_get_settings (ConfabApplication *self);

G_END_DECLS
