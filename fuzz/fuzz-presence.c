/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Arbitrary bytes after a stream header: every stanza goes through the
 * presence parsers (RFC 6121 §4) and through the presence module's
 * table, as the stream would deliver it. Nothing may crash, and the table
 * must stay within its bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "confab-xmpp-presence.h"

#define HEADER "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'" \
               " from='example.com' id='fuzz' version='1.0'>"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static ConfabXmppStream *stream;
static ConfabXmppPresence *presence;

static void
fuzz_stanza (ConfabXmppNode *stanza,
             gpointer        user_data)
{
  g_autoptr(ConfabXmppPresenceInfo) info = NULL;
  ConfabXmppPresenceType type;

  if (confab_xmpp_presence_parse_type (stanza, &type, NULL))
    g_assert_true (type <= CONFAB_XMPP_PRESENCE_TYPE_ERROR);
  info = confab_xmpp_presence_info_parse (stanza, NULL);
  if (info != NULL)
    {
      int priority = confab_xmpp_presence_info_get_priority (info);
      const char *status = confab_xmpp_presence_info_get_status (info);
      g_autoptr(GPtrArray) resources = NULL;
      g_autoptr(ConfabXmppPresenceInfo) best = NULL;

      g_assert_true (priority >= -128 && priority <= 127);
      g_assert_true (confab_xmpp_presence_info_get_show (info) <= CONFAB_XMPP_PRESENCE_SHOW_XA);
      g_assert_true (status == NULL || strlen (status) < CONFAB_XMPP_PRESENCE_MAX_STATUS_BYTES);

      g_signal_emit_by_name (stream, "stanza-received", stanza);
      resources = confab_xmpp_presence_get_resources (presence, confab_xmpp_presence_info_get_jid (info));
      g_assert_true (resources->len <= CONFAB_XMPP_PRESENCE_MAX_RESOURCES);
      best = confab_xmpp_presence_get_best_resource (presence, confab_xmpp_presence_info_get_jid (info));
      g_assert_true ((best != NULL) == (resources->len > 0));
    }
  else
    g_signal_emit_by_name (stream, "stanza-received", stanza);
  (void) confab_xmpp_presence_get_nick (stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = fuzz_stanza };
  g_autoptr(ConfabXmppParser) parser = NULL;

  if (stream == NULL)
    {
      g_autoptr(ConfabJid) own = confab_jid_parse ("alice@example.com/home", NULL);

      stream = confab_xmpp_stream_new (own);
      presence = confab_xmpp_presence_new ();
      confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (presence));
    }

  parser = confab_xmpp_parser_new (&callbacks, NULL);
  if (confab_xmpp_parser_feed (parser, HEADER, strlen (HEADER), NULL))
    confab_xmpp_parser_feed (parser, (const char *) data, size, NULL);
  /* Each input is a session: what it left in the table goes unavailable. */
  g_signal_emit_by_name (stream, "closed", NULL);
  return 0;
}
