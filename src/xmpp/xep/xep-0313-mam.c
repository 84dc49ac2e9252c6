/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0313-mam.h"

#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "xep-0030-disco.h"

/* ---- ConfabMamResult ------------------------------------------------------- */

struct _ConfabMamResult {
  grefcount          ref_count;
  char              *id;
  ConfabXmppMessage *message;
  GDateTime         *stamp;      /* nullable */
  gboolean           is_outgoing;
};

G_DEFINE_BOXED_TYPE (ConfabMamResult, confab_mam_result,
                     confab_mam_result_ref, confab_mam_result_unref)

ConfabMamResult *
confab_mam_result_ref (ConfabMamResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  g_ref_count_inc (&result->ref_count);
  return result;
}

void
confab_mam_result_unref (ConfabMamResult *result)
{
  g_return_if_fail (result != NULL);

  if (!g_ref_count_dec (&result->ref_count))
    return;
  g_free (result->id);
  confab_xmpp_message_unref (result->message);
  g_clear_pointer (&result->stamp, g_date_time_unref);
  g_free (result);
}

const char *
confab_mam_result_get_id (ConfabMamResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->id;
}

ConfabXmppMessage *
confab_mam_result_get_message (ConfabMamResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->message;
}

GDateTime *
confab_mam_result_get_stamp (ConfabMamResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return result->stamp;
}

gboolean
confab_mam_result_get_is_outgoing (ConfabMamResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->is_outgoing;
}

/* ---- ConfabMamPage --------------------------------------------------------- */

struct _ConfabMamPage {
  grefcount  ref_count;
  GPtrArray *results;   /* ConfabMamResult */
  gboolean   complete;
  gboolean   stable;
  char      *first;
  char      *last;
  gint64     count;
};

G_DEFINE_BOXED_TYPE (ConfabMamPage, confab_mam_page,
                     confab_mam_page_ref, confab_mam_page_unref)

ConfabMamPage *
confab_mam_page_ref (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, NULL);

  g_ref_count_inc (&page->ref_count);
  return page;
}

void
confab_mam_page_unref (ConfabMamPage *page)
{
  g_return_if_fail (page != NULL);

  if (!g_ref_count_dec (&page->ref_count))
    return;
  g_ptr_array_unref (page->results);
  g_free (page->first);
  g_free (page->last);
  g_free (page);
}

GPtrArray *
confab_mam_page_get_results (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, NULL);
  return page->results;
}

gboolean
confab_mam_page_get_complete (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, FALSE);
  return page->complete;
}

gboolean
confab_mam_page_get_stable (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, TRUE);
  return page->stable;
}

const char *
confab_mam_page_get_first (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, NULL);
  return page->first;
}

const char *
confab_mam_page_get_last (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, NULL);
  return page->last;
}

gint64
confab_mam_page_get_count (ConfabMamPage *page)
{
  g_return_val_if_fail (page != NULL, -1);
  return page->count;
}

/* ---- Building the query ---------------------------------------------------- */

static guint
clamp_max (guint max)
{
  if (max == 0)
    return CONFAB_XEP_MAM_DEFAULT_PAGE;
  return MIN (max, CONFAB_XEP_MAM_MAX_PAGE);
}

static void
add_field (ConfabXmppNode *form,
           const char     *var,
           const char     *type,
           const char     *value)
{
  ConfabXmppNode *field = confab_xmpp_node_add_child (form, "field", NULL);

  confab_xmpp_node_set_attr (field, "var", var);
  if (type != NULL)
    confab_xmpp_node_set_attr (field, "type", type);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (field, "value", NULL), value);
}

/* XEP-0082 §3.2 DateTime in UTC, with microseconds only when non-zero. */
static char *
format_stamp (GDateTime *when)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (when);

  if (g_date_time_get_microsecond (utc) != 0)
    return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

ConfabXmppNode *
confab_xep_mam_build_query (ConfabJid   *archive,
                            ConfabJid   *with,
                            GDateTime   *start,
                            GDateTime   *end,
                            const char  *after_id,
                            const char  *before_id,
                            guint        max,
                            const char  *query_id)
{
  g_autoptr(ConfabXmppNode) iq = NULL;
  ConfabXmppNode *query, *form, *set;
  g_autofree char *max_text = NULL;

  g_return_val_if_fail (query_id != NULL && *query_id != '\0', NULL);
  g_return_val_if_fail (after_id == NULL || before_id == NULL, NULL);

  /* XEP-0313 §4: a 'set' to the archive; none means our own account. */
  iq = confab_xmpp_iq_new ("set", archive != NULL ? confab_jid_get_bare_string (archive) : NULL,
                           NULL);
  query = confab_xmpp_node_add_child (iq, "query", CONFAB_XMPP_NS_MAM);
  confab_xmpp_node_set_attr (query, "queryid", query_id);

  /* XEP-0313 §4.1: a XEP-0004 submitted form whose hidden FORM_TYPE is
   * the namespace; 'with' (§4.1.1) and 'start'/'end' (§4.1.2) are the
   * fields every server supports, so no need to fetch the form first
   * (§4.1.5). */
  form = confab_xmpp_node_add_child (query, "x", CONFAB_XEP_DISCO_NS_DATA);
  confab_xmpp_node_set_attr (form, "type", "submit");
  add_field (form, "FORM_TYPE", "hidden", CONFAB_XMPP_NS_MAM);
  if (with != NULL)
    add_field (form, "with", NULL, confab_jid_to_string (with));
  if (start != NULL)
    {
      g_autofree char *text = format_stamp (start);
      add_field (form, "start", NULL, text);
    }
  if (end != NULL)
    {
      g_autofree char *text = format_stamp (end);
      add_field (form, "end", NULL, text);
    }

  /* XEP-0313 §4.3.1 and XEP-0059 §2.1: the page size; §2.2 pages forward
   * with <after>, §2.3 backward with <before>, and an empty <before/> is
   * the last page (§2.5, XEP-0313 §4.3.3). The archive ids are the RSM
   * UIDs (XEP-0313 §4.3.1). */
  set = confab_xmpp_node_add_child (query, "set", CONFAB_XMPP_NS_RSM);
  max_text = g_strdup_printf ("%u", clamp_max (max));
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (set, "max", NULL), max_text);
  if (after_id != NULL)
    confab_xmpp_node_set_text (confab_xmpp_node_add_child (set, "after", NULL), after_id);
  else if (before_id != NULL)
    confab_xmpp_node_set_text (confab_xmpp_node_add_child (set, "before", NULL), before_id);

  return g_steal_pointer (&iq);
}

/* ---- Parsing results ------------------------------------------------------- */

/* XEP-0082 §3.2 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD, TZD being Z or
 * (+|-)hh:mm. GLib's ISO 8601 parser is more permissive (it accepts a
 * missing zone, meaning local time), so check the form first. */
static gboolean
is_datetime (const char *text)
{
  static const char pattern[] = "9999-99-99T99:99:99";
  const char *p = text;

  for (gsize i = 0; i < sizeof pattern - 1; i++, p++)
    {
      if (pattern[i] == '9' ? !g_ascii_isdigit (*p) : *p != pattern[i])
        return FALSE;
    }
  if (*p == '.')
    {
      const char *digits = ++p;

      while (g_ascii_isdigit (*p))
        p++;
      if (p == digits || p - digits > 9)
        return FALSE;
    }
  if (strcmp (p, "Z") == 0)
    return TRUE;
  return strlen (p) == 6 && (p[0] == '+' || p[0] == '-')
         && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) && p[3] == ':'
         && g_ascii_isdigit (p[4]) && g_ascii_isdigit (p[5]);
}

static GDateTime *
parse_datetime (const char *text)
{
  g_autoptr(GTimeZone) utc = NULL;

  if (text == NULL || !is_datetime (text))
    return NULL;
  utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (text, utc);
}

static gboolean
valid_id (const char *id)
{
  return id != NULL && *id != '\0' && strlen (id) <= CONFAB_XMPP_MESSAGE_MAX_ID_LEN;
}

static gpointer
reject (GError     **error,
        const char  *reason)
{
  g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL, reason);
  return NULL;
}

/* XEP-0313 §8.2: the result must come from the archive we queried. */
static gboolean
from_archive (ConfabXmppNode *stanza,
              ConfabJid      *own_jid,
              ConfabJid      *archive)
{
  const char *from_text = confab_xmpp_node_get_attr (stanza, "from");
  g_autoptr(ConfabJid) from = NULL;

  if (from_text == NULL)
    {
      /* RFC 6120 §8.1.2.1: no 'from' means our own account, which is the
       * archive only when we queried our own. */
      return archive == NULL || confab_jid_equal_bare (archive, own_jid);
    }
  from = confab_jid_parse (from_text, NULL);
  if (from == NULL || !confab_jid_is_bare (from))
    return FALSE;
  /* XEP-0313 §3.3: user archives live on the account's bare JID, room
   * archives on the room's; our own full JID is a client, not the archive. */
  return confab_jid_equal_bare (from, archive != NULL ? archive : own_jid);
}

ConfabMamResult *
confab_xep_mam_parse_result (ConfabXmppNode  *stanza,
                             ConfabJid       *own_jid,
                             ConfabJid       *archive,
                             const char      *query_id,
                             GError         **error)
{
  ConfabXmppNode *result_node, *forwarded, *inner, *delay;
  g_autoptr(ConfabXmppMessage) message = NULL;
  g_autoptr(GDateTime) stamp = NULL;
  const char *id;
  ConfabMamResult *result;

  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (own_jid != NULL, NULL);
  g_return_val_if_fail (query_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT))
    return NULL;
  result_node = confab_xmpp_node_get_child (stanza, "result", CONFAB_XMPP_NS_MAM);
  if (result_node == NULL)
    return NULL;

  /* XEP-0313 §8.2: results only for an open query of ours ... */
  if (g_strcmp0 (confab_xmpp_node_get_attr (result_node, "queryid"), query_id) != 0)
    return reject (error, "MAM result for another query");
  /* ... and only from the entity we queried. */
  if (!from_archive (stanza, own_jid, archive))
    return reject (error, "MAM result not from the archive");

  /* XEP-0313 §4.2: 'id' is the archive UID, which paging relies on. */
  id = confab_xmpp_node_get_attr (result_node, "id");
  if (!valid_id (id))
    return reject (error, "MAM result without a valid archive id");

  /* XEP-0297 §3: <forwarded><message/></forwarded>. A result whose
   * message the server withheld (XEP-0313 §3.2) carries nothing to store. */
  forwarded = confab_xmpp_node_get_child (result_node, "forwarded", CONFAB_XMPP_NS_FORWARD);
  if (forwarded == NULL)
    return reject (error, "MAM result without <forwarded/>");
  inner = confab_xmpp_node_get_child (forwarded, "message", CONFAB_XMPP_NS_CLIENT);
  if (inner == NULL)
    return reject (error, "MAM result without a forwarded message");

  /* XEP-0313 §4.2: SHOULD carry a XEP-0203 <delay/> with the time the
   * archive received the message. Missing is tolerated; malformed is not. */
  delay = confab_xmpp_node_get_child (forwarded, "delay", CONFAB_XMPP_NS_DELAY);
  if (delay != NULL)
    {
      stamp = parse_datetime (confab_xmpp_node_get_attr (delay, "stamp"));
      if (stamp == NULL)
        return reject (error, "MAM result with a malformed <delay/> stamp");
    }

  message = confab_xmpp_message_parse (inner, own_jid, error);
  if (message == NULL)
    return NULL;

  result = g_new0 (ConfabMamResult, 1);
  g_ref_count_init (&result->ref_count);
  result->id = g_strdup (id);
  /* A forwarded message from our own account was sent by one of our
   * devices: legitimate in our own archive (XEP-0313 §3: outgoing). */
  result->is_outgoing = confab_jid_equal_bare (confab_xmpp_message_get_from (message), own_jid);
  result->message = g_steal_pointer (&message);
  result->stamp = g_steal_pointer (&stamp);
  return result;
}

/* ---- The collector ------------------------------------------------------- */

struct _ConfabMamCollector {
  ConfabJid *own_jid;
  ConfabJid *archive;   /* bare, or NULL for our own */
  char      *query_id;
  guint      limit;     /* results accepted before overflowing */
  GPtrArray *results;
  gboolean   overflowed;
  gboolean   finished;
};

ConfabMamCollector *
confab_mam_collector_new (ConfabJid  *own_jid,
                          ConfabJid  *archive,
                          const char *query_id,
                          guint       max)
{
  ConfabMamCollector *collector;

  g_return_val_if_fail (own_jid != NULL, NULL);
  g_return_val_if_fail (query_id != NULL && *query_id != '\0', NULL);

  collector = g_new0 (ConfabMamCollector, 1);
  collector->own_jid = confab_jid_ref (own_jid);
  collector->archive = archive != NULL ? confab_jid_get_bare (archive) : NULL;
  collector->query_id = g_strdup (query_id);
  collector->limit = clamp_max (max) + CONFAB_XEP_MAM_RESULT_SLACK;
  collector->results = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_mam_result_unref);
  return collector;
}

void
confab_mam_collector_free (ConfabMamCollector *collector)
{
  if (collector == NULL)
    return;
  confab_jid_unref (collector->own_jid);
  g_clear_pointer (&collector->archive, confab_jid_unref);
  g_free (collector->query_id);
  g_ptr_array_unref (collector->results);
  g_free (collector);
}

const char *
confab_mam_collector_get_query_id (ConfabMamCollector *collector)
{
  g_return_val_if_fail (collector != NULL, NULL);
  return collector->query_id;
}

ConfabMamOffer
confab_mam_collector_offer (ConfabMamCollector *collector,
                            ConfabXmppNode     *stanza,
                            GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  ConfabMamResult *result;

  g_return_val_if_fail (collector != NULL, CONFAB_MAM_OFFER_NOT_RESULT);
  g_return_val_if_fail (stanza != NULL, CONFAB_MAM_OFFER_NOT_RESULT);
  g_return_val_if_fail (error == NULL || *error == NULL, CONFAB_MAM_OFFER_NOT_RESULT);

  result = confab_xep_mam_parse_result (stanza, collector->own_jid, collector->archive,
                                        collector->query_id, &local_error);
  if (result == NULL && local_error == NULL)
    return CONFAB_MAM_OFFER_NOT_RESULT;
  if (result == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return CONFAB_MAM_OFFER_REJECTED;
    }

  /* XEP-0313 §4.2: the server sends the IQ result after the last result;
   * anything later for this query is not part of it. */
  if (collector->finished || collector->overflowed)
    {
      confab_mam_result_unref (result);
      reject (error, collector->finished ? "MAM result after the end of its query"
                                         : "MAM result for a query that failed");
      return CONFAB_MAM_OFFER_REJECTED;
    }
  if (collector->results->len >= collector->limit)
    {
      confab_mam_result_unref (result);
      collector->overflowed = TRUE;
      /* The results are dropped now: no point keeping a page that failed. */
      g_ptr_array_set_size (collector->results, 0);
      reject (error, "The archive sent more results than the page size");
      return CONFAB_MAM_OFFER_OVERFLOW;
    }
  g_ptr_array_add (collector->results, result);
  return CONFAB_MAM_OFFER_ACCEPTED;
}

static gboolean
is_true (const char *value)
{
  /* XML Schema boolean, as XEP-0004 and XEP-0313 §4.3.2 use. */
  return g_strcmp0 (value, "true") == 0 || g_strcmp0 (value, "1") == 0;
}

static gboolean
is_false (const char *value)
{
  return g_strcmp0 (value, "false") == 0 || g_strcmp0 (value, "0") == 0;
}

ConfabMamPage *
confab_mam_collector_finish (ConfabMamCollector *collector,
                             ConfabXmppNode     *iq_result,
                             GError            **error)
{
  ConfabXmppNode *fin, *set;
  g_autoptr(ConfabMamPage) page = NULL;

  g_return_val_if_fail (collector != NULL, NULL);
  g_return_val_if_fail (iq_result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (collector->finished)
    return reject (error, "MAM query already finished");
  collector->finished = TRUE;
  if (collector->overflowed)
    return reject (error, "The archive sent more results than the page size");

  /* XEP-0313 §4: the IQ result MUST hold <fin/> with an RSM <set/>. */
  fin = confab_xmpp_node_get_child (iq_result, "fin", CONFAB_XMPP_NS_MAM);
  if (fin == NULL)
    return reject (error, "MAM query result without <fin/>");

  page = g_new0 (ConfabMamPage, 1);
  g_ref_count_init (&page->ref_count);
  page->results = g_ptr_array_ref (collector->results);
  page->count = -1;
  /* XEP-0313 §4.3.2: complete='true' on the last page; stable='false'
   * when the results may still change. */
  page->complete = is_true (confab_xmpp_node_get_attr (fin, "complete"));
  page->stable = !is_false (confab_xmpp_node_get_attr (fin, "stable"));

  /* The <set/> may be missing from a broken server; then there is no
   * cursor to page on and the caller stops (see the header). */
  set = confab_xmpp_node_get_child (fin, "set", CONFAB_XMPP_NS_RSM);
  if (set != NULL)
    {
      const char *first = confab_xmpp_node_get_child_text (set, "first", CONFAB_XMPP_NS_RSM);
      const char *last = confab_xmpp_node_get_child_text (set, "last", CONFAB_XMPP_NS_RSM);
      const char *count = confab_xmpp_node_get_child_text (set, "count", CONFAB_XMPP_NS_RSM);
      guint64 n;

      /* XEP-0059 §2.2: the ids we would page by; a bad one is a broken
       * reply rather than something to send back to the server. */
      if ((first != NULL && !valid_id (first)) || (last != NULL && !valid_id (last)))
        return reject (error, "MAM <fin/> with an invalid RSM id");
      page->first = g_strdup (first);
      page->last = g_strdup (last);
      /* XEP-0059 §2.7: optional, and XEP-0313 §4.3.2 says not to depend
       * on it; an invalid one is ignored. */
      if (count != NULL && g_ascii_string_to_unsigned (count, 10, 0, G_MAXINT64, &n, NULL))
        page->count = (gint64) n;
    }

  return g_steal_pointer (&page);
}

/* ---- The module ------------------------------------------------------------ */

struct _ConfabXepMam {
  GObject           parent_instance;

  ConfabXmppStream *stream;   /* unowned: the stream owns its modules */
  gulong            stanza_handler;
  GHashTable       *queries;  /* queryid (owned by the Query) → Query */
};

/* One open query; shared by the table and the IQ callback. */
typedef struct {
  grefcount           ref_count;
  ConfabMamCollector *collector;
  GTask              *task;     /* NULL once completed */
} Query;

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepMam, confab_xep_mam, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

static Query *
query_ref (Query *query)
{
  g_ref_count_inc (&query->ref_count);
  return query;
}

static void
query_unref (Query *query)
{
  if (!g_ref_count_dec (&query->ref_count))
    return;
  g_assert (query->task == NULL);
  confab_mam_collector_free (query->collector);
  g_free (query);
}

/* Completes @query's task (once) and closes the query: later results for
 * its queryid find no open query. */
static void
query_complete (ConfabXepMam  *self,
                Query         *query,
                ConfabMamPage *page,
                GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&query->task);

  if (task == NULL)
    {
      g_clear_error (&error);
      g_clear_pointer (&page, confab_mam_page_unref);
      return;
    }
  g_hash_table_remove (self->queries, confab_mam_collector_get_query_id (query->collector));
  if (page != NULL)
    g_task_return_pointer (task, page, (GDestroyNotify) confab_mam_page_unref);
  else
    g_task_return_error (task, error);
}

static ConfabJid *
own_jid (ConfabXepMam *self)
{
  ConfabJid *bound;

  if (self->stream == NULL)
    return NULL;
  bound = confab_xmpp_stream_get_bound_jid (self->stream);
  return bound != NULL ? bound : confab_xmpp_stream_get_jid (self->stream);
}

void
confab_xep_mam_handle_stanza (ConfabXepMam   *self,
                              ConfabXmppNode *stanza)
{
  ConfabXmppNode *result;
  const char *query_id;
  Query *query;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONFAB_IS_XEP_MAM (self));
  g_return_if_fail (stanza != NULL);

  if (!confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT))
    return;
  result = confab_xmpp_node_get_child (stanza, "result", CONFAB_XMPP_NS_MAM);
  if (result == NULL)
    return;

  query_id = confab_xmpp_node_get_attr (result, "queryid");
  query = query_id != NULL ? g_hash_table_lookup (self->queries, query_id) : NULL;
  if (query == NULL)
    {
      /* XEP-0313 §8.2: unsolicited, or late (after its IQ result). */
      g_debug ("Dropping a MAM result from %s: no open query '%s'",
               confab_xmpp_node_get_attr (stanza, "from") ?: "(none)", query_id ?: "");
      return;
    }

  switch (confab_mam_collector_offer (query->collector, stanza, &error))
    {
    case CONFAB_MAM_OFFER_ACCEPTED:
    case CONFAB_MAM_OFFER_NOT_RESULT:
      break;
    case CONFAB_MAM_OFFER_REJECTED:
      g_debug ("Dropping a MAM result from %s: %s",
               confab_xmpp_node_get_attr (stanza, "from") ?: "(none)", error->message);
      break;
    case CONFAB_MAM_OFFER_OVERFLOW:
      g_debug ("Failing MAM query '%s': %s", query_id, error->message);
      query_ref (query);
      query_complete (self, query, NULL, g_steal_pointer (&error));
      query_unref (query);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
stanza_received_cb (ConfabXmppStream *stream,
                    ConfabXmppNode   *stanza,
                    gpointer          user_data)
{
  ConfabXepMam *self = user_data;

  g_assert (CONFAB_IS_XEP_MAM (self));
  confab_xep_mam_handle_stanza (self, stanza);
}

typedef struct {
  ConfabXepMam *self;
  Query        *query;
} QueryCall;

static void
query_iq_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  QueryCall *call = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  ConfabMamPage *page = NULL;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  /* The collector ends with the IQ result: results after it are refused
   * even before the query leaves the table below. */
  if (reply != NULL)
    page = confab_mam_collector_finish (call->query->collector, reply, &error);
  query_complete (call->self, call->query, page, page == NULL ? g_steal_pointer (&error) : NULL);

  query_unref (call->query);
  g_object_unref (call->self);
  g_free (call);
}

void
confab_xep_mam_query_async (ConfabXepMam        *self,
                            ConfabJid           *archive,
                            ConfabJid           *with,
                            GDateTime           *start,
                            GDateTime           *end,
                            const char          *after_id,
                            const char          *before_id,
                            guint                max,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;
  g_autofree char *query_id = NULL;
  ConfabJid *own;
  Query *query;
  QueryCall *call;

  g_return_if_fail (CONFAB_IS_XEP_MAM (self));
  g_return_if_fail (after_id == NULL || before_id == NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_mam_query_async);

  if (self->stream == NULL
      || confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  own = own_jid (self);
  /* Our own bare JID as the archive is the same as none: address it
   * without 'to' (XEP-0313 §4 examples) and accept results without 'from'. */
  if (archive != NULL && confab_jid_equal_bare (archive, own))
    archive = NULL;

  /* Unpredictable, so that no one else can address results to it. */
  query_id = confab_xmpp_new_id ();
  iq = confab_xep_mam_build_query (archive, with, start, end, after_id, before_id, max,
                                   query_id);

  query = g_new0 (Query, 1);
  g_ref_count_init (&query->ref_count);
  query->collector = confab_mam_collector_new (own, archive, query_id, max);
  query->task = g_steal_pointer (&task);
  g_hash_table_insert (self->queries,
                       (gpointer) confab_mam_collector_get_query_id (query->collector),
                       query);

  call = g_new0 (QueryCall, 1);
  call->self = g_object_ref (self);
  call->query = query_ref (query);
  /* The stream takes the reply only from the archive (or our account),
   * so a contact cannot forge the <fin/> either. */
  confab_xmpp_stream_send_iq_async (self->stream, iq, CONFAB_XEP_MAM_TIMEOUT, cancellable,
                                    query_iq_cb, call);
}

ConfabMamPage *
confab_xep_mam_query_finish (ConfabXepMam  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_MAM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == confab_xep_mam_query_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char **
confab_xep_mam_dup_open_query_ids (ConfabXepMam *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (CONFAB_IS_XEP_MAM (self), NULL);

  g_hash_table_iter_init (&iter, self->queries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

static void
confab_xep_mam_attach (ConfabXmppModule *module,
                       ConfabXmppStream *stream)
{
  ConfabXepMam *self = CONFAB_XEP_MAM (module);

  g_return_if_fail (self->stream == NULL);

  /* No disco feature: MAM is the server's feature, not ours. */
  self->stream = stream;
  self->stanza_handler = g_signal_connect (stream, "stanza-received",
                                           G_CALLBACK (stanza_received_cb), self);
}

static void
confab_xep_mam_detach (ConfabXmppModule *module,
                       ConfabXmppStream *stream)
{
  ConfabXepMam *self = CONFAB_XEP_MAM (module);

  if (self->stream != stream)
    return;
  g_clear_signal_handler (&self->stanza_handler, stream);
  self->stream = NULL;
  /* Open queries end when the stream fails or answers their IQ; until then
   * they simply receive no more results. */
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_mam_attach;
  iface->detach = confab_xep_mam_detach;
}

static void
confab_xep_mam_dispose (GObject *object)
{
  ConfabXepMam *self = CONFAB_XEP_MAM (object);

  if (self->stream != NULL)
    confab_xep_mam_detach (CONFAB_XMPP_MODULE (self), self->stream);
  G_OBJECT_CLASS (confab_xep_mam_parent_class)->dispose (object);
}

static void
confab_xep_mam_finalize (GObject *object)
{
  ConfabXepMam *self = CONFAB_XEP_MAM (object);

  /* Every open query holds a reference to us through its GTask. */
  g_assert (g_hash_table_size (self->queries) == 0);
  g_hash_table_unref (self->queries);
  G_OBJECT_CLASS (confab_xep_mam_parent_class)->finalize (object);
}

static void
confab_xep_mam_class_init (ConfabXepMamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_xep_mam_dispose;
  object_class->finalize = confab_xep_mam_finalize;
}

static void
confab_xep_mam_init (ConfabXepMam *self)
{
  self->queries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) query_unref);
}

ConfabXepMam *
confab_xep_mam_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_MAM, NULL);
}
