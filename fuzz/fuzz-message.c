/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: bytes → ConfabXmppParser → every top-level stanza goes
 * through confab_xmpp_message_parse(), the carbons unwrapper (and the inner
 * message through the parser again), and the messages module with its trust
 * tables. Nothing may crash, leak or grow without bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "confab-xmpp-message.h"
#include "confab-xmpp-parser.h"
#include "xep-0280-carbons.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define HEADER "<stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

static ConfabJid *own_jid;
static ConfabXmppStream *stream;
static ConfabXmppMessages *messages;

static void
exercise (ConfabXmppMessage *message)
{
  const char * const *reactions = confab_xmpp_message_get_reactions (message);
  const char *display = confab_xmpp_message_get_display_body (message);
  const char *body = confab_xmpp_message_get_body (message);

  /* Touch everything so sanitizers see any bad pointer. */
  if (body != NULL)
    g_assert_true (strlen (body) < 4 * 1024 * 1024);
  if (display != NULL)
    g_assert_true (body != NULL && strlen (display) <= strlen (body));
  for (gsize i = 0; reactions != NULL && reactions[i] != NULL; i++)
    g_assert_true (i < CONFAB_XMPP_MESSAGE_MAX_REACTIONS && strlen (reactions[i]) <= 32);
  if (confab_xmpp_message_get_delay (message) != NULL)
    g_date_time_get_year (confab_xmpp_message_get_delay (message));
  (void) confab_jid_to_string (confab_xmpp_message_get_from (message));
}

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data)
{
  g_autoptr(ConfabXmppMessage) message = NULL;
  g_autoptr(ConfabXmppNode) inner = NULL;
  ConfabXepCarbonDirection direction;

  message = confab_xmpp_message_parse_with_lang (stanza, own_jid, "en", NULL);
  if (message != NULL)
    exercise (message);

  inner = confab_xep_carbons_unwrap (stanza, own_jid, &direction, NULL);
  if (inner != NULL)
    {
      g_autoptr(ConfabXmppMessage) carbon = confab_xmpp_message_parse (inner, own_jid, NULL);

      if (carbon != NULL)
        {
          exercise (carbon);
          confab_xmpp_messages_handle_carbon (messages, carbon, direction == CONFAB_XEP_CARBON_SENT);
        }
    }
  confab_xmpp_messages_handle_stanza (messages, stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = stanza_cb };
  g_autoptr(ConfabXmppParser) parser = NULL;

  if (own_jid == NULL)
    {
      g_log_set_writer_func (g_log_writer_default, NULL, NULL);
      own_jid = confab_jid_parse ("alice@example.org/phone", NULL);
      stream = confab_xmpp_stream_new (own_jid);
      messages = confab_xmpp_messages_new ();
      confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (messages));
    }

  parser = confab_xmpp_parser_new (&callbacks, NULL);
  if (confab_xmpp_parser_feed (parser, HEADER, strlen (HEADER), NULL))
    confab_xmpp_parser_feed (parser, (const char *) data, size, NULL);
  return 0;
}
