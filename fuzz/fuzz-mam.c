/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: bytes → ConfabXmppParser → every top-level stanza goes
 * through confab_xep_mam_parse_result() for our own archive and for a room's,
 * and through two collectors (one query each; a small page so the overflow
 * path is reached); an <iq/> ends them with confab_mam_collector_finish().
 * Nothing may crash, leak or keep more results than the bound.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "confab-xmpp-parser.h"
#include "xep-0313-mam.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define HEADER "<stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
#define QUERY_ID "fuzzq"
#define MAX_PAGE 3

static ConfabJid *own_jid;
static ConfabJid *room_jid;

typedef struct {
  ConfabMamCollector *own;
  ConfabMamCollector *room;
} State;

static void
exercise (ConfabMamResult *result)
{
  ConfabXmppMessage *message = confab_mam_result_get_message (result);
  const char *body = confab_xmpp_message_get_body (message);

  /* Touch everything so sanitizers see any bad pointer. */
  g_assert_true (strlen (confab_mam_result_get_id (result)) <= CONFAB_XMPP_MESSAGE_MAX_ID_LEN);
  if (body != NULL)
    g_assert_true (strlen (body) < 4 * 1024 * 1024);
  if (confab_mam_result_get_stamp (result) != NULL)
    g_date_time_get_year (confab_mam_result_get_stamp (result));
  (void) confab_jid_to_string (confab_xmpp_message_get_from (message));
  (void) confab_mam_result_get_is_outgoing (result);
}

static void
exercise_page (ConfabMamPage *page)
{
  GPtrArray *results = confab_mam_page_get_results (page);

  g_assert_true (results->len <= MAX_PAGE + CONFAB_XEP_MAM_RESULT_SLACK);
  for (guint i = 0; i < results->len; i++)
    exercise (g_ptr_array_index (results, i));
  if (confab_mam_page_get_first (page) != NULL)
    g_assert_true (strlen (confab_mam_page_get_first (page)) <= CONFAB_XMPP_MESSAGE_MAX_ID_LEN);
  if (confab_mam_page_get_last (page) != NULL)
    g_assert_true (strlen (confab_mam_page_get_last (page)) <= CONFAB_XMPP_MESSAGE_MAX_ID_LEN);
  (void) confab_mam_page_get_complete (page);
  (void) confab_mam_page_get_stable (page);
  (void) confab_mam_page_get_count (page);
}

static void
feed_collector (ConfabMamCollector *collector,
                ConfabXmppNode     *stanza)
{
  g_autoptr(GError) error = NULL;

  if (confab_xmpp_node_is (stanza, "iq", CONFAB_XMPP_NS_CLIENT))
    {
      g_autoptr(ConfabMamPage) page = confab_mam_collector_finish (collector, stanza, &error);

      g_assert_true ((page == NULL) == (error != NULL));
      if (page != NULL)
        exercise_page (page);
      return;
    }
  switch (confab_mam_collector_offer (collector, stanza, &error))
    {
    case CONFAB_MAM_OFFER_NOT_RESULT:
    case CONFAB_MAM_OFFER_ACCEPTED:
      g_assert_null (error);
      break;
    case CONFAB_MAM_OFFER_REJECTED:
    case CONFAB_MAM_OFFER_OVERFLOW:
      g_assert_nonnull (error);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data)
{
  State *state = user_data;
  ConfabJid *archives[] = { NULL, room_jid };

  for (gsize i = 0; i < G_N_ELEMENTS (archives); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabMamResult) result =
        confab_xep_mam_parse_result (stanza, own_jid, archives[i], QUERY_ID, &error);

      g_assert_true (result == NULL || error == NULL);
      if (result != NULL)
        exercise (result);
    }
  feed_collector (state->own, stanza);
  feed_collector (state->room, stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = stanza_cb };
  g_autoptr(ConfabXmppParser) parser = NULL;
  State state;

  if (own_jid == NULL)
    {
      g_log_set_writer_func (g_log_writer_default, NULL, NULL);
      own_jid = confab_jid_parse ("alice@example.org/phone", NULL);
      room_jid = confab_jid_parse ("room@conference.example.org", NULL);
    }

  state.own = confab_mam_collector_new (own_jid, NULL, QUERY_ID, MAX_PAGE);
  state.room = confab_mam_collector_new (own_jid, room_jid, QUERY_ID, MAX_PAGE);
  parser = confab_xmpp_parser_new (&callbacks, &state);
  if (confab_xmpp_parser_feed (parser, HEADER, strlen (HEADER), NULL))
    confab_xmpp_parser_feed (parser, (const char *) data, size, NULL);
  confab_mam_collector_free (state.own);
  confab_mam_collector_free (state.room);
  return 0;
}
