/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0115-caps.h"

#include <string.h>

#include "confab-xmpp-error.h"

/* At most this many entities are asked for one unverified hash before we
 * give up on it (XEP-0115 §5.4 step 3.9: "check ... another generating
 * entity"), and at most this many JIDs wait for one query. */
#define MAX_ATTEMPTS        3
#define MAX_WAITING         32
#define MAX_HASH_LENGTH     256   /* base64 of SHA-512 is 88 */

/* ---- Hash algorithms --------------------------------------------------------- */

gboolean
confab_xep_caps_hash_from_name (const char    *name,
                                GChecksumType *type)
{
  GChecksumType found;

  g_return_val_if_fail (type != NULL, FALSE);

  if (g_strcmp0 (name, "sha-1") == 0)
    found = G_CHECKSUM_SHA1;
  else if (g_strcmp0 (name, "sha-256") == 0)
    found = G_CHECKSUM_SHA256;
  else if (g_strcmp0 (name, "sha-512") == 0)
    found = G_CHECKSUM_SHA512;
  else
    return FALSE;  /* sha3-256, blake2b-256: GChecksum has neither */
  *type = found;
  return TRUE;
}

static char *
hash_base64 (GChecksumType  type,
             const guint8  *data,
             gsize          len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  guint8 digest[64];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, data, len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  /* RFC 4648 §4 with padding and without line breaks. */
  return g_base64_encode (digest, digest_len);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  /* i;octet (RFC 4790 §9.3): strcmp compares as unsigned char. */
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

typedef enum {
  FORM_TYPE_NONE,
  FORM_TYPE_OK,
  FORM_TYPE_CONFLICT,
} FormTypeState;

/* How a form's FORM_TYPE field looks (XEP-0068 §3). */
static FormTypeState
inspect_form_type (ConfabDiscoInfo  *info,
                   guint             form,
                   const char      **value,
                   gboolean         *hidden)
{
  guint n_fields = confab_disco_info_get_n_fields (info, form);
  gboolean seen = FALSE;

  *value = NULL;
  *hidden = FALSE;
  for (guint i = 0; i < n_fields; i++)
    {
      const char *var;
      const char *type;
      const char * const *values;

      confab_disco_info_get_field (info, form, i, &var, &type, &values);
      if (g_strcmp0 (var, "FORM_TYPE") != 0)
        continue;
      if (seen || values[0] == NULL)
        return FORM_TYPE_CONFLICT;
      for (guint j = 1; values[j] != NULL; j++)
        if (!g_str_equal (values[j], values[0]))
          return FORM_TYPE_CONFLICT;
      seen = TRUE;
      *value = values[0];
      *hidden = g_strcmp0 (type, "hidden") == 0;
    }
  return seen ? FORM_TYPE_OK : FORM_TYPE_NONE;
}

static gboolean
ill_formed (GError     **error,
            const char  *why)
{
  g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
               "Capabilities cannot be hashed: %s", why);
  return FALSE;
}

typedef struct {
  const char *category;
  const char *type;
  const char *lang;
  const char *name;
} IdentityRef;

static int
compare_identities (gconstpointer a,
                    gconstpointer b)
{
  const IdentityRef *x = a;
  const IdentityRef *y = b;
  int cmp;

  /* XEP-0115 §5.1 step 2: by category, then type, then xml:lang. */
  if ((cmp = strcmp (x->category, y->category)) != 0)
    return cmp;
  if ((cmp = strcmp (x->type, y->type)) != 0)
    return cmp;
  if ((cmp = strcmp (x->lang != NULL ? x->lang : "", y->lang != NULL ? y->lang : "")) != 0)
    return cmp;
  return strcmp (x->name != NULL ? x->name : "", y->name != NULL ? y->name : "");
}

typedef struct {
  const char *form_type;
  guint       index;
} FormRef;

static int
compare_forms (gconstpointer a,
               gconstpointer b)
{
  return strcmp (((const FormRef *) a)->form_type, ((const FormRef *) b)->form_type);
}

GBytes *
confab_xep_caps_build_string (ConfabDiscoInfo  *info,
                              GError          **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GArray) identities = g_array_new (FALSE, FALSE, sizeof (IdentityRef));
  g_autoptr(GPtrArray) features = g_ptr_array_new ();
  g_autoptr(GArray) forms = g_array_new (FALSE, FALSE, sizeof (FormRef));
  const char * const *all_features;
  guint n;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Steps 1-3: identities as category/type/lang/name<, sorted. A
   * ConfabDiscoInfo never holds duplicate identities or features, which
   * covers §5.4 steps 3.3 and 3.4. */
  n = confab_disco_info_get_n_identities (info);
  for (guint i = 0; i < n; i++)
    {
      IdentityRef ref;

      confab_disco_info_get_identity (info, i, &ref.category, &ref.type, &ref.lang, &ref.name);
      g_array_append_val (identities, ref);
    }
  g_array_sort (identities, compare_identities);
  for (guint i = 0; i < identities->len; i++)
    {
      IdentityRef *ref = &g_array_index (identities, IdentityRef, i);

      g_string_append_printf (s, "%s/%s/%s/%s<", ref->category, ref->type,
                              ref->lang != NULL ? ref->lang : "",
                              ref->name != NULL ? ref->name : "");
    }

  /* Steps 4-5: features, sorted, each followed by '<'. */
  all_features = confab_disco_info_get_features (info);
  for (guint i = 0; all_features[i] != NULL; i++)
    g_ptr_array_add (features, (gpointer) all_features[i]);
  g_ptr_array_sort (features, compare_strings);
  for (guint i = 0; i < features->len; i++)
    {
      g_string_append (s, g_ptr_array_index (features, i));
      g_string_append_c (s, '<');
    }

  /* Steps 6-7 with the checks of §5.4 steps 3.5 and 3.6. */
  n = confab_disco_info_get_n_forms (info);
  for (guint i = 0; i < n; i++)
    {
      FormRef ref = { NULL, i };
      gboolean hidden;

      switch (inspect_form_type (info, i, &ref.form_type, &hidden))
        {
        case FORM_TYPE_CONFLICT:
          ill_formed (error, "a FORM_TYPE with several values");
          return NULL;
        case FORM_TYPE_NONE:
          continue;  /* §5.4 step 3.6: ignore the form */
        case FORM_TYPE_OK:
        default:
          if (!hidden)
            continue;  /* §5.4 step 3.6 */
          break;
        }
      for (guint j = 0; j < forms->len; j++)
        if (g_str_equal (g_array_index (forms, FormRef, j).form_type, ref.form_type))
          {
            ill_formed (error, "two forms with the same FORM_TYPE");
            return NULL;
          }
      g_array_append_val (forms, ref);
    }
  g_array_sort (forms, compare_forms);
  for (guint i = 0; i < forms->len; i++)
    {
      FormRef *ref = &g_array_index (forms, FormRef, i);
      guint n_fields = confab_disco_info_get_n_fields (info, ref->index);
      g_autoptr(GPtrArray) vars = g_ptr_array_new ();

      g_string_append (s, ref->form_type);
      g_string_append_c (s, '<');
      for (guint j = 0; j < n_fields; j++)
        {
          const char *var;

          confab_disco_info_get_field (info, ref->index, j, &var, NULL, NULL);
          if (var == NULL)
            {
              ill_formed (error, "a form field without var");
              return NULL;
            }
          if (!g_str_equal (var, "FORM_TYPE"))
            g_ptr_array_add (vars, GUINT_TO_POINTER (j));
        }
      /* Sort the field indices by var. */
      for (guint a = 1; a < vars->len; a++)
        for (guint b = a; b > 0; b--)
          {
            const char *va, *vb;
            guint ia = GPOINTER_TO_UINT (g_ptr_array_index (vars, b - 1));
            guint ib = GPOINTER_TO_UINT (g_ptr_array_index (vars, b));

            confab_disco_info_get_field (info, ref->index, ia, &va, NULL, NULL);
            confab_disco_info_get_field (info, ref->index, ib, &vb, NULL, NULL);
            if (strcmp (va, vb) <= 0)
              break;
            vars->pdata[b - 1] = GUINT_TO_POINTER (ib);
            vars->pdata[b] = GUINT_TO_POINTER (ia);
          }
      for (guint j = 0; j < vars->len; j++)
        {
          g_autoptr(GPtrArray) values = g_ptr_array_new ();
          const char * const *field_values;
          const char *var;

          confab_disco_info_get_field (info, ref->index, GPOINTER_TO_UINT (g_ptr_array_index (vars, j)),
                                       &var, NULL, &field_values);
          g_string_append (s, var);
          g_string_append_c (s, '<');
          for (guint k = 0; field_values[k] != NULL; k++)
            g_ptr_array_add (values, (gpointer) field_values[k]);
          g_ptr_array_sort (values, compare_strings);
          for (guint k = 0; k < values->len; k++)
            {
              g_string_append (s, g_ptr_array_index (values, k));
              g_string_append_c (s, '<');
            }
        }
    }

  /* Step 8: the node tree holds UTF-8 already. */
  return g_string_free_to_bytes (g_steal_pointer (&s));
}

char *
confab_xep_caps_compute_ver (ConfabDiscoInfo  *info,
                             GChecksumType     type,
                             GError          **error)
{
  g_autoptr(GBytes) s = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  s = confab_xep_caps_build_string (info, error);
  if (s == NULL)
    return NULL;
  /* Step 9. */
  return hash_base64 (type, g_bytes_get_data (s, NULL), g_bytes_get_size (s));
}

/* XEP-0390 §4.1: sort @parts (i;octet), join, then append @terminator. */
static void
append_sorted (GString   *out,
               GPtrArray *parts,
               char       terminator)
{
  g_ptr_array_sort (parts, compare_strings);
  for (guint i = 0; i < parts->len; i++)
    g_string_append (out, g_ptr_array_index (parts, i));
  g_string_append_c (out, terminator);
}

GBytes *
confab_xep_caps2_build_input (ConfabDiscoInfo  *info,
                              GError          **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func (g_free);
  const char * const *features;
  guint n;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Steps 1-2. */
  if (confab_disco_info_has_foreign_content (info))
    {
      ill_formed (error, "unexpected elements in the disco#info result");
      return NULL;
    }

  /* Step 4: Features String; 0x1f after each, 0x1c at the end. */
  features = confab_disco_info_get_features (info);
  for (guint i = 0; features[i] != NULL; i++)
    g_ptr_array_add (parts, g_strconcat (features[i], "\x1f", NULL));
  append_sorted (out, parts, '\x1c');
  g_ptr_array_set_size (parts, 0);

  /* Step 5: Identities String; category, type, xml:lang and name, each
   * followed by 0x1f, then 0x1e per identity, 0x1c at the end. */
  n = confab_disco_info_get_n_identities (info);
  for (guint i = 0; i < n; i++)
    {
      const char *category, *type, *lang, *name;

      confab_disco_info_get_identity (info, i, &category, &type, &lang, &name);
      g_ptr_array_add (parts, g_strconcat (category, "\x1f", type, "\x1f",
                                           lang != NULL ? lang : "", "\x1f",
                                           name != NULL ? name : "", "\x1f\x1e", NULL));
    }
  append_sorted (out, parts, '\x1c');
  g_ptr_array_set_size (parts, 0);

  /* Step 6: Extensions String. */
  n = confab_disco_info_get_n_forms (info);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) form = g_string_new (NULL);
      guint n_fields = confab_disco_info_get_n_fields (info, i);
      const char *form_type;
      gboolean hidden;

      /* Step 3: every form follows XEP-0068 (one hidden FORM_TYPE). */
      if (inspect_form_type (info, i, &form_type, &hidden) != FORM_TYPE_OK || !hidden)
        {
          ill_formed (error, "a form without a hidden FORM_TYPE");
          return NULL;
        }
      for (guint j = 0; j < n_fields; j++)
        {
          g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
          g_autoptr(GString) field = g_string_new (NULL);
          const char * const *field_values;
          const char *var;

          confab_disco_info_get_field (info, i, j, &var, NULL, &field_values);
          if (var == NULL)
            {
              ill_formed (error, "a form field without var");
              return NULL;
            }
          for (guint k = 0; field_values[k] != NULL; k++)
            g_ptr_array_add (values, g_strconcat (field_values[k], "\x1f", NULL));
          g_string_append (field, var);
          g_string_append_c (field, '\x1f');
          append_sorted (field, values, '\x1e');
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
        }
      append_sorted (form, fields, '\x1d');
      g_ptr_array_add (forms, g_string_free (g_steal_pointer (&form), FALSE));
    }
  append_sorted (out, forms, '\x1c');

  /* Step 7. */
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

char *
confab_xep_caps2_compute_hash (ConfabDiscoInfo  *info,
                               GChecksumType     type,
                               GError          **error)
{
  g_autoptr(GBytes) input = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  input = confab_xep_caps2_build_input (info, error);
  if (input == NULL)
    return NULL;
  return hash_base64 (type, g_bytes_get_data (input, NULL), g_bytes_get_size (input));
}

/* ---- The module ------------------------------------------------------------- */

struct _ConfabXepCaps {
  GObject           parent_instance;
  ConfabXmppStream *stream;          /* not owned */
  gulong            stanza_handler;
  GCancellable     *cancellable;     /* queries of this attachment */

  char             *ver;             /* our XEP-0115 ver (sha-1) */
  char             *hash;            /* our XEP-0390 sha-256 */

  GHashTable       *cache;           /* key → verified ConfabDiscoInfo */
  GQueue            cache_order;     /* keys, oldest first (owned by cache) */
  GHashTable       *pending;         /* key → Pending */
  GHashTable       *by_jid;          /* ConfabJid → ConfabDiscoInfo */
};

enum {
  PROP_0,
  PROP_VER,
  PROP_HASH,
  N_PROPS
};

enum {
  CAPS_RESOLVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One hash being resolved: the JIDs that announced it, asked in turn.
 * Reference counted: the pending table holds one reference and a running
 * query another, so detaching (which empties the table) is safe while a
 * query is still out. */
typedef struct {
  grefcount      ref_count;
  ConfabXepCaps *caps;        /* not owned */
  char          *key;
  char          *algo;
  char          *hash;
  char          *disco_node;  /* the node to ask for */
  gboolean       caps2;       /* XEP-0390 rather than XEP-0115 */
  gboolean       verifiable;  /* we implement the hash function */
  GPtrArray     *jids;        /* ConfabJid, the head is being asked */
  guint          attempts;
} Pending;

static void module_iface_init (ConfabXmppModuleInterface *iface);
static void query_next (Pending *pending);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepCaps, confab_xep_caps, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

static Pending *
pending_ref (Pending *pending)
{
  g_ref_count_inc (&pending->ref_count);
  return pending;
}

static void
pending_unref (gpointer data)
{
  Pending *pending = data;

  if (!g_ref_count_dec (&pending->ref_count))
    return;
  g_free (pending->key);
  g_free (pending->algo);
  g_free (pending->hash);
  g_free (pending->disco_node);
  g_ptr_array_unref (pending->jids);
  g_free (pending);
}

static char *
make_key (gboolean    caps2,
          const char *algo,
          const char *hash)
{
  return g_strdup_printf ("%s %s %s", caps2 ? "caps2" : "caps", algo, hash);
}

static ConfabDiscoInfo *
compute_own_info (ConfabXepCaps *self)
{
  ConfabXepDisco *disco = NULL;

  if (self->stream != NULL)
    disco = (ConfabXepDisco *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XEP_DISCO);
  if (disco != NULL)
    return confab_xep_disco_get_own_info (disco);
  return confab_xep_disco_build_own_info (self->stream != NULL
                                          ? confab_xmpp_stream_get_disco_features (self->stream)
                                          : NULL);
}

void
confab_xep_caps_refresh (ConfabXepCaps *self)
{
  g_autoptr(ConfabDiscoInfo) own = NULL;
  g_autofree char *ver = NULL;
  g_autofree char *hash = NULL;

  g_return_if_fail (CONFAB_IS_XEP_CAPS (self));

  if (self->stream != NULL)
    {
      own = compute_own_info (self);
      ver = confab_xep_caps_compute_ver (own, G_CHECKSUM_SHA1, NULL);
      hash = confab_xep_caps2_compute_hash (own, G_CHECKSUM_SHA256, NULL);
    }
  if (g_strcmp0 (ver, self->ver) != 0)
    {
      g_free (self->ver);
      self->ver = g_steal_pointer (&ver);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VER]);
    }
  if (g_strcmp0 (hash, self->hash) != 0)
    {
      g_free (self->hash);
      self->hash = g_steal_pointer (&hash);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HASH]);
    }
}

const char *
confab_xep_caps_get_ver (ConfabXepCaps *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CAPS (self), NULL);

  confab_xep_caps_refresh (self);
  return self->ver;
}

const char *
confab_xep_caps_get_hash (ConfabXepCaps *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CAPS (self), NULL);

  confab_xep_caps_refresh (self);
  return self->hash;
}

void
confab_xep_caps_decorate_presence (ConfabXepCaps  *self,
                                   ConfabXmppNode *presence)
{
  ConfabXmppNode *c;
  ConfabXmppNode *hash;

  g_return_if_fail (CONFAB_IS_XEP_CAPS (self));
  g_return_if_fail (presence != NULL);

  confab_xep_caps_refresh (self);
  if (self->ver == NULL)
    return;  /* not attached */

  /* XEP-0115 §4.1 (hash, node and ver are REQUIRED). */
  if (confab_xmpp_node_get_child (presence, "c", CONFAB_XEP_CAPS_NS) == NULL)
    {
      c = confab_xmpp_node_add_child (presence, "c", CONFAB_XEP_CAPS_NS);
      confab_xmpp_node_set_attr (c, "hash", "sha-1");
      confab_xmpp_node_set_attr (c, "node", CONFAB_XEP_CAPS_NODE);
      confab_xmpp_node_set_attr (c, "ver", self->ver);
    }
  /* XEP-0390 §5.4: a hash set with one XEP-0300 hash. */
  if (confab_xmpp_node_get_child (presence, "c", CONFAB_XEP_CAPS2_NS) == NULL)
    {
      c = confab_xmpp_node_add_child (presence, "c", CONFAB_XEP_CAPS2_NS);
      hash = confab_xmpp_node_add_child (c, "hash", CONFAB_XEP_HASHES_NS);
      confab_xmpp_node_set_attr (hash, "algo", "sha-256");
      confab_xmpp_node_set_text (hash, self->hash);
    }
}

gboolean
confab_xep_caps_is_own_node (ConfabXepCaps *self,
                             const char    *node)
{
  g_autofree char *caps_node = NULL;
  g_autofree char *caps2_node = NULL;

  g_return_val_if_fail (CONFAB_IS_XEP_CAPS (self), FALSE);

  if (node == NULL)
    return FALSE;
  confab_xep_caps_refresh (self);
  if (self->ver == NULL)
    return FALSE;
  /* XEP-0115 §6.2: node#ver; XEP-0390 §4.3: urn:xmpp:caps#algo.hash. */
  caps_node = g_strconcat (CONFAB_XEP_CAPS_NODE "#", self->ver, NULL);
  caps2_node = g_strconcat (CONFAB_XEP_CAPS2_NS "#sha-256.", self->hash, NULL);
  return g_str_equal (node, caps_node) || g_str_equal (node, caps2_node);
}

ConfabDiscoInfo *
confab_xep_caps_lookup (ConfabXepCaps *self,
                        const char    *algo,
                        const char    *hash)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (CONFAB_IS_XEP_CAPS (self), NULL);
  g_return_val_if_fail (algo != NULL && hash != NULL, NULL);

  key = make_key (!g_str_equal (algo, "sha-1"), algo, hash);
  return g_hash_table_lookup (self->cache, key);
}

ConfabDiscoInfo *
confab_xep_caps_get_info_for_jid (ConfabXepCaps *self,
                                  ConfabJid     *jid)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CAPS (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return g_hash_table_lookup (self->by_jid, jid);
}

guint
confab_xep_caps_get_cache_size (ConfabXepCaps *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CAPS (self), 0);
  return g_hash_table_size (self->cache);
}

static void
cache_insert (ConfabXepCaps   *self,
              const char      *key,
              ConfabDiscoInfo *info)
{
  char *owned;

  if (g_hash_table_contains (self->cache, key))
    return;
  /* Bounded: the oldest verified entry goes first. */
  while (g_hash_table_size (self->cache) >= CONFAB_XEP_CAPS_MAX_CACHE)
    {
      char *oldest = g_queue_pop_head (&self->cache_order);

      g_hash_table_remove (self->cache, oldest);
    }
  owned = g_strdup (key);
  g_hash_table_insert (self->cache, owned, confab_disco_info_ref (info));
  g_queue_push_tail (&self->cache_order, owned);
}

static void
resolved (ConfabXepCaps   *self,
          ConfabJid       *jid,
          ConfabDiscoInfo *info,
          gboolean         verified)
{
  if (g_hash_table_size (self->by_jid) >= CONFAB_XEP_CAPS_MAX_JIDS
      && !g_hash_table_contains (self->by_jid, jid))
    {
      GHashTableIter iter;

      /* Bounded: forget some other entity; it is asked again next time. */
      g_hash_table_iter_init (&iter, self->by_jid);
      if (g_hash_table_iter_next (&iter, NULL, NULL))
        g_hash_table_iter_remove (&iter);
    }
  g_hash_table_insert (self->by_jid, confab_jid_ref (jid), confab_disco_info_ref (info));
  g_signal_emit (self, signals[CAPS_RESOLVED], 0, jid, info, verified);
}

static gboolean
verify (Pending         *pending,
        ConfabDiscoInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *computed = NULL;
  GChecksumType type;

  if (!pending->verifiable || !confab_xep_caps_hash_from_name (pending->algo, &type))
    return FALSE;
  /* XEP-0115 §5.4 step 3.7 / XEP-0390 §4.4 step 3: recompute. */
  if (pending->caps2)
    computed = confab_xep_caps2_compute_hash (info, type, &error);
  else
    computed = confab_xep_caps_compute_ver (info, type, &error);
  if (computed == NULL)
    {
      g_debug ("Capabilities of %s are ill-formed: %s",
               confab_jid_to_string (g_ptr_array_index (pending->jids, 0)), error->message);
      return FALSE;
    }
  return g_str_equal (computed, pending->hash);
}

static void
handle_info_result (ConfabXepCaps *self,
                    Pending       *pending,
                    GObject       *object,
                    GAsyncResult  *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDiscoInfo) info = NULL;
  g_autoptr(ConfabJid) asked = NULL;

  info = confab_xep_disco_info_finish (CONFAB_XEP_DISCO (object), result, &error);
  if (g_hash_table_lookup (self->pending, pending->key) != pending)
    {
      /* Detached meanwhile (the query was cancelled). */
      pending_unref (pending);
      return;
    }
  /* The table holds a reference from here on; the query's goes. */
  pending_unref (pending);

  if (info != NULL && verify (pending, info))
    {
      g_autoptr(GPtrArray) jids = g_ptr_array_ref (pending->jids);

      /* XEP-0115 §5.4 step 3.8: valid, cache it for everyone. */
      cache_insert (self, pending->key, info);
      g_hash_table_remove (self->pending, pending->key);
      for (guint i = 0; i < jids->len; i++)
        resolved (self, g_ptr_array_index (jids, i), info, TRUE);
      return;
    }

  /* §5.4 step 3.9 (and step 2 for hashes we cannot compute): not cached;
   * the answer counts for the entity that gave it only. */
  pending_ref (pending);
  asked = g_ptr_array_steal_index (pending->jids, 0);
  if (info != NULL)
    {
      g_debug ("Capabilities hash %s of %s did not verify", pending->hash,
               confab_jid_to_string (asked));
      resolved (self, asked, info, FALSE);
    }
  else
    g_debug ("Capabilities query to %s failed: %s", confab_jid_to_string (asked), error->message);

  if (g_hash_table_lookup (self->pending, pending->key) == pending)
    {
      /* Still ours (a handler may have detached us). */
      if (pending->jids->len == 0 || pending->attempts >= MAX_ATTEMPTS)
        g_hash_table_remove (self->pending, pending->key);
      else
        query_next (pending);
    }
  pending_unref (pending);
}

static void
info_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;
  ConfabXepCaps *self = pending->caps;

  handle_info_result (self, pending, object, result);
  /* The reference query_next() took, so @self outlives its queries even
   * when the stream drops its modules. */
  g_object_unref (self);
}

static void
query_next (Pending *pending)
{
  ConfabXepCaps *self = pending->caps;
  ConfabXepDisco *disco = NULL;

  if (self->stream != NULL)
    disco = (ConfabXepDisco *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XEP_DISCO);
  if (disco == NULL)
    {
      g_debug ("No service discovery module: cannot resolve capabilities");
      g_hash_table_remove (self->pending, pending->key);
      return;
    }
  pending->attempts++;
  /* XEP-0115 §6.2: ask the exact JID that announced the hash. */
  confab_xep_disco_info_async (disco, g_ptr_array_index (pending->jids, 0), pending->disco_node,
                               self->cancellable, info_cb, pending_ref (pending));
  g_object_ref (self);  /* released in info_cb */
}

static void
resolve (ConfabXepCaps *self,
         ConfabJid     *jid,
         gboolean       caps2,
         const char    *algo,
         const char    *hash,
         const char    *caps_node)
{
  g_autofree char *key = make_key (caps2, algo, hash);
  GChecksumType type;
  ConfabDiscoInfo *cached;
  Pending *pending;

  cached = g_hash_table_lookup (self->cache, key);
  if (cached != NULL)
    {
      g_autoptr(ConfabDiscoInfo) keep = confab_disco_info_ref (cached);

      /* Already known for this JID with the same hash: nothing new. */
      if (g_hash_table_lookup (self->by_jid, jid) != cached)
        resolved (self, jid, keep, TRUE);
      return;
    }

  /* Coalesce: one query per hash at a time. */
  pending = g_hash_table_lookup (self->pending, key);
  if (pending != NULL)
    {
      for (guint i = 0; i < pending->jids->len; i++)
        if (confab_jid_equal (g_ptr_array_index (pending->jids, i), jid))
          return;
      if (pending->jids->len < MAX_WAITING)
        g_ptr_array_add (pending->jids, confab_jid_ref (jid));
      return;
    }

  pending = g_new0 (Pending, 1);
  g_ref_count_init (&pending->ref_count);
  pending->caps = self;
  pending->key = g_steal_pointer (&key);
  pending->algo = g_strdup (algo);
  pending->hash = g_strdup (hash);
  pending->caps2 = caps2;
  pending->verifiable = confab_xep_caps_hash_from_name (algo, &type)
                        && (caps2 ? type != G_CHECKSUM_SHA1 : TRUE);
  pending->disco_node = caps2
                        ? g_strdup_printf ("%s#%s.%s", CONFAB_XEP_CAPS2_NS, algo, hash)
                        : g_strdup_printf ("%s#%s", caps_node, hash);
  pending->jids = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_jid_unref);
  g_ptr_array_add (pending->jids, confab_jid_ref (jid));
  g_hash_table_insert (self->pending, pending->key, pending);
  query_next (pending);
}

static gboolean
plausible (const char *text)
{
  return text != NULL && *text != '\0' && strlen (text) <= MAX_HASH_LENGTH;
}

static void
on_stanza_received (ConfabXmppStream *stream,
                    ConfabXmppNode   *stanza,
                    gpointer          user_data)
{
  ConfabXepCaps *self = user_data;
  g_autoptr(ConfabJid) from = NULL;
  const char *type;
  ConfabXmppNode *c;

  if (!confab_xmpp_node_is (stanza, "presence", CONFAB_XMPP_NS_CLIENT))
    return;
  from = confab_jid_parse (confab_xmpp_node_get_attr (stanza, "from") != NULL
                           ? confab_xmpp_node_get_attr (stanza, "from") : "", NULL);
  if (from == NULL)
    return;
  type = confab_xmpp_node_get_attr (stanza, "type");
  if (g_strcmp0 (type, "unavailable") == 0)
    {
      g_hash_table_remove (self->by_jid, from);
      return;
    }
  if (type != NULL)
    return;  /* subscription management and errors carry no caps */

  /* XEP-0390 first: its hashes are stronger. */
  c = confab_xmpp_node_get_child (stanza, "c", CONFAB_XEP_CAPS2_NS);
  if (c != NULL)
    {
      ConfabXmppNode *best = NULL;

      for (ConfabXmppNode *hash = confab_xmpp_node_get_first_child (c);
           hash != NULL;
           hash = confab_xmpp_node_get_next_sibling (hash))
        {
          GChecksumType t;

          if (!confab_xmpp_node_is (hash, "hash", CONFAB_XEP_HASHES_NS)
              || !plausible (confab_xmpp_node_get_text (hash))
              || !confab_xep_caps_hash_from_name (confab_xmpp_node_get_attr (hash, "algo"), &t)
              || t == G_CHECKSUM_SHA1)  /* XEP-0300 §4: SHA-1 MUST NOT be used here */
            continue;
          if (best == NULL || t == G_CHECKSUM_SHA256)
            best = hash;
        }
      if (best != NULL)
        {
          resolve (self, from, TRUE, confab_xmpp_node_get_attr (best, "algo"),
                   confab_xmpp_node_get_text (best), NULL);
          return;
        }
    }

  c = confab_xmpp_node_get_child (stanza, "c", CONFAB_XEP_CAPS_NS);
  if (c != NULL)
    {
      const char *hash = confab_xmpp_node_get_attr (c, "hash");
      const char *node = confab_xmpp_node_get_attr (c, "node");
      const char *ver = confab_xmpp_node_get_attr (c, "ver");

      /* XEP-0115 §5.4 step 1: no 'hash' is the legacy format; ignore it. */
      if (!plausible (hash) || !plausible (ver) || node == NULL || *node == '\0'
          || strlen (node) > CONFAB_DISCO_MAX_STRING)
        return;
      resolve (self, from, FALSE, hash, ver, node);
    }
}

static void
confab_xep_caps_attach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepCaps *self = CONFAB_XEP_CAPS (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  self->cancellable = g_cancellable_new ();
  /* XEP-0115 §7 and XEP-0390 §5.1. */
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_CAPS_NS);
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_CAPS2_NS);
  self->stanza_handler = g_signal_connect_object (stream, "stanza-received",
                                                  G_CALLBACK (on_stanza_received), self, 0);
  confab_xep_caps_refresh (self);
}

static void
confab_xep_caps_detach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepCaps *self = CONFAB_XEP_CAPS (module);

  g_return_if_fail (self->stream == stream);

  g_clear_signal_handler (&self->stanza_handler, stream);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_CAPS_NS);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_CAPS2_NS);
  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->pending);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->by_jid);
  self->stream = NULL;
  confab_xep_caps_refresh (self);
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_caps_attach;
  iface->detach = confab_xep_caps_detach;
}

static void
confab_xep_caps_finalize (GObject *object)
{
  ConfabXepCaps *self = CONFAB_XEP_CAPS (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->ver);
  g_free (self->hash);
  g_queue_clear (&self->cache_order);
  g_hash_table_unref (self->cache);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->by_jid);
  G_OBJECT_CLASS (confab_xep_caps_parent_class)->finalize (object);
}

static void
confab_xep_caps_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConfabXepCaps *self = CONFAB_XEP_CAPS (object);

  switch (prop_id)
    {
    case PROP_VER:
      g_value_set_string (value, self->ver);
      break;
    case PROP_HASH:
      g_value_set_string (value, self->hash);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_caps_class_init (ConfabXepCapsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = confab_xep_caps_finalize;
  object_class->get_property = confab_xep_caps_get_property;

  /**
   * ConfabXepCaps:ver:
   *
   * Our XEP-0115 verification string; notifies when our features change,
   * so that presence is sent again (XEP-0115 §4.1).
   */
  properties[PROP_VER] =
    g_param_spec_string ("ver", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ConfabXepCaps:hash:
   *
   * Our XEP-0390 SHA-256 capability hash (base64).
   */
  properties[PROP_HASH] =
    g_param_spec_string ("hash", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConfabXepCaps::caps-resolved:
   * @jid: the entity that announced the capabilities
   * @info: its service discovery information
   * @verified: %TRUE when @info matched the announced hash (and is cached
   *   for every entity announcing it); %FALSE when it did not (or the hash
   *   function is unsupported), so @info describes @jid only
   *
   * Emitted when the capabilities announced in an entity's presence are
   * known.
   */
  signals[CAPS_RESOLVED] =
    g_signal_new ("caps-resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  CONFAB_TYPE_JID, CONFAB_TYPE_DISCO_INFO, G_TYPE_BOOLEAN);
}

static void
confab_xep_caps_init (ConfabXepCaps *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) confab_disco_info_unref);
  g_queue_init (&self->cache_order);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_unref);
  self->by_jid = g_hash_table_new_full (confab_jid_hash, confab_jid_equal_func,
                                        (GDestroyNotify) confab_jid_unref,
                                        (GDestroyNotify) confab_disco_info_unref);
}

ConfabXepCaps *
confab_xep_caps_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_CAPS, NULL);
}
