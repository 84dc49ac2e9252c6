/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster, presence and blocking against a real Prosody. Every test makes
 * fresh accounts, so tests do not depend on each other's rosters. */
#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-roster.h"
#include "xep-0191-blocking.h"
#include "xmpp-test-util.h"

#include <unistd.h>

#define WAIT_SECONDS 15

typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppRoster   *roster;
  ConfabXmppPresence *presence;
  ConfabXepBlocking  *blocking;
  ConfabJid          *bare;
  GPtrArray          *pushes;          /* ConfabXmppRosterItem */
  guint               n_rosters;
  gboolean            last_roster_full;
  guint               last_roster_len;
  char               *last_version;
  GPtrArray          *changes;         /* ConfabXmppPresenceInfo */
  GPtrArray          *requests;        /* "jid|status|nick" */
  GPtrArray          *subscriptions;   /* "jid type" */
  GPtrArray          *blocked;         /* "jid jid ..." per push */
  GPtrArray          *unblocked;
} Client;

static gboolean
expire_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @cond holds, failing after WAIT_SECONDS. */
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

/* Lets stanzas in flight arrive (for checking that something did NOT happen). */
static void
settle (guint milliseconds)
{
  gboolean expired = FALSE;

  g_timeout_add (milliseconds, expire_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static char *
join_jids (GPtrArray *jids)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < jids->len; i++)
    g_string_append_printf (out, "%s%s", i ? " " : "", confab_jid_to_string (g_ptr_array_index (jids, i)));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
on_roster_received (ConfabXmppRoster *roster,
                    GPtrArray        *items,
                    const char       *version,
                    gboolean          is_full,
                    Client           *c)
{
  c->n_rosters++;
  c->last_roster_full = is_full;
  c->last_roster_len = items->len;
  g_free (c->last_version);
  c->last_version = g_strdup (version);
}

static void
on_item_changed (ConfabXmppRoster     *roster,
                 ConfabXmppRosterItem *item,
                 const char           *version,
                 Client               *c)
{
  g_ptr_array_add (c->pushes, confab_xmpp_roster_item_ref (item));
  g_free (c->last_version);
  c->last_version = g_strdup (version);
}

static void
on_presence_changed (ConfabXmppPresence     *presence,
                     ConfabXmppPresenceInfo *info,
                     Client                 *c)
{
  g_ptr_array_add (c->changes, confab_xmpp_presence_info_ref (info));
}

static void
on_subscription_requested (ConfabXmppPresence *presence,
                           ConfabJid          *from,
                           const char         *status,
                           const char         *nick,
                           Client             *c)
{
  g_ptr_array_add (c->requests, g_strdup_printf ("%s|%s|%s", confab_jid_to_string (from),
                                                 status ? status : "-", nick ? nick : "-"));
}

static void
on_subscription_changed (ConfabXmppPresence     *presence,
                         ConfabJid              *from,
                         ConfabXmppPresenceType  type,
                         Client                 *c)
{
  g_ptr_array_add (c->subscriptions, g_strdup_printf ("%s %d", confab_jid_to_string (from), type));
}

static void
on_blocked (ConfabXepBlocking *blocking,
            GPtrArray         *jids,
            Client            *c)
{
  g_ptr_array_add (c->blocked, join_jids (jids));
}

static void
on_unblocked (ConfabXepBlocking *blocking,
              GPtrArray         *jids,
              gboolean           all,
              Client            *c)
{
  g_ptr_array_add (c->unblocked, all ? g_strdup ("*") : join_jids (jids));
}

/* A fresh account "<base>-<n>" on the test server. */
static char *
new_account (const char *base)
{
  static guint counter;
  g_autofree char *localpart = g_strdup_printf ("%s-%u-%u", base, (guint) getpid (), ++counter);
  g_autofree char *password = xmpp_test_password (localpart);
  g_autoptr(GError) error = NULL;

  confab_test_server_create_account (xmpp_test_server (), localpart, password, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&localpart);
}

/* Connects @localpart with all three modules and waits for the roster.
 * @version is the stored roster version (NULL: none). */
static Client *
client_new (const char *localpart,
            const char *version)
{
  Client *c = g_new0 (Client, 1);

  c->stream = xmpp_test_stream_new (localpart, 0);
  c->roster = confab_xmpp_roster_new ();
  c->presence = confab_xmpp_presence_new ();
  c->blocking = confab_xep_blocking_new ();
  c->bare = confab_jid_ref (confab_xmpp_stream_get_jid (c->stream));
  c->pushes = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_roster_item_unref);
  c->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);
  c->requests = g_ptr_array_new_with_free_func (g_free);
  c->subscriptions = g_ptr_array_new_with_free_func (g_free);
  c->blocked = g_ptr_array_new_with_free_func (g_free);
  c->unblocked = g_ptr_array_new_with_free_func (g_free);

  confab_xmpp_roster_set_version (c->roster, version);
  g_signal_connect (c->roster, "roster-received", G_CALLBACK (on_roster_received), c);
  g_signal_connect (c->roster, "item-changed", G_CALLBACK (on_item_changed), c);
  g_signal_connect (c->presence, "presence-changed", G_CALLBACK (on_presence_changed), c);
  g_signal_connect (c->presence, "subscription-requested", G_CALLBACK (on_subscription_requested), c);
  g_signal_connect (c->presence, "subscription-changed", G_CALLBACK (on_subscription_changed), c);
  g_signal_connect (c->blocking, "blocked", G_CALLBACK (on_blocked), c);
  g_signal_connect (c->blocking, "unblocked", G_CALLBACK (on_unblocked), c);
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->roster));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->presence));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->blocking));

  xmpp_test_connect_ok (c->stream);
  /* The module fetches the roster by itself when the session starts. */
  WAIT_FOR (c->n_rosters == 1);
  return c;
}

static void
client_free (Client *c)
{
  if (confab_xmpp_stream_get_state (c->stream) == CONFAB_XMPP_STREAM_STATE_BOUND)
    xmpp_test_close (c->stream);
  g_clear_object (&c->stream);
  g_clear_object (&c->roster);
  g_clear_object (&c->presence);
  g_clear_object (&c->blocking);
  confab_jid_unref (c->bare);
  g_ptr_array_unref (c->pushes);
  g_ptr_array_unref (c->changes);
  g_ptr_array_unref (c->requests);
  g_ptr_array_unref (c->subscriptions);
  g_ptr_array_unref (c->blocked);
  g_ptr_array_unref (c->unblocked);
  g_free (c->last_version);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

/* ---- Waiting on async calls ------------------------------------------------- */

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static void
set_item (Client             *c,
          ConfabJid          *jid,
          const char         *name,
          const char * const *groups)
{
  Waiter w = { 0 };
  g_autoptr(GError) error = NULL;

  confab_xmpp_roster_set_item_async (c->roster, jid, name, groups, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xmpp_roster_set_item_finish (c->roster, w.result, &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
}

static GPtrArray *
fetch_full_roster (Client *c)
{
  Waiter w = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *items = NULL;
  g_autofree char *version = NULL;

  confab_xmpp_roster_set_version (c->roster, NULL);
  confab_xmpp_roster_fetch_async (c->roster, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xmpp_roster_fetch_finish (c->roster, w.result, &items, &version, &error));
  g_assert_no_error (error);
  g_assert_nonnull (items);
  g_object_unref (w.result);
  return items;
}

static char *
blocklist (Client *c)
{
  Waiter w = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jids = NULL;

  confab_xep_blocking_get_blocklist_async (c->blocking, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  jids = confab_xep_blocking_get_blocklist_finish (c->blocking, w.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jids);
  g_object_unref (w.result);
  return join_jids (jids);
}

/* ---- Lookups ---------------------------------------------------------------- */

static ConfabXmppRosterItem *
find_push (Client                 *c,
           ConfabJid              *jid,
           ConfabXmppSubscription  subscription,
           gboolean                ask)
{
  for (guint i = 0; i < c->pushes->len; i++)
    {
      ConfabXmppRosterItem *item = g_ptr_array_index (c->pushes, i);

      if (confab_jid_equal (confab_xmpp_roster_item_get_jid (item), jid)
          && confab_xmpp_roster_item_get_subscription (item) == subscription
          && confab_xmpp_roster_item_get_ask_subscribe (item) == ask)
        return item;
    }
  return NULL;
}

static gboolean
has_string (GPtrArray  *strings,
            const char *expected)
{
  for (guint i = 0; i < strings->len; i++)
    if (g_str_equal (g_ptr_array_index (strings, i), expected))
      return TRUE;
  return FALSE;
}

static gboolean
sees_online (Client    *c,
             ConfabJid *contact)
{
  g_autoptr(ConfabXmppPresenceInfo) best = confab_xmpp_presence_get_best_resource (c->presence, contact);

  return best != NULL
         && confab_xmpp_presence_info_get_show (best) == CONFAB_XMPP_PRESENCE_SHOW_AWAY
         && g_strcmp0 (confab_xmpp_presence_info_get_status (best), "hello") == 0;
}

static gboolean
has_unavailable (Client    *c,
                 ConfabJid *full)
{
  for (guint i = 0; i < c->changes->len; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (c->changes, i);

      if (!confab_xmpp_presence_info_get_available (info)
          && confab_jid_equal (confab_xmpp_presence_info_get_jid (info), full))
        return TRUE;
    }
  return FALSE;
}

/* ---- Tests ------------------------------------------------------------------ */

static void
test_subscribe_and_presence (void)
{
  g_autofree char *alice_name = new_account ("alice");
  g_autofree char *bob_name = new_account ("bob");
  g_autoptr(Client) alice = client_new (alice_name, NULL);
  g_autoptr(Client) bob = client_new (bob_name, NULL);
  const char * const groups[] = { "Friends", NULL };
  g_autofree char *request = NULL;
  g_autofree char *subscribed = NULL;
  g_autoptr(ConfabJid) bob_full = NULL;
  g_autoptr(ConfabJid) alice_full = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  ConfabXmppRosterItem *item;

  g_assert_true (alice->last_roster_full);
  g_assert_cmpuint (alice->last_roster_len, ==, 0);

  confab_xmpp_presence_send_available (alice->presence, CONFAB_XMPP_PRESENCE_SHOW_AWAY, "hello", 1);
  confab_xmpp_presence_send_available (bob->presence, CONFAB_XMPP_PRESENCE_SHOW_AWAY, "hello", 1);

  /* RFC 6121 §2.3: alice adds bob; the server pushes the new item. */
  set_item (alice, bob->bare, "Bob", groups);
  WAIT_FOR (find_push (alice, bob->bare, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE) != NULL);
  item = find_push (alice, bob->bare, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE);
  g_assert_cmpstr (confab_xmpp_roster_item_get_name (item), ==, "Bob");
  g_assert_cmpstr (confab_xmpp_roster_item_get_groups (item)[0], ==, "Friends");
  g_assert_null (confab_xmpp_roster_item_get_groups (item)[1]);

  /* §3.1: alice asks; bob is asked; alice's item shows the pending ask. */
  confab_xmpp_presence_subscribe (alice->presence, bob->bare, "please", "Alice");
  request = g_strdup_printf ("%s|please|Alice", confab_jid_to_string (alice->bare));
  WAIT_FOR (has_string (bob->requests, request));
  WAIT_FOR (find_push (alice, bob->bare, CONFAB_XMPP_SUBSCRIPTION_NONE, TRUE) != NULL);

  /* Bob approves and asks back. */
  confab_xmpp_presence_approve (bob->presence, alice->bare);
  confab_xmpp_presence_subscribe (bob->presence, alice->bare, NULL, NULL);
  subscribed = g_strdup_printf ("%s %d", confab_jid_to_string (bob->bare), CONFAB_XMPP_PRESENCE_TYPE_SUBSCRIBED);
  WAIT_FOR (has_string (alice->subscriptions, subscribed));
  WAIT_FOR (find_push (alice, bob->bare, CONFAB_XMPP_SUBSCRIPTION_TO, FALSE) != NULL);
  WAIT_FOR (find_push (bob, alice->bare, CONFAB_XMPP_SUBSCRIPTION_FROM, TRUE) != NULL);
  /* §3.1.6: once subscribed, alice gets bob's current presence. */
  WAIT_FOR (sees_online (alice, bob->bare));

  g_free (request);
  request = g_strdup_printf ("%s|-|-", confab_jid_to_string (bob->bare));
  WAIT_FOR (has_string (alice->requests, request));
  confab_xmpp_presence_approve (alice->presence, bob->bare);
  WAIT_FOR (sees_online (bob, alice->bare));
  WAIT_FOR (find_push (alice, bob->bare, CONFAB_XMPP_SUBSCRIPTION_BOTH, FALSE) != NULL);
  WAIT_FOR (find_push (bob, alice->bare, CONFAB_XMPP_SUBSCRIPTION_BOTH, FALSE) != NULL);

  bob_full = confab_jid_ref (confab_xmpp_stream_get_bound_jid (bob->stream));
  alice_full = confab_jid_ref (confab_xmpp_stream_get_bound_jid (alice->stream));
  resources = confab_xmpp_presence_get_resources (alice->presence, bob->bare);
  g_assert_cmpuint (resources->len, ==, 1);
  g_assert_true (confab_jid_equal (confab_xmpp_presence_info_get_jid (g_ptr_array_index (resources, 0)), bob_full));
  g_assert_cmpint (confab_xmpp_presence_info_get_priority (g_ptr_array_index (resources, 0)), ==, 1);
  g_assert_nonnull (confab_xmpp_presence_info_get_node (g_ptr_array_index (resources, 0)));
  g_clear_pointer (&resources, g_ptr_array_unref);
  /* Our own broadcast, reflected by the server, is not a contact. */
  resources = confab_xmpp_presence_get_resources (alice->presence, alice->bare);
  g_assert_cmpuint (resources->len, ==, 0);
  g_clear_pointer (&resources, g_ptr_array_unref);

  /* Bob leaves: alice sees his resource go; bob's own module declares
   * everyone unknown once his stream is closed. */
  xmpp_test_close (bob->stream);
  g_assert_true (has_unavailable (bob, alice_full));
  resources = confab_xmpp_presence_get_resources (bob->presence, alice->bare);
  g_assert_cmpuint (resources->len, ==, 0);
  g_clear_pointer (&resources, g_ptr_array_unref);

  WAIT_FOR (has_unavailable (alice, bob_full));
  resources = confab_xmpp_presence_get_resources (alice->presence, bob->bare);
  g_assert_cmpuint (resources->len, ==, 0);
}

/* RFC 6121 §2.1.6: carol tries to push mallory into alice's roster. */
static void
test_spoofed_push_ignored (void)
{
  g_autofree char *alice_name = new_account ("alice");
  g_autofree char *carol_name = new_account ("carol");
  g_autoptr(Client) alice = client_new (alice_name, NULL);
  g_autoptr(Client) carol = client_new (carol_name, NULL);
  g_autoptr(ConfabXmppNode) iq = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  ConfabXmppNode *item;
  g_autoptr(ConfabJid) mallory = confab_jid_parse ("mallory@evil", NULL);
  guint n_pushes = alice->pushes->len;

  iq = confab_xmpp_iq_new ("set", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (alice->stream)), NULL);
  item = confab_xmpp_node_add_child (confab_xmpp_node_add_child (iq, "query", CONFAB_XMPP_NS_ROSTER),
                                     "item", NULL);
  confab_xmpp_node_set_attr (item, "jid", "mallory@evil");
  confab_xmpp_node_set_attr (item, "name", "Trust me");
  confab_xmpp_node_set_attr (item, "subscription", "both");

  /* Alice answers (service-unavailable), so the answer is the sync point. */
  reply = xmpp_test_send_iq (carol->stream, iq, 10, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);

  g_assert_cmpuint (alice->pushes->len, ==, n_pushes);
  items = fetch_full_roster (alice);
  for (guint i = 0; i < items->len; i++)
    g_assert_false (confab_jid_equal (confab_xmpp_roster_item_get_jid (g_ptr_array_index (items, i)), mallory));
  g_assert_cmpuint (items->len, ==, 0);
}

/* RFC 6121 §2.6: a stored version that is current gets an empty answer.
 * Versions are opaque (§2.6.1): only equality is compared. */
static void
test_versioning (void)
{
  g_autofree char *alice_name = new_account ("alice");
  g_autoptr(Client) first = client_new (alice_name, "");
  g_autoptr(Client) second = NULL;
  g_autoptr(Client) third = NULL;
  g_autoptr(ConfabJid) bob = confab_jid_parse ("bob@" CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(ConfabJid) carol = confab_jid_parse ("carol@" CONFAB_TEST_DOMAIN, NULL);
  g_autofree char *version = NULL;
  g_autofree char *stale = NULL;

  /* ver='' bootstraps: a full roster and a version to store. */
  g_assert_true (first->last_roster_full);
  g_assert_nonnull (first->last_version);

  set_item (first, bob, NULL, NULL);
  WAIT_FOR (first->pushes->len == 1);
  g_assert_nonnull (first->last_version);
  stale = g_strdup (first->last_version);
  set_item (first, carol, NULL, NULL);
  WAIT_FOR (first->pushes->len == 2);
  g_assert_nonnull (first->last_version);
  g_assert_cmpstr (first->last_version, !=, stale);
  g_assert_cmpstr (confab_xmpp_roster_get_version (first->roster), ==, first->last_version);
  version = g_strdup (first->last_version);

  /* A second session with the current version: nothing to transfer. */
  second = client_new (alice_name, version);
  g_assert_false (second->last_roster_full);
  g_assert_cmpuint (second->last_roster_len, ==, 0);
  g_assert_cmpstr (second->last_version, ==, version);

  /* With an old version the server sends the roster again, in full or as
   * the missing pushes (§2.6.3 lets it choose). */
  third = client_new (alice_name, stale);
  if (third->last_roster_full)
    g_assert_cmpuint (third->last_roster_len, ==, 2);
  else
    WAIT_FOR (find_push (third, carol, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE) != NULL);
  g_assert_cmpstr (confab_xmpp_roster_get_version (third->roster), ==, version);
}

static void
test_remove_item (void)
{
  g_autofree char *alice_name = new_account ("alice");
  g_autoptr(Client) alice = client_new (alice_name, NULL);
  g_autoptr(ConfabJid) dave = confab_jid_parse ("dave@" CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  Waiter w = { 0 };

  set_item (alice, dave, "Dave", NULL);
  WAIT_FOR (find_push (alice, dave, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE) != NULL);
  items = fetch_full_roster (alice);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  confab_xmpp_roster_remove_item_async (alice->roster, dave, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xmpp_roster_remove_item_finish (alice->roster, w.result, &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
  WAIT_FOR (find_push (alice, dave, CONFAB_XMPP_SUBSCRIPTION_REMOVE, FALSE) != NULL);
  items = fetch_full_roster (alice);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_blocking (void)
{
  g_autofree char *alice_name = new_account ("alice");
  g_autoptr(Client) alice = client_new (alice_name, NULL);
  g_autoptr(GPtrArray) jids = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_jid_unref);
  g_autofree char *carol = g_strdup_printf ("carol@%s", CONFAB_TEST_DOMAIN);
  g_autofree char *list = NULL;
  g_autoptr(GError) error = NULL;
  Waiter w = { 0 };

  /* XEP-0191 §3.2: asking for the list also subscribes us to pushes. */
  list = blocklist (alice);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);

  g_ptr_array_add (jids, confab_jid_parse (carol, NULL));
  confab_xep_blocking_block_async (alice->blocking, jids, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xep_blocking_block_finish (alice->blocking, w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  WAIT_FOR (has_string (alice->blocked, carol));

  list = blocklist (alice);
  g_assert_cmpstr (list, ==, carol);
  g_clear_pointer (&list, g_free);

  w.done = FALSE;
  confab_xep_blocking_unblock_async (alice->blocking, jids, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xep_blocking_unblock_finish (alice->blocking, w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  WAIT_FOR (has_string (alice->unblocked, carol));

  list = blocklist (alice);
  g_assert_cmpstr (list, ==, "");
  g_clear_pointer (&list, g_free);

  /* §3.5: unblock everyone. */
  w.done = FALSE;
  confab_xep_blocking_block_async (alice->blocking, jids, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xep_blocking_block_finish (alice->blocking, w.result, &error));
  g_clear_object (&w.result);
  w.done = FALSE;
  confab_xep_blocking_unblock_async (alice->blocking, NULL, NULL, waiter_cb, &w);
  WAIT_FOR (w.done);
  g_assert_true (confab_xep_blocking_unblock_finish (alice->blocking, w.result, &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  WAIT_FOR (has_string (alice->unblocked, "*"));
  list = blocklist (alice);
  g_assert_cmpstr (list, ==, "");
}

/* A blocking push from a contact changes nothing. */
static void
test_spoofed_block_push_ignored (void)
{
  g_autofree char *alice_name = new_account ("alice");
  g_autofree char *carol_name = new_account ("carol");
  g_autoptr(Client) alice = client_new (alice_name, NULL);
  g_autoptr(Client) carol = client_new (carol_name, NULL);
  g_autoptr(GPtrArray) jids = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_jid_unref);
  g_autoptr(ConfabXmppNode) iq = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;

  list = blocklist (alice);
  g_ptr_array_add (jids, confab_jid_parse ("friend@" CONFAB_TEST_DOMAIN, NULL));
  iq = confab_xep_blocking_new_iq (TRUE, jids);
  confab_xmpp_node_set_attr (iq, "to", confab_jid_to_string (confab_xmpp_stream_get_bound_jid (alice->stream)));
  reply = xmpp_test_send_iq (carol->stream, iq, 10, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  settle (200);
  g_assert_cmpuint (alice->blocked->len, ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/xmpp/im/roster-presence/subscribe-and-presence", test_subscribe_and_presence);
  g_test_add_func ("/xmpp/im/roster-presence/spoofed-roster-push-ignored", test_spoofed_push_ignored);
  g_test_add_func ("/xmpp/im/roster-presence/versioning", test_versioning);
  g_test_add_func ("/xmpp/im/roster-presence/remove-item", test_remove_item);
  g_test_add_func ("/xmpp/im/roster-presence/blocking", test_blocking);
  g_test_add_func ("/xmpp/im/roster-presence/spoofed-block-push-ignored", test_spoofed_block_push_ignored);

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
