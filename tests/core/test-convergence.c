/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two devices of one account plus a contact, each on the core (its own
 * history database, ConfabAccountSync, standard modules) against the real
 * Prosody: the histories converge through live delivery, carbons (XEP-0280)
 * and the archive (XEP-0313), also for a device that was offline during
 * part of the conversation, and a second catch-up adds nothing. Forged
 * archive results and carbons sent by the contact never land in the
 * account's history (XEP-0280 §11, XEP-0313 §8.2), and a correction of
 * someone else's message is never applied (XEP-0308 §4 "…from the same
 * sender"). */
#include <string.h>

#include <glib/gstdio.h>

#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "xep/xep-0280-carbons.h"
#include "xep/xep-0313-mam.h"
#include "core-test-util.h"

#define WAIT_SECONDS 40
#define PER_PHASE 5

/* Iterates the main context until @check holds or WAIT_SECONDS pass. */
static gboolean
wait_until (XmppTestCondition check,
            gpointer          data)
{
  return xmpp_test_wait_until (check, data, WAIT_SECONDS);
}

/* ---- A device: one resource with its own database and sync ---------------- */

typedef struct {
  char            *label;
  CoreTestSession  core;
} Device;

static Device *
device_new (const char *label,
            const char *localpart,
            const char *resource)
{
  Device *d = g_new0 (Device, 1);

  d->label = g_strdup (label);
  core_test_session_init (&d->core, localpart, resource, "confab-test-convergence-XXXXXX",
                          "confab.db");
  return d;
}

static gboolean
caught_up (gpointer data)
{
  Device *d = data;

  return !confab_account_sync_get_catching_up (d->core.sync);
}

static gboolean
carbons_enabled (gpointer data)
{
  Device *d = data;

  return confab_xep_carbons_get_enabled (CONFAB_XEP_CARBONS (
    confab_xmpp_stream_get_module (d->core.stream, CONFAB_TYPE_XEP_CARBONS)));
}

static ConfabXmppMessages *
messages_of (Device *d)
{
  return CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (d->core.stream,
                                                              CONFAB_TYPE_XMPP_MESSAGES));
}

static void
device_connect (Device *d)
{
  xmpp_test_connect_ok (d->core.stream);
  core_test_send_available (d->core.stream);
  /* The catch-up starts from ::session-started; carbons are asked for there
   * too. Both must be done before the conversation goes on. */
  xmpp_test_run_for (100);
  g_assert_true (wait_until (caught_up, d));
  g_assert_true (wait_until (carbons_enabled, d));
}

static void
device_free (Device *d)
{
  core_test_session_clear (&d->core);
  g_free (d->label);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

/* ---- What every database must hold ------------------------------------------ */

typedef struct {
  char     *id;          /* the author's id (origin-id) */
  char     *body;        /* the final text, after corrections */
  char     *author;      /* bare JID */
} Expected;

static void
expected_free (Expected *e)
{
  g_free (e->id);
  g_free (e->body);
  g_free (e->author);
  g_free (e);
}

static Expected *
expect (GPtrArray  *expected,
        const char *id,
        const char *body,
        const char *author)
{
  Expected *e = g_new0 (Expected, 1);

  g_assert_nonnull (id);
  e->id = g_strdup (id);
  e->body = g_strdup (body);
  e->author = g_strdup (author);
  g_ptr_array_add (expected, e);
  return e;
}

static Expected *
find_expected (GPtrArray  *expected,
               const char *body)
{
  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = g_ptr_array_index (expected, i);

      if (g_str_equal (e->body, body))
        return e;
    }
  g_assert_not_reached ();
}

/* Bodies that must never be stored anywhere. */
static const char * const forged_bodies[] = {
  "forged archive result: out",
  "forged archive result: in",
  "forged sent carbon",
  "forged received carbon",
  "forged correction",
  NULL
};

typedef struct {
  Device    *device;
  char      *peer;
  GPtrArray *expected;
} Convergence;

static GPtrArray *
history (Device     *d,
         const char *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  GPtrArray *messages;

  conversation = confab_history_store_get_conversation (d->core.store, d->core.account_id, peer, &error);
  g_assert_no_error (error);
  if (conversation == NULL)
    return g_ptr_array_new ();
  messages = confab_history_store_list_newest (d->core.store, conversation->id, 10000, &error);
  g_assert_no_error (error);
  return messages;
}

/* Every expected message is there with its final text (maybe more than
 * once: converged() only waits; check_converged() counts). */
static gboolean
converged (gpointer data)
{
  Convergence *c = data;
  g_autoptr(GPtrArray) messages = history (c->device, c->peer);

  for (guint i = 0; i < c->expected->len; i++)
    {
      Expected *e = g_ptr_array_index (c->expected, i);
      gboolean found = FALSE;

      for (guint j = 0; j < messages->len && !found; j++)
        {
          ConfabHistoryMessage *m = g_ptr_array_index (messages, j);

          found = g_strcmp0 (m->origin_id, e->id) == 0 && g_strcmp0 (m->body, e->body) == 0;
        }
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static void
check_converged (Device     *d,
                 const char *peer,
                 GPtrArray  *expected)
{
  Convergence c = { d, (char *) peer, expected };
  g_autoptr(GPtrArray) messages = NULL;
  guint wanted = 0;

  if (!wait_until (converged, &c))
    {
      g_autoptr(GPtrArray) have = history (d, peer);

      for (guint j = 0; j < have->len; j++)
        {
          ConfabHistoryMessage *m = g_ptr_array_index (have, j);

          g_test_message ("%s has: %s [%s] from %s", d->label, m->body, m->origin_id, m->sender);
        }
      g_error ("%s: history with %s did not converge", d->label, peer);
    }

  /* Let late duplicates (carbons, resends, archive pages) arrive. */
  xmpp_test_run_for (500);
  messages = history (d, peer);

  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = g_ptr_array_index (expected, i);
      ConfabHistoryMessage *row = NULL;
      guint copies = 0;
      gboolean own = g_str_equal (e->author, d->core.bare);

      wanted++;
      for (guint j = 0; j < messages->len; j++)
        {
          ConfabHistoryMessage *m = g_ptr_array_index (messages, j);

          if (g_strcmp0 (m->origin_id, e->id) == 0 && g_strcmp0 (m->sender, e->author) == 0)
            {
              copies++;
              row = m;
            }
        }
      if (copies != 1)
        g_error ("%s: \"%s\" stored %u times", d->label, e->body, copies);
      g_assert_cmpstr (row->body, ==, e->body);
      g_assert_cmpstr (row->peer, ==, peer);
      g_assert_cmpint (row->direction, ==, own ? CONFAB_HISTORY_DIRECTION_OUT
                                               : CONFAB_HISTORY_DIRECTION_IN);
      g_assert_false (row->retracted);
    }
  /* Nothing else: no duplicates under other ids, nothing forged. */
  for (guint j = 0; j < messages->len; j++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, j);

      g_assert_false (g_strv_contains (forged_bodies, m->body != NULL ? m->body : ""));
    }
  if (messages->len != wanted)
    for (guint j = 0; j < messages->len; j++)
      {
        ConfabHistoryMessage *m = g_ptr_array_index (messages, j);

        g_test_message ("%s has: %s [%s] from %s", d->label, m->body, m->origin_id, m->sender);
      }
  g_assert_cmpuint (messages->len, ==, wanted);
  g_test_message ("%s: %u messages with %s, each exactly once", d->label, wanted, peer);
}

/* ---- Sending ------------------------------------------------------------------ */

static void
send_phase (Device     *from,
            const char *to,
            const char *label,
            GPtrArray  *expected)
{
  for (guint i = 0; i < PER_PHASE; i++)
    {
      g_autofree char *body = g_strdup_printf ("%s %u", label, i);
      g_autofree char *id = confab_account_sync_send_chat (from->core.sync, to, body);

      expect (expected, id, body, from->core.bare);
    }
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConfabHistoryOutcome *outcome = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_history_store_apply_finish (CONFAB_HISTORY_STORE (source), result,
                                                    outcome, &error));
  g_assert_no_error (error);
}

static gboolean
outcome_known (gpointer data)
{
  return *(ConfabHistoryOutcome *) data != (ConfabHistoryOutcome) -1;
}

/* XEP-0308: @from corrects its message @body, the way the app does it: on
 * the wire, and in its own history (no copy comes back to the sender). */
static void
correct (Device     *from,
         const char *to,
         GPtrArray  *expected,
         const char *body)
{
  Expected *e = find_expected (expected, body);
  g_autoptr(ConfabJid) to_jid = confab_jid_parse (to, NULL);
  g_autofree char *fixed = g_strdup_printf ("%s (fixed)", body);
  g_autofree char *new_id = NULL;
  ConfabHistoryOutcome outcome = (ConfabHistoryOutcome) -1;

  new_id = confab_xmpp_messages_send_correction (messages_of (from), to_jid, e->id, fixed);
  g_assert_nonnull (new_id);
  confab_history_store_apply_correction_async (from->core.store, from->core.account_id, to, from->core.bare,
                                               e->id, new_id, fixed, NULL, applied_cb, &outcome);
  g_assert_true (wait_until (outcome_known, &outcome));
  g_assert_cmpint (outcome, ==, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_free (e->body);
  e->body = g_steal_pointer (&fixed);
}

typedef struct {
  Device     *device;
  const char *peer;
} Delivered;

/* Our messages in @device's history all reached @state. */
static gboolean
own_in_state (Device            *d,
              const char        *peer,
              ConfabHistoryState state)
{
  g_autoptr(GPtrArray) messages = history (d, peer);
  guint own = 0;

  for (guint j = 0; j < messages->len; j++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, j);

      if (m->direction != CONFAB_HISTORY_DIRECTION_OUT)
        continue;
      own++;
      if (m->state < state)
        return FALSE;
    }
  return own > 0;
}

static gboolean
all_delivered (gpointer data)
{
  Delivered *d = data;

  return own_in_state (d->device, d->peer, CONFAB_HISTORY_STATE_DELIVERED);
}

/* ---- Forgeries from the contact's own (raw) stream ------------------------- */

static ConfabXmppNode *
wrap_forwarded (ConfabXmppNode *parent,
                const char     *from,
                const char     *to,
                const char     *body)
{
  ConfabXmppNode *forwarded = confab_xmpp_node_add_child (parent, "forwarded",
                                                          CONFAB_XMPP_NS_FORWARD);
  ConfabXmppNode *inner = confab_xmpp_node_add_child (forwarded, "message",
                                                      CONFAB_XMPP_NS_CLIENT);
  g_autofree char *id = confab_xmpp_new_uuid ();

  confab_xmpp_node_set_attr (inner, "from", from);
  confab_xmpp_node_set_attr (inner, "to", to);
  confab_xmpp_node_set_attr (inner, "type", "chat");
  confab_xmpp_node_set_attr (inner, "id", id);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (inner, "body", NULL), body);
  return inner;
}

/* A stanza to @to that claims (in 'from') to come from @claimed_from; the
 * server replaces or refuses the claim, the client must not rely on it. */
static ConfabXmppNode *
outer_message (const char *to,
               const char *claimed_from)
{
  ConfabXmppNode *message = confab_xmpp_node_new ("message", CONFAB_XMPP_NS_CLIENT);
  g_autofree char *id = confab_xmpp_new_uuid ();

  confab_xmpp_node_set_attr (message, "to", to);
  if (claimed_from != NULL)
    confab_xmpp_node_set_attr (message, "from", claimed_from);
  confab_xmpp_node_set_attr (message, "id", id);
  return message;
}

static void
send_forgeries (ConfabXmppStream *forger,
                Device           *target,
                const char       *claimed_from,
                const char       *alice_bare,
                const char       *bob_bare,
                const char       *alice_message_id)
{
  const char *to = confab_jid_to_string (confab_xmpp_stream_get_bound_jid (target->core.stream));
  g_autofree char *alice_full = g_strdup (to);
  g_autoptr(ConfabXmppNode) mam = outer_message (to, claimed_from);
  g_autoptr(ConfabXmppNode) sent = outer_message (to, claimed_from);
  g_autoptr(ConfabXmppNode) received = outer_message (to, claimed_from);
  g_autoptr(ConfabJid) alice_jid = confab_jid_parse (alice_bare, NULL);
  g_autoptr(ConfabXmppNode) correction = NULL;
  g_autofree char *correction_id = confab_xmpp_new_uuid ();
  ConfabXmppNode *result;
  ConfabXmppNode *replace;

  /* XEP-0313 §4.2 result for a query the forger cannot know, claiming to be
   * from Alice's archive: once as Alice's own message, once as Bob's. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *archive_id = g_strdup_printf ("forged-archive-id-%u", i);

      result = confab_xmpp_node_add_child (mam, "result", CONFAB_XMPP_NS_MAM);
      confab_xmpp_node_set_attr (result, "queryid", "guessed-query-id");
      confab_xmpp_node_set_attr (result, "id", archive_id);
      if (i == 0)
        wrap_forwarded (result, alice_full, bob_bare, "forged archive result: out");
      else
        wrap_forwarded (result, bob_bare, alice_bare, "forged archive result: in");
    }
  confab_xmpp_stream_send (forger, mam);

  /* XEP-0280 §11: carbons are valid only from our own bare JID. */
  wrap_forwarded (confab_xmpp_node_add_child (sent, "sent", CONFAB_XMPP_NS_CARBONS),
                  alice_full, bob_bare, "forged sent carbon");
  confab_xmpp_stream_send (forger, sent);
  wrap_forwarded (confab_xmpp_node_add_child (received, "received", CONFAB_XMPP_NS_CARBONS),
                  bob_bare, alice_full, "forged received carbon");
  confab_xmpp_stream_send (forger, received);

  /* XEP-0308: a correction of Alice's message by Bob. */
  correction = confab_xmpp_message_build_chat (alice_jid, "forged correction", correction_id,
                                               NULL);
  replace = confab_xmpp_node_add_child (correction, "replace", CONFAB_XMPP_NS_CORRECT);
  confab_xmpp_node_set_attr (replace, "id", alice_message_id);
  confab_xmpp_stream_send (forger, correction);
}

/* ---- The test ------------------------------------------------------------------ */

static void
test_two_devices (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("conv", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("conv", "bob");
  g_autoptr(Device) phone = device_new ("alice/phone", alice_name, "phone");
  g_autoptr(Device) laptop = device_new ("alice/laptop", alice_name, "laptop");
  g_autoptr(Device) bob = device_new ("bob", bob_name, "desk");
  g_autoptr(ConfabXmppStream) forger = xmpp_test_stream_new (bob_name, 0);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) expected_free);
  const char *alice_bare = phone->core.bare;
  const char *bob_bare = bob->core.bare;
  Delivered delivered = { phone, bob_bare };

  device_connect (phone);
  device_connect (laptop);
  device_connect (bob);
  confab_xmpp_stream_set_resource (forger, "forger");
  xmpp_test_connect_ok (forger);

  /* Phase 1: everyone online; the laptop sees the phone's messages as sent
   * carbons and Bob's as direct deliveries (or received carbons). */
  send_phase (bob, alice_bare, "bob one", expected);
  send_phase (phone, bob_bare, "phone one", expected);
  check_converged (phone, bob_bare, expected);
  correct (bob, alice_bare, expected, "bob one 0");
  correct (phone, bob_bare, expected, "phone one 4");
  check_converged (phone, bob_bare, expected);
  check_converged (laptop, bob_bare, expected);
  check_converged (bob, alice_bare, expected);
  /* XEP-0184: Bob's sync acknowledged each stored message. */
  g_assert_true (wait_until (all_delivered, &delivered));

  /* Forgeries at both devices, then an ordinary message from the same
   * stream: once that is stored, the forgeries were seen (and dropped). */
  {
    g_autoptr(ConfabJid) alice_jid = confab_jid_parse (alice_bare, NULL);
    g_autofree char *sentinel_id = confab_xmpp_new_uuid ();
    g_autoptr(ConfabXmppNode) sentinel = NULL;
    g_autoptr(ConfabXmppNode) collision = NULL;
    Expected *target = find_expected (expected, "phone one 1");

    /* Once claiming Alice's bare JID (the server must not let that
     * through; if it did, the client would still drop it, see the
     * headers), once with the forger's real address. */
    for (guint i = 0; i < 2; i++)
      {
        const char *claimed = i == 0 ? alice_bare : NULL;

        send_forgeries (forger, phone, claimed, alice_bare, bob_bare, target->id);
        send_forgeries (forger, laptop, claimed, alice_bare, bob_bare, target->id);
      }
    /* A stranger reusing the id of Alice's message gets a message of its
     * own; Alice's is neither hidden nor replaced. Sent on the same
     * stream after the forged correction, so it cannot make that one a
     * correction of the stranger's own message. */
    collision = confab_xmpp_message_build_chat (alice_jid, "same id, other sender", target->id,
                                                NULL);
    confab_xmpp_stream_send (forger, collision);
    expect (expected, target->id, "same id, other sender", bob_bare);

    sentinel = confab_xmpp_message_build_chat (alice_jid, "after the forgeries", sentinel_id, NULL);
    confab_xmpp_stream_send (forger, sentinel);
    /* Bob's desk learns both through sent carbons (XEP-0280 §6). */
    expect (expected, sentinel_id, "after the forgeries", bob_bare);
  }
  check_converged (phone, bob_bare, expected);
  check_converged (laptop, bob_bare, expected);

  /* Phase 2: the laptop is offline; the conversation goes on from the
   * phone and from Bob, with corrections of old and new messages. */
  xmpp_test_close (laptop->core.stream);
  send_phase (bob, alice_bare, "bob two", expected);
  send_phase (phone, bob_bare, "phone two", expected);
  check_converged (phone, bob_bare, expected);
  correct (phone, bob_bare, expected, "phone one 2");
  correct (phone, bob_bare, expected, "phone two 0");
  correct (bob, alice_bare, expected, "bob two 3");
  check_converged (phone, bob_bare, expected);
  check_converged (bob, alice_bare, expected);

  /* Phase 3: the laptop comes back and catches up from the archive. */
  device_connect (laptop);
  g_assert_cmpuint (confab_account_sync_get_progress (laptop->core.sync), >=, 2 * PER_PHASE);
  check_converged (laptop, bob_bare, expected);

  /* Phase 4: everyone reconnects; the archive returns what each already
   * has, and nothing may be stored twice. */
  xmpp_test_close (laptop->core.stream);
  xmpp_test_close (phone->core.stream);
  xmpp_test_close (bob->core.stream);
  device_connect (laptop);
  device_connect (phone);
  device_connect (bob);
  check_converged (laptop, bob_bare, expected);
  check_converged (phone, bob_bare, expected);
  check_converged (bob, alice_bare, expected);
  g_assert_cmpuint (confab_account_sync_get_held_count (laptop->core.sync), ==, 0);
  g_assert_cmpuint (confab_account_sync_get_held_count (phone->core.sync), ==, 0);

  /* The phone's own messages all left the pending state. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) pending = confab_history_store_list_pending (phone->core.store,
                                                                      phone->core.account_id,
                                                                      &error);

    g_assert_no_error (error);
    g_assert_cmpuint (pending->len, ==, 0);
  }

  xmpp_test_close (forger);
}

/* Convergence also for a correction that must not apply: Bob "corrects"
 * Alice's message while her laptop is offline. The phone drops it live (the
 * messages module knows Alice wrote that id); the laptop sees it only in
 * the archive, where it must not turn into something the phone does not
 * have either. */
static gboolean
has_body (Device     *d,
          const char *peer,
          const char *body)
{
  g_autoptr(GPtrArray) messages = history (d, peer);

  for (guint j = 0; j < messages->len; j++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, j);

      if (g_strcmp0 (m->body, body) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_forged_correction_in_archive (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("conv", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("conv", "bob");
  g_autoptr(Device) phone = device_new ("alice/phone", alice_name, "phone");
  g_autoptr(Device) laptop = device_new ("alice/laptop", alice_name, "laptop");
  g_autoptr(Device) bob = device_new ("bob", bob_name, "desk");
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) expected_free);
  g_autoptr(ConfabJid) alice_jid = confab_jid_parse (phone->core.bare, NULL);
  g_autoptr(ConfabXmppNode) correction = NULL;
  g_autofree char *correction_id = confab_xmpp_new_uuid ();
  Expected *original;

  device_connect (phone);
  device_connect (laptop);
  device_connect (bob);
  send_phase (phone, bob->core.bare, "phone", expected);
  check_converged (laptop, bob->core.bare, expected);
  original = find_expected (expected, "phone 2");

  xmpp_test_close (laptop->core.stream);
  correction = confab_xmpp_message_build_chat (alice_jid, "forged correction", correction_id,
                                               NULL);
  confab_xmpp_node_set_attr (confab_xmpp_node_add_child (correction, "replace",
                                                         CONFAB_XMPP_NS_CORRECT),
                             "id", original->id);
  confab_xmpp_stream_send (bob->core.stream, correction);
  send_phase (bob, phone->core.bare, "bob", expected);
  check_converged (phone, bob->core.bare, expected);
  check_converged (bob, phone->core.bare, expected);

  device_connect (laptop);
  g_assert_cmpuint (confab_account_sync_get_progress (laptop->core.sync), >=, PER_PHASE + 1);
  /* The archive's copy of Bob's correction of Alice's message is dropped,
   * as it was live (XEP-0308 §5: only the author corrects). */
  g_assert_false (has_body (laptop, bob->core.bare, "forged correction"));
  g_assert_false (has_body (phone, bob->core.bare, "forged correction"));
  check_converged (laptop, bob->core.bare, expected);
}

/* A catch-up interrupted after a live message was stored: the next session
 * must still fetch what the interrupted one had not reached. The state
 * after the interruption is built directly: the archive holds "before",
 * "gap 0..4" and then "later"; the device's database holds "before" (the
 * last page an earlier catch-up stored: the catch-up position) and "later"
 * (stored live, with its archive id) but not the gap, exactly what a
 * session leaves behind when its connection drops (or the process is
 * killed) while a catch-up page is still in flight and a live message
 * already arrived. */
typedef struct {
  gboolean       done;
  ConfabMamPage *page;
} PageWait;

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  PageWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  wait->page = confab_xep_mam_query_finish (CONFAB_XEP_MAM (source), result, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                                          NULL, NULL, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
count_cb (ConfabXmppMessages *messages,
          ConfabXmppMessage  *message,
          gboolean            is_carbon,
          gboolean            is_sent,
          guint              *seen)
{
  (*seen)++;
}

static gboolean
all_seen (gpointer data)
{
  return *(guint *) data >= PER_PHASE + 2;
}

/* The oldest (@oldest) or newest single archived message, stored as if
 * received; returns its archive id. */
static char *
store_from_archive (ConfabXmppStream *peek,
                    Device           *d,
                    gboolean          oldest,
                    const char       *body)
{
  PageWait wait = { 0 };
  gboolean stored = FALSE;
  ConfabMamResult *result;
  char *archive_id;

  confab_xep_mam_query_async (CONFAB_XEP_MAM (confab_xmpp_stream_get_module (peek,
                                                                             CONFAB_TYPE_XEP_MAM)),
                              NULL, NULL, NULL, NULL, NULL, oldest ? NULL : "", 1, NULL,
                              page_cb, &wait);
  g_assert_true (xmpp_test_wait_for (&wait.done, WAIT_SECONDS));
  g_assert_cmpuint (confab_mam_page_get_results (wait.page)->len, ==, 1);
  result = g_ptr_array_index (confab_mam_page_get_results (wait.page), 0);
  g_assert_cmpstr (confab_xmpp_message_get_body (confab_mam_result_get_message (result)), ==,
                   body);
  confab_history_store_add_message_async (d->core.store, d->core.account_id,
                                          confab_mam_result_get_message (result),
                                          CONFAB_HISTORY_DIRECTION_IN,
                                          confab_mam_result_get_id (result), NULL,
                                          added_cb, &stored);
  g_assert_true (xmpp_test_wait_for (&stored, WAIT_SECONDS));
  archive_id = g_strdup (confab_mam_result_get_id (result));
  confab_mam_page_unref (wait.page);
  return archive_id;
}

static void
test_interrupted_catch_up (void)
{
  g_autofree char *alice_name = core_test_fresh_account ("conv", "alice");
  g_autofree char *bob_name = core_test_fresh_account ("conv", "bob");
  g_autoptr(Device) phone = device_new ("alice/phone", alice_name, "phone");
  g_autoptr(Device) bob = device_new ("bob", bob_name, "desk");
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) expected_free);
  g_autoptr(ConfabXmppStream) peek = xmpp_test_stream_new (alice_name, 0);
  g_autofree char *before_id = NULL;
  g_autofree char *later_id = NULL;
  g_autofree char *before_archive_id = NULL;
  g_autofree char *later_archive_id = NULL;
  g_autofree char *position = NULL;
  g_autoptr(GError) error = NULL;
  guint seen = 0;

  /* Another device of Alice's is online (so nothing goes to offline
   * storage, as when the phone's own session was still hibernating): the
   * phone can only get these from the archive. */
  confab_xmpp_stream_set_resource (peek, "peek");
  confab_xmpp_add_standard_modules (peek);
  g_signal_connect (confab_xmpp_stream_get_module (peek, CONFAB_TYPE_XMPP_MESSAGES),
                    "message-received", G_CALLBACK (count_cb), &seen);
  xmpp_test_connect_ok (peek);
  core_test_send_available (peek);
  xmpp_test_run_for (200);
  device_connect (bob);
  before_id = confab_account_sync_send_chat (bob->core.sync, phone->core.bare, "before");
  expect (expected, before_id, "before", bob->core.bare);
  send_phase (bob, phone->core.bare, "gap", expected);
  later_id = confab_account_sync_send_chat (bob->core.sync, phone->core.bare, "later");
  expect (expected, later_id, "later", bob->core.bare);
  check_converged (bob, phone->core.bare, expected);
  g_assert_true (wait_until (all_seen, &seen));

  /* What the interrupted session left: "before" with the catch-up
   * position after it, and the newest message, stored live. */
  before_archive_id = store_from_archive (peek, phone, TRUE, "before");
  core_test_session_set_catch_up_position (&phone->core, before_archive_id);
  later_archive_id = store_from_archive (peek, phone, FALSE, "later");
  g_assert_false (has_body (phone, bob->core.bare, "gap 0"));

  /* The next session (the other device stays online) resumes after
   * "before", not after the newest stored id. */
  device_connect (phone);
  xmpp_test_run_for (1000);
  g_assert_true (has_body (phone, bob->core.bare, "gap 0"));
  check_converged (phone, bob->core.bare, expected);
  /* The completed catch-up moved the position to the archive's end. */
  position = confab_history_store_get_catch_up_position (phone->core.store, phone->core.account_id,
                                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (position, ==, later_archive_id);
  xmpp_test_close (peek);
}

int
main (int    argc,
      char **argv)
{
  if (!core_test_init_with_server (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/core/convergence/two-devices-and-a-contact", test_two_devices);
  g_test_add_func ("/core/convergence/interrupted-catch-up",
                   test_interrupted_catch_up);
  g_test_add_func ("/core/convergence/forged-correction-in-archive",
                   test_forged_correction_in_archive);

  return core_test_run_with_server_log (80);
}
