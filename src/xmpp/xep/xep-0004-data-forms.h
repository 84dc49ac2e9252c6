/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-xmpp-node.h"

G_BEGIN_DECLS

/*
 * XEP-0004 Data Forms: parsing the forms and results other entities send
 * (strictly, with bounded counts and sizes, because a hostile server may
 * send one with 100,000 fields) and building the forms we submit. Errors
 * are CONFAB_XMPP_ERROR_PROTOCOL.
 */

#define CONFAB_XEP_DATA_FORMS_NS "jabber:x:data"

/* Bounds on what we accept; more is a protocol error. */
#define CONFAB_DATA_FORM_MAX_FIELDS        128   /* per form, reported and items included */
#define CONFAB_DATA_FORM_MAX_VALUES        64    /* per field */
#define CONFAB_DATA_FORM_MAX_OPTIONS       256   /* per field */
#define CONFAB_DATA_FORM_MAX_ITEMS         256   /* <item/>s of a multi-item result */
#define CONFAB_DATA_FORM_MAX_INSTRUCTIONS  16
#define CONFAB_DATA_FORM_MAX_STRING        4096  /* bytes of any one value, label, text */

/* XEP-0004 §3.1: the form types. */
typedef enum {
  CONFAB_DATA_FORM_FORM,
  CONFAB_DATA_FORM_SUBMIT,
  CONFAB_DATA_FORM_CANCEL,
  CONFAB_DATA_FORM_RESULT,
} ConfabDataFormType;

/* XEP-0004 §3.3: the field types. */
typedef enum {
  CONFAB_DATA_FIELD_TEXT_SINGLE,   /* also when the type is absent */
  CONFAB_DATA_FIELD_TEXT_PRIVATE,
  CONFAB_DATA_FIELD_TEXT_MULTI,
  CONFAB_DATA_FIELD_BOOLEAN,
  CONFAB_DATA_FIELD_FIXED,
  CONFAB_DATA_FIELD_HIDDEN,
  CONFAB_DATA_FIELD_JID_SINGLE,
  CONFAB_DATA_FIELD_JID_MULTI,
  CONFAB_DATA_FIELD_LIST_SINGLE,
  CONFAB_DATA_FIELD_LIST_MULTI,
} ConfabDataFieldType;

typedef struct _ConfabDataForm  ConfabDataForm;
typedef struct _ConfabDataField ConfabDataField;

const char          *confab_data_form_type_to_string  (ConfabDataFormType  type);
const char          *confab_data_field_type_to_string (ConfabDataFieldType type);
/* Whether a field of @type may carry several values. */
gboolean             confab_data_field_type_is_multi  (ConfabDataFieldType type);

/* ---- Forms ---------------------------------------------------------------- */

/* Parses <x xmlns='jabber:x:data'/>. */
ConfabDataForm      *confab_data_form_parse           (ConfabXmppNode     *x,
                                                       GError            **error);
ConfabDataForm      *confab_data_form_new             (ConfabDataFormType  type);
void                 confab_data_form_free            (ConfabDataForm     *form);

ConfabDataFormType   confab_data_form_get_form_type   (ConfabDataForm     *form);
/* NULL when absent. */
const char          *confab_data_form_get_title       (ConfabDataForm     *form);
void                 confab_data_form_set_title       (ConfabDataForm     *form,
                                                       const char         *title);
/* NULL-terminated, never NULL. */
const char * const  *confab_data_form_get_instructions (ConfabDataForm    *form);
/* The value of the hidden FORM_TYPE field (XEP-0068), or NULL. */
const char          *confab_data_form_get_form_type_value (ConfabDataForm *form);

guint                confab_data_form_get_n_fields    (ConfabDataForm     *form);
ConfabDataField     *confab_data_form_get_field       (ConfabDataForm     *form,
                                                       guint               index);
/* The field named @var, or NULL. */
ConfabDataField     *confab_data_form_lookup_field    (ConfabDataForm     *form,
                                                       const char         *var);
/* Adds a field (owned by the form); NULL (nothing added) when @var is
 * already there or the bound is reached. @var may be NULL only for fixed. */
ConfabDataField     *confab_data_form_add_field       (ConfabDataForm     *form,
                                                       const char         *var,
                                                       ConfabDataFieldType type);

/* A multi-item result (XEP-0004 §3.4): the <reported/> fields and the
 * items, each an array of ConfabDataField (transfer none). */
guint                confab_data_form_get_n_reported  (ConfabDataForm     *form);
ConfabDataField     *confab_data_form_get_reported    (ConfabDataForm     *form,
                                                       guint               index);
guint                confab_data_form_get_n_items     (ConfabDataForm     *form);
GPtrArray           *confab_data_form_get_item        (ConfabDataForm     *form,
                                                       guint               index);

/* A submit form answering @form (XEP-0004 §3.2): every field of @form
 * except fixed ones, with its var, type and default values (hidden fields
 * such as FORM_TYPE must come back unchanged). */
ConfabDataForm      *confab_data_form_new_submit      (ConfabDataForm     *form);
/* Sets the values of field @var of @form; FALSE when there is no such field. */
gboolean             confab_data_form_set_value       (ConfabDataForm     *form,
                                                       const char         *var,
                                                       const char         *value);

/* Serializes @form as <x xmlns='jabber:x:data'/>. Submit forms carry only
 * var, type and values; other forms everything. */
ConfabXmppNode      *confab_data_form_to_node         (ConfabDataForm     *form);

/* ---- Fields ---------------------------------------------------------------- */

/* NULL for a fixed field without a var. */
const char          *confab_data_field_get_var        (ConfabDataField    *field);
ConfabDataFieldType  confab_data_field_get_field_type (ConfabDataField    *field);
const char          *confab_data_field_get_label      (ConfabDataField    *field);
void                 confab_data_field_set_label      (ConfabDataField    *field,
                                                       const char         *label);
const char          *confab_data_field_get_desc       (ConfabDataField    *field);
void                 confab_data_field_set_desc       (ConfabDataField    *field,
                                                       const char         *desc);
gboolean             confab_data_field_get_required   (ConfabDataField    *field);
void                 confab_data_field_set_required   (ConfabDataField    *field,
                                                       gboolean            required);
/* NULL-terminated, never NULL. */
const char * const  *confab_data_field_get_values     (ConfabDataField    *field);
/* The first value, or NULL. */
const char          *confab_data_field_get_value      (ConfabDataField    *field);
/* Replaces the values; FALSE (unchanged) when there are too many, or more
 * than one for a single-value type. */
gboolean             confab_data_field_set_values     (ConfabDataField    *field,
                                                       const char * const *values);
/* A boolean field's value: "1"/"true" is TRUE (XEP-0004 §3.3). */
gboolean             confab_data_field_get_boolean    (ConfabDataField    *field);

/* Options of list-single and list-multi fields. @label may come back NULL. */
guint                confab_data_field_get_n_options  (ConfabDataField    *field);
void                 confab_data_field_get_option     (ConfabDataField    *field,
                                                       guint               index,
                                                       const char        **label,
                                                       const char        **value);
gboolean             confab_data_field_add_option     (ConfabDataField    *field,
                                                       const char         *label,
                                                       const char         *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabDataForm, confab_data_form_free)

G_END_DECLS
