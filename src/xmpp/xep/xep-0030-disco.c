/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0030-disco.h"

#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "xep-0115-caps.h"

/* ---- ConfabDiscoInfo ------------------------------------------------------- */

typedef struct {
  char *category;
  char *type;
  char *lang;
  char *name;
} Identity;

typedef struct {
  char  *var;
  char  *type;
  GStrv  values;
} Field;

struct _ConfabDiscoInfo {
  gatomicrefcount  ref_count;
  char            *node;
  GPtrArray       *identities;   /* Identity */
  GPtrArray       *features;     /* char *, NULL-terminated */
  GHashTable      *feature_set;  /* borrowed strings of features */
  GPtrArray       *forms;        /* GPtrArray of Field */
  gboolean         foreign;
};

G_DEFINE_BOXED_TYPE (ConfabDiscoInfo, confab_disco_info,
                     confab_disco_info_ref, confab_disco_info_unref)

static void
identity_free (gpointer data)
{
  Identity *identity = data;

  g_free (identity->category);
  g_free (identity->type);
  g_free (identity->lang);
  g_free (identity->name);
  g_free (identity);
}

static void
field_free (gpointer data)
{
  Field *field = data;

  g_free (field->var);
  g_free (field->type);
  g_strfreev (field->values);
  g_free (field);
}

ConfabDiscoInfo *
confab_disco_info_new (const char *node)
{
  ConfabDiscoInfo *info = g_new0 (ConfabDiscoInfo, 1);

  g_atomic_ref_count_init (&info->ref_count);
  info->node = g_strdup (node);
  info->identities = g_ptr_array_new_with_free_func (identity_free);
  info->features = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (info->features, NULL);
  info->feature_set = g_hash_table_new (g_str_hash, g_str_equal);
  info->forms = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return info;
}

ConfabDiscoInfo *
confab_disco_info_ref (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

void
confab_disco_info_unref (ConfabDiscoInfo *info)
{
  g_return_if_fail (info != NULL);

  if (!g_atomic_ref_count_dec (&info->ref_count))
    return;
  g_free (info->node);
  g_ptr_array_unref (info->identities);
  g_hash_table_unref (info->feature_set);
  g_ptr_array_unref (info->features);
  g_ptr_array_unref (info->forms);
  g_free (info);
}

static gboolean
identity_matches (Identity   *identity,
                  const char *category,
                  const char *type,
                  const char *lang,
                  const char *name)
{
  return g_strcmp0 (identity->category, category) == 0
         && g_strcmp0 (identity->type, type) == 0
         && g_strcmp0 (identity->lang, lang) == 0
         && g_strcmp0 (identity->name, name) == 0;
}

gboolean
confab_disco_info_add_identity (ConfabDiscoInfo *info,
                                const char      *category,
                                const char      *type,
                                const char      *lang,
                                const char      *name)
{
  Identity *identity;

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (category != NULL && type != NULL, FALSE);

  if (info->identities->len >= CONFAB_DISCO_MAX_IDENTITIES)
    return FALSE;
  /* XEP-0030 §3.1 and XEP-0115 §5.4: no two identities alike. */
  for (guint i = 0; i < info->identities->len; i++)
    if (identity_matches (g_ptr_array_index (info->identities, i), category, type, lang, name))
      return FALSE;

  identity = g_new0 (Identity, 1);
  identity->category = g_strdup (category);
  identity->type = g_strdup (type);
  identity->lang = g_strdup (lang);
  identity->name = g_strdup (name);
  g_ptr_array_add (info->identities, identity);
  return TRUE;
}

gboolean
confab_disco_info_add_feature (ConfabDiscoInfo *info,
                               const char      *feature)
{
  char *copy;

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (feature != NULL, FALSE);

  if (info->features->len - 1 >= CONFAB_DISCO_MAX_FEATURES
      || g_hash_table_contains (info->feature_set, feature))
    return FALSE;
  copy = g_strdup (feature);
  g_ptr_array_insert (info->features, info->features->len - 1, copy);
  g_hash_table_add (info->feature_set, copy);
  return TRUE;
}

guint
confab_disco_info_add_form (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);

  g_ptr_array_add (info->forms, g_ptr_array_new_with_free_func (field_free));
  return info->forms->len - 1;
}

void
confab_disco_info_add_field (ConfabDiscoInfo    *info,
                             guint               form,
                             const char         *var,
                             const char         *type,
                             const char * const *values)
{
  Field *field;

  g_return_if_fail (info != NULL);
  g_return_if_fail (form < info->forms->len);

  field = g_new0 (Field, 1);
  field->var = g_strdup (var);
  field->type = g_strdup (type);
  field->values = values != NULL ? g_strdupv ((char **) values) : g_new0 (char *, 1);
  g_ptr_array_add (g_ptr_array_index (info->forms, form), field);
}

const char *
confab_disco_info_get_node (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->node;
}

guint
confab_disco_info_get_n_identities (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->identities->len;
}

void
confab_disco_info_get_identity (ConfabDiscoInfo *info,
                                guint            index,
                                const char     **category,
                                const char     **type,
                                const char     **lang,
                                const char     **name)
{
  Identity *identity;

  g_return_if_fail (info != NULL);
  g_return_if_fail (index < info->identities->len);

  identity = g_ptr_array_index (info->identities, index);
  if (category != NULL)
    *category = identity->category;
  if (type != NULL)
    *type = identity->type;
  if (lang != NULL)
    *lang = identity->lang;
  if (name != NULL)
    *name = identity->name;
}

gboolean
confab_disco_info_has_identity (ConfabDiscoInfo *info,
                                const char      *category,
                                const char      *type)
{
  g_return_val_if_fail (info != NULL, FALSE);

  for (guint i = 0; i < info->identities->len; i++)
    {
      Identity *identity = g_ptr_array_index (info->identities, i);

      if (g_strcmp0 (identity->category, category) == 0
          && (type == NULL || g_strcmp0 (identity->type, type) == 0))
        return TRUE;
    }
  return FALSE;
}

const char * const *
confab_disco_info_get_features (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return (const char * const *) info->features->pdata;
}

gboolean
confab_disco_info_has_feature (ConfabDiscoInfo *info,
                               const char      *feature)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (feature != NULL, FALSE);
  return g_hash_table_contains (info->feature_set, feature);
}

guint
confab_disco_info_get_n_forms (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->forms->len;
}

const char *
confab_disco_info_get_form_type (ConfabDiscoInfo *info,
                                 guint            form)
{
  GPtrArray *fields;
  const char *form_type = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (form < info->forms->len, NULL);

  /* XEP-0068 §3: the FORM_TYPE field carries one value. Several FORM_TYPE
   * fields, or different values in one, make the form type ambiguous. */
  fields = g_ptr_array_index (info->forms, form);
  for (guint i = 0; i < fields->len; i++)
    {
      Field *field = g_ptr_array_index (fields, i);

      if (g_strcmp0 (field->var, "FORM_TYPE") != 0)
        continue;
      if (form_type != NULL || field->values[0] == NULL)
        return NULL;
      for (guint j = 1; field->values[j] != NULL; j++)
        if (!g_str_equal (field->values[j], field->values[0]))
          return NULL;
      form_type = field->values[0];
    }
  return form_type;
}

guint
confab_disco_info_get_n_fields (ConfabDiscoInfo *info,
                                guint            form)
{
  g_return_val_if_fail (info != NULL, 0);
  g_return_val_if_fail (form < info->forms->len, 0);
  return ((GPtrArray *) g_ptr_array_index (info->forms, form))->len;
}

void
confab_disco_info_get_field (ConfabDiscoInfo     *info,
                             guint                form,
                             guint                field,
                             const char         **var,
                             const char         **type,
                             const char * const **values)
{
  GPtrArray *fields;
  Field *f;

  g_return_if_fail (info != NULL);
  g_return_if_fail (form < info->forms->len);
  fields = g_ptr_array_index (info->forms, form);
  g_return_if_fail (field < fields->len);

  f = g_ptr_array_index (fields, field);
  if (var != NULL)
    *var = f->var;
  if (type != NULL)
    *type = f->type;
  if (values != NULL)
    *values = (const char * const *) f->values;
}

gboolean
confab_disco_info_has_foreign_content (ConfabDiscoInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);
  return info->foreign;
}

/* ---- Parsing ---------------------------------------------------------------- */

static gboolean
check_string (const char  *value,
              const char  *what,
              GError     **error)
{
  if (value != NULL && strlen (value) > CONFAB_DISCO_MAX_STRING)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "Service discovery %s is too long", what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_identity (ConfabDiscoInfo  *info,
                ConfabXmppNode   *element,
                GError          **error)
{
  const char *category = confab_xmpp_node_get_attr (element, "category");
  const char *type = confab_xmpp_node_get_attr (element, "type");
  const char *lang = confab_xmpp_node_get_attr (element, "xml:lang");
  const char *name = confab_xmpp_node_get_attr (element, "name");

  /* XEP-0030 §3.1: 'category' and 'type' are REQUIRED. */
  if (category == NULL || *category == '\0' || type == NULL || *type == '\0')
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Service discovery identity without category or type");
      return FALSE;
    }
  if (!check_string (category, "category", error) || !check_string (type, "type", error)
      || !check_string (lang, "language", error) || !check_string (name, "name", error))
    return FALSE;
  if (info->identities->len >= CONFAB_DISCO_MAX_IDENTITIES)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Too many service discovery identities");
      return FALSE;
    }
  if (!confab_disco_info_add_identity (info, category, type, lang, name))
    {
      /* XEP-0115 §5.4 step 3.3: a duplicate makes the response ill-formed. */
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "Duplicate service discovery identity %s/%s", category, type);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_feature (ConfabDiscoInfo  *info,
               ConfabXmppNode   *element,
               GError          **error)
{
  const char *var = confab_xmpp_node_get_attr (element, "var");

  /* XEP-0030 §3.1: 'var' is REQUIRED. */
  if (var == NULL || *var == '\0')
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Service discovery feature without var");
      return FALSE;
    }
  if (!check_string (var, "feature", error))
    return FALSE;
  if (info->features->len - 1 >= CONFAB_DISCO_MAX_FEATURES)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Too many service discovery features");
      return FALSE;
    }
  if (!confab_disco_info_add_feature (info, var))
    {
      /* XEP-0030 §3.1 and XEP-0115 §5.4 step 3.4. */
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "Duplicate service discovery feature %s", var);
      return FALSE;
    }
  return TRUE;
}

/* XEP-0128: extended information as a XEP-0004 data form. We keep only what
 * the caps hashes need: fields with var, type and values. */
static gboolean
parse_form (ConfabDiscoInfo  *info,
            ConfabXmppNode   *x,
            GError          **error)
{
  guint form;

  if (info->forms->len >= CONFAB_DISCO_MAX_FORMS)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Too many service discovery extension forms");
      return FALSE;
    }
  form = confab_disco_info_add_form (info);

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (x);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      g_autoptr(GPtrArray) values = NULL;
      const char *var;
      const char *type;

      if (!confab_xmpp_node_is (child, "field", CONFAB_XEP_DISCO_NS_DATA))
        {
          /* XEP-0390 §4.1 step 2: <reported/> and <item/> are not allowed. */
          if (confab_xmpp_node_is (child, "reported", CONFAB_XEP_DISCO_NS_DATA)
              || confab_xmpp_node_is (child, "item", CONFAB_XEP_DISCO_NS_DATA))
            info->foreign = TRUE;
          continue;
        }
      if (confab_disco_info_get_n_fields (info, form) >= CONFAB_DISCO_MAX_FIELDS)
        {
          g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "Too many fields in a service discovery form");
          return FALSE;
        }
      var = confab_xmpp_node_get_attr (child, "var");
      type = confab_xmpp_node_get_attr (child, "type");
      if (!check_string (var, "field name", error) || !check_string (type, "field type", error))
        return FALSE;

      values = g_ptr_array_new ();
      for (ConfabXmppNode *value = confab_xmpp_node_get_first_child (child);
           value != NULL;
           value = confab_xmpp_node_get_next_sibling (value))
        {
          if (!confab_xmpp_node_is (value, "value", CONFAB_XEP_DISCO_NS_DATA))
            continue;
          if (values->len >= CONFAB_DISCO_MAX_VALUES)
            {
              g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                                   "Too many values in a service discovery form field");
              return FALSE;
            }
          if (!check_string (confab_xmpp_node_get_text (value), "field value", error))
            return FALSE;
          g_ptr_array_add (values, (gpointer) confab_xmpp_node_get_text (value));
        }
      g_ptr_array_add (values, NULL);
      confab_disco_info_add_field (info, form, var, type, (const char * const *) values->pdata);
    }
  return TRUE;
}

ConfabDiscoInfo *
confab_disco_info_parse (ConfabXmppNode  *query,
                         GError         **error)
{
  g_autoptr(ConfabDiscoInfo) info = NULL;
  const char *node;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!confab_xmpp_node_is (query, "query", CONFAB_XEP_DISCO_NS_INFO))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Not a service discovery information result");
      return NULL;
    }
  node = confab_xmpp_node_get_attr (query, "node");
  if (!check_string (node, "node", error))
    return NULL;

  info = confab_disco_info_new (node);
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (query);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      gboolean ok = TRUE;

      if (confab_xmpp_node_is (child, "identity", CONFAB_XEP_DISCO_NS_INFO))
        ok = parse_identity (info, child, error);
      else if (confab_xmpp_node_is (child, "feature", CONFAB_XEP_DISCO_NS_INFO))
        ok = parse_feature (info, child, error);
      else if (confab_xmpp_node_is (child, "x", CONFAB_XEP_DISCO_NS_DATA))
        ok = parse_form (info, child, error);
      else
        info->foreign = TRUE;  /* XEP-0390 §4.1 step 1 */
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&info);
}

ConfabXmppNode *
confab_disco_info_to_node (ConfabDiscoInfo *info)
{
  ConfabXmppNode *query;

  g_return_val_if_fail (info != NULL, NULL);

  query = confab_xmpp_node_new ("query", CONFAB_XEP_DISCO_NS_INFO);
  if (info->node != NULL)
    confab_xmpp_node_set_attr (query, "node", info->node);
  for (guint i = 0; i < info->identities->len; i++)
    {
      Identity *identity = g_ptr_array_index (info->identities, i);
      ConfabXmppNode *element = confab_xmpp_node_add_child (query, "identity", NULL);

      confab_xmpp_node_set_attr (element, "category", identity->category);
      confab_xmpp_node_set_attr (element, "type", identity->type);
      if (identity->lang != NULL)
        confab_xmpp_node_set_attr_ns (element, "lang", CONFAB_XMPP_NS_XML, identity->lang);
      if (identity->name != NULL)
        confab_xmpp_node_set_attr (element, "name", identity->name);
    }
  for (guint i = 0; i + 1 < info->features->len; i++)
    {
      ConfabXmppNode *element = confab_xmpp_node_add_child (query, "feature", NULL);

      confab_xmpp_node_set_attr (element, "var", g_ptr_array_index (info->features, i));
    }
  for (guint i = 0; i < info->forms->len; i++)
    {
      GPtrArray *fields = g_ptr_array_index (info->forms, i);
      ConfabXmppNode *x = confab_xmpp_node_add_child (query, "x", CONFAB_XEP_DISCO_NS_DATA);

      confab_xmpp_node_set_attr (x, "type", "result");
      for (guint j = 0; j < fields->len; j++)
        {
          Field *field = g_ptr_array_index (fields, j);
          ConfabXmppNode *element = confab_xmpp_node_add_child (x, "field", NULL);

          if (field->var != NULL)
            confab_xmpp_node_set_attr (element, "var", field->var);
          if (field->type != NULL)
            confab_xmpp_node_set_attr (element, "type", field->type);
          for (guint k = 0; field->values[k] != NULL; k++)
            confab_xmpp_node_set_text (confab_xmpp_node_add_child (element, "value", NULL),
                                       field->values[k]);
        }
    }
  return query;
}

/* ---- ConfabDiscoItem -------------------------------------------------------- */

struct _ConfabDiscoItem {
  gatomicrefcount  ref_count;
  ConfabJid       *jid;
  char            *node;
  char            *name;
};

G_DEFINE_BOXED_TYPE (ConfabDiscoItem, confab_disco_item,
                     confab_disco_item_ref, confab_disco_item_unref)

ConfabDiscoItem *
confab_disco_item_ref (ConfabDiscoItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  g_atomic_ref_count_inc (&item->ref_count);
  return item;
}

void
confab_disco_item_unref (ConfabDiscoItem *item)
{
  g_return_if_fail (item != NULL);

  if (!g_atomic_ref_count_dec (&item->ref_count))
    return;
  confab_jid_unref (item->jid);
  g_free (item->node);
  g_free (item->name);
  g_free (item);
}

ConfabJid *
confab_disco_item_get_jid (ConfabDiscoItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return item->jid;
}

const char *
confab_disco_item_get_node (ConfabDiscoItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return item->node;
}

const char *
confab_disco_item_get_name (ConfabDiscoItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return item->name;
}

GPtrArray *
confab_disco_items_parse (ConfabXmppNode  *query,
                          GError         **error)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!confab_xmpp_node_is (query, "query", CONFAB_XEP_DISCO_NS_ITEMS))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Not a service discovery items result");
      return NULL;
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_disco_item_unref);
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (query);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      g_autoptr(GError) local_error = NULL;
      ConfabDiscoItem *item;
      ConfabJid *jid;
      const char *node;
      const char *name;

      if (!confab_xmpp_node_is (child, "item", CONFAB_XEP_DISCO_NS_ITEMS))
        continue;  /* e.g. XEP-0059 <set/> */
      if (items->len >= CONFAB_DISCO_MAX_ITEMS)
        {
          g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "Too many service discovery items");
          return NULL;
        }
      /* XEP-0030 §4.1: 'jid' is REQUIRED. */
      jid = confab_xmpp_node_get_attr (child, "jid") != NULL
            ? confab_jid_parse (confab_xmpp_node_get_attr (child, "jid"), &local_error)
            : NULL;
      if (jid == NULL)
        {
          g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                       "Service discovery item without a valid jid%s%s",
                       local_error != NULL ? ": " : "",
                       local_error != NULL ? local_error->message : "");
          return NULL;
        }
      node = confab_xmpp_node_get_attr (child, "node");
      name = confab_xmpp_node_get_attr (child, "name");
      if (!check_string (node, "node", error) || !check_string (name, "name", error))
        {
          confab_jid_unref (jid);
          return NULL;
        }
      item = g_new0 (ConfabDiscoItem, 1);
      g_atomic_ref_count_init (&item->ref_count);
      item->jid = jid;
      item->node = g_strdup (node);
      item->name = g_strdup (name);
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

/* ---- The module -------------------------------------------------------------- */

struct _ConfabXepDisco {
  GObject           parent_instance;
  ConfabXmppStream *stream;   /* not owned: the stream owns its modules */
};

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepDisco, confab_xep_disco, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

ConfabDiscoInfo *
confab_xep_disco_build_own_info (const char * const *features)
{
  ConfabDiscoInfo *info = confab_disco_info_new (NULL);

  confab_disco_info_add_identity (info, CONFAB_XEP_DISCO_CATEGORY, CONFAB_XEP_DISCO_TYPE,
                                  NULL, CONFAB_XEP_DISCO_NAME);
  /* XEP-0030 §3.1: an entity answering disco#info supports disco#info. */
  confab_disco_info_add_feature (info, CONFAB_XEP_DISCO_NS_INFO);
  for (guint i = 0; features != NULL && features[i] != NULL; i++)
    confab_disco_info_add_feature (info, features[i]);
  return info;
}

ConfabDiscoInfo *
confab_xep_disco_get_own_info (ConfabXepDisco *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_DISCO (self), NULL);

  return confab_xep_disco_build_own_info (self->stream != NULL
                                          ? confab_xmpp_stream_get_disco_features (self->stream)
                                          : NULL);
}

ConfabXmppNode *
confab_xep_disco_answer_info (ConfabXepDisco *self,
                              ConfabXmppNode *request)
{
  g_autoptr(ConfabDiscoInfo) own = NULL;
  g_autoptr(ConfabDiscoInfo) answer = NULL;
  ConfabXmppNode *query;
  ConfabXmppNode *result;
  const char *node;

  g_return_val_if_fail (CONFAB_IS_XEP_DISCO (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  query = confab_xmpp_node_get_child (request, "query", CONFAB_XEP_DISCO_NS_INFO);
  if (query == NULL || g_strcmp0 (confab_xmpp_node_get_attr (request, "type"), "get") != 0)
    return confab_xmpp_iq_new_error (request, "modify", "bad-request");

  node = confab_xmpp_node_get_attr (query, "node");
  if (node != NULL)
    {
      ConfabXepCaps *caps = NULL;

      if (self->stream != NULL)
        caps = (ConfabXepCaps *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XEP_CAPS);
      /* XEP-0115 §6.2 and XEP-0390 §5.5: the caps node is answered like
       * the entity itself; XEP-0030 §3.2: any other node does not exist. */
      if (caps == NULL || !confab_xep_caps_is_own_node (caps, node))
        return confab_xmpp_iq_new_error (request, "cancel", "item-not-found");
    }

  own = confab_xep_disco_get_own_info (self);
  /* The same content, echoing the node (XEP-0030 §3.2). */
  answer = confab_disco_info_new (node);
  for (guint i = 0; i < own->identities->len; i++)
    {
      Identity *identity = g_ptr_array_index (own->identities, i);

      confab_disco_info_add_identity (answer, identity->category, identity->type,
                                      identity->lang, identity->name);
    }
  for (guint i = 0; i + 1 < own->features->len; i++)
    confab_disco_info_add_feature (answer, g_ptr_array_index (own->features, i));

  result = confab_xmpp_iq_new_result (request);
  confab_xmpp_node_append (result, confab_disco_info_to_node (answer));
  return result;
}

static gboolean
handle_info (ConfabXmppStream *stream,
             ConfabXmppNode   *iq,
             gpointer          user_data)
{
  ConfabXepDisco *self = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;

  g_assert (CONFAB_IS_XEP_DISCO (self));

  reply = confab_xep_disco_answer_info (self, iq);
  confab_xmpp_stream_send (stream, reply);
  return TRUE;
}

/* XEP-0030 §4: we publish no items. The caps node is a phantom node and is
 * not listed (XEP-0115 §6.2). */
static gboolean
handle_items (ConfabXmppStream *stream,
              ConfabXmppNode   *iq,
              gpointer          user_data)
{
  g_autoptr(ConfabXmppNode) reply = NULL;
  ConfabXmppNode *query = confab_xmpp_node_get_child (iq, "query", CONFAB_XEP_DISCO_NS_ITEMS);

  if (g_strcmp0 (confab_xmpp_node_get_attr (iq, "type"), "get") != 0)
    reply = confab_xmpp_iq_new_error (iq, "modify", "bad-request");
  else if (confab_xmpp_node_get_attr (query, "node") != NULL)
    reply = confab_xmpp_iq_new_error (iq, "cancel", "item-not-found");
  else
    {
      reply = confab_xmpp_iq_new_result (iq);
      confab_xmpp_node_add_child (reply, "query", CONFAB_XEP_DISCO_NS_ITEMS);
    }
  confab_xmpp_stream_send (stream, reply);
  return TRUE;
}

static void
confab_xep_disco_attach (ConfabXmppModule *module,
                         ConfabXmppStream *stream)
{
  ConfabXepDisco *self = CONFAB_XEP_DISCO (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  confab_xmpp_stream_add_iq_handler (stream, "query", CONFAB_XEP_DISCO_NS_INFO, handle_info, self);
  confab_xmpp_stream_add_iq_handler (stream, "query", CONFAB_XEP_DISCO_NS_ITEMS, handle_items, self);
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_DISCO_NS_INFO);
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_DISCO_NS_ITEMS);
}

static void
confab_xep_disco_detach (ConfabXmppModule *module,
                         ConfabXmppStream *stream)
{
  ConfabXepDisco *self = CONFAB_XEP_DISCO (module);

  g_return_if_fail (self->stream == stream);

  confab_xmpp_stream_remove_iq_handler (stream, "query", CONFAB_XEP_DISCO_NS_INFO);
  confab_xmpp_stream_remove_iq_handler (stream, "query", CONFAB_XEP_DISCO_NS_ITEMS);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_DISCO_NS_INFO);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_DISCO_NS_ITEMS);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_disco_attach;
  iface->detach = confab_xep_disco_detach;
}

static void
confab_xep_disco_class_init (ConfabXepDiscoClass *klass)
{
}

static void
confab_xep_disco_init (ConfabXepDisco *self)
{
}

ConfabXepDisco *
confab_xep_disco_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_DISCO, NULL);
}

/* ---- Queries ------------------------------------------------------------------ */

static ConfabXmppNode *
new_query (ConfabJid  *jid,
           const char *ns,
           const char *node)
{
  ConfabXmppNode *iq = confab_xmpp_iq_new ("get", jid != NULL ? confab_jid_to_string (jid) : NULL, NULL);
  ConfabXmppNode *query = confab_xmpp_node_add_child (iq, "query", ns);

  if (node != NULL)
    confab_xmpp_node_set_attr (query, "node", node);
  return iq;
}

static gboolean
check_attached (ConfabXepDisco *self,
                GTask          *task)
{
  if (self->stream != NULL)
    return TRUE;
  g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                           "The service discovery module is not attached to a stream");
  return FALSE;
}

static void
info_reply_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  ConfabXmppNode *query;
  ConfabDiscoInfo *info;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_DISCO_NS_INFO);
  if (query == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "Service discovery result without a query");
      return;
    }
  info = confab_disco_info_parse (query, &error);
  if (info == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, info, (GDestroyNotify) confab_disco_info_unref);
}

void
confab_xep_disco_info_async (ConfabXepDisco      *self,
                             ConfabJid           *jid,
                             const char          *node,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_DISCO (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_disco_info_async);
  if (!check_attached (self, task))
    return;
  iq = new_query (jid, CONFAB_XEP_DISCO_NS_INFO, node);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, info_reply_cb,
                                    g_steal_pointer (&task));
}

ConfabDiscoInfo *
confab_xep_disco_info_finish (ConfabXepDisco  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_DISCO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == confab_xep_disco_info_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
items_reply_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  ConfabXmppNode *query;
  GPtrArray *items;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_DISCO_NS_ITEMS);
  if (query == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "Service discovery result without a query");
      return;
    }
  items = confab_disco_items_parse (query, &error);
  if (items == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

void
confab_xep_disco_items_async (ConfabXepDisco      *self,
                              ConfabJid           *jid,
                              const char          *node,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_DISCO (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_disco_items_async);
  if (!check_attached (self, task))
    return;
  iq = new_query (jid, CONFAB_XEP_DISCO_NS_ITEMS, node);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, items_reply_cb,
                                    g_steal_pointer (&task));
}

GPtrArray *
confab_xep_disco_items_finish (ConfabXepDisco  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_DISCO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == confab_xep_disco_items_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
