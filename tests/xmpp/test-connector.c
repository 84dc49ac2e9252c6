/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The order in which SRV targets are tried (RFC 2782, XEP-0368 §3). */
#include "confab-xmpp-connector.h"

typedef struct {
  const char *host;
  guint16     port;
  guint16     priority;
} Srv;

typedef struct {
  const char *name;
  Srv         xmpps[4];
  Srv         xmpp[4];
  const char *expected;  /* "host:port:tls|plain" joined by spaces */
} OrderCase;

static const OrderCase order_cases[] = {
  { "no records", { { NULL } }, { { NULL } }, "" },
  { "starttls only", { { NULL } }, { { "a.example", 5222, 10 }, { NULL } }, "a.example:5222:plain" },
  { "direct tls only", { { "t.example", 443, 5 }, { NULL } }, { { NULL } }, "t.example:443:tls" },
  { "equal priority prefers direct tls",
    { { "t.example", 5223, 10 }, { NULL } }, { { "a.example", 5222, 10 }, { NULL } },
    "t.example:5223:tls a.example:5222:plain" },
  { "lower priority value first",
    { { "t.example", 5223, 20 }, { NULL } }, { { "a.example", 5222, 10 }, { NULL } },
    "a.example:5222:plain t.example:5223:tls" },
  { "interleaved",
    { { "t1.example", 5223, 5 }, { "t2.example", 5223, 30 }, { NULL } },
    { { "a1.example", 5222, 10 }, { "a2.example", 5222, 30 }, { NULL } },
    "t1.example:5223:tls a1.example:5222:plain t2.example:5223:tls a2.example:5222:plain" },
  { "dot means no service (RFC 2782)",
    { { ".", 0, 0 }, { NULL } }, { { "a.example", 5222, 10 }, { NULL } }, "a.example:5222:plain" },
  { "both declined", { { ".", 0, 0 }, { NULL } }, { { ".", 0, 0 }, { NULL } }, "" },
};

static GList *
make_targets (const Srv *records)
{
  GList *list = NULL;

  for (const Srv *r = records; r->host != NULL; r++)
    list = g_list_append (list, g_srv_target_new (r->host, r->port, r->priority, 0));
  return list;
}

static void
test_order (gconstpointer data)
{
  const OrderCase *c = data;
  GList *xmpps = make_targets (c->xmpps);
  GList *xmpp = make_targets (c->xmpp);
  g_autoptr(GPtrArray) ordered = confab_xmpp_connector_order_targets (xmpps, xmpp);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < ordered->len; i++)
    {
      ConfabXmppTarget *t = g_ptr_array_index (ordered, i);

      g_string_append_printf (got, "%s%s:%u:%s", i ? " " : "", t->host, t->port,
                              t->direct_tls ? "tls" : "plain");
    }
  g_assert_cmpstr (got->str, ==, c->expected);
  g_list_free_full (xmpps, (GDestroyNotify) g_srv_target_free);
  g_list_free_full (xmpp, (GDestroyNotify) g_srv_target_free);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (order_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/connector/order/%zu", i);

      g_test_add_data_func (path, &order_cases[i], test_order);
    }
  return g_test_run ();
}
