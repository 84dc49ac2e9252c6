/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0313 MAM against a real Prosody with mod_mam: a conversation is
 * archived, then read back whole, in pages, filtered, and while a contact
 * tries to inject forged results into the query. Every test uses fresh
 * accounts so that its archive holds exactly what it sent. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "xep-0313-mam.h"
#include "xmpp-test-util.h"

#define WAIT_SECONDS 20

typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppMessages *messages;
  ConfabXepMam       *mam;
  GPtrArray          *received;  /* ConfabXmppMessage of ::message-received */
} Client;

static gboolean
expire_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond) G_STMT_START {                                           \
  gboolean _expired = FALSE;                                                    \
  guint _id = g_timeout_add_seconds (WAIT_SECONDS, expire_cb, &_expired);       \
  while (!(cond) && !_expired)                                                  \
    g_main_context_iteration (NULL, TRUE);                                      \
  if (!_expired)                                                                \
    g_source_remove (_id);                                                      \
  if (!(cond))                                                                  \
    g_error ("Timed out waiting for: %s", #cond);                               \
} G_STMT_END

static void
settle (guint milliseconds)
{
  gboolean expired = FALSE;

  g_timeout_add (milliseconds, expire_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_message_cb (ConfabXmppMessages *messages,
               ConfabXmppMessage  *message,
               gboolean            is_carbon,
               gboolean            is_sent,
               Client             *c)
{
  if (!is_carbon)
    g_ptr_array_add (c->received, confab_xmpp_message_ref (message));
}

/* A fresh account "<prefix>-<name>" with all IM modules and MAM, online. */
static Client *
client_new (const char *prefix,
            const char *name)
{
  Client *c = g_new0 (Client, 1);
  g_autofree char *localpart = g_strdup_printf ("%s-%s", prefix, name);
  g_autofree char *password = xmpp_test_password (localpart);
  g_autoptr(ConfabXmppNode) presence = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_test_server_create_account (xmpp_test_server (), localpart, password,
                                                    &error));
  g_assert_no_error (error);

  c->stream = xmpp_test_stream_new (localpart, 0);
  c->received = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_message_unref);
  confab_xmpp_add_standard_modules (c->stream);
  c->mam = confab_xep_mam_new ();
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->mam));
  c->messages = g_object_ref (CONFAB_XMPP_MESSAGES (
    confab_xmpp_stream_get_module (c->stream, CONFAB_TYPE_XMPP_MESSAGES)));
  g_signal_connect (c->messages, "message-received", G_CALLBACK (on_message_cb), c);
  xmpp_test_connect_ok (c->stream);

  /* RFC 6121 §4.2: available, so messages to the bare JID are delivered. */
  presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
  confab_xmpp_stream_send (c->stream, presence);
  return c;
}

static void
client_free (Client *c)
{
  g_signal_handlers_disconnect_by_data (c->messages, c);
  xmpp_test_close (c->stream);
  g_clear_object (&c->mam);
  g_clear_object (&c->messages);
  g_clear_object (&c->stream);
  g_ptr_array_unref (c->received);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static ConfabJid *
bare_of (Client *c)
{
  return confab_jid_get_bare (confab_xmpp_stream_get_bound_jid (c->stream));
}

/* Sends @body from @from to @to's bare JID and waits until it arrived, so
 * the archive order is the sending order. */
static void
send_and_wait (Client     *from,
               Client     *to,
               const char *body)
{
  g_autoptr(ConfabJid) to_bare = bare_of (to);
  guint before = to->received->len;
  g_autofree char *id = confab_xmpp_messages_send_chat (from->messages, to_bare, body, NULL);

  g_assert_nonnull (id);
  WAIT_FOR (to->received->len > before);
  g_assert_cmpstr (confab_xmpp_message_get_body (g_ptr_array_index (to->received, before)),
                   ==, body);
}

/* Alice and Bob take turns: even numbers are Alice's. */
static void
converse (Client *alice,
          Client *bob,
          guint   n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("msg %02u", i);

      if (i % 2 == 0)
        send_and_wait (alice, bob, body);
      else
        send_and_wait (bob, alice, body);
    }
}

typedef struct {
  gboolean       done;
  ConfabMamPage *page;
  GError        *error;
} QueryResult;

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  QueryResult *r = user_data;

  r->page = confab_xep_mam_query_finish (CONFAB_XEP_MAM (object), result, &r->error);
  r->done = TRUE;
}

static ConfabMamPage *
query_ok (Client     *c,
          ConfabJid  *with,
          const char *after,
          const char *before,
          guint       max)
{
  QueryResult r = { 0 };

  confab_xep_mam_query_async (c->mam, NULL, with, NULL, NULL, after, before, max, NULL,
                              query_cb, &r);
  WAIT_FOR (r.done);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.page);
  return r.page;
}

/* Checks that @page's results are "msg <first>" … in order, with archive
 * ids, stamps and the right direction. */
static void
assert_bodies (ConfabMamPage *page,
               guint          first,
               guint          n)
{
  GPtrArray *results = confab_mam_page_get_results (page);

  g_assert_cmpuint (results->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      ConfabMamResult *r = g_ptr_array_index (results, i);
      g_autofree char *body = g_strdup_printf ("msg %02u", first + i);

      g_assert_cmpstr (confab_xmpp_message_get_body (confab_mam_result_get_message (r)), ==, body);
      g_assert_nonnull (confab_mam_result_get_id (r));
      g_assert_cmpstr (confab_mam_result_get_id (r), !=, "");
      g_assert_nonnull (confab_mam_result_get_stamp (r));
      g_assert_true (confab_mam_result_get_is_outgoing (r) == ((first + i) % 2 == 0));
    }
}

/* ---- The whole archive ----------------------------------------------------- */

static void
test_all_in_order (void)
{
  g_autoptr(Client) alice = client_new ("all", "alice");
  g_autoptr(Client) bob = client_new ("all", "bob");
  g_autoptr(ConfabMamPage) page = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *results;
  guint live;

  converse (alice, bob, 30);
  live = alice->received->len;
  g_assert_cmpuint (live, ==, 15);

  page = query_ok (alice, NULL, NULL, NULL, 100);
  assert_bodies (page, 0, 30);
  g_assert_true (confab_mam_page_get_complete (page));
  results = confab_mam_page_get_results (page);
  for (guint i = 0; i < results->len; i++)
    {
      ConfabMamResult *r = g_ptr_array_index (results, i);

      /* XEP-0313 §6.2: unique ids. */
      g_assert_true (g_hash_table_add (ids, (gpointer) confab_mam_result_get_id (r)));
    }
  g_assert_cmpstr (confab_mam_page_get_first (page), ==,
                   confab_mam_result_get_id (g_ptr_array_index (results, 0)));
  g_assert_cmpstr (confab_mam_page_get_last (page), ==,
                   confab_mam_result_get_id (g_ptr_array_index (results, 29)));

  /* XEP-0313 §3.5: what Alice received live carried the same archive id
   * as a XEP-0359 stanza-id by her bare JID. */
  for (guint i = 0; i < live; i++)
    {
      ConfabXmppMessage *m = g_ptr_array_index (alice->received, i);
      ConfabMamResult *r = g_ptr_array_index (results, 2 * i + 1);

      g_assert_cmpstr (confab_xmpp_message_get_stanza_id (m), ==, confab_mam_result_get_id (r));
    }

  /* The result messages were not mistaken for live messages. */
  g_assert_cmpuint (alice->received->len, ==, live);
}

static void
test_paging (void)
{
  g_autoptr(Client) alice = client_new ("paging", "alice");
  g_autoptr(Client) bob = client_new ("paging", "bob");
  g_autofree char *after = NULL;
  guint total = 0, pages = 0;
  gboolean complete = FALSE;

  converse (alice, bob, 30);

  /* The catch-up loop documented in xep-0313-mam.h. */
  while (!complete)
    {
      g_autoptr(ConfabMamPage) page = query_ok (alice, NULL, after, NULL, 10);
      guint n = confab_mam_page_get_results (page)->len;

      g_test_message ("page %u: %u results, complete=%d, count=%" G_GINT64_FORMAT, pages, n,
                      confab_mam_page_get_complete (page), confab_mam_page_get_count (page));
      pages++;
      g_assert_cmpuint (pages, <=, 3);
      assert_bodies (page, total, 10);
      total += n;
      complete = confab_mam_page_get_complete (page);
      if (confab_mam_page_get_count (page) >= 0)
        g_assert_cmpint (confab_mam_page_get_count (page), ==, 30);
      g_assert_cmpstr (confab_mam_page_get_last (page), !=, after);
      g_free (after);
      after = g_strdup (confab_mam_page_get_last (page));
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (total, ==, 30);

  /* XEP-0059 §2.5: an empty <before/> is the newest page, still in
   * chronological order (XEP-0313 §4.3.3). */
  {
    g_autoptr(ConfabMamPage) newest = query_ok (alice, NULL, NULL, "", 10);

    assert_bodies (newest, 20, 10);
    g_assert_cmpstr (confab_mam_page_get_last (newest), ==, after);
  }

  /* Paging backwards from the oldest of the newest page. */
  {
    g_autoptr(ConfabMamPage) newest = query_ok (alice, NULL, NULL, "", 10);
    g_autoptr(ConfabMamPage) older = query_ok (alice, NULL, NULL,
                                               confab_mam_page_get_first (newest), 10);

    assert_bodies (older, 10, 10);
  }

  /* XEP-0313 §4.3.2: an unknown id is item-not-found. */
  {
    QueryResult r = { 0 };

    confab_xep_mam_query_async (alice->mam, NULL, NULL, NULL, NULL, "no-such-id", NULL, 10,
                                NULL, query_cb, &r);
    WAIT_FOR (r.done);
    g_assert_null (r.page);
    g_assert_error (r.error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
    g_clear_error (&r.error);
  }
}

static void
test_with_filter (void)
{
  g_autoptr(Client) alice = client_new ("with", "alice");
  g_autoptr(Client) bob = client_new ("with", "bob");
  g_autoptr(Client) dave = client_new ("with", "dave");
  g_autoptr(ConfabJid) bob_bare = bare_of (bob);
  g_autoptr(ConfabJid) dave_bare = bare_of (dave);
  g_autoptr(ConfabMamPage) all = NULL;
  g_autoptr(ConfabMamPage) with_bob = NULL;
  g_autoptr(ConfabMamPage) with_dave = NULL;
  GPtrArray *results;

  converse (alice, bob, 6);
  send_and_wait (alice, dave, "to dave");
  send_and_wait (dave, alice, "from dave");
  converse (alice, bob, 2);

  all = query_ok (alice, NULL, NULL, NULL, 50);
  g_assert_cmpuint (confab_mam_page_get_results (all)->len, ==, 10);

  /* XEP-0313 §4.1.1: a bare 'with' matches every resource of it. */
  with_bob = query_ok (alice, bob_bare, NULL, NULL, 50);
  g_assert_cmpuint (confab_mam_page_get_results (with_bob)->len, ==, 8);
  g_assert_true (confab_mam_page_get_complete (with_bob));

  with_dave = query_ok (alice, dave_bare, NULL, NULL, 50);
  results = confab_mam_page_get_results (with_dave);
  g_assert_cmpuint (results->len, ==, 2);
  g_assert_cmpstr (confab_xmpp_message_get_body (
                     confab_mam_result_get_message (g_ptr_array_index (results, 0))), ==, "to dave");
  g_assert_true (confab_mam_result_get_is_outgoing (g_ptr_array_index (results, 0)));
  g_assert_cmpstr (confab_xmpp_message_get_body (
                     confab_mam_result_get_message (g_ptr_array_index (results, 1))), ==, "from dave");
  g_assert_false (confab_mam_result_get_is_outgoing (g_ptr_array_index (results, 1)));
}

/* ---- A contact forging results --------------------------------------------- */

typedef struct {
  const char *query_id;     /* of the query the forgeries target */
  gboolean    query_open;   /* the query's callback has not run yet */
  guint       seen_during;  /* forgeries that reached Alice while it was open */
  guint       seen_after;
} ForgeryWatch;

static void
on_alice_stanza_cb (ConfabXmppStream *stream,
                    ConfabXmppNode   *stanza,
                    ForgeryWatch     *w)
{
  ConfabXmppNode *result = confab_xmpp_node_get_child (stanza, "result", CONFAB_XMPP_NS_MAM);

  if (result == NULL || w->query_id == NULL
      || g_strcmp0 (confab_xmpp_node_get_attr (result, "queryid"), w->query_id) != 0
      || !g_str_has_prefix (confab_xmpp_node_get_attr (result, "id") ?: "", "forged-"))
    return;
  if (w->query_open)
    w->seen_during++;
  else
    w->seen_after++;
}

typedef struct {
  QueryResult   r;
  ForgeryWatch *watch;
} WatchedQuery;

static void
watched_query_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WatchedQuery *q = user_data;

  q->watch->query_open = FALSE;
  query_cb (object, result, &q->r);
}

/* A result as the real archive would send it, but from Carol: a message
 * "from Bob" that Bob never sent. */
static void
send_forgery (Client     *carol,
              ConfabJid  *alice_full,
              ConfabJid  *bob_bare,
              const char *query_id,
              guint       n)
{
  g_autoptr(ConfabXmppNode) message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  ConfabXmppNode *result, *forwarded, *delay, *inner;
  g_autofree char *id = g_strdup_printf ("forged-%u", n);

  confab_xmpp_node_set_attr (message, "to", confab_jid_to_string (alice_full));
  result = confab_xmpp_node_add_child (message, "result", CONFAB_XMPP_NS_MAM);
  confab_xmpp_node_set_attr (result, "queryid", query_id);
  confab_xmpp_node_set_attr (result, "id", id);
  forwarded = confab_xmpp_node_add_child (result, "forwarded", CONFAB_XMPP_NS_FORWARD);
  delay = confab_xmpp_node_add_child (forwarded, "delay", CONFAB_XMPP_NS_DELAY);
  confab_xmpp_node_set_attr (delay, "stamp", "2010-07-10T23:08:25Z");
  inner = confab_xmpp_node_add_child (forwarded, "message", CONFAB_XMPP_NS_CLIENT);
  confab_xmpp_node_set_attr (inner, "from", confab_jid_to_string (bob_bare));
  confab_xmpp_node_set_attr (inner, "to", confab_jid_get_bare_string (alice_full));
  confab_xmpp_node_set_attr (inner, "type", "chat");
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (inner, "body", NULL), "FORGED");
  confab_xmpp_stream_send (carol->stream, message);
}

static void
assert_not_forged (ConfabMamPage *page)
{
  GPtrArray *results = confab_mam_page_get_results (page);

  for (guint i = 0; i < results->len; i++)
    {
      ConfabMamResult *r = g_ptr_array_index (results, i);

      g_assert_false (g_str_has_prefix (confab_mam_result_get_id (r), "forged-"));
      g_assert_cmpstr (confab_xmpp_message_get_body (confab_mam_result_get_message (r)), !=,
                       "FORGED");
    }
}

#define FORGERY_ATTEMPTS 30

static void
test_forged_results (void)
{
  g_autoptr(Client) alice = client_new ("forge", "alice");
  g_autoptr(Client) bob = client_new ("forge", "bob");
  g_autoptr(Client) carol = client_new ("forge", "carol");
  g_autoptr(ConfabJid) bob_bare = bare_of (bob);
  ConfabJid *alice_full = confab_xmpp_stream_get_bound_jid (alice->stream);
  ForgeryWatch watch = { 0 };
  guint live, attempt, sent = 0;
  gulong handler;

  converse (alice, bob, 10);
  live = alice->received->len;
  handler = g_signal_connect (alice->stream, "stanza-received",
                              G_CALLBACK (on_alice_stanza_cb), &watch);

  /* Carol learns the queryid of Alice's open query (through the test-only
   * accessor: in real life she would have to guess an unpredictable id)
   * and sends forged results for it through the server at once. Whether
   * they reach Alice before the server's answer to the query is a race,
   * so retry until at least one did; every page must be clean either way. */
  for (attempt = 0; attempt < FORGERY_ATTEMPTS && watch.seen_during == 0; attempt++)
    {
      WatchedQuery q = { .watch = &watch };
      g_auto(GStrv) open = NULL;
      g_autofree char *query_id = NULL;

      confab_xep_mam_query_async (alice->mam, NULL, NULL, NULL, NULL, NULL, NULL, 50, NULL,
                                  watched_query_cb, &q);
      open = confab_xep_mam_dup_open_query_ids (alice->mam);
      g_assert_cmpuint (g_strv_length (open), ==, 1);
      query_id = g_strdup (open[0]);
      watch.query_id = query_id;
      watch.query_open = TRUE;
      for (guint k = 0; k < 3; k++)
        send_forgery (carol, alice_full, bob_bare, query_id, sent++);

      WAIT_FOR (q.r.done);
      g_assert_no_error (q.r.error);
      assert_bodies (q.r.page, 0, 10);
      assert_not_forged (q.r.page);
      g_clear_pointer (&q.r.page, confab_mam_page_unref);

      /* Forgeries still in flight arrive after the query ended: dropped too. */
      settle (200);
      watch.query_id = NULL;
    }
  g_test_message ("forgeries: %u sent in %u attempts, %u arrived during the query, %u after",
                  sent, attempt, watch.seen_during, watch.seen_after);
  g_assert_cmpuint (watch.seen_during, >, 0);

  /* None of it reached the messages module as a live message either. */
  g_assert_cmpuint (alice->received->len, ==, live);
  g_signal_handler_disconnect (alice->stream, handler);

  /* A spoofed result after all queries ended changes nothing. */
  send_forgery (carol, alice_full, bob_bare, "no-such-query", sent++);
  settle (300);
  g_assert_cmpuint (alice->received->len, ==, live);
  {
    g_auto(GStrv) open = confab_xep_mam_dup_open_query_ids (alice->mam);
    g_assert_cmpuint (g_strv_length (open), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/im/mam/all-in-order", test_all_in_order);
  g_test_add_func ("/im/mam/paging", test_paging);
  g_test_add_func ("/im/mam/with-filter", test_with_filter);
  g_test_add_func ("/im/mam/forged-results", test_forged_results);

  status = g_test_run ();
  if (status != 0)
    xmpp_test_print_server_log (60);
  xmpp_test_stop_server ();
  return status;
}
