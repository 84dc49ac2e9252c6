/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Service discovery, entity capabilities and the small information queries
 * against a real Prosody: alice asks, bob runs Confab's modules, carol lies
 * about her capabilities. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "xep-0012-last.h"
#include "xep-0030-disco.h"
#include "xep-0092-version.h"
#include "xep-0115-caps.h"
#include "xep-0199-ping.h"
#include "xep-0202-time.h"
#include "xep-0352-csi.h"
#include "xmpp-test-util.h"

#define WAIT_SECONDS 20

typedef struct {
  ConfabXmppStream *stream;
  ConfabXepDisco   *disco;
  ConfabXepCaps    *caps;
  ConfabXepPing    *ping;
  ConfabXepVersion *version;
  ConfabXepTime    *time;
  ConfabXepLast    *last;
  ConfabXepCsi     *csi;
} Client;

typedef struct {
  Client     alice;
  Client     bob;
  Client     carol;
  GPtrArray *resolved;          /* Resolution, as alice saw them */
  GPtrArray *alice_presences;   /* presence stanzas alice received */
} Fixture;

typedef struct {
  ConfabJid       *jid;
  ConfabDiscoInfo *info;
  gboolean         verified;
} Resolution;

static void
resolution_free (gpointer data)
{
  Resolution *r = data;

  confab_jid_unref (r->jid);
  confab_disco_info_unref (r->info);
  g_free (r);
}

static void
caps_resolved_cb (ConfabXepCaps   *caps,
                  ConfabJid       *jid,
                  ConfabDiscoInfo *info,
                  gboolean         verified,
                  gpointer         user_data)
{
  Fixture *f = user_data;
  Resolution *r = g_new0 (Resolution, 1);

  r->jid = confab_jid_ref (jid);
  r->info = confab_disco_info_ref (info);
  r->verified = verified;
  g_ptr_array_add (f->resolved, r);
}

static void
alice_stanza_cb (ConfabXmppStream *stream,
                 ConfabXmppNode   *stanza,
                 gpointer          user_data)
{
  Fixture *f = user_data;

  if (confab_xmpp_node_is (stanza, "presence", CONFAB_XMPP_NS_CLIENT))
    g_ptr_array_add (f->alice_presences, confab_xmpp_node_ref (stanza));
}

/* Carol answers every disco#info query, whatever node, with content that
 * matches no hash she announces. */
static gboolean
carol_disco_cb (ConfabXmppStream *stream,
                ConfabXmppNode   *iq,
                gpointer          user_data)
{
  ConfabXmppNode *query = confab_xmpp_node_get_child (iq, "query", CONFAB_XEP_DISCO_NS_INFO);
  g_autoptr(ConfabDiscoInfo) info = confab_disco_info_new (confab_xmpp_node_get_attr (query, "node"));
  g_autoptr(ConfabXmppNode) reply = confab_xmpp_iq_new_result (iq);

  confab_disco_info_add_identity (info, "client", "pc", NULL, "Liar");
  confab_disco_info_add_feature (info, CONFAB_XEP_DISCO_NS_INFO);
  confab_disco_info_add_feature (info, "urn:example:evil");
  confab_xmpp_node_append (reply, confab_disco_info_to_node (info));
  confab_xmpp_stream_send (stream, reply);
  return TRUE;
}

static void
client_init (Client     *c,
             const char *localpart,
             gboolean    with_disco)
{
  c->stream = xmpp_test_stream_new (localpart, 0);
  c->caps = confab_xep_caps_new ();
  c->ping = confab_xep_ping_new ();
  c->version = confab_xep_version_new ();
  c->time = confab_xep_time_new ();
  c->last = confab_xep_last_new ();
  c->csi = confab_xep_csi_new ();
  if (with_disco)
    {
      c->disco = confab_xep_disco_new ();
      confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->disco));
    }
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->caps));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->ping));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->version));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->time));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->last));
  confab_xmpp_stream_add_module (c->stream, CONFAB_XMPP_MODULE (c->csi));
}

static void
client_clear (Client *c)
{
  if (confab_xmpp_stream_get_state (c->stream) == CONFAB_XMPP_STREAM_STATE_BOUND)
    xmpp_test_close (c->stream);
  g_clear_object (&c->stream);
  g_clear_object (&c->disco);
  g_clear_object (&c->caps);
  g_clear_object (&c->ping);
  g_clear_object (&c->version);
  g_clear_object (&c->time);
  g_clear_object (&c->last);
  g_clear_object (&c->csi);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->resolved = g_ptr_array_new_with_free_func (resolution_free);
  f->alice_presences = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_node_unref);
  client_init (&f->alice, "alice", TRUE);
  client_init (&f->bob, "bob", TRUE);
  client_init (&f->carol, "carol", FALSE);
  confab_xmpp_stream_add_iq_handler (f->carol.stream, "query", CONFAB_XEP_DISCO_NS_INFO,
                                     carol_disco_cb, NULL);
  g_signal_connect (f->alice.caps, "caps-resolved", G_CALLBACK (caps_resolved_cb), f);
  g_signal_connect (f->alice.stream, "stanza-received", G_CALLBACK (alice_stanza_cb), f);
  xmpp_test_connect_ok (f->alice.stream);
  xmpp_test_connect_ok (f->bob.stream);
  xmpp_test_connect_ok (f->carol.stream);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  client_clear (&f->alice);
  client_clear (&f->bob);
  client_clear (&f->carol);
  g_ptr_array_unref (f->resolved);
  g_ptr_array_unref (f->alice_presences);
}

/* ---- Waiting for async results ------------------------------------------------- */

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

static GAsyncResult *
wait_result (Waiter *waiter)
{
  g_assert_true (xmpp_test_wait_for (&waiter->done, WAIT_SECONDS));
  return waiter->result;
}

static ConfabDiscoInfo *
disco_info (Client      *c,
            ConfabJid   *jid,
            const char  *node,
            GError     **error)
{
  Waiter waiter = { 0 };
  ConfabDiscoInfo *info;

  confab_xep_disco_info_async (c->disco, jid, node, NULL, waiter_cb, &waiter);
  info = confab_xep_disco_info_finish (c->disco, wait_result (&waiter), error);
  g_object_unref (waiter.result);
  return info;
}

static ConfabJid *
server_jid (void)
{
  return confab_jid_parse (confab_test_server_get_domain (xmpp_test_server ()), NULL);
}

static gboolean
wait_for_resolved (Fixture *f,
                   guint    count)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (f->resolved->len < count && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return f->resolved->len >= count;
}

static ConfabXmppNode *
directed_presence (Client *from,
                   Client *to)
{
  ConfabXmppNode *presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);

  (void) from;
  confab_xmpp_node_set_attr (presence, "to",
                             confab_jid_to_string (confab_xmpp_stream_get_bound_jid (to->stream)));
  return presence;
}

/* ---- Tests --------------------------------------------------------------------- */

static void
test_server_info (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ConfabJid) server = server_jid ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDiscoInfo) info = disco_info (&f->alice, server, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  /* Prosody: server/im, and the modules the harness enables. */
  g_assert_true (confab_disco_info_has_identity (info, "server", "im"));
  g_assert_true (confab_disco_info_has_feature (info, "urn:xmpp:ping"));
  g_assert_true (confab_disco_info_has_feature (info, "jabber:iq:version"));
  g_assert_true (confab_disco_info_has_feature (info, "urn:xmpp:time"));
  g_assert_true (confab_disco_info_has_feature (info, CONFAB_XEP_DISCO_NS_INFO));
}

static void
test_server_items (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ConfabJid) server = server_jid ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *conference = g_strconcat ("conference.", confab_test_server_get_domain (xmpp_test_server ()), NULL);
  Waiter waiter = { 0 };
  gboolean found = FALSE;

  confab_xep_disco_items_async (f->alice.disco, server, NULL, NULL, waiter_cb, &waiter);
  items = confab_xep_disco_items_finish (f->alice.disco, wait_result (&waiter), &error);
  g_object_unref (waiter.result);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (confab_jid_to_string (confab_disco_item_get_jid (g_ptr_array_index (items, i))), conference))
      found = TRUE;
  g_assert_true (found);
}

static void
test_client_info (Fixture       *f,
                  gconstpointer  data)
{
  ConfabJid *bob = confab_xmpp_stream_get_bound_jid (f->bob.stream);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDiscoInfo) info = disco_info (&f->alice, bob, NULL, &error);
  g_autoptr(ConfabDiscoInfo) at_node = NULL;
  g_autoptr(ConfabDiscoInfo) bogus = NULL;
  g_autofree char *ver = NULL;
  g_autofree char *node = NULL;
  const char *name;
  const char *expected[] = {
    CONFAB_XEP_DISCO_NS_INFO, CONFAB_XEP_DISCO_NS_ITEMS, CONFAB_XEP_CAPS_NS, CONFAB_XEP_CAPS2_NS,
    "urn:xmpp:ping", "jabber:iq:version", "urn:xmpp:time", "jabber:iq:last",
  };

  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpuint (confab_disco_info_get_n_identities (info), ==, 1);
  g_assert_true (confab_disco_info_has_identity (info, "client", "pc"));
  confab_disco_info_get_identity (info, 0, NULL, NULL, NULL, &name);
  g_assert_cmpstr (name, ==, "Confab");
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (confab_disco_info_has_feature (info, expected[i]));

  /* What bob answers hashes to the ver bob announces. */
  ver = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ver, ==, confab_xep_caps_get_ver (f->bob.caps));

  /* XEP-0115 §6.2: the caps node is answered; another node is not. */
  node = g_strconcat (CONFAB_XEP_CAPS_NODE "#", ver, NULL);
  at_node = disco_info (&f->alice, bob, node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_disco_info_get_node (at_node), ==, node);
  bogus = disco_info (&f->alice, bob, CONFAB_XEP_CAPS_NODE "#bogus", &error);
  g_assert_null (bogus);
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND);
}

static void
test_caps_verified (Fixture       *f,
                    gconstpointer  data)
{
  ConfabJid *bob = confab_xmpp_stream_get_bound_jid (f->bob.stream);
  g_autoptr(ConfabXmppNode) legacy = directed_presence (&f->bob, &f->alice);
  g_autoptr(ConfabXmppNode) full = directed_presence (&f->bob, &f->alice);
  ConfabXmppNode *c;
  Resolution *r;

  /* XEP-0115 alone first. */
  c = confab_xmpp_node_add_child (legacy, "c", CONFAB_XEP_CAPS_NS);
  confab_xmpp_node_set_attr (c, "hash", "sha-1");
  confab_xmpp_node_set_attr (c, "node", CONFAB_XEP_CAPS_NODE);
  confab_xmpp_node_set_attr (c, "ver", confab_xep_caps_get_ver (f->bob.caps));
  confab_xmpp_stream_send (f->bob.stream, legacy);
  g_assert_true (wait_for_resolved (f, 1));
  r = g_ptr_array_index (f->resolved, 0);
  g_assert_true (confab_jid_equal (r->jid, bob));
  g_assert_true (r->verified);
  g_assert_true (confab_disco_info_has_identity (r->info, "client", "pc"));
  g_assert_nonnull (confab_xep_caps_lookup (f->alice.caps, "sha-1", confab_xep_caps_get_ver (f->bob.caps)));
  g_assert_true (confab_xep_caps_get_info_for_jid (f->alice.caps, bob) == r->info);

  /* Then the full announcement: XEP-0390 is preferred and verified too. */
  confab_xep_caps_decorate_presence (f->bob.caps, full);
  confab_xmpp_stream_send (f->bob.stream, full);
  g_assert_true (wait_for_resolved (f, 2));
  r = g_ptr_array_index (f->resolved, 1);
  g_assert_true (r->verified);
  g_assert_nonnull (confab_xep_caps_lookup (f->alice.caps, "sha-256", confab_xep_caps_get_hash (f->bob.caps)));
  g_assert_cmpuint (confab_xep_caps_get_cache_size (f->alice.caps), ==, 2);

  /* The same again is answered from the cache: no new query, no change. */
  {
    g_autoptr(ConfabXmppNode) again = directed_presence (&f->bob, &f->alice);

    confab_xep_caps_decorate_presence (f->bob.caps, again);
    confab_xmpp_stream_send (f->bob.stream, again);
    /* A ping round trip orders it behind the presence. */
    {
      Waiter waiter = { 0 };

      confab_xep_ping_async (f->alice.ping, bob, 0, NULL, waiter_cb, &waiter);
      g_assert_cmpint (confab_xep_ping_finish (f->alice.ping, wait_result (&waiter), NULL), >=, 0);
      g_object_unref (waiter.result);
    }
    g_assert_cmpuint (f->resolved->len, ==, 2);
    g_assert_cmpuint (confab_xep_caps_get_cache_size (f->alice.caps), ==, 2);
  }
}

static void
test_caps_wrong_hash (Fixture       *f,
                      gconstpointer  data)
{
  ConfabJid *carol = confab_xmpp_stream_get_bound_jid (f->carol.stream);
  g_autoptr(ConfabXmppNode) legacy = directed_presence (&f->carol, &f->alice);
  g_autoptr(ConfabXmppNode) v2 = directed_presence (&f->carol, &f->alice);
  const char *fake_hash = "kzBZbkqJ3ADrj7v08reD1qcWUwNGHaidNUgD7nHpiw8=";
  ConfabXmppNode *c;
  ConfabXmppNode *hash;
  Resolution *r;

  c = confab_xmpp_node_add_child (legacy, "c", CONFAB_XEP_CAPS_NS);
  confab_xmpp_node_set_attr (c, "hash", "sha-1");
  confab_xmpp_node_set_attr (c, "node", CONFAB_XEP_CAPS_NODE);
  confab_xmpp_node_set_attr (c, "ver", "bogus");
  confab_xmpp_stream_send (f->carol.stream, legacy);
  g_assert_true (wait_for_resolved (f, 1));
  r = g_ptr_array_index (f->resolved, 0);
  g_assert_true (confab_jid_equal (r->jid, carol));
  /* Used for carol only, never cached under the ver. */
  g_assert_false (r->verified);
  g_assert_true (confab_disco_info_has_feature (r->info, "urn:example:evil"));
  g_assert_null (confab_xep_caps_lookup (f->alice.caps, "sha-1", "bogus"));
  g_assert_true (confab_xep_caps_get_info_for_jid (f->alice.caps, carol) == r->info);

  /* XEP-0390: a hash that belongs to other content. */
  c = confab_xmpp_node_add_child (v2, "c", CONFAB_XEP_CAPS2_NS);
  hash = confab_xmpp_node_add_child (c, "hash", CONFAB_XEP_HASHES_NS);
  confab_xmpp_node_set_attr (hash, "algo", "sha-256");
  confab_xmpp_node_set_text (hash, fake_hash);
  confab_xmpp_stream_send (f->carol.stream, v2);
  g_assert_true (wait_for_resolved (f, 2));
  r = g_ptr_array_index (f->resolved, 1);
  g_assert_false (r->verified);
  g_assert_null (confab_xep_caps_lookup (f->alice.caps, "sha-256", fake_hash));
  g_assert_cmpuint (confab_xep_caps_get_cache_size (f->alice.caps), ==, 0);
}

static void
test_version_and_time (Fixture       *f,
                       gconstpointer  data)
{
  ConfabJid *bob = confab_xmpp_stream_get_bound_jid (f->bob.stream);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabSoftwareVersion) version = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(ConfabJid) server = server_jid ();
  g_autoptr(ConfabSoftwareVersion) server_version = NULL;
  Waiter w1 = { 0 }, w2 = { 0 }, w3 = { 0 }, w4 = { 0 };
  g_autofree char *status = NULL;

  confab_xep_version_query_async (f->alice.version, bob, NULL, waiter_cb, &w1);
  version = confab_xep_version_query_finish (f->alice.version, wait_result (&w1), &error);
  g_object_unref (w1.result);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_software_version_get_name (version), ==, "Confab");
  g_assert_cmpstr (confab_software_version_get_version (version), !=, "");
  g_assert_null (confab_software_version_get_os (version));

  confab_xep_version_query_async (f->alice.version, server, NULL, waiter_cb, &w2);
  server_version = confab_xep_version_query_finish (f->alice.version, wait_result (&w2), &error);
  g_object_unref (w2.result);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_software_version_get_name (server_version), ==, "Prosody");

  confab_xep_time_query_async (f->alice.time, bob, NULL, waiter_cb, &w3);
  time = confab_xep_time_query_finish (f->alice.time, wait_result (&w3), &error);
  g_object_unref (w3.result);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (g_date_time_difference (time, now)), <, 60 * G_TIME_SPAN_SECOND);

  confab_xep_last_set_idle_seconds (f->bob.last, 42);
  confab_xep_last_query_async (f->alice.last, bob, NULL, waiter_cb, &w4);
  g_assert_cmpint (confab_xep_last_query_finish (f->alice.last, wait_result (&w4), &status, &error), ==, 42);
  g_object_unref (w4.result);
  g_assert_no_error (error);
  g_assert_null (status);
}

static void
test_ping (Fixture       *f,
           gconstpointer  data)
{
  ConfabJid *bob = confab_xmpp_stream_get_bound_jid (f->bob.stream);
  g_autoptr(ConfabJid) server = server_jid ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabJid) gone = confab_jid_with_resource (bob, "no-such-resource", NULL);
  Waiter w1 = { 0 }, w2 = { 0 }, w3 = { 0 };

  confab_xep_ping_async (f->alice.ping, bob, 0, NULL, waiter_cb, &w1);
  g_assert_cmpint (confab_xep_ping_finish (f->alice.ping, wait_result (&w1), &error), >=, 0);
  g_object_unref (w1.result);
  g_assert_no_error (error);

  confab_xep_ping_async (f->alice.ping, server, 0, NULL, waiter_cb, &w2);
  g_assert_cmpint (confab_xep_ping_finish (f->alice.ping, wait_result (&w2), &error), >=, 0);
  g_object_unref (w2.result);
  g_assert_no_error (error);

  /* RFC 6121 §8.5.3.2.1: no such resource, the server answers for it. */
  confab_xep_ping_async (f->alice.ping, gone, 5, NULL, waiter_cb, &w3);
  g_assert_cmpint (confab_xep_ping_finish (f->alice.ping, wait_result (&w3), &error), ==, -1);
  g_object_unref (w3.result);
  g_assert_nonnull (error);
}

static gboolean
harness_enables_csi (void)
{
  g_autofree char *config = NULL;

  if (!g_file_get_contents (confab_test_server_get_config_file (xmpp_test_server ()), &config, NULL, NULL))
    return FALSE;
  return strstr (config, "\"csi_simple\"") != NULL;
}

static gboolean
presence_from (Fixture  *f,
               ConfabJid *from)
{
  for (guint i = 0; i < f->alice_presences->len; i++)
    {
      const char *attr = confab_xmpp_node_get_attr (g_ptr_array_index (f->alice_presences, i), "from");

      if (attr != NULL && g_str_equal (attr, confab_jid_to_string (from)))
        return TRUE;
    }
  return FALSE;
}

static void
test_csi (Fixture       *f,
          gconstpointer  data)
{
  ConfabJid *bob = confab_xmpp_stream_get_bound_jid (f->bob.stream);
  g_autoptr(ConfabXmppNode) presence = directed_presence (&f->bob, &f->alice);
  gint64 until;

  if (!harness_enables_csi ())
    {
      /* Not advertised: nothing is sent. */
      g_assert_false (confab_xep_csi_get_server_support (f->alice.csi));
      g_assert_false (confab_xep_csi_set_active (f->alice.csi, FALSE));
      g_test_skip ("The test server does not enable mod_csi_simple");
      return;
    }
  /* The harness enables mod_csi_simple, so Prosody advertises
   * <csi xmlns='urn:xmpp:csi:0'/> among the stream features, and the module
   * took that from the stream at session start. */
  g_assert_true (confab_xep_csi_get_server_support (f->alice.csi));
  g_assert_true (confab_xep_csi_set_active (f->alice.csi, FALSE));
  g_assert_false (confab_xep_csi_set_active (f->alice.csi, FALSE));

  /* Inactive: Prosody holds bob's (unimportant) presence. */
  confab_xmpp_stream_send (f->bob.stream, presence);
  until = g_get_monotonic_time () + 1500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    }
  g_assert_false (presence_from (f, bob));

  /* Active again: the held presence arrives. (Prosody pauses writes on the
   * connection while inactive, so it need not carry a <delay/> stamp.) */
  g_assert_true (confab_xep_csi_set_active (f->alice.csi, TRUE));
  until = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  while (!presence_from (f, bob) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (presence_from (f, bob));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/xmpp/im-services/server-info", test_server_info);
  ADD ("/xmpp/im-services/server-items", test_server_items);
  ADD ("/xmpp/im-services/client-info", test_client_info);
  ADD ("/xmpp/im-services/caps-verified", test_caps_verified);
  ADD ("/xmpp/im-services/caps-wrong-hash", test_caps_wrong_hash);
  ADD ("/xmpp/im-services/version-time-last", test_version_and_time);
  ADD ("/xmpp/im-services/ping", test_ping);
  ADD ("/xmpp/im-services/csi", test_csi);
#undef ADD

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
