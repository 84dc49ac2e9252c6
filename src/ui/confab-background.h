/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-background.h: ask the Background portal to let Confab run in the
 * background and start at login.
 *
 * Copyright 2026 The Confab developers
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     confab_background_request_async  (GDBusConnection      *connection,
                                           const char           *parent_window,
                                           gboolean              autostart,
                                           const char           *reason,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean confab_background_request_finish (GAsyncResult         *result,
                                           gboolean             *out_autostart,
                                           GError              **error);

G_END_DECLS
