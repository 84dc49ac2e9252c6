/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Ada, the demo's bot: logs in, says hello to the user once they are online
 * (or after a few seconds, for them to find in the archive), and answers
 * every chat message from the user with a receipt, a "displayed" marker,
 * a few seconds of "typing…" and a friendly reply.
 */

typedef struct _DemoBot DemoBot;

DemoBot *demo_bot_new   (const char   *jid,
                         const char   *password,
                         guint16       port,
                         GTlsDatabase *database,
                         const char   *user_jid);
/* Connects (and reconnects after a failure); never blocks. */
void     demo_bot_start (DemoBot      *self);
void     demo_bot_free  (DemoBot      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoBot, demo_bot_free)

G_END_DECLS
