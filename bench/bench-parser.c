/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Parser throughput: a realistic inbound stream (a client catching up after
 * reconnecting) parsed by ConfabXmppParser, and by a bare libxml2 SAX2 push
 * parser with empty callbacks on the same bytes, in the same chunks. The
 * ratio is how much of libxml2's speed survives building the trees.
 *
 *   bench-parser [MEGABYTES [CHUNK-BYTES]]     (default 50 MB, 16384)
 *
 * Prints figures; never fails on time.
 */
#include "confab-xmpp-parser.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#define ROUNDS 5

static const char *const words[] = {
  "hello", "are", "you", "coming", "tonight", "meeting", "at", "the", "usual", "place",
  "bring", "cake", "&", "<3", "\"quotes\"", "it's", "gr\303\274\303\237e", "\xF0\x9F\x98\x80",
  "ok", "see", "later", "why", "not", "\xE6\x97\xA5\xE6\x9C\xAC", "a>b",
};

static const char *const states[] = { "active", "composing", "paused", "inactive" };

static void
append_escaped_words (GString *out,
                      GRand   *rand,
                      guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      const char *w = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];

      if (i > 0)
        g_string_append_c (out, ' ');
      for (const char *p = w; *p != '\0'; p++)
        switch (*p)
          {
          case '&': g_string_append (out, "&amp;"); break;
          case '<': g_string_append (out, "&lt;"); break;
          case '>': g_string_append (out, "&gt;"); break;
          case '"': g_string_append (out, "&quot;"); break;
          case '\'': g_string_append (out, "&apos;"); break;
          default: g_string_append_c (out, *p); break;
          }
    }
}

static void
append_message (GString *out,
                GRand   *rand,
                guint    i,
                gboolean prefixed)
{
  const char *p = prefixed ? "c:" : "";

  g_string_append_printf (out,
                          "<%smessage%s from='juliet%u@capulet.example/balcony' to='romeo@montague.example/orchard'"
                          " type='chat' id='msg-%u' xml:lang='en'><%sbody>",
                          p, prefixed ? " xmlns:c='jabber:client'" : "", i % 97, i, p);
  append_escaped_words (out, rand, g_rand_int_range (rand, 3, 40));
  g_string_append_printf (out,
                          "</%sbody><%s xmlns='http://jabber.org/protocol/chatstates'/>"
                          "<origin-id xmlns='urn:xmpp:sid:0' id='%08x-75b4-431b-adb2-eb6b9e546014'/>"
                          "<stanza-id xmlns='urn:xmpp:sid:0' id='%08x-f3a1' by='romeo@montague.example'/>",
                          p, states[i % G_N_ELEMENTS (states)], g_rand_int (rand), g_rand_int (rand));
  if (i % 3 == 0)
    g_string_append_printf (out,
                            "<delay xmlns='urn:xmpp:delay' from='capulet.example'"
                            " stamp='2024-03-%02uT12:%02u:%02uZ'>Offline storage</delay>",
                            1 + i % 28, i % 60, (i / 60) % 60);
  g_string_append_printf (out, "</%smessage>", p);
}

static void
append_presence (GString *out,
                 guint    i)
{
  g_string_append_printf (out,
                          "<presence from='nurse%u@capulet.example/phone' to='romeo@montague.example'>"
                          "<show>%s</show><status>On my way &amp; running late</status>"
                          "<priority>%d</priority>"
                          "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                          " node='https://conversations.im' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>"
                          "</presence>",
                          i % 113, i % 2 ? "away" : "chat", (int) (i % 10));
}

static void
append_roster (GString *out,
               guint    i)
{
  g_string_append_printf (out,
                          "<iq type='result' id='roster-%u' to='romeo@montague.example/orchard'>"
                          "<query xmlns='jabber:iq:roster' ver='ver%u'>", i, i);
  for (guint j = 0; j < 10; j++)
    g_string_append_printf (out,
                            "<item jid='friend%u@example.org' name='Friend %u &quot;F&quot;'"
                            " subscription='both'><group>Friends</group></item>",
                            i * 10 + j, j);
  g_string_append (out, "</query></iq>");
}

static GString *
generate (gsize size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (6120);
  GString *out = g_string_sized_new (size + 4096);

  g_string_append (out,
                   "<?xml version='1.0'?>"
                   "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                   " from='montague.example' id='bench' version='1.0' xml:lang='en'>");
  for (guint i = 0; out->len < size; i++)
    {
      switch (i % 10)
        {
        case 0: case 1: case 2: case 4: case 5: case 7:
          append_message (out, rand, i, FALSE);
          break;
        case 3:
          append_message (out, rand, i, TRUE);
          break;
        case 6: case 8:
          append_presence (out, i);
          break;
        case 9:
          append_roster (out, i);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_string_append (out, "</stream:stream>");
  return out;
}

/* Ours */

static void
count_stanza (ConfabXmppNode *stanza G_GNUC_UNUSED,
              gpointer        user_data)
{
  guint *count = user_data;

  (*count)++;
}

static double
run_confab (const GString *stream,
            gsize          chunk,
            guint         *stanzas)
{
  static const ConfabXmppParserCallbacks callbacks = { .stanza = count_stanza };
  g_autoptr(ConfabXmppParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  *stanzas = 0;
  parser = confab_xmpp_parser_new (&callbacks, stanzas);
  start = g_get_monotonic_time ();
  for (gsize off = 0; off < stream->len; off += chunk)
    if (!confab_xmpp_parser_feed (parser, stream->str + off, MIN (chunk, stream->len - off), &error))
      {
        g_printerr ("bench-parser: the generated stream failed: %s\n", error->message);
        exit (1);
      }
  return (g_get_monotonic_time () - start) / 1e6;
}

/* libxml2 with nothing attached */

static void
sax_start (void           *ctx G_GNUC_UNUSED,
           const xmlChar  *localname G_GNUC_UNUSED,
           const xmlChar  *prefix G_GNUC_UNUSED,
           const xmlChar  *uri G_GNUC_UNUSED,
           int             nb_namespaces G_GNUC_UNUSED,
           const xmlChar **namespaces G_GNUC_UNUSED,
           int             nb_attributes G_GNUC_UNUSED,
           int             nb_defaulted G_GNUC_UNUSED,
           const xmlChar **attributes G_GNUC_UNUSED)
{
}

static void
sax_end (void          *ctx G_GNUC_UNUSED,
         const xmlChar *localname G_GNUC_UNUSED,
         const xmlChar *prefix G_GNUC_UNUSED,
         const xmlChar *uri G_GNUC_UNUSED)
{
}

static void
sax_characters (void          *ctx G_GNUC_UNUSED,
                const xmlChar *ch G_GNUC_UNUSED,
                int            len G_GNUC_UNUSED)
{
}

static double
run_libxml2 (const GString *stream,
             gsize          chunk)
{
  xmlSAXHandler sax = {
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = sax_start,
    .endElementNs = sax_end,
    .characters = sax_characters,
  };
  xmlParserCtxtPtr ctxt;
  gint64 start;
  double seconds;

  start = g_get_monotonic_time ();
  ctxt = xmlCreatePushParserCtxt (&sax, NULL, NULL, 0, NULL);
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
  for (gsize off = 0; off < stream->len; off += chunk)
    xmlParseChunk (ctxt, stream->str + off, (int) MIN (chunk, stream->len - off), 0);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (!ctxt->wellFormed)
    {
      g_printerr ("bench-parser: libxml2 found the generated stream malformed\n");
      exit (1);
    }
  xmlFreeParserCtxt (ctxt);
  return seconds;
}

int
main (int   argc,
      char *argv[])
{
  gsize megabytes = argc > 1 ? strtoul (argv[1], NULL, 10) : 50;
  gsize chunk = argc > 2 ? strtoul (argv[2], NULL, 10) : 16384;
  g_autoptr(GString) stream = NULL;
  double best_confab = G_MAXDOUBLE;
  double best_libxml2 = G_MAXDOUBLE;
  double mb;
  guint stanzas = 0;

  if (megabytes == 0)
    megabytes = 50;
  if (chunk == 0)
    chunk = 16384;

  xmlInitParser ();
  stream = generate (megabytes * 1000 * 1000);
  mb = stream->len / 1e6;

  /* Alternate, so that neither gets a warmer cache or a quieter machine. */
  for (guint round = 0; round < ROUNDS; round++)
    {
      best_libxml2 = MIN (best_libxml2, run_libxml2 (stream, chunk));
      best_confab = MIN (best_confab, run_confab (stream, chunk, &stanzas));
    }

  g_print ("stream: %.1f MB, %u stanzas, %" G_GSIZE_FORMAT "-byte chunks, best of %u\n",
           mb, stanzas, chunk, ROUNDS);
  g_print ("parser: %.1f MB/s (%.0f stanzas/s)\n", mb / best_confab, stanzas / best_confab);
  g_print ("libxml2-sax: %.1f MB/s\n", mb / best_libxml2);
  g_print ("ratio: %.2f\n", best_libxml2 / best_confab);
  return 0;
}
