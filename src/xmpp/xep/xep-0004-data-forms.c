/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xep-0004-data-forms.h"

#include <string.h>

#include "confab-jid.h"
#include "confab-xmpp-error.h"

struct _ConfabDataField {
  char                *var;
  ConfabDataFieldType  type;
  char                *label;
  char                *desc;
  gboolean             required;
  GPtrArray           *values;   /* char *, NULL-terminated */
  GPtrArray           *options;  /* pairs: label (may be NULL), value */
};

struct _ConfabDataForm {
  ConfabDataFormType  type;
  char               *title;
  GPtrArray          *instructions;  /* char *, NULL-terminated */
  GPtrArray          *fields;        /* ConfabDataField */
  GPtrArray          *reported;      /* ConfabDataField */
  GPtrArray          *items;         /* GPtrArray of ConfabDataField */
  guint               n_all_fields;  /* fields + reported + in items, for the bound */
};

static const char * const form_types[] = { "form", "submit", "cancel", "result" };

static const char * const field_types[] = {
  "text-single", "text-private", "text-multi", "boolean", "fixed", "hidden",
  "jid-single", "jid-multi", "list-single", "list-multi",
};

const char *
confab_data_form_type_to_string (ConfabDataFormType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (form_types), NULL);
  return form_types[type];
}

const char *
confab_data_field_type_to_string (ConfabDataFieldType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (field_types), NULL);
  return field_types[type];
}

gboolean
confab_data_field_type_is_multi (ConfabDataFieldType type)
{
  return type == CONFAB_DATA_FIELD_TEXT_MULTI
         || type == CONFAB_DATA_FIELD_JID_MULTI
         || type == CONFAB_DATA_FIELD_LIST_MULTI;
}

/* ---- Fields ----------------------------------------------------------------- */

static GPtrArray *
new_strv_array (void)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (array, NULL);
  return array;
}

static void
strv_array_append (GPtrArray  *array,
                   const char *text)
{
  g_ptr_array_insert (array, array->len - 1, g_strdup (text));
}

static ConfabDataField *
field_new (const char          *var,
           ConfabDataFieldType  type)
{
  ConfabDataField *field = g_new0 (ConfabDataField, 1);

  field->var = g_strdup (var);
  field->type = type;
  field->values = new_strv_array ();
  field->options = g_ptr_array_new_with_free_func (g_free);
  return field;
}

static void
field_free (gpointer data)
{
  ConfabDataField *field = data;

  g_free (field->var);
  g_free (field->label);
  g_free (field->desc);
  g_ptr_array_unref (field->values);
  g_ptr_array_unref (field->options);
  g_free (field);
}

static ConfabDataField *
field_copy_for_submit (ConfabDataField *field)
{
  ConfabDataField *copy = field_new (field->var, field->type);

  for (guint i = 0; i + 1 < field->values->len; i++)
    strv_array_append (copy->values, g_ptr_array_index (field->values, i));
  return copy;
}

const char *
confab_data_field_get_var (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  return field->var;
}

ConfabDataFieldType
confab_data_field_get_field_type (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, CONFAB_DATA_FIELD_TEXT_SINGLE);
  return field->type;
}

const char *
confab_data_field_get_label (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  return field->label;
}

void
confab_data_field_set_label (ConfabDataField *field,
                             const char      *label)
{
  g_return_if_fail (field != NULL);
  g_free (field->label);
  field->label = g_strdup (label);
}

const char *
confab_data_field_get_desc (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  return field->desc;
}

void
confab_data_field_set_desc (ConfabDataField *field,
                            const char      *desc)
{
  g_return_if_fail (field != NULL);
  g_free (field->desc);
  field->desc = g_strdup (desc);
}

gboolean
confab_data_field_get_required (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);
  return field->required;
}

void
confab_data_field_set_required (ConfabDataField *field,
                                gboolean         required)
{
  g_return_if_fail (field != NULL);
  field->required = !!required;
}

const char * const *
confab_data_field_get_values (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  return (const char * const *) field->values->pdata;
}

const char *
confab_data_field_get_value (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, NULL);
  return g_ptr_array_index (field->values, 0);
}

gboolean
confab_data_field_set_values (ConfabDataField    *field,
                              const char * const *values)
{
  guint n = values != NULL ? g_strv_length ((char **) values) : 0;

  g_return_val_if_fail (field != NULL, FALSE);

  if (n > CONFAB_DATA_FORM_MAX_VALUES || (n > 1 && !confab_data_field_type_is_multi (field->type)))
    return FALSE;
  g_ptr_array_set_size (field->values, 0);
  g_ptr_array_add (field->values, NULL);
  for (guint i = 0; i < n; i++)
    strv_array_append (field->values, values[i]);
  return TRUE;
}

gboolean
confab_data_field_get_boolean (ConfabDataField *field)
{
  const char *value;

  g_return_val_if_fail (field != NULL, FALSE);
  value = confab_data_field_get_value (field);
  return g_strcmp0 (value, "1") == 0 || g_strcmp0 (value, "true") == 0;
}

guint
confab_data_field_get_n_options (ConfabDataField *field)
{
  g_return_val_if_fail (field != NULL, 0);
  return field->options->len / 2;
}

void
confab_data_field_get_option (ConfabDataField  *field,
                              guint             index,
                              const char      **label,
                              const char      **value)
{
  g_return_if_fail (field != NULL);
  g_return_if_fail (index < field->options->len / 2);

  if (label != NULL)
    *label = g_ptr_array_index (field->options, 2 * index);
  if (value != NULL)
    *value = g_ptr_array_index (field->options, 2 * index + 1);
}

gboolean
confab_data_field_add_option (ConfabDataField *field,
                              const char      *label,
                              const char      *value)
{
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (field->options->len / 2 >= CONFAB_DATA_FORM_MAX_OPTIONS)
    return FALSE;
  g_ptr_array_add (field->options, g_strdup (label));
  g_ptr_array_add (field->options, g_strdup (value));
  return TRUE;
}

/* ---- Forms ------------------------------------------------------------------ */

ConfabDataForm *
confab_data_form_new (ConfabDataFormType type)
{
  ConfabDataForm *form = g_new0 (ConfabDataForm, 1);

  form->type = type;
  form->instructions = new_strv_array ();
  form->fields = g_ptr_array_new_with_free_func (field_free);
  form->reported = g_ptr_array_new_with_free_func (field_free);
  form->items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return form;
}

void
confab_data_form_free (ConfabDataForm *form)
{
  if (form == NULL)
    return;
  g_free (form->title);
  g_ptr_array_unref (form->instructions);
  g_ptr_array_unref (form->fields);
  g_ptr_array_unref (form->reported);
  g_ptr_array_unref (form->items);
  g_free (form);
}

ConfabDataFormType
confab_data_form_get_form_type (ConfabDataForm *form)
{
  g_return_val_if_fail (form != NULL, CONFAB_DATA_FORM_FORM);
  return form->type;
}

const char *
confab_data_form_get_title (ConfabDataForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return form->title;
}

void
confab_data_form_set_title (ConfabDataForm *form,
                            const char     *title)
{
  g_return_if_fail (form != NULL);
  g_free (form->title);
  form->title = g_strdup (title);
}

const char * const *
confab_data_form_get_instructions (ConfabDataForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return (const char * const *) form->instructions->pdata;
}

guint
confab_data_form_get_n_fields (ConfabDataForm *form)
{
  g_return_val_if_fail (form != NULL, 0);
  return form->fields->len;
}

ConfabDataField *
confab_data_form_get_field (ConfabDataForm *form,
                            guint           index)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (index < form->fields->len, NULL);
  return g_ptr_array_index (form->fields, index);
}

static ConfabDataField *
lookup_in (GPtrArray  *fields,
           const char *var)
{
  for (guint i = 0; i < fields->len; i++)
    {
      ConfabDataField *field = g_ptr_array_index (fields, i);

      if (field->var != NULL && g_str_equal (field->var, var))
        return field;
    }
  return NULL;
}

ConfabDataField *
confab_data_form_lookup_field (ConfabDataForm *form,
                               const char     *var)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (var != NULL, NULL);
  return lookup_in (form->fields, var);
}

const char *
confab_data_form_get_form_type_value (ConfabDataForm *form)
{
  ConfabDataField *field;

  g_return_val_if_fail (form != NULL, NULL);
  field = lookup_in (form->fields, "FORM_TYPE");
  return field != NULL ? confab_data_field_get_value (field) : NULL;
}

ConfabDataField *
confab_data_form_add_field (ConfabDataForm      *form,
                            const char          *var,
                            ConfabDataFieldType  type)
{
  ConfabDataField *field;

  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (var != NULL || type == CONFAB_DATA_FIELD_FIXED, NULL);

  if (form->n_all_fields >= CONFAB_DATA_FORM_MAX_FIELDS)
    return NULL;
  if (var != NULL && lookup_in (form->fields, var) != NULL)
    return NULL;
  field = field_new (var, type);
  g_ptr_array_add (form->fields, field);
  form->n_all_fields++;
  return field;
}

guint
confab_data_form_get_n_reported (ConfabDataForm *form)
{
  g_return_val_if_fail (form != NULL, 0);
  return form->reported->len;
}

ConfabDataField *
confab_data_form_get_reported (ConfabDataForm *form,
                               guint           index)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (index < form->reported->len, NULL);
  return g_ptr_array_index (form->reported, index);
}

guint
confab_data_form_get_n_items (ConfabDataForm *form)
{
  g_return_val_if_fail (form != NULL, 0);
  return form->items->len;
}

GPtrArray *
confab_data_form_get_item (ConfabDataForm *form,
                           guint           index)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (index < form->items->len, NULL);
  return g_ptr_array_index (form->items, index);
}

ConfabDataForm *
confab_data_form_new_submit (ConfabDataForm *form)
{
  ConfabDataForm *submit;

  g_return_val_if_fail (form != NULL, NULL);

  submit = confab_data_form_new (CONFAB_DATA_FORM_SUBMIT);
  for (guint i = 0; i < form->fields->len; i++)
    {
      ConfabDataField *field = g_ptr_array_index (form->fields, i);

      /* §3.2: fixed fields are only shown, never submitted. */
      if (field->type == CONFAB_DATA_FIELD_FIXED || field->var == NULL)
        continue;
      g_ptr_array_add (submit->fields, field_copy_for_submit (field));
      submit->n_all_fields++;
    }
  return submit;
}

gboolean
confab_data_form_set_value (ConfabDataForm *form,
                            const char     *var,
                            const char     *value)
{
  ConfabDataField *field;
  const char *values[] = { value, NULL };

  g_return_val_if_fail (form != NULL, FALSE);
  g_return_val_if_fail (var != NULL, FALSE);

  field = lookup_in (form->fields, var);
  if (field == NULL)
    return FALSE;
  return confab_data_field_set_values (field, values);
}

/* ---- Serializing ------------------------------------------------------------- */

static void
add_text_child (ConfabXmppNode *parent,
                const char     *name,
                const char     *text)
{
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (parent, name, NULL), text);
}

static void
serialize_field (ConfabDataField *field,
                 ConfabXmppNode  *parent,
                 gboolean         full)
{
  ConfabXmppNode *node = confab_xmpp_node_add_child (parent, "field", NULL);

  if (field->var != NULL)
    confab_xmpp_node_set_attr (node, "var", field->var);
  confab_xmpp_node_set_attr (node, "type", field_types[field->type]);
  if (full && field->label != NULL)
    confab_xmpp_node_set_attr (node, "label", field->label);
  if (full && field->desc != NULL)
    add_text_child (node, "desc", field->desc);
  if (full && field->required)
    confab_xmpp_node_add_child (node, "required", NULL);
  for (guint i = 0; i + 1 < field->values->len; i++)
    add_text_child (node, "value", g_ptr_array_index (field->values, i));
  for (guint i = 0; full && i + 1 < field->options->len; i += 2)
    {
      ConfabXmppNode *option = confab_xmpp_node_add_child (node, "option", NULL);
      const char *label = g_ptr_array_index (field->options, i);

      if (label != NULL)
        confab_xmpp_node_set_attr (option, "label", label);
      add_text_child (option, "value", g_ptr_array_index (field->options, i + 1));
    }
}

ConfabXmppNode *
confab_data_form_to_node (ConfabDataForm *form)
{
  ConfabXmppNode *x;
  gboolean full;

  g_return_val_if_fail (form != NULL, NULL);

  x = confab_xmpp_node_new ("x", CONFAB_XEP_DATA_FORMS_NS);
  confab_xmpp_node_set_attr (x, "type", form_types[form->type]);
  full = form->type != CONFAB_DATA_FORM_SUBMIT;
  if (full && form->title != NULL)
    add_text_child (x, "title", form->title);
  for (guint i = 0; full && i + 1 < form->instructions->len; i++)
    add_text_child (x, "instructions", g_ptr_array_index (form->instructions, i));
  if (form->reported->len > 0)
    {
      ConfabXmppNode *reported = confab_xmpp_node_add_child (x, "reported", NULL);

      for (guint i = 0; i < form->reported->len; i++)
        serialize_field (g_ptr_array_index (form->reported, i), reported, TRUE);
    }
  for (guint i = 0; i < form->items->len; i++)
    {
      GPtrArray *item = g_ptr_array_index (form->items, i);
      ConfabXmppNode *node = confab_xmpp_node_add_child (x, "item", NULL);

      for (guint j = 0; j < item->len; j++)
        serialize_field (g_ptr_array_index (item, j), node, FALSE);
    }
  for (guint i = 0; i < form->fields->len; i++)
    serialize_field (g_ptr_array_index (form->fields, i), x, full);
  return x;
}

/* ---- Parsing ----------------------------------------------------------------- */

static gboolean
protocol_error (GError    **error,
                const char *what)
{
  g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL, "Invalid data form: %s", what);
  return FALSE;
}

static gboolean
check_string (const char  *text,
              GError     **error)
{
  if (text != NULL && strlen (text) > CONFAB_DATA_FORM_MAX_STRING)
    return protocol_error (error, "a text is too long");
  return TRUE;
}

static gboolean
parse_field_type (const char          *text,
                  ConfabDataFieldType *type)
{
  /* §3.3: absent means text-single. */
  if (text == NULL)
    {
      *type = CONFAB_DATA_FIELD_TEXT_SINGLE;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (field_types); i++)
    if (g_str_equal (text, field_types[i]))
      {
        *type = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
check_value (ConfabDataFieldType   type,
             const char           *value,
             GError              **error)
{
  if (!check_string (value, error))
    return FALSE;
  /* §3.3: boolean is 0, 1, false or true. */
  if (type == CONFAB_DATA_FIELD_BOOLEAN
      && !g_str_equal (value, "0") && !g_str_equal (value, "1")
      && !g_str_equal (value, "false") && !g_str_equal (value, "true"))
    return protocol_error (error, "a boolean field has another value");
  if (type == CONFAB_DATA_FIELD_JID_SINGLE || type == CONFAB_DATA_FIELD_JID_MULTI)
    {
      g_autoptr(ConfabJid) jid = confab_jid_parse (value, NULL);

      if (jid == NULL)
        return protocol_error (error, "a JID field holds an invalid address");
    }
  return TRUE;
}

static gboolean
parse_option (ConfabDataField *field,
              ConfabXmppNode  *option,
              GError         **error)
{
  const char *label = confab_xmpp_node_get_attr (option, "label");
  const char *value = NULL;

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (option);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      if (!confab_xmpp_node_is (child, "value", CONFAB_XEP_DATA_FORMS_NS))
        continue;
      /* §3.3: an option holds exactly one value. */
      if (value != NULL)
        return protocol_error (error, "an option has several values");
      value = confab_xmpp_node_get_text (child);
    }
  if (value == NULL)
    return protocol_error (error, "an option has no value");
  if (!check_string (label, error) || !check_string (value, error))
    return FALSE;
  if (!confab_data_field_add_option (field, label, value))
    return protocol_error (error, "a field has too many options");
  return TRUE;
}

static ConfabDataField *
parse_field (ConfabXmppNode  *node,
             GError         **error)
{
  const char *var = confab_xmpp_node_get_attr (node, "var");
  const char *label = confab_xmpp_node_get_attr (node, "label");
  ConfabDataFieldType type;
  ConfabDataField *field;
  guint n_values = 0;
  gboolean is_list;

  if (!parse_field_type (confab_xmpp_node_get_attr (node, "type"), &type))
    {
      protocol_error (error, "a field has an unknown type");
      return NULL;
    }
  /* §3.2: every field but a fixed one has a var. */
  if (var == NULL && type != CONFAB_DATA_FIELD_FIXED)
    {
      protocol_error (error, "a field has no name");
      return NULL;
    }
  if (!check_string (var, error) || !check_string (label, error))
    return NULL;

  field = field_new (var, type);
  field->label = g_strdup (label);
  is_list = type == CONFAB_DATA_FIELD_LIST_SINGLE || type == CONFAB_DATA_FIELD_LIST_MULTI;
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (node);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      /* Elements of other namespaces (XEP-0221 media, XEP-0122
       * validation) extend a field; we do not use them. */
      if (g_strcmp0 (confab_xmpp_node_get_ns (child), CONFAB_XEP_DATA_FORMS_NS) != 0)
        continue;
      if (confab_xmpp_node_is (child, "value", CONFAB_XEP_DATA_FORMS_NS))
        {
          const char *value = confab_xmpp_node_get_text (child);

          if (++n_values > CONFAB_DATA_FORM_MAX_VALUES)
            goto too_many;
          if (n_values > 1 && !confab_data_field_type_is_multi (type))
            {
              protocol_error (error, "a single-value field has several values");
              goto fail;
            }
          if (!check_value (type, value, error))
            goto fail;
          strv_array_append (field->values, value);
        }
      else if (confab_xmpp_node_is (child, "desc", CONFAB_XEP_DATA_FORMS_NS))
        {
          if (field->desc != NULL)
            {
              protocol_error (error, "a field has several descriptions");
              goto fail;
            }
          if (!check_string (confab_xmpp_node_get_text (child), error))
            goto fail;
          field->desc = g_strdup (confab_xmpp_node_get_text (child));
        }
      else if (confab_xmpp_node_is (child, "required", CONFAB_XEP_DATA_FORMS_NS))
        field->required = TRUE;
      else if (confab_xmpp_node_is (child, "option", CONFAB_XEP_DATA_FORMS_NS))
        {
          if (!is_list)
            {
              protocol_error (error, "a field that is not a list has options");
              goto fail;
            }
          if (!parse_option (field, child, error))
            goto fail;
        }
    }
  return field;

too_many:
  protocol_error (error, "a field has too many values");
fail:
  field_free (field);
  return NULL;
}

/* Parses the <field/> children of @parent into @fields, counting them
 * against the form's bound. */
static gboolean
parse_fields (ConfabDataForm  *form,
              ConfabXmppNode  *parent,
              GPtrArray       *fields,
              GError         **error)
{
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (parent);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      ConfabDataField *field;

      if (!confab_xmpp_node_is (child, "field", CONFAB_XEP_DATA_FORMS_NS))
        continue;
      /* Counted before parsing, so 100,000 fields cost nothing. */
      if (++form->n_all_fields > CONFAB_DATA_FORM_MAX_FIELDS)
        return protocol_error (error, "too many fields");
      field = parse_field (child, error);
      if (field == NULL)
        return FALSE;
      /* §3.2: a var names one field only. */
      if (field->var != NULL && lookup_in (fields, field->var) != NULL)
        {
          field_free (field);
          return protocol_error (error, "two fields have the same name");
        }
      g_ptr_array_add (fields, field);
    }
  return TRUE;
}

ConfabDataForm *
confab_data_form_parse (ConfabXmppNode  *x,
                        GError         **error)
{
  g_autoptr(ConfabDataForm) form = NULL;
  const char *type = NULL;
  guint n_instructions = 0;
  gboolean have_reported = FALSE;
  guint i;

  g_return_val_if_fail (x != NULL, NULL);

  if (!confab_xmpp_node_is (x, "x", CONFAB_XEP_DATA_FORMS_NS))
    {
      protocol_error (error, "not a data form");
      return NULL;
    }
  /* §3.1: the type is required and one of four. */
  type = confab_xmpp_node_get_attr (x, "type");
  for (i = 0; i < G_N_ELEMENTS (form_types); i++)
    if (g_strcmp0 (type, form_types[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (form_types))
    {
      protocol_error (error, "unknown form type");
      return NULL;
    }
  form = confab_data_form_new (i);

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (x);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *text = confab_xmpp_node_get_text (child);

      if (g_strcmp0 (confab_xmpp_node_get_ns (child), CONFAB_XEP_DATA_FORMS_NS) != 0)
        continue;
      if (confab_xmpp_node_is (child, "title", CONFAB_XEP_DATA_FORMS_NS))
        {
          if (form->title != NULL)
            {
              protocol_error (error, "several titles");
              return NULL;
            }
          if (!check_string (text, error))
            return NULL;
          form->title = g_strdup (text);
        }
      else if (confab_xmpp_node_is (child, "instructions", CONFAB_XEP_DATA_FORMS_NS))
        {
          if (++n_instructions > CONFAB_DATA_FORM_MAX_INSTRUCTIONS)
            {
              protocol_error (error, "too many instructions");
              return NULL;
            }
          if (!check_string (text, error))
            return NULL;
          strv_array_append (form->instructions, text);
        }
      else if (confab_xmpp_node_is (child, "reported", CONFAB_XEP_DATA_FORMS_NS))
        {
          /* §3.4: one <reported/>, before the items. */
          if (have_reported || form->items->len > 0)
            {
              protocol_error (error, "misplaced reported fields");
              return NULL;
            }
          have_reported = TRUE;
          if (!parse_fields (form, child, form->reported, error))
            return NULL;
        }
      else if (confab_xmpp_node_is (child, "item", CONFAB_XEP_DATA_FORMS_NS))
        {
          g_autoptr(GPtrArray) item = g_ptr_array_new_with_free_func (field_free);

          if (form->items->len >= CONFAB_DATA_FORM_MAX_ITEMS)
            {
              protocol_error (error, "too many items");
              return NULL;
            }
          if (!parse_fields (form, child, item, error))
            return NULL;
          g_ptr_array_add (form->items, g_steal_pointer (&item));
        }
    }
  if (!parse_fields (form, x, form->fields, error))
    return NULL;
  return g_steal_pointer (&form);
}
