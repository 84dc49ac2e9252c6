/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-xmpp-message.h"
#include "confab-xmpp-module.h"

G_BEGIN_DECLS

/*
 * XEP-0280 Message Carbons: copies of the messages our other devices send
 * and receive.
 *
 * On every new session (not a resumed one, where the server still has it
 * enabled) the module asks our server to enable carbons; a refusal is
 * reported through ::enable-failed and leaves :enabled FALSE.
 *
 * A carbon is a <message/> wrapping <sent/> or <received/> which wraps a
 * XEP-0297 <forwarded><message/></forwarded>. Since any entity can send us
 * such a wrapper, it is accepted ONLY when the outer 'from' is our own bare
 * JID (XEP-0280 §11): from a contact, our own full JID, our server's
 * domain or anyone else it is dropped (logged with g_debug()). In addition
 * a sent carbon's inner message must be from our account, and a received
 * carbon's inner message must be to it.
 *
 * Cooperation with ConfabXmppMessages: the messages module ignores every
 * message carrying a carbon wrapper. This module validates and unwraps it,
 * parses the inner message with confab_xmpp_message_parse(), looks up the
 * messages module on the same stream (confab_xmpp_stream_get_module()) and
 * hands the message to confab_xmpp_messages_handle_carbon(), which applies
 * the usual trust rules and emits ::message-received with is_carbon TRUE
 * (and is_sent_carbon for sent ones). So carbons reach the core through
 * exactly the same signals as direct messages. Without a messages module on
 * the stream, carbons are dropped.
 */

#define CONFAB_XMPP_NS_CARBONS "urn:xmpp:carbons:2"
#define CONFAB_XMPP_NS_FORWARD "urn:xmpp:forward:0"

typedef enum {
  CONFAB_XEP_CARBON_NONE,      /* not a carbon */
  CONFAB_XEP_CARBON_RECEIVED,  /* a message to us, delivered to another device */
  CONFAB_XEP_CARBON_SENT,      /* a message another device of ours sent */
} ConfabXepCarbonDirection;

#define CONFAB_TYPE_XEP_CARBONS (confab_xep_carbons_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepCarbons, confab_xep_carbons, CONFAB, XEP_CARBONS, GObject)

ConfabXepCarbons *confab_xep_carbons_new         (void);
/* Whether the server confirmed <enable/> for the current session. */
gboolean          confab_xep_carbons_get_enabled (ConfabXepCarbons *self);

/*
 * Checks and unwraps a carbon (no side effects; used by the module, the
 * tests and the fuzzer). Returns a new reference to the inner message and
 * sets @direction; for a stanza that is not a carbon returns NULL with
 * *@direction = NONE and no error; for a carbon that must be dropped (wrong
 * sender, malformed, inner message not ours) returns NULL with @error set
 * (CONFAB_XMPP_ERROR_PROTOCOL) and *@direction saying what it claimed.
 */
ConfabXmppNode   *confab_xep_carbons_unwrap      (ConfabXmppNode            *stanza,
                                                  ConfabJid                 *own_jid,
                                                  ConfabXepCarbonDirection  *direction,
                                                  GError                   **error);

/* XEP-0280 §7: keeps @message (being built) from being copied to our other
 * devices: adds <private/> and the XEP-0334 <no-copy/> hint. */
void              confab_xep_carbons_mark_private (ConfabXmppNode *message);

G_END_DECLS
