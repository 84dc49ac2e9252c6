/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for ConfabXmppParser. The first two bytes of the input
 * choose where the rest is split (so partial reads are explored), the third
 * chooses small limits and when a callback resets the parser. Checked:
 * no crash, no leak, and
 *  - every error is in CONFAB_XMPP_STREAM_ERROR with a known code;
 *  - after an error, every feed fails with the same code;
 *  - every stanza serializes, and parsing that again gives the same tree;
 *  - the header and stanzas are in the namespaces the parser promises.
 */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  ConfabXmppParser *parser;
  guint             n_stanzas;
  guint             reset_after;   /* reset on this stanza (0: never) */
  gboolean          closed;
} State;

static void
check_round_trip (ConfabXmppNode *stanza);

static void
opened_cb (ConfabXmppNode *header,
           gpointer        user_data G_GNUC_UNUSED)
{
  if (!confab_xmpp_node_is (header, "stream", CONFAB_XMPP_NS_STREAM))
    abort ();
  if (confab_xmpp_node_get_first_child (header) != NULL)
    abort ();
}

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data)
{
  State *state = user_data;

  if (state->closed || confab_xmpp_node_get_parent (stanza) != NULL)
    abort ();
  check_round_trip (stanza);
  if (++state->n_stanzas == state->reset_after)
    confab_xmpp_parser_reset (state->parser);
}

static void
closed_cb (gpointer user_data)
{
  State *state = user_data;

  state->closed = TRUE;
}

static const ConfabXmppParserCallbacks callbacks = {
  .stream_opened = opened_cb,
  .stanza = stanza_cb,
  .stream_closed = closed_cb,
};

/* Round trip: the stanza, serialized inside a fresh stream, parses back to
 * an equal tree. */
static void
collect_cb (ConfabXmppNode *stanza,
            gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out != NULL)
    abort ();
  *out = confab_xmpp_node_ref (stanza);
}

static void
check_round_trip (ConfabXmppNode *stanza)
{
  static const ConfabXmppParserCallbacks collect = { .stanza = collect_cb };
  static const char header[] =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  ConfabXmppNode *again = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&collect, &again);
  g_autoptr(GString) text = g_string_new (header);
  g_autoptr(GError) error = NULL;
  ConfabXmppParserLimits unlimited = { 1000, 100000, 64 * 1024 * 1024 };

  confab_xmpp_node_serialize (stanza, "jabber:client", text);
  confab_xmpp_parser_set_limits (parser, &unlimited);
  if (!confab_xmpp_parser_feed (parser, text->str, text->len, &error) || again == NULL)
    abort ();
  if (!confab_xmpp_node_equal (stanza, again))
    abort ();
  confab_xmpp_node_unref (again);
}

static void
check_error (const GError *error)
{
  if (error == NULL || error->domain != CONFAB_XMPP_STREAM_ERROR ||
      error->code < CONFAB_XMPP_STREAM_ERROR_BAD_FORMAT ||
      error->code > CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_VERSION)
    abort ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  State state = { 0 };
  g_autoptr(GError) error = NULL;
  const char *input;
  gsize len, cuts[2];
  int failed_code = 0;

  if (size < 3)
    return 0;

  input = (const char *) data + 3;
  len = size - 3;
  cuts[0] = len > 0 ? data[0] % (len + 1) : 0;
  cuts[1] = len > 0 ? MAX (cuts[0], data[1] % (len + 1)) : 0;

  state.parser = confab_xmpp_parser_new (&callbacks, &state);
  state.reset_after = data[2] & 0x03;
  if (data[2] & 0x04)
    {
      ConfabXmppParserLimits small = { 3, 4, 200 };

      confab_xmpp_parser_set_limits (state.parser, &small);
    }

  {
    gsize starts[3] = { 0, cuts[0], cuts[1] };
    gsize ends[3] = { cuts[0], cuts[1], len };

    for (guint i = 0; i < 3; i++)
      {
        gboolean ok = confab_xmpp_parser_feed (state.parser, input + starts[i],
                                               ends[i] - starts[i], &error);

        if (failed_code != 0)
          {
            /* Sticky: once failed, always failed, with the same code. */
            if (ok || error == NULL || error->code != failed_code)
              abort ();
          }
        else if (!ok)
          {
            check_error (error);
            failed_code = error->code;
          }
        else if (error != NULL)
          abort ();
        g_clear_error (&error);
      }
  }

  /* After a violation even valid input is refused. */
  if (failed_code != 0)
    {
      if (confab_xmpp_parser_feed (state.parser, "<a/>", 4, &error) || error->code != failed_code)
        abort ();
      g_clear_error (&error);
    }

  confab_xmpp_parser_free (state.parser);
  return 0;
}
