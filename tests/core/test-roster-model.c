/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ConfabRosterModel: the sorted, minimal-change model on its own (2,000
 * contacts, no server), then against the real Prosody: a subscription from
 * request to aggregated presence, rename and groups, blocking, a forged
 * roster push, removal.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "confab-account-manager.h"
#include "confab-account-sync.h"
#include "confab-core-error.h"
#include "confab-roster-model.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-roster.h"
#include "core-test-util.h"

#define WAIT_SECONDS 30
#define N_BIG 2000

typedef CoreTestProfile Fixture;

/* ---- Helpers ------------------------------------------------------------------ */

/* Runs the main context until @condition holds (bounded). */
static gboolean
wait_until (XmppTestCondition condition,
            gpointer          data)
{
  return xmpp_test_wait_until (condition, data, WAIT_SECONDS);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  core_test_profile_open (f, "confab-roster-XXXXXX");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  core_test_profile_close (f);
}

static gboolean
action (ConfabRosterModel  *roster,
        XmppTestWaiter     *waiter,
        GError            **error)
{
  gboolean ok;

  g_assert_true (xmpp_test_wait_for (&waiter->done, WAIT_SECONDS));
  ok = confab_roster_model_action_finish (roster, waiter->result, error);
  g_clear_object (&waiter->result);
  waiter->done = FALSE;
  return ok;
}

typedef struct {
  guint emissions;
  guint max_removed;
  guint max_added;
  guint total_removed;
  guint total_added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->emissions++;
  changes->max_removed = MAX (changes->max_removed, removed);
  changes->max_added = MAX (changes->max_added, added);
  changes->total_removed += removed;
  changes->total_added += added;
}

static void
assert_sorted (GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr(ConfabContact) a = g_list_model_get_item (model, i - 1);
      g_autoptr(ConfabContact) b = g_list_model_get_item (model, i);
      g_autofree char *ka = g_utf8_casefold (confab_contact_get_display_name (a), -1);
      g_autofree char *kb = g_utf8_casefold (confab_contact_get_display_name (b), -1);
      int cmp = strcmp (ka, kb);

      g_assert_true (cmp < 0 || (cmp == 0 && strcmp (confab_contact_get_jid (a),
                                                      confab_contact_get_jid (b)) < 0));
    }
}

/* ---- Without a server: 2,000 contacts ------------------------------------------ */

static ConfabXmppRosterItem *
roster_item (const char             *jid,
             const char             *name,
             ConfabXmppSubscription  subscription)
{
  g_autoptr(ConfabJid) parsed = confab_jid_parse (jid, NULL);
  const char * const groups[] = { "Friends", NULL };

  return confab_xmpp_roster_item_new (parsed, name, subscription, FALSE, groups);
}

static void
test_big_roster (void)
{
  g_autoptr(ConfabJid) own = confab_jid_parse ("me@example.org", NULL);
  g_autoptr(ConfabAccount) account = confab_account_new (own);
  ConfabRosterModel *roster = confab_account_get_roster (account);
  GListModel *list = G_LIST_MODEL (roster);
  ConfabXmppStream *stream = confab_account_get_stream (account);
  GObject *module = G_OBJECT (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_ROSTER));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_roster_item_unref);
  g_autoptr(ConfabXmppRosterItem) renamed = NULL;
  g_autoptr(ConfabXmppRosterItem) removed = NULL;
  g_autoptr(ConfabXmppRosterItem) added = NULL;
  Changes changes = { 0 };
  ConfabContact *contact;
  gint64 start;

  g_assert_nonnull (module);
  g_assert_true (confab_roster_model_get_account (roster) == account);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  for (guint i = 0; i < N_BIG; i++)
    {
      g_autofree char *jid = g_strdup_printf ("user%04u@example.org", (i * 7919) % N_BIG);
      g_autofree char *name = i % 3 == 0 ? NULL : g_strdup_printf ("Name %04u", (i * 104729) % N_BIG);

      g_ptr_array_add (items, roster_item (jid, name, CONFAB_XMPP_SUBSCRIPTION_BOTH));
    }

  g_signal_connect (roster, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  /* A full roster: one change. */
  g_signal_emit_by_name (module, "roster-received", items, "v1", TRUE);
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BIG);
  assert_sorted (list);
  contact = confab_roster_model_lookup (roster, "user0042@example.org");
  g_assert_nonnull (contact);
  g_assert_true (confab_contact_get_in_roster (contact));
  g_assert_cmpstr (confab_contact_get_groups (contact)[0], ==, "Friends");
  g_assert_null (confab_roster_model_lookup (roster, "nobody@example.org"));
  /* A full JID finds the contact of its bare JID. */
  g_assert_true (confab_roster_model_lookup (roster, "user0042@example.org/phone") == contact);

  /* One rename: one removal and one insertion, each of one item. */
  changes = (Changes) { 0 };
  start = g_get_monotonic_time ();
  renamed = roster_item ("user0042@example.org", "Aaaa first", CONFAB_XMPP_SUBSCRIPTION_BOTH);
  g_signal_emit_by_name (module, "item-changed", renamed, "v2");
  g_assert_cmpuint (changes.emissions, <=, 2);
  g_assert_cmpuint (changes.max_removed, <=, 1);
  g_assert_cmpuint (changes.max_added, <=, 1);
  g_assert_cmpstr (confab_contact_get_display_name (contact), ==, "Aaaa first");
  {
    g_autoptr(ConfabContact) first = g_list_model_get_item (list, 0);

    g_assert_true (first == contact);
  }
  assert_sorted (list);

  /* A change that keeps the name moves nothing. */
  changes = (Changes) { 0 };
  {
    g_autoptr(ConfabXmppRosterItem) same = roster_item ("user0042@example.org", "Aaaa first",
                                                        CONFAB_XMPP_SUBSCRIPTION_TO);

    g_signal_emit_by_name (module, "item-changed", same, "v3");
  }
  g_assert_cmpuint (changes.emissions, ==, 0);
  g_assert_cmpint (confab_contact_get_subscription (contact), ==, CONFAB_XMPP_SUBSCRIPTION_TO);

  /* Added and removed: one item each. */
  added = roster_item ("new@example.org", "Middle", CONFAB_XMPP_SUBSCRIPTION_NONE);
  g_signal_emit_by_name (module, "item-changed", added, "v4");
  g_assert_cmpuint (changes.emissions, ==, 1);
  g_assert_cmpuint (changes.total_added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BIG + 1);
  removed = roster_item ("user0007@example.org", NULL, CONFAB_XMPP_SUBSCRIPTION_REMOVE);
  g_signal_emit_by_name (module, "item-changed", removed, "v5");
  g_assert_cmpuint (changes.emissions, ==, 2);
  g_assert_cmpuint (changes.total_removed, ==, 1);
  g_assert_null (confab_roster_model_lookup (roster, "user0007@example.org"));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BIG);
  assert_sorted (list);
  /* Cheap: 2,000 contacts are never walked for one change (generous bound,
   * not a timing assertion on the code's speed). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  /* A full roster again (the next session), with one contact gone, one
   * renamed and one new: no reset, the same contact objects. */
  changes = (Changes) { 0 };
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_roster_item_unref);
    ConfabContact *kept = confab_roster_model_lookup (roster, "user0100@example.org");
    guint before = g_list_model_get_n_items (list);

    g_assert_nonnull (kept);
    for (guint i = 0; i < before; i++)
      {
        g_autoptr(ConfabContact) c = g_list_model_get_item (list, i);
        const char *jid = confab_contact_get_jid (c);

        if (g_str_equal (jid, "user0200@example.org"))
          continue;  /* removed elsewhere */
        if (g_str_equal (jid, "user0300@example.org"))
          g_ptr_array_add (again, roster_item (jid, "Renamed elsewhere", CONFAB_XMPP_SUBSCRIPTION_BOTH));
        else
          g_ptr_array_add (again, roster_item (jid, confab_contact_get_name (c),
                                               confab_contact_get_subscription (c)));
      }
    g_ptr_array_add (again, roster_item ("zz-new@example.org", NULL, CONFAB_XMPP_SUBSCRIPTION_NONE));
    g_signal_emit_by_name (module, "roster-received", again, "v6", TRUE);
    g_assert_cmpuint (changes.max_removed, ==, 1);
    g_assert_cmpuint (changes.max_added, ==, 1);
    g_assert_cmpuint (changes.total_removed, ==, 2);  /* gone; renamed moves */
    g_assert_cmpuint (changes.total_added, ==, 2);    /* new; renamed moves */
    g_assert_cmpuint (g_list_model_get_n_items (list), ==, before);
    g_assert_true (confab_roster_model_lookup (roster, "user0100@example.org") == kept);
    g_assert_null (confab_roster_model_lookup (roster, "user0200@example.org"));
    g_assert_cmpstr (confab_contact_get_display_name (confab_roster_model_lookup (roster, "user0300@example.org")),
                     ==, "Renamed elsewhere");
    assert_sorted (list);
  }

  /* Subscription requests: oldest first, each once, bounded. */
  {
    GObject *presence = G_OBJECT (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE));
    GListModel *requests = confab_roster_model_get_requests (roster);
    g_autoptr(ConfabContact) first = NULL;

    for (guint i = 0; i < 1100; i++)
      {
        g_autofree char *text = g_strdup_printf ("stranger%04u@spam.example", i);
        g_autoptr(ConfabJid) jid = confab_jid_parse (text, NULL);

        g_signal_emit_by_name (presence, "subscription-requested", jid, "let me in", NULL);
        if (i == 0)
          g_signal_emit_by_name (presence, "subscription-requested", jid, "again", NULL);
      }
    g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 1000);
    first = g_list_model_get_item (requests, 0);
    g_assert_cmpstr (confab_contact_get_jid (first), ==, "stranger0000@spam.example");
    g_assert_false (confab_contact_get_in_roster (first));
    /* Strangers are not contacts. */
    g_assert_null (confab_roster_model_lookup (roster, "stranger0000@spam.example"));
    g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BIG);
    /* Answered (offline: only the list changes). */
    confab_roster_model_deny_request (roster, "stranger0000@spam.example");
    g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 999);
  }

  /* Actions need a connection, and a valid bare JID. */
  {
    XmppTestWaiter waiter = { 0 };
    g_autoptr(GError) error = NULL;

    confab_roster_model_add_contact_async (roster, "not a jid@@", NULL, NULL, NULL, xmpp_test_waiter_cb, &waiter);
    g_assert_false (action (roster, &waiter, &error));
    g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
    g_clear_error (&error);
    confab_roster_model_add_contact_async (roster, "x@example.org/res", NULL, NULL, NULL, xmpp_test_waiter_cb, &waiter);
    g_assert_false (action (roster, &waiter, &error));
    g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
    g_clear_error (&error);
    confab_roster_model_remove_contact_async (roster, "user0001@example.org", NULL, xmpp_test_waiter_cb, &waiter);
    g_assert_false (action (roster, &waiter, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  }
  g_signal_handlers_disconnect_by_data (roster, &changes);
}

/* ---- Against Prosody -------------------------------------------------------------- */

typedef struct {
  ConfabRosterModel *roster;
  const char        *jid;
} Lookup;

static gboolean
has_contact (gpointer data)
{
  Lookup *l = data;

  return confab_roster_model_lookup (l->roster, l->jid) != NULL;
}

static gboolean
lacks_contact (gpointer data)
{
  return !has_contact (data);
}

static gboolean
has_request (gpointer data)
{
  return g_list_model_get_n_items (confab_roster_model_get_requests (data)) > 0;
}

static gboolean
no_request (gpointer data)
{
  return !has_request (data);
}

typedef struct {
  ConfabRosterModel *roster;
  const char        *jid;
  gboolean           (*check) (ConfabContact *contact);
} ContactCheck;

static gboolean
contact_matches (gpointer data)
{
  ContactCheck *c = data;
  ConfabContact *contact = confab_roster_model_lookup (c->roster, c->jid);

  return contact != NULL && c->check (contact);
}

static gboolean
subscribed_to (ConfabContact *contact)
{
  ConfabXmppSubscription s = confab_contact_get_subscription (contact);

  return s == CONFAB_XMPP_SUBSCRIPTION_TO || s == CONFAB_XMPP_SUBSCRIPTION_BOTH;
}

static gboolean
subscribed_from (ConfabContact *contact)
{
  ConfabXmppSubscription s = confab_contact_get_subscription (contact);

  return s == CONFAB_XMPP_SUBSCRIPTION_FROM || s == CONFAB_XMPP_SUBSCRIPTION_BOTH;
}

static gboolean
is_unsubscribed (ConfabContact *contact)
{
  return confab_contact_get_subscription (contact) == CONFAB_XMPP_SUBSCRIPTION_NONE;
}

static gboolean
is_available (ConfabContact *contact)
{
  return confab_contact_get_available (contact);
}

static gboolean
is_dnd (ConfabContact *contact)
{
  return confab_contact_get_show (contact) == CONFAB_XMPP_PRESENCE_SHOW_DND
         && g_strcmp0 (confab_contact_get_status (contact), "in a meeting") == 0;
}

static gboolean
is_offline (ConfabContact *contact)
{
  return !confab_contact_get_available (contact);
}

static gboolean
is_renamed (ConfabContact *contact)
{
  return g_strcmp0 (confab_contact_get_name (contact), "Zed") == 0;
}

static gboolean
is_blocked (ConfabContact *contact)
{
  return confab_contact_get_blocked (contact);
}

static gboolean
is_unblocked (ConfabContact *contact)
{
  return !confab_contact_get_blocked (contact);
}

typedef struct {
  ConfabHistoryStore *store;
  ConfabAccount      *account;
  const char         *peer;
  const char         *id;
} Delivery;

static gboolean
delivered (gpointer data)
{
  Delivery *d = data;
  g_autoptr(ConfabHistoryConversation) c = NULL;
  g_autoptr(ConfabHistoryMessage) m = NULL;

  c = confab_history_store_get_conversation (d->store, confab_account_get_row_id (d->account),
                                             d->peer, NULL);
  if (c != NULL)
    m = confab_history_store_find_by_ref (d->store, c->id, d->id, NULL);
  return m != NULL && m->state >= CONFAB_HISTORY_STATE_DELIVERED;
}

static void
test_subscription_flow (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *alice_jid = core_test_address ("alice");
  g_autofree char *bob_jid = core_test_address ("bob");
  g_autofree char *carol_jid = core_test_address ("carol");
  ConfabAccount *alice, *bob;
  ConfabRosterModel *alice_roster, *bob_roster;
  const char * const groups[] = { "Friends", NULL };
  const char * const new_groups[] = { "Work", "Friends", NULL };
  XmppTestWaiter waiter = { 0 };
  g_autoptr(GError) error = NULL;
  Changes changes = { 0 };
  ConfabContact *contact;
  guint n;

  if (xmpp_test_server () == NULL)
    {
      g_test_skip ("Needs Prosody and the Secret Service (tools/with-session)");
      return;
    }

  alice = core_test_add_online_account (f->manager, "alice", WAIT_SECONDS);
  bob = core_test_add_online_account (f->manager, "bob", WAIT_SECONDS);
  alice_roster = confab_account_get_roster (alice);
  bob_roster = confab_account_get_roster (bob);

  /* Alice adds Bob: a real roster set, then the server's push. */
  confab_roster_model_add_contact_async (alice_roster, bob_jid, "Bobby", groups, NULL,
                                         xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (has_contact, &(Lookup) { alice_roster, bob_jid }));
  contact = confab_roster_model_lookup (alice_roster, bob_jid);
  g_assert_cmpstr (confab_contact_get_display_name (contact), ==, "Bobby");
  g_assert_cmpstr (confab_contact_get_groups (contact)[0], ==, "Friends");
  g_assert_true (confab_contact_get_in_roster (contact));
  g_assert_true (confab_contact_get_account (contact) == alice);

  /* RFC 6121 §3.1.3: Bob sees the request, not yet a contact. */
  g_assert_true (wait_until (has_request, bob_roster));
  {
    g_autoptr(ConfabContact) request = g_list_model_get_item (confab_roster_model_get_requests (bob_roster), 0);

    g_assert_cmpstr (confab_contact_get_jid (request), ==, alice_jid);
    g_assert_false (confab_contact_get_in_roster (request));
  }
  g_assert_null (confab_roster_model_lookup (bob_roster, alice_jid));

  /* Bob accepts: the request goes, Alice gets Bob's presence. */
  confab_roster_model_accept_request (bob_roster, alice_jid);
  g_assert_true (wait_until (no_request, bob_roster));
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, bob_jid, subscribed_to }));
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { bob_roster, alice_jid, subscribed_from }));
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, bob_jid, is_available }));
  contact = confab_roster_model_lookup (alice_roster, bob_jid);
  {
    g_autoptr(GPtrArray) resources = confab_contact_list_resources (contact);

    g_assert_cmpuint (resources->len, >=, 1);
  }

  /* Bob subscribed back (Alice pre-approved him, or approves now). */
  if (has_request (alice_roster))
    confab_roster_model_accept_request (alice_roster, bob_jid);
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { bob_roster, alice_jid, subscribed_to }));

  /* XEP-0184 §8: now that Alice may see Bob's presence and he hers, his
   * client acknowledges her message (stored on both sides first). */
  {
    g_autofree char *id = confab_account_sync_send_chat (confab_account_get_sync (alice), bob_jid,
                                                         "a receipt, please");

    g_assert_nonnull (id);
    g_assert_true (wait_until (delivered, &(Delivery) { f->history, alice, bob_jid, id }));
  }

  /* Presence is the best resource's: Bob goes busy with a status. */
  confab_account_set_own_presence (bob, CONFAB_ACCOUNT_PRESENCE_BUSY, "in a meeting");
  g_assert_cmpint (confab_account_get_own_presence (bob), ==, CONFAB_ACCOUNT_PRESENCE_BUSY);
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, bob_jid, is_dnd }));

  /* A second contact, then the rename that moves Bob past it. */
  confab_roster_model_add_contact_async (alice_roster, carol_jid, NULL, NULL, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_true (wait_until (has_contact, &(Lookup) { alice_roster, carol_jid }));
  n = g_list_model_get_n_items (G_LIST_MODEL (alice_roster));
  g_assert_cmpuint (n, ==, 2);
  {
    g_autoptr(ConfabContact) first = g_list_model_get_item (G_LIST_MODEL (alice_roster), 0);

    g_assert_cmpstr (confab_contact_get_jid (first), ==, bob_jid);  /* "Bobby" < "carol@…" */
  }
  g_signal_connect (alice_roster, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  confab_roster_model_update_contact_async (alice_roster, bob_jid, "Zed", new_groups, NULL,
                                            xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, bob_jid, is_renamed }));
  contact = confab_roster_model_lookup (alice_roster, bob_jid);
  g_assert_cmpuint (g_strv_length ((char **) confab_contact_get_groups (contact)), ==, 2);
  g_assert_true (g_strv_contains (confab_contact_get_groups (contact), "Work"));
  {
    g_autoptr(ConfabContact) last = g_list_model_get_item (G_LIST_MODEL (alice_roster), 1);

    g_assert_true (last == contact);
  }
  /* Never a reset: one removal and one insertion. */
  g_assert_cmpuint (changes.max_removed, ==, 1);
  g_assert_cmpuint (changes.max_added, ==, 1);
  g_assert_cmpuint (changes.total_removed, ==, 1);
  g_assert_cmpuint (changes.total_added, ==, 1);
  g_signal_handlers_disconnect_by_data (alice_roster, &changes);

  /* XEP-0191: block and unblock, as the server pushes it. */
  confab_roster_model_set_blocked_async (alice_roster, carol_jid, TRUE, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, carol_jid, is_blocked }));
  confab_roster_model_set_blocked_async (alice_roster, carol_jid, FALSE, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, carol_jid, is_unblocked }));

  /* RFC 6121 §2.1.6: a "roster push" from another account changes nothing. */
  {
    g_autoptr(ConfabXmppStream) mallory = xmpp_test_stream_new ("carol", 0);
    g_autoptr(ConfabXmppNode) iq = confab_xmpp_node_new ("iq", NULL);
    g_autoptr(ConfabXmppNode) reply = NULL;
    ConfabXmppNode *query, *item;
    ConfabJid *target = confab_xmpp_stream_get_bound_jid (confab_account_get_stream (alice));

    xmpp_test_connect_ok (mallory);
    confab_xmpp_node_set_attr (iq, "type", "set");
    confab_xmpp_node_set_attr (iq, "to", confab_jid_to_string (target));
    query = confab_xmpp_node_add_child (iq, "query", CONFAB_XMPP_NS_ROSTER);
    item = confab_xmpp_node_add_child (query, "item", CONFAB_XMPP_NS_ROSTER);
    confab_xmpp_node_set_attr (item, "jid", "mallory@evil.example");
    confab_xmpp_node_set_attr (item, "name", "Aaron Trustme");
    item = confab_xmpp_node_add_child (query, "item", CONFAB_XMPP_NS_ROSTER);
    confab_xmpp_node_set_attr (item, "jid", bob_jid);
    confab_xmpp_node_set_attr (item, "subscription", "remove");
    reply = xmpp_test_send_iq (mallory, iq, WAIT_SECONDS, NULL, &error);
    g_assert_null (reply);
    g_assert_nonnull (error);  /* refused */
    g_clear_error (&error);
    xmpp_test_close (mallory);
    g_assert_null (confab_roster_model_lookup (alice_roster, "mallory@evil.example"));
    g_assert_nonnull (confab_roster_model_lookup (alice_roster, bob_jid));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (alice_roster)), ==, 2);
  }

  /* Bob goes offline: aggregated presence follows. */
  confab_account_set_own_presence (bob, CONFAB_ACCOUNT_PRESENCE_OFFLINE, NULL);
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { alice_roster, bob_jid, is_offline }));
  g_assert_cmpint (confab_account_get_state (bob), ==, CONFAB_ACCOUNT_STATE_OFFLINE);

  /* Removal (RFC 6121 §2.5), which also leaves the server clean. */
  confab_roster_model_remove_contact_async (alice_roster, bob_jid, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (lacks_contact, &(Lookup) { alice_roster, bob_jid }));
  confab_roster_model_remove_contact_async (alice_roster, carol_jid, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_true (wait_until (lacks_contact, &(Lookup) { alice_roster, carol_jid }));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (alice_roster)), ==, 0);

  /* Bob, back online: the server cancelled both subscriptions (RFC 6121
   * §2.5.2) but left Alice in his roster; he removes her and then denies a
   * new request. */
  confab_account_set_own_presence (bob, CONFAB_ACCOUNT_PRESENCE_AVAILABLE, NULL);
  g_assert_true (wait_until (core_test_account_is_online, bob));
  g_assert_true (wait_until (contact_matches, &(ContactCheck) { bob_roster, alice_jid, is_unsubscribed }));
  confab_roster_model_remove_contact_async (bob_roster, alice_jid, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (bob_roster, &waiter, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (lacks_contact, &(Lookup) { bob_roster, alice_jid }));
  confab_roster_model_add_contact_async (alice_roster, bob_jid, NULL, NULL, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_true (wait_until (has_request, bob_roster));
  confab_roster_model_deny_request (bob_roster, alice_jid);
  g_assert_true (wait_until (no_request, bob_roster));
  confab_roster_model_remove_contact_async (alice_roster, bob_jid, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (action (alice_roster, &waiter, &error));
  g_assert_true (wait_until (lacks_contact, &(Lookup) { alice_roster, bob_jid }));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  core_test_start_server_in_session ();

  g_test_add_func ("/core/roster-model/big-roster", test_big_roster);
  g_test_add ("/core/roster-model/subscription-flow", Fixture, NULL,
              fixture_set_up, test_subscription_flow, fixture_tear_down);

  return core_test_run ();
}
