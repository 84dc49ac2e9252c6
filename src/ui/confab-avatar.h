/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Presence as the avatar's dot shows it. */
typedef enum {
  CONFAB_AVATAR_PRESENCE_NONE,      /* no dot */
  CONFAB_AVATAR_PRESENCE_OFFLINE,
  CONFAB_AVATAR_PRESENCE_AVAILABLE,
  CONFAB_AVATAR_PRESENCE_AWAY,
  CONFAB_AVATAR_PRESENCE_BUSY,
} ConfabAvatarPresence;

/*
 * A round avatar: the initials of :name on the XEP-0392 color of :jid
 * (the bare JID: the same color as in every other client), with an
 * optional presence dot. Drawn directly, no CSS provider per row, so a
 * list of thousands stays cheap. Properties: jid, name, size, presence.
 */
#define CONFAB_TYPE_AVATAR (confab_avatar_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAvatar, confab_avatar, CONFAB, AVATAR, GtkWidget)

GtkWidget  *confab_avatar_new           (int                   size);
void        confab_avatar_set_jid       (ConfabAvatar         *self,
                                         const char           *jid);
void        confab_avatar_set_name      (ConfabAvatar         *self,
                                         const char           *name);
void        confab_avatar_set_presence  (ConfabAvatar         *self,
                                         ConfabAvatarPresence  presence);
ConfabAvatarPresence confab_avatar_get_presence (ConfabAvatar *self);
/* The initials shown for @name (up to two letters; newly allocated). */
char       *confab_avatar_compute_initials (const char        *name);

G_END_DECLS
