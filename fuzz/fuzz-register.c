/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for in-band registration (XEP-0077) and data forms
 * (XEP-0004): the input is fed to ConfabXmppParser after a stream header,
 * and every <query xmlns='jabber:iq:register'/> and <x xmlns='jabber:x:data'/>
 * found (at the top, as a child of a stanza, or inside a query) goes
 * through the strict parsers. Checked: no crash, no leak, bounded counts,
 * errors only in the protocol domain, and that a parsed form serializes
 * and parses again to the same shape, as does the submit form built from it.
 */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "xep-0004-data-forms.h"
#include "xep-0077-register.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char header[] = "<stream:stream xmlns='jabber:client'"
                             " xmlns:stream='http://etherx.jabber.org/streams'>";

static void
check_error (GError *error)
{
  if (error == NULL || error->domain != CONFAB_XMPP_ERROR || error->code != CONFAB_XMPP_ERROR_PROTOCOL)
    abort ();
}

static void
check_bounds (ConfabDataForm *form)
{
  guint n = confab_data_form_get_n_fields (form) + confab_data_form_get_n_reported (form);

  for (guint i = 0; i < confab_data_form_get_n_items (form); i++)
    n += confab_data_form_get_item (form, i)->len;
  if (n > CONFAB_DATA_FORM_MAX_FIELDS
      || confab_data_form_get_n_items (form) > CONFAB_DATA_FORM_MAX_ITEMS
      || g_strv_length ((char **) confab_data_form_get_instructions (form)) > CONFAB_DATA_FORM_MAX_INSTRUCTIONS)
    abort ();
  for (guint i = 0; i < confab_data_form_get_n_fields (form); i++)
    {
      ConfabDataField *field = confab_data_form_get_field (form, i);

      if (g_strv_length ((char **) confab_data_field_get_values (field)) > CONFAB_DATA_FORM_MAX_VALUES
          || confab_data_field_get_n_options (field) > CONFAB_DATA_FORM_MAX_OPTIONS)
        abort ();
    }
}

/* What we serialize must parse again to the same shape. */
static void
check_round_trip (ConfabDataForm *form)
{
  g_autoptr(ConfabXmppNode) node = confab_data_form_to_node (form);
  g_autoptr(ConfabDataForm) again = confab_data_form_parse (node, NULL);

  if (again == NULL
      || confab_data_form_get_form_type (again) != confab_data_form_get_form_type (form)
      || confab_data_form_get_n_fields (again) != confab_data_form_get_n_fields (form)
      || confab_data_form_get_n_items (again) != confab_data_form_get_n_items (form))
    abort ();
  for (guint i = 0; i < confab_data_form_get_n_fields (form); i++)
    {
      ConfabDataField *a = confab_data_form_get_field (form, i);
      ConfabDataField *b = confab_data_form_get_field (again, i);

      if (g_strcmp0 (confab_data_field_get_var (a), confab_data_field_get_var (b)) != 0
          || confab_data_field_get_field_type (a) != confab_data_field_get_field_type (b)
          || !g_strv_equal ((const char * const *) confab_data_field_get_values (a),
                            (const char * const *) confab_data_field_get_values (b)))
        abort ();
    }
}

static void
check_data_form (ConfabDataForm *form)
{
  g_autoptr(ConfabDataForm) submit = NULL;

  check_bounds (form);
  check_round_trip (form);
  submit = confab_data_form_new_submit (form);
  check_bounds (submit);
  check_round_trip (submit);
}

static void
check_x (ConfabXmppNode *x)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDataForm) form = confab_data_form_parse (x, &error);

  if (form == NULL)
    check_error (error);
  else
    check_data_form (form);
}

static void
check_query (ConfabXmppNode *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabRegisterForm) form = confab_register_form_parse (query, &error);
  const char * const *fields;
  const char *url;

  if (form == NULL)
    {
      check_error (error);
      return;
    }
  fields = confab_register_form_get_fields (form);
  /* Only the known §14.1 names, each once. */
  if (g_strv_length ((char **) fields) > 17)
    abort ();
  url = confab_register_form_get_url (form);
  if (url != NULL && !g_str_has_prefix (url, "https:") && !g_str_has_prefix (url, "http:"))
    abort ();
  for (guint i = 0; fields[i] != NULL; i++)
    confab_register_form_get_value (form, fields[i]);
  if (confab_register_form_get_data_form (form) != NULL)
    check_data_form (confab_register_form_get_data_form (form));
  if (fields[0] != NULL)
    {
      g_autoptr(ConfabXmppNode) simple = confab_register_build_simple (fields, fields);
      g_autoptr(ConfabRegisterForm) again = confab_register_form_parse (simple, NULL);

      if (again == NULL || !g_strv_equal (confab_register_form_get_fields (again), fields))
        abort ();
    }
}

static void
check_element (ConfabXmppNode *element)
{
  if (confab_xmpp_node_is (element, "query", CONFAB_XEP_REGISTER_NS))
    check_query (element);
  else if (confab_xmpp_node_is (element, "x", CONFAB_XEP_DATA_FORMS_NS))
    check_x (element);
}

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data G_GNUC_UNUSED)
{
  check_element (stanza);
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (stanza);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    check_element (child);
}

static const ConfabXmppParserCallbacks callbacks = {
  .stanza = stanza_cb,
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, NULL);

  if (!confab_xmpp_parser_feed (parser, header, strlen (header), NULL))
    abort ();
  confab_xmpp_parser_feed (parser, (const char *) data, size, NULL);
  return 0;
}
