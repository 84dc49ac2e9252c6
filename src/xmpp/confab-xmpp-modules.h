/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/* Attaches every module an instant-messaging session uses (RFC 6121 roster,
 * presence and messages, carbons, MAM, blocking, disco and caps, ping, last
 * activity, version, time, CSI). The one list of a session's modules. */
void confab_xmpp_add_standard_modules (ConfabXmppStream *stream);

G_END_DECLS
