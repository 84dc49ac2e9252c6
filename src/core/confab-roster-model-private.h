/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-roster-model.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/* Created by ConfabAccount for its stream (which carries the standard
 * modules). */
ConfabRosterModel *_confab_roster_model_new      (ConfabAccount     *account,
                                                  ConfabXmppStream  *stream);
/* Stops listening to the stream (the account is going away). */
void               _confab_roster_model_shutdown (ConfabRosterModel *self);

G_END_DECLS
