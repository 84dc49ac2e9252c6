/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-contact.h"

G_BEGIN_DECLS

/* Used by ConfabRosterModel, which owns and updates the contacts. */
ConfabContact *_confab_contact_new          (ConfabAccount          *account,
                                             const char             *bare_jid);
/* The roster item (NULL: not in the roster any more / not yet). Returns
 * whether the display name changed (the model then moves the contact). */
gboolean       _confab_contact_set_item     (ConfabContact          *self,
                                             ConfabXmppRosterItem   *item);
/* The contact's available resources, best first (NULL or empty: offline). */
void           _confab_contact_set_resources (ConfabContact         *self,
                                              GPtrArray             *resources);
void           _confab_contact_set_blocked  (ConfabContact          *self,
                                             gboolean                blocked);
/* The display names' order: case-insensitive, then by JID. */
int            _confab_contact_compare      (ConfabContact          *a,
                                             ConfabContact          *b);

G_END_DECLS
