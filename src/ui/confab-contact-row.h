/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-contact.h"

G_BEGIN_DECLS

/* One contact in the contacts dialog's list: avatar initials, name, JID
 * (and the account when there are several), presence and status. Built by
 * the list's factory; rebound with confab_contact_row_set_contact(). */
#define CONFAB_TYPE_CONTACT_ROW (confab_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (ConfabContactRow, confab_contact_row, CONFAB, CONTACT_ROW, GtkWidget)

GtkWidget     *confab_contact_row_new             (void);
void           confab_contact_row_set_contact     (ConfabContactRow *self,
                                                   ConfabContact    *contact,
                                                   gboolean          show_account);
ConfabContact *confab_contact_row_get_contact     (ConfabContactRow *self);

/* Untrusted text (a name, status or body from the network) made safe to
 * show on one line: control characters become spaces, it is shortened to
 * @max_chars characters (with "…") and isolated with U+2068 … U+2069 so
 * bidirectional controls inside cannot reorder what surrounds it. */
char          *confab_display_text                (const char       *text,
                                                   guint             max_chars);
/* A word for a presence (Available, Away, Busy, …). */
const char    *confab_presence_show_to_string     (gboolean                available,
                                                   ConfabXmppPresenceShow  show);

G_END_DECLS
