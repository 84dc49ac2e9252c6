/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ConfabConversationModel over a real history store (no server): paging,
 * jumping to a search result, live insertion order, updates, and that a
 * closed conversation keeps nothing alive.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "confab-account.h"
#include "confab-conversation-model.h"
#include "confab-conversation-private.h"
#include "confab-core-error.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-parser.h"
#include "core-test-util.h"

#define OWN    "alice@example.org"
#define BOB    "bob@example.org"
#define CAROL  "carol@example.org"
#define N_MESSAGES 1000
/* 2026-01-01T00:00:00Z; message i is i seconds later. */
#define T0 G_GINT64_CONSTANT (1767225600)

typedef struct {
  CoreTestHistory history;
  gint64          conversation_id;
} Fixture;

/* ---- Helpers ------------------------------------------------------------------ */

static ConfabXmppMessage *
parse_message (const char *xml)
{
  return core_test_parse_message (xml, OWN "/laptop");
}

static char *
stamp (gint64 seconds,
       int    millis)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);
  g_autofree char *text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", text, millis);
}

typedef struct {
  guint                pending;
  gint64               row_id;
  ConfabHistoryOutcome outcome;
} Adding;

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Adding *adding = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result,
                                                          &adding->row_id, &adding->outcome, &error));
  g_assert_no_error (error);
  adding->pending--;
}

static void
wait_added (Adding *adding)
{
  while (adding->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Stores @xml as received and waits until it committed (and the change
 * signals ran). Returns the row. */
static gint64
store_xml (Fixture    *f,
           const char *xml)
{
  g_autoptr(ConfabXmppMessage) m = parse_message (xml);
  Adding adding = { 1, 0, 0 };

  confab_history_store_add_message_async (f->history.store, f->history.account_id, m, CONFAB_HISTORY_DIRECTION_IN,
                                          NULL, NULL, added_cb, &adding);
  wait_added (&adding);
  return adding.row_id;
}

static gint64
store_from (Fixture    *f,
            const char *from,
            const char *id,
            const char *body,
            gint64      seconds,
            int         millis)
{
  g_autofree char *when = stamp (seconds, millis);
  g_autofree char *xml = g_markup_printf_escaped ("<message from='%s/phone' to='" OWN "' type='chat' id='%s'>"
                                                  "<body>%s</body>"
                                                  "<delay xmlns='urn:xmpp:delay' stamp='%s'/></message>",
                                                  from, id, body, when);

  return store_xml (f, xml);
}

static ConfabMessageItem *
item_at (GListModel *model,
         guint       position)
{
  ConfabMessageItem *item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  g_object_unref (item);  /* the model keeps it */
  return item;
}

static gint64
row_of (Fixture    *f,
        const char *ref)
{
  g_autoptr(ConfabHistoryMessage) m = confab_history_store_find_by_ref (f->history.store, f->conversation_id,
                                                                         ref, NULL);

  g_assert_nonnull (m);
  return m->id;
}

/* Chronological and unique: every neighbour pair is in (timestamp, id) order. */
static void
assert_ordered (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 1; i < n; i++)
    {
      ConfabMessageItem *a = item_at (model, i - 1);
      ConfabMessageItem *b = item_at (model, i);

      g_assert_true (confab_message_item_get_timestamp (a) < confab_message_item_get_timestamp (b) ||
                     (confab_message_item_get_timestamp (a) == confab_message_item_get_timestamp (b) &&
                      confab_message_item_get_id (a) < confab_message_item_get_id (b)));
    }
}

typedef struct {
  guint position;
  guint removed;
  guint added;
  guint count;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->count++;
}

/* ---- Fixture ------------------------------------------------------------------ */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  Adding adding = { 0 };

  core_test_history_init (&f->history, "confab-test-model-XXXXXX", OWN);
  confab_history_store_set_batch_limits (f->history.store, 50, 1000);

  /* 1,000 messages from Bob, one a second, in one batch. */
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *when = stamp (T0 + i, 0);
      g_autofree char *xml = g_strdup_printf ("<message from='" BOB "/phone' to='" OWN "' type='chat' id='m-%u'>"
                                              "<body>message %u</body>"
                                              "<delay xmlns='urn:xmpp:delay' stamp='%s'/></message>",
                                              i, i, when);
      g_autoptr(ConfabXmppMessage) m = parse_message (xml);

      adding.pending++;
      confab_history_store_add_message_async (f->history.store, f->history.account_id, m,
                                              CONFAB_HISTORY_DIRECTION_IN, NULL, NULL,
                                              added_cb, &adding);
    }
  wait_added (&adding);
  confab_history_store_set_batch_limits (f->history.store, 0, 1);

  conversation = confab_history_store_get_conversation (f->history.store, f->history.account_id, BOB, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conversation);
  f->conversation_id = conversation->id;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  core_test_history_clear (&f->history);
}

/* ---- Tests -------------------------------------------------------------------- */

static void
test_newest_page (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabConversationModel) model = confab_conversation_model_new (f->history.store, f->conversation_id);
  GListModel *list = G_LIST_MODEL (model);
  guint n_loaded = 0;

  g_assert_true (g_list_model_get_item_type (list) == CONFAB_TYPE_MESSAGE_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  g_object_get (model, "n-loaded", &n_loaded, NULL);
  g_assert_cmpuint (n_loaded, ==, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  g_assert_true (confab_conversation_model_get_has_older (model));
  g_assert_false (confab_conversation_model_get_has_newer (model));
  g_assert_cmpint (confab_conversation_model_get_conversation_id (model), ==, f->conversation_id);

  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 0)), ==, "message 950");
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 49)), ==, "message 999");
  g_assert_cmpstr (confab_message_item_get_sender (item_at (list, 49)), ==, BOB);
  g_assert_cmpstr (confab_message_item_get_origin_id (item_at (list, 49)), ==, "m-999");
  g_assert_cmpint (confab_message_item_get_direction (item_at (list, 49)), ==, CONFAB_HISTORY_DIRECTION_IN);
  g_assert_cmpint (confab_message_item_get_timestamp (item_at (list, 49)), ==, (T0 + 999) * G_USEC_PER_SEC);
  g_assert_null (g_list_model_get_item (list, 50));
  assert_ordered (list);

  /* An empty conversation (not started yet) is an empty model. */
  {
    g_autoptr(ConfabConversationModel) empty = confab_conversation_model_new (f->history.store, 0);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (empty)), ==, 0);
    g_assert_false (confab_conversation_model_get_has_older (empty));
    g_assert_cmpuint (confab_conversation_model_load_older (empty), ==, 0);
  }
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ConfabConversationModel) model = confab_conversation_model_new (f->history.store, f->conversation_id);
  GListModel *list = G_LIST_MODEL (model);
  Change change = { 0 };
  guint pages = 1;
  guint added;

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &change);
  while ((added = confab_conversation_model_load_older (model)) > 0)
    {
      pages++;
      g_assert_cmpuint (added, ==, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
      /* Prepended, as one change. */
      g_assert_cmpuint (change.position, ==, 0);
      g_assert_cmpuint (change.removed, ==, 0);
      g_assert_cmpuint (change.added, ==, added);
      g_assert_cmpuint (change.count, ==, pages - 1);
      g_assert_cmpuint (g_list_model_get_n_items (list), ==, pages * CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
      g_assert_cmpuint (pages, <=, N_MESSAGES / CONFAB_CONVERSATION_MODEL_PAGE_SIZE + 1);
    }
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_MESSAGES);
  g_assert_false (confab_conversation_model_get_has_older (model));
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 0)), ==, "message 0");
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 500)), ==, "message 500");
  assert_ordered (list);
  g_assert_cmpint (confab_conversation_model_find (model, row_of (f, "m-123")), ==, 123);
}

static void
test_load_around (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabConversationModel) model = confab_conversation_model_new (f->history.store, f->conversation_id);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(GPtrArray) results = NULL;
  gint64 target;
  gint64 carol_row;
  int position;
  guint before;

  /* Like the search view: the result is far back. */
  results = confab_history_store_search (f->history.store, f->conversation_id, "message 100", 5, NULL);
  g_assert_nonnull (results);
  target = row_of (f, "m-100");
  g_assert_cmpint (confab_conversation_model_find (model, target), ==, -1);

  position = confab_conversation_model_load_around (model, target);
  g_assert_cmpint (position, >=, 0);
  g_assert_cmpint (confab_message_item_get_id (item_at (list, (guint) position)), ==, target);
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, (guint) position)), ==, "message 100");
  /* A window, not the 900 messages in between. */
  g_assert_cmpuint (g_list_model_get_n_items (list), <=, CONFAB_CONVERSATION_MODEL_PAGE_SIZE + 1);
  g_assert_true (confab_conversation_model_get_has_older (model));
  g_assert_true (confab_conversation_model_get_has_newer (model));
  assert_ordered (list);
  /* Asking again finds it where it is. */
  g_assert_cmpint (confab_conversation_model_load_around (model, target), ==, position);

  /* Scrolling both ways from there. */
  before = g_list_model_get_n_items (list);
  g_assert_cmpuint (confab_conversation_model_load_newer (model), ==, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  g_assert_cmpuint (confab_conversation_model_load_older (model), ==, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, before + 2 * CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  assert_ordered (list);

  /* While the window ends early, a live message past it waits for
   * load_newer(). */
  before = g_list_model_get_n_items (list);
  store_from (f, BOB, "live-1", "live while far back", T0 + 5000, 0);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, before);

  /* A message of another conversation is not found here. */
  carol_row = store_from (f, CAROL, "c-1", "hello from carol", T0 + 10, 0);
  g_assert_cmpint (carol_row, >, 0);
  g_assert_cmpint (confab_conversation_model_load_around (model, carol_row), ==, -1);
  g_assert_cmpint (confab_conversation_model_load_around (model, 999999), ==, -1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, before);

  /* Sending from that view brings it back to the present. */
  {
    Adding adding = { 1, 0, 0 };
    ConfabMessageItem *last;

    confab_history_store_add_outgoing_pending_async (f->history.store, f->history.account_id, BOB,
                                                     CONFAB_HISTORY_KIND_CHAT, "sent while far back",
                                                     "out-1", NULL, added_cb, &adding);
    wait_added (&adding);
    g_assert_false (confab_conversation_model_get_has_newer (model));
    g_assert_cmpuint (g_list_model_get_n_items (list), ==, CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
    last = item_at (list, CONFAB_CONVERSATION_MODEL_PAGE_SIZE - 1);
    g_assert_cmpstr (confab_message_item_get_body (last), ==, "sent while far back");
    g_assert_cmpint (confab_message_item_get_state (last), ==, CONFAB_HISTORY_STATE_PENDING);
    g_assert_cmpstr (confab_message_item_get_body (item_at (list, CONFAB_CONVERSATION_MODEL_PAGE_SIZE - 2)),
                     ==, "live while far back");
    assert_ordered (list);
  }

  /* Near the window, it keeps scrolling back instead of jumping. */
  {
    g_autoptr(ConfabConversationModel) fresh = confab_conversation_model_new (f->history.store, f->conversation_id);

    position = confab_conversation_model_load_around (fresh, row_of (f, "m-900"));
    g_assert_cmpint (position, >=, 0);
    g_assert_false (confab_conversation_model_get_has_newer (fresh));
    g_assert_cmpstr (confab_message_item_get_body (item_at (G_LIST_MODEL (fresh), (guint) position)), ==,
                     "message 900");
    g_assert_cmpstr (confab_message_item_get_body (item_at (G_LIST_MODEL (fresh),
                                                            g_list_model_get_n_items (G_LIST_MODEL (fresh)) - 1)),
                     ==, "sent while far back");
  }
}

static void
test_live_insert (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabConversationModel) model = confab_conversation_model_new (f->history.store, f->conversation_id);
  GListModel *list = G_LIST_MODEL (model);
  Change change = { 0 };
  guint n = g_list_model_get_n_items (list);

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &change);

  /* A new message goes at the end. */
  store_from (f, BOB, "new-1", "brand new", T0 + 2000, 0);
  g_assert_cmpuint (change.count, ==, 1);
  g_assert_cmpuint (change.position, ==, n);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, n)), ==, "brand new");

  /* A late one (MAM, a carbon) goes where its time puts it: between 995
   * and 996, which are at 45 and 46. */
  store_from (f, BOB, "late-1", "arrived late", T0 + 995, 500);
  g_assert_cmpuint (change.count, ==, 2);
  g_assert_cmpuint (change.position, ==, 46);
  g_assert_cmpuint (change.added, ==, 1);
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 45)), ==, "message 995");
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 46)), ==, "arrived late");
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, 47)), ==, "message 996");
  assert_ordered (list);

  /* Older than the loaded page: found by paging, not inserted now. */
  store_from (f, BOB, "ancient-1", "from long ago", T0 - 100, 0);
  g_assert_cmpuint (change.count, ==, 2);

  /* A duplicate (same id again) changes nothing. */
  store_from (f, BOB, "new-1", "brand new", T0 + 2000, 0);
  g_assert_cmpuint (change.count, ==, 2);

  /* Another conversation does not touch this one. */
  store_from (f, CAROL, "c-1", "not for this model", T0 + 3000, 0);
  g_assert_cmpuint (change.count, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n + 2);
}

typedef struct {
  GPtrArray *names;
} Notes;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Notes      *notes)
{
  g_ptr_array_add (notes->names, g_strdup (g_param_spec_get_name (pspec)));
}

static gboolean
noted (Notes      *notes,
       const char *name)
{
  for (guint i = 0; i < notes->names->len; i++)
    if (g_str_equal (g_ptr_array_index (notes->names, i), name))
      return TRUE;
  return FALSE;
}

static void
test_update_notify (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ConfabConversationModel) model = confab_conversation_model_new (f->history.store, f->conversation_id);
  GListModel *list = G_LIST_MODEL (model);
  Notes notes = { g_ptr_array_new_with_free_func (g_free) };
  Change change = { 0 };
  ConfabMessageItem *last, *reply;
  gint64 reply_row;
  guint n;

  /* A reply to 998, stored: its quote is looked up in the conversation. */
  reply_row = store_xml (f, "<message from='" BOB "/phone' to='" OWN "' type='chat' id='r-1'>"
                            "<body>&gt; message 998\nindeed</body>"
                            "<reply xmlns='urn:xmpp:reply:0' to='" BOB "/phone' id='m-998'/>"
                            "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
                            "<body start='0' end='14'/></fallback></message>");
  n = g_list_model_get_n_items (list);
  reply = item_at (list, n - 1);
  g_assert_cmpint (confab_message_item_get_id (reply), ==, reply_row);
  g_assert_cmpstr (confab_message_item_get_body (reply), ==, "indeed");
  g_assert_cmpstr (confab_message_item_get_reply_to (reply), ==, "m-998");
  g_assert_cmpstr (confab_message_item_get_reply_body (reply), ==, "message 998");
  g_assert_cmpstr (confab_message_item_get_reply_sender (reply), ==, BOB);

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &change);
  last = item_at (list, n - 2);
  g_assert_cmpstr (confab_message_item_get_body (last), ==, "message 999");
  g_signal_connect (last, "notify", G_CALLBACK (notify_cb), &notes);

  /* XEP-0308: the same item changes in place and says so. */
  store_xml (f, "<message from='" BOB "/phone' to='" OWN "' type='chat' id='c-1'>"
                "<body>message 999, corrected</body>"
                "<replace xmlns='urn:xmpp:message-correct:0' id='m-999'/></message>");
  g_assert_true (item_at (list, n - 2) == last);
  g_assert_cmpstr (confab_message_item_get_body (last), ==, "message 999, corrected");
  g_assert_true (confab_message_item_get_edited (last));
  g_assert_true (noted (&notes, "body"));
  g_assert_true (noted (&notes, "edited"));
  g_assert_cmpuint (change.count, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n);

  /* XEP-0444: reactions, keyed by sender. */
  g_ptr_array_set_size (notes.names, 0);
  store_xml (f, "<message from='" BOB "/phone' to='" OWN "' type='chat' id='x-1'>"
                "<reactions xmlns='urn:xmpp:reactions:0' id='m-999'>"
                "<reaction>👍</reaction></reactions></message>");
  g_assert_true (noted (&notes, "reactions"));
  g_assert_cmpuint (g_strv_length ((char **) confab_message_item_get_reactions (last)), ==, 2);
  g_assert_cmpstr (confab_message_item_get_reactions (last)[0], ==, BOB);
  g_assert_cmpstr (confab_message_item_get_reactions (last)[1], ==, "👍");

  /* A correction of the message replied to updates the quote too. */
  g_signal_connect (reply, "notify", G_CALLBACK (notify_cb), &notes);
  g_ptr_array_set_size (notes.names, 0);
  store_xml (f, "<message from='" BOB "/phone' to='" OWN "' type='chat' id='c-2'>"
                "<body>message 998, corrected</body>"
                "<replace xmlns='urn:xmpp:message-correct:0' id='m-998'/></message>");
  g_assert_cmpstr (confab_message_item_get_reply_body (reply), ==, "message 998, corrected");
  g_assert_true (noted (&notes, "reply-body"));

  /* XEP-0424: retracted, the text is gone from the item. */
  g_ptr_array_set_size (notes.names, 0);
  store_xml (f, "<message from='" BOB "/phone' to='" OWN "' type='chat' id='d-1'>"
                "<retract xmlns='urn:xmpp:message-retract:1' id='m-999'/>"
                "<body>This person attempted to retract a previous message.</body>"
                "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/></message>");
  g_assert_true (confab_message_item_get_retracted (last));
  g_assert_null (confab_message_item_get_body (last));
  g_assert_true (noted (&notes, "retracted"));
  g_assert_cmpuint (change.count, ==, 0);

  /* A forged correction by someone else changes nothing. */
  g_ptr_array_set_size (notes.names, 0);
  store_xml (f, "<message from='" CAROL "/phone' to='" OWN "' type='chat' id='c-3'>"
                "<body>forged</body>"
                "<replace xmlns='urn:xmpp:message-correct:0' id='m-997'/></message>");
  g_assert_cmpstr (confab_message_item_get_body (item_at (list, n - 4)), ==, "message 997");
  g_assert_false (confab_message_item_get_edited (item_at (list, n - 4)));

  g_signal_handlers_disconnect_by_data (last, &notes);
  g_signal_handlers_disconnect_by_data (reply, &notes);
  g_ptr_array_unref (notes.names);
}

static void
test_weak_ownership (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse (OWN, NULL);
  g_autoptr(ConfabAccount) account = confab_account_new (jid);
  g_autoptr(ConfabConversation) conversation = NULL;
  g_autoptr(ConfabHistoryConversation) row = NULL;
  ConfabConversationModel *model, *again;
  ConfabConversationModel *weak = NULL;

  row = confab_history_store_get_conversation_by_id (f->history.store, f->conversation_id, NULL);
  g_assert_nonnull (row);
  g_assert_cmpstr (row->peer, ==, BOB);
  g_assert_cmpuint (row->unread_count, ==, N_MESSAGES);
  g_assert_cmpstr (row->last_body, ==, "message 999");

  conversation = _confab_conversation_new (account, f->history.store, BOB);
  _confab_conversation_update (conversation, row);
  g_assert_cmpint (confab_conversation_get_conversation_id (conversation), ==, f->conversation_id);
  g_assert_cmpstr (confab_conversation_get_last_body (conversation), ==, "message 999");

  /* Shared while someone holds it. */
  model = confab_conversation_get_messages (conversation);
  again = confab_conversation_get_messages (conversation);
  g_assert_true (model == again);
  g_object_unref (again);
  g_set_weak_pointer (&weak, model);

  /* Closed: nothing keeps it (the conversation or the store's signal). */
  g_object_unref (model);
  g_assert_null (weak);
  store_from (f, BOB, "after-close", "after the view closed", T0 + 4000, 0);

  /* Opened again: a new model that sees the new message. */
  model = confab_conversation_get_messages (conversation);
  g_assert_cmpstr (confab_message_item_get_body (item_at (G_LIST_MODEL (model),
                                                          g_list_model_get_n_items (G_LIST_MODEL (model)) - 1)),
                   ==, "after the view closed");
  g_object_unref (model);

  /* Unknown ids are -1, not a crash. */
  {
    g_autoptr(ConfabConversationModel) other = confab_conversation_model_new (f->history.store, 424242);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 0);
    g_assert_cmpint (confab_conversation_model_find (other, 1), ==, -1);
    g_assert_cmpint (confab_conversation_model_load_around (other, 1), ==, -1);
  }
}

static void
test_store_signals (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) missing = NULL;
  gint64 row;

  /* list_after: the page just after a message, in order. */
  after = confab_history_store_list_after (f->history.store, f->conversation_id, row_of (f, "m-10"), 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 3);
  g_assert_cmpstr (((ConfabHistoryMessage *) g_ptr_array_index (after, 0))->body, ==, "message 11");
  g_assert_cmpstr (((ConfabHistoryMessage *) g_ptr_array_index (after, 2))->body, ==, "message 13");

  /* Search is newest first by time, not by storage: a late arrival from
   * long ago comes last. */
  row = store_from (f, BOB, "old-zebra", "zebra from the past", T0 - 1000, 0);
  store_from (f, BOB, "new-zebra", "zebra of today", T0 + 3000, 0);
  found = confab_history_store_search (f->history.store, f->conversation_id, "zebra", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (((ConfabHistoryMessage *) g_ptr_array_index (found, 0))->body, ==, "zebra of today");
  g_assert_cmpint (((ConfabHistoryMessage *) g_ptr_array_index (found, 1))->id, ==, row);

  missing = confab_history_store_get_conversation_by_id (f->history.store, 987654, &error);
  g_assert_null (missing);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/conversation-model/newest-page", Fixture, NULL,
              fixture_set_up, test_newest_page, fixture_tear_down);
  g_test_add ("/core/conversation-model/paging", Fixture, NULL,
              fixture_set_up, test_paging, fixture_tear_down);
  g_test_add ("/core/conversation-model/load-around", Fixture, NULL,
              fixture_set_up, test_load_around, fixture_tear_down);
  g_test_add ("/core/conversation-model/live-insert", Fixture, NULL,
              fixture_set_up, test_live_insert, fixture_tear_down);
  g_test_add ("/core/conversation-model/update-notify", Fixture, NULL,
              fixture_set_up, test_update_notify, fixture_tear_down);
  g_test_add ("/core/conversation-model/weak-ownership", Fixture, NULL,
              fixture_set_up, test_weak_ownership, fixture_tear_down);
  g_test_add ("/core/conversation-model/store-reads", Fixture, NULL,
              fixture_set_up, test_store_signals, fixture_tear_down);

  return g_test_run ();
}
