/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-xmpp-uri.c: `xmpp:` URIs (RFC 5122) and their query actions
 * (XEP-0147), parsed strictly.
 *
 * Copyright 2026 The Confab developers
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "confab-core-error.h"
#include "confab-jid.h"
#include "confab-xmpp-uri.h"

/* More pairs than any registered action uses (XEP-0147 §3) is an attack or
 * a mistake. */
#define MAX_PAIRS 16

struct _ConfabXmppUri
{
  ConfabXmppUriAction  action;
  char                *query_type;
  char                *jid;
  char                *bare_jid;
  char                *account;
  /* key, value, key, value, …, NULL */
  GStrv                params;
};

G_DEFINE_BOXED_TYPE (ConfabXmppUri, confab_xmpp_uri, confab_xmpp_uri_copy, confab_xmpp_uri_free)

/* Character classes of RFC 5122 §2.3 (with RFC 3986 §2.2-2.3 and the IRI
 * rule of RFC 3987 §2.2 that non-ASCII characters are iunreserved). */
typedef enum {
  CLASS_NODE,      /* nodeid: unreserved / nodeallow */
  CLASS_HOST,      /* ireg-name / IP-literal */
  CLASS_RESOURCE,  /* resid: unreserved / resallow */
  CLASS_QUERY,     /* querytype, key, value: unreserved only */
  CLASS_FRAGMENT,  /* ifragment */
} CharClass;

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~' || c >= 0x80;
}

static gboolean
is_allowed (guchar    c,
            CharClass klass)
{
  if (is_unreserved (c))
    return TRUE;

  switch (klass)
    {
    case CLASS_NODE:
      return strchr ("!$()*+,;=", c) != NULL && c != '\0';
    case CLASS_HOST:
      return strchr ("!$&'()*+,;=[]:", c) != NULL && c != '\0';
    case CLASS_RESOURCE:
      return strchr ("!$&'()*+,:;=", c) != NULL && c != '\0';
    case CLASS_QUERY:
      return FALSE;
    case CLASS_FRAGMENT:
      return strchr ("!$&'()*+,;=:@/?", c) != NULL && c != '\0';
    default:
      g_assert_not_reached ();
    }
}

static gboolean
set_invalid (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID, message);
  return FALSE;
}

static gpointer
fail (GError     **error,
      const char  *message)
{
  set_invalid (error, message);
  return NULL;
}

/* Percent-decodes text[0..length) (RFC 3986 §2.1) after checking every raw
 * character against @klass. The result is valid UTF-8 without NUL (or
 * without any C0 control when @allow_controls is FALSE), else NULL. */
static char *
decode (const char  *text,
        gsize        length,
        CharClass    klass,
        gboolean     allow_controls,
        const char  *what,
        GError     **error)
{
  g_autoptr(GString) out = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c == '%')
        {
          int high, low;

          if (i + 2 >= length)
            high = low = -1;
          else
            {
              high = g_ascii_xdigit_value (text[i + 1]);
              low = g_ascii_xdigit_value (text[i + 2]);
            }
          if (high < 0 || low < 0)
            {
              g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                           _("The link has a broken percent-encoding in its %s"), what);
              return NULL;
            }
          g_string_append_c (out, (char) (high * 16 + low));
          i += 2;
        }
      else if (is_allowed (c, klass))
        {
          g_string_append_c (out, (char) c);
        }
      else
        {
          g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                       _("The link has a character that is not allowed in its %s"), what);
          return NULL;
        }
    }

  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                   _("The link’s %s is not valid UTF-8"), what);
      return NULL;
    }
  for (gsize i = 0; i < out->len; i++)
    {
      guchar c = out->str[i];

      if (c == '\0' || c == 0x7f
          || (c < 0x20 && !(allow_controls && (c == '\n' || c == '\r' || c == '\t'))))
        {
          g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                       _("The link has a control character in its %s"), what);
          return NULL;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* pathxmpp = [ nodeid "@" ] host [ "/" resid ] (RFC 5122 §2.3); the JID
 * itself is validated by RFC 7622 rules. */
static ConfabJid *
parse_jid (const char  *text,
           gsize        length,
           gboolean     need_node,
           GError     **error)
{
  const char *end = text + length;
  const char *slash = memchr (text, '/', length);
  const char *host_end = slash != NULL ? slash : end;
  const char *at = memchr (text, '@', host_end - text);
  g_autofree char *node = NULL;
  g_autofree char *host = NULL;
  g_autofree char *resource = NULL;
  g_autoptr(GError) local_error = NULL;
  ConfabJid *jid;

  if (at != NULL)
    {
      if (at == text)
        {
          set_invalid (error, _("The address in the link has an empty user name"));
          return NULL;
        }
      node = decode (text, at - text, CLASS_NODE, FALSE, _("address"), error);
      if (node == NULL)
        return NULL;
      text = at + 1;
    }
  else if (need_node)
    {
      set_invalid (error, _("The account in the link has no user name"));
      return NULL;
    }

  if (host_end == text)
    {
      set_invalid (error, _("The link has no server in its address"));
      return NULL;
    }
  host = decode (text, host_end - text, CLASS_HOST, FALSE, _("address"), error);
  if (host == NULL)
    return NULL;

  if (slash != NULL)
    {
      if (slash + 1 == end)
        {
          set_invalid (error, _("The address in the link has an empty resource"));
          return NULL;
        }
      resource = decode (slash + 1, end - slash - 1, CLASS_RESOURCE, FALSE, _("address"), error);
      if (resource == NULL)
        return NULL;
    }

  jid = confab_jid_new (node, host, resource, &local_error);
  if (jid == NULL)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                   _("The address in the link is not valid: %s"), local_error->message);
      return NULL;
    }
  return jid;
}

static ConfabXmppUriAction
action_from_query_type (const char *type)
{
  /* XEP-0147 §3: the registered query types Confab acts on. Others (e.g.
   * "vcard", "pubsub") are ignored: RFC 5122 §2.5 lets an application that
   * does not understand a query act as if there were none. */
  if (g_strcmp0 (type, "message") == 0)
    return CONFAB_XMPP_URI_ACTION_MESSAGE;
  if (g_strcmp0 (type, "roster") == 0)
    return CONFAB_XMPP_URI_ACTION_ROSTER;
  if (g_strcmp0 (type, "subscribe") == 0)
    return CONFAB_XMPP_URI_ACTION_SUBSCRIBE;
  if (g_strcmp0 (type, "join") == 0)
    return CONFAB_XMPP_URI_ACTION_JOIN;
  return CONFAB_XMPP_URI_ACTION_NONE;
}

/* querycomp = querytype [ *pair ]; pair = ";" key "=" value */
static gboolean
parse_query (ConfabXmppUri  *uri,
             const char     *text,
             gsize           length,
             GError        **error)
{
  const char *end = text + length;
  const char *p = memchr (text, ';', length);
  const char *type_end = p != NULL ? p : end;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (type_end == text)
    return set_invalid (error, _("The link has a query without an action"));
  uri->query_type = decode (text, type_end - text, CLASS_QUERY, FALSE, _("action"), error);
  if (uri->query_type == NULL)
    return FALSE;
  uri->action = action_from_query_type (uri->query_type);

  while (p != NULL && p < end)
    {
      const char *start = p + 1;
      const char *next = memchr (start, ';', end - start);
      const char *pair_end = next != NULL ? next : end;
      const char *equals = memchr (start, '=', pair_end - start);
      char *key;
      char *value;

      if (equals == NULL || equals == start)
        return set_invalid (error, _("The link has a query parameter without a name or value"));
      if (g_hash_table_size (seen) >= MAX_PAIRS)
        return set_invalid (error, _("The link has too many query parameters"));

      key = decode (start, equals - start, CLASS_QUERY, FALSE, _("query"), error);
      if (key == NULL)
        return FALSE;
      if (g_hash_table_contains (seen, key))
        {
          g_free (key);
          return set_invalid (error, _("The link repeats a query parameter"));
        }
      value = decode (equals + 1, pair_end - equals - 1, CLASS_QUERY, TRUE, _("query"), error);
      if (value == NULL)
        {
          g_free (key);
          return FALSE;
        }
      g_strv_builder_add (builder, key);
      g_strv_builder_add (builder, value);
      g_free (value);
      g_hash_table_add (seen, key);
      p = next;
    }

  uri->params = g_strv_builder_end (builder);
  return TRUE;
}

/**
 * confab_xmpp_uri_parse_len:
 * @text: the URI
 * @length: its length in bytes, or -1 when nul-terminated
 * @error: return location for a CONFAB_CORE_ERROR_INVALID error
 *
 * Returns: (transfer full) (nullable): the parsed URI
 */
ConfabXmppUri *
confab_xmpp_uri_parse_len (const char  *text,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(ConfabXmppUri) uri = NULL;
  g_autoptr(ConfabJid) jid = NULL;
  const char *p, *end, *path_end, *query_end;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if ((gsize) length > CONFAB_XMPP_URI_MAX_LENGTH)
    return fail (error, _("The link is too long"));
  if (memchr (text, '\0', length) != NULL)
    return fail (error, _("The link contains a NUL character"));
  if (!g_utf8_validate_len (text, length, NULL))
    return fail (error, _("The link is not valid UTF-8"));

  /* RFC 3986 §3.1: the scheme is case-insensitive. */
  if (length < 5 || g_ascii_strncasecmp (text, "xmpp:", 5) != 0)
    return fail (error, _("The link is not an xmpp: link"));

  uri = g_new0 (ConfabXmppUri, 1);
  p = text + 5;
  end = text + length;

  /* The fragment is not used by XMPP (RFC 5122 §2.3) but must be well
   * formed. */
  query_end = memchr (p, '#', end - p);
  if (query_end != NULL)
    {
      g_autofree char *fragment = decode (query_end + 1, end - query_end - 1,
                                          CLASS_FRAGMENT, FALSE, _("fragment"), error);
      if (fragment == NULL)
        return NULL;
    }
  else
    query_end = end;
  path_end = memchr (p, '?', query_end - p);
  if (path_end == NULL)
    path_end = query_end;

  /* authpath = "//" authxmpp [ "/" pathxmpp ] */
  if (path_end - p >= 2 && p[0] == '/' && p[1] == '/')
    {
      const char *auth = p + 2;
      const char *auth_end = memchr (auth, '/', path_end - auth);
      g_autoptr(ConfabJid) account = NULL;

      if (auth_end == NULL)
        return fail (error, _("The link names an account but no address"));
      account = parse_jid (auth, auth_end - auth, TRUE, error);
      if (account == NULL)
        return NULL;
      if (!confab_jid_is_bare (account))
        return fail (error, _("The account in the link has a resource"));
      uri->account = g_strdup (confab_jid_get_bare_string (account));
      p = auth_end + 1;
    }

  if (p == path_end)
    return fail (error, _("The link has no address"));
  jid = parse_jid (p, path_end - p, FALSE, error);
  if (jid == NULL)
    return NULL;
  uri->jid = g_strdup (confab_jid_to_string (jid));
  uri->bare_jid = g_strdup (confab_jid_get_bare_string (jid));

  uri->action = CONFAB_XMPP_URI_ACTION_NONE;
  if (path_end < query_end)
    {
      if (!parse_query (uri, path_end + 1, query_end - path_end - 1, error))
        return NULL;
    }
  else
    {
      uri->params = g_new0 (char *, 1);
    }

  return g_steal_pointer (&uri);
}

/**
 * confab_xmpp_uri_parse:
 * @text: a nul-terminated URI
 * @error: return location for a CONFAB_CORE_ERROR_INVALID error
 *
 * Returns: (transfer full) (nullable): the parsed URI
 */
ConfabXmppUri *
confab_xmpp_uri_parse (const char  *text,
                       GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  return confab_xmpp_uri_parse_len (text, -1, error);
}

ConfabXmppUri *
confab_xmpp_uri_copy (const ConfabXmppUri *uri)
{
  ConfabXmppUri *copy;

  g_return_val_if_fail (uri != NULL, NULL);

  copy = g_new0 (ConfabXmppUri, 1);
  copy->action = uri->action;
  copy->query_type = g_strdup (uri->query_type);
  copy->jid = g_strdup (uri->jid);
  copy->bare_jid = g_strdup (uri->bare_jid);
  copy->account = g_strdup (uri->account);
  copy->params = g_strdupv (uri->params);
  return copy;
}

void
confab_xmpp_uri_free (ConfabXmppUri *uri)
{
  if (uri == NULL)
    return;
  g_free (uri->query_type);
  g_free (uri->jid);
  g_free (uri->bare_jid);
  g_free (uri->account);
  g_strfreev (uri->params);
  g_free (uri);
}

ConfabXmppUriAction
confab_xmpp_uri_get_action (const ConfabXmppUri *uri)
{
  g_return_val_if_fail (uri != NULL, CONFAB_XMPP_URI_ACTION_NONE);

  return uri->action;
}

const char *
confab_xmpp_uri_get_query_type (const ConfabXmppUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->query_type;
}

const char *
confab_xmpp_uri_get_jid (const ConfabXmppUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->jid;
}

const char *
confab_xmpp_uri_get_bare_jid (const ConfabXmppUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->bare_jid;
}

const char *
confab_xmpp_uri_get_account (const ConfabXmppUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->account;
}

const char *
confab_xmpp_uri_get_param (const ConfabXmppUri *uri,
                           const char          *key)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; uri->params != NULL && uri->params[i] != NULL; i += 2)
    {
      if (strcmp (uri->params[i], key) == 0)
        return uri->params[i + 1];
    }
  return NULL;
}
