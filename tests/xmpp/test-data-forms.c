/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0004 data forms and the XEP-0077 registration form: strict parsing
 * of what servers send (every field type, options, hostile sizes) and the
 * forms we submit. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "xep-0004-data-forms.h"
#include "xep-0077-register.h"

#define X_FORM "<x xmlns='jabber:x:data' type='form'>"

static void
keep_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  g_assert_null (*out);
  *out = confab_xmpp_node_ref (stanza);
}

/* Parses @xml as one top-level element through the stream parser (with a
 * large enough stanza bound for the hostile cases). */
static ConfabXmppNode *
parse_xml (const char *xml)
{
  static const char header[] = "<stream:stream xmlns='jabber:client'"
                               " xmlns:stream='http://etherx.jabber.org/streams'>";
  ConfabXmppParserCallbacks callbacks = { .stanza = keep_stanza_cb };
  ConfabXmppNode *node = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &node);
  g_autoptr(GError) error = NULL;

  confab_xmpp_parser_set_limits (parser, &(ConfabXmppParserLimits) {
    .max_depth = 32, .max_attributes = 64, .max_stanza_bytes = 16 * 1024 * 1024,
  });
  g_assert_true (confab_xmpp_parser_feed (parser, header, strlen (header), &error));
  g_assert_true (confab_xmpp_parser_feed (parser, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
repeat (const char *format,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, format, i);
  return g_string_free (s, FALSE);
}

/* ---- Every field type ----------------------------------------------------------- */

static void
test_all_field_types (void)
{
  g_autoptr(ConfabXmppNode) x = parse_xml (
    X_FORM
    "<title>Sign up</title>"
    "<instructions>Fill in.</instructions><instructions>Then submit.</instructions>"
    "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>"
    "<field type='fixed'><value>Section</value></field>"
    "<field var='username' label='User' type='text-single'><required/><desc>Your name</desc></field>"
    "<field var='nick'/>"
    "<field var='password' type='text-private' label='Password'><required/></field>"
    "<field var='bio' type='text-multi'><value>line 1</value><value>line 2</value></field>"
    "<field var='tos' type='boolean' label='Accept'><value>true</value></field>"
    "<field var='buddy' type='jid-single'><value>bob@example.com</value></field>"
    "<field var='friends' type='jid-multi'><value>a@example.com</value><value>b@example.com</value></field>"
    "<field var='color' type='list-single' label='Color'><value>red</value>"
    "  <option label='Red'><value>red</value></option><option><value>blue</value></option></field>"
    "<field var='langs' type='list-multi'><option label='C'><value>c</value></option></field>"
    "<field var='captcha' type='text-single'><media xmlns='urn:xmpp:media-element'/></field>"
    "</x>");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDataForm) form = confab_data_form_parse (x, &error);
  ConfabDataField *field;
  const char *label, *value;

  g_assert_no_error (error);
  g_assert_nonnull (form);
  g_assert_cmpint (confab_data_form_get_form_type (form), ==, CONFAB_DATA_FORM_FORM);
  g_assert_cmpstr (confab_data_form_get_title (form), ==, "Sign up");
  g_assert_cmpuint (g_strv_length ((char **) confab_data_form_get_instructions (form)), ==, 2);
  g_assert_cmpstr (confab_data_form_get_form_type_value (form), ==, "jabber:iq:register");
  g_assert_cmpuint (confab_data_form_get_n_fields (form), ==, 12);

  field = confab_data_form_get_field (form, 1);
  g_assert_cmpint (confab_data_field_get_field_type (field), ==, CONFAB_DATA_FIELD_FIXED);
  g_assert_null (confab_data_field_get_var (field));
  g_assert_cmpstr (confab_data_field_get_value (field), ==, "Section");

  field = confab_data_form_lookup_field (form, "username");
  g_assert_true (confab_data_field_get_required (field));
  g_assert_cmpstr (confab_data_field_get_label (field), ==, "User");
  g_assert_cmpstr (confab_data_field_get_desc (field), ==, "Your name");
  g_assert_null (confab_data_field_get_value (field));

  /* §3.3: no type means text-single. */
  field = confab_data_form_lookup_field (form, "nick");
  g_assert_cmpint (confab_data_field_get_field_type (field), ==, CONFAB_DATA_FIELD_TEXT_SINGLE);
  g_assert_false (confab_data_field_get_required (field));

  field = confab_data_form_lookup_field (form, "password");
  g_assert_cmpint (confab_data_field_get_field_type (field), ==, CONFAB_DATA_FIELD_TEXT_PRIVATE);

  field = confab_data_form_lookup_field (form, "bio");
  g_assert_cmpuint (g_strv_length ((char **) confab_data_field_get_values (field)), ==, 2);

  field = confab_data_form_lookup_field (form, "tos");
  g_assert_true (confab_data_field_get_boolean (field));

  field = confab_data_form_lookup_field (form, "friends");
  g_assert_cmpint (confab_data_field_get_field_type (field), ==, CONFAB_DATA_FIELD_JID_MULTI);
  g_assert_cmpstr (confab_data_field_get_values (field)[1], ==, "b@example.com");

  field = confab_data_form_lookup_field (form, "color");
  g_assert_cmpuint (confab_data_field_get_n_options (field), ==, 2);
  confab_data_field_get_option (field, 0, &label, &value);
  g_assert_cmpstr (label, ==, "Red");
  g_assert_cmpstr (value, ==, "red");
  confab_data_field_get_option (field, 1, &label, &value);
  g_assert_null (label);
  g_assert_cmpstr (value, ==, "blue");

  field = confab_data_form_lookup_field (form, "langs");
  g_assert_cmpint (confab_data_field_get_field_type (field), ==, CONFAB_DATA_FIELD_LIST_MULTI);
  g_assert_cmpuint (confab_data_field_get_n_options (field), ==, 1);

  /* Foreign extensions of a field are skipped, the field kept. */
  g_assert_nonnull (confab_data_form_lookup_field (form, "captcha"));
}

static void
test_multi_item_result (void)
{
  g_autoptr(ConfabXmppNode) x = parse_xml (
    "<x xmlns='jabber:x:data' type='result'>"
    "<reported><field var='jid' type='jid-single' label='JID'/><field var='name'/></reported>"
    "<item><field var='jid'><value>a@example.com</value></field><field var='name'><value>A</value></field></item>"
    "<item><field var='jid'><value>b@example.com</value></field><field var='name'><value>B</value></field></item>"
    "</x>");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDataForm) form = confab_data_form_parse (x, &error);
  GPtrArray *item;

  g_assert_no_error (error);
  g_assert_cmpint (confab_data_form_get_form_type (form), ==, CONFAB_DATA_FORM_RESULT);
  g_assert_cmpuint (confab_data_form_get_n_reported (form), ==, 2);
  g_assert_cmpstr (confab_data_field_get_label (confab_data_form_get_reported (form, 0)), ==, "JID");
  g_assert_cmpuint (confab_data_form_get_n_items (form), ==, 2);
  item = confab_data_form_get_item (form, 1);
  g_assert_cmpuint (item->len, ==, 2);
  g_assert_cmpstr (confab_data_field_get_value (g_ptr_array_index (item, 1)), ==, "B");
  g_assert_cmpuint (confab_data_form_get_n_fields (form), ==, 0);
}

/* ---- Invalid and hostile forms ------------------------------------------------ */

typedef struct {
  const char *name;
  const char *xml;
} BadCase;

static const BadCase bad_cases[] = {
  { "no-type", "<x xmlns='jabber:x:data'><field var='a'/></x>" },
  { "unknown-type", "<x xmlns='jabber:x:data' type='questionnaire'/>" },
  { "wrong-namespace", "<x xmlns='jabber:x:oob' type='form'/>" },
  { "field-without-var", X_FORM "<field type='text-single'/></x>" },
  { "unknown-field-type", X_FORM "<field var='a' type='text-huge'/></x>" },
  { "duplicate-var", X_FORM "<field var='a'/><field var='a'/></x>" },
  { "two-values-single", X_FORM "<field var='a'><value>1</value><value>2</value></field></x>" },
  { "bad-boolean", X_FORM "<field var='a' type='boolean'><value>yes</value></field></x>" },
  { "bad-jid", X_FORM "<field var='a' type='jid-single'><value>@@</value></field></x>" },
  { "option-in-text", X_FORM "<field var='a'><option><value>1</value></option></field></x>" },
  { "option-without-value", X_FORM "<field var='a' type='list-single'><option label='x'/></field></x>" },
  { "option-two-values", X_FORM "<field var='a' type='list-single'><option><value>1</value><value>2</value></option></field></x>" },
  { "two-titles", X_FORM "<title>a</title><title>b</title></x>" },
  { "two-descs", X_FORM "<field var='a'><desc>1</desc><desc>2</desc></field></x>" },
  { "reported-after-item", "<x xmlns='jabber:x:data' type='result'><item/><reported/></x>" },
};

static void
test_bad_form (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(ConfabXmppNode) x = parse_xml (c->xml);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDataForm) form = confab_data_form_parse (x, &error);

  g_assert_null (form);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
}

static void
assert_refused (const char *xml)
{
  g_autoptr(ConfabXmppNode) x = parse_xml (xml);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDataForm) form = confab_data_form_parse (x, &error);

  g_assert_null (form);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
}

static void
test_hostile_sizes (void)
{
  g_autofree char *fields = repeat ("<field var='f%u'/>", 100000);
  g_autofree char *many_fields = g_strconcat (X_FORM, fields, "</x>", NULL);
  g_autofree char *values = repeat ("<value>v%u</value>", CONFAB_DATA_FORM_MAX_VALUES + 1);
  g_autofree char *many_values = g_strconcat (X_FORM "<field var='a' type='text-multi'>", values,
                                              "</field></x>", NULL);
  g_autofree char *options = repeat ("<option><value>%u</value></option>", CONFAB_DATA_FORM_MAX_OPTIONS + 1);
  g_autofree char *many_options = g_strconcat (X_FORM "<field var='a' type='list-multi'>", options,
                                               "</field></x>", NULL);
  g_autofree char *items = repeat ("<item><field var='a'><value>%u</value></field></item>",
                                   CONFAB_DATA_FORM_MAX_FIELDS + 1);
  g_autofree char *many_items = g_strconcat ("<x xmlns='jabber:x:data' type='result'>", items, "</x>", NULL);
  g_autofree char *long_text = g_strnfill (CONFAB_DATA_FORM_MAX_STRING + 1, 'a');
  g_autofree char *long_value = g_strconcat (X_FORM "<field var='a'><value>", long_text,
                                             "</value></field></x>", NULL);
  g_autofree char *instructions = repeat ("<instructions>%u</instructions>",
                                          CONFAB_DATA_FORM_MAX_INSTRUCTIONS + 1);
  g_autofree char *many_instructions = g_strconcat (X_FORM, instructions, "</x>", NULL);
  g_autofree char *max_fields = repeat ("<field var='f%u'/>", CONFAB_DATA_FORM_MAX_FIELDS);
  g_autofree char *at_bound = g_strconcat (X_FORM, max_fields, "</x>", NULL);
  g_autoptr(ConfabXmppNode) x = NULL;
  g_autoptr(ConfabDataForm) form = NULL;

  assert_refused (many_fields);
  assert_refused (many_values);
  assert_refused (many_options);
  assert_refused (many_items);
  assert_refused (long_value);
  assert_refused (many_instructions);

  /* Exactly at the bound is still a form. */
  x = parse_xml (at_bound);
  form = confab_data_form_parse (x, NULL);
  g_assert_nonnull (form);
  g_assert_cmpuint (confab_data_form_get_n_fields (form), ==, CONFAB_DATA_FORM_MAX_FIELDS);
  g_assert_null (confab_data_form_add_field (form, "one-more", CONFAB_DATA_FIELD_TEXT_SINGLE));
}

/* ---- Building ----------------------------------------------------------------- */

static void
test_submit (void)
{
  g_autoptr(ConfabXmppNode) x = parse_xml (
    X_FORM
    "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>"
    "<field type='fixed'><value>Read this</value></field>"
    "<field var='username' label='User'><required/></field>"
    "<field var='password' type='text-private'><required/></field>"
    "<field var='color' type='list-single'><value>red</value><option><value>red</value></option></field>"
    "</x>");
  g_autoptr(ConfabDataForm) form = confab_data_form_parse (x, NULL);
  g_autoptr(ConfabDataForm) submit = NULL;
  g_autoptr(ConfabXmppNode) node = NULL;
  g_autoptr(ConfabDataForm) again = NULL;
  g_autofree char *xml = NULL;
  const char * const two[] = { "a", "b", NULL };

  g_assert_nonnull (form);
  submit = confab_data_form_new_submit (form);
  /* The fixed field is not submitted; defaults and hidden values are. */
  g_assert_cmpuint (confab_data_form_get_n_fields (submit), ==, 4);
  g_assert_cmpstr (confab_data_form_get_form_type_value (submit), ==, "jabber:iq:register");
  g_assert_cmpstr (confab_data_field_get_value (confab_data_form_lookup_field (submit, "color")), ==, "red");
  g_assert_true (confab_data_form_set_value (submit, "username", "dora"));
  g_assert_true (confab_data_form_set_value (submit, "password", "pa<ss>&'\""));
  g_assert_false (confab_data_form_set_value (submit, "nothere", "x"));
  /* A single-value field takes one value only. */
  g_assert_false (confab_data_field_set_values (confab_data_form_lookup_field (submit, "username"), two));

  node = confab_data_form_to_node (submit);
  xml = confab_xmpp_node_to_string (node, "jabber:client");
  g_assert_nonnull (strstr (xml, "type='submit'") ?: strstr (xml, "type=\"submit\""));
  /* Submit forms carry no labels. */
  g_assert_null (strstr (xml, "label"));
  g_assert_null (strstr (xml, "Read this"));

  /* What we build parses again to the same values (escaping included). */
  again = confab_data_form_parse (node, NULL);
  g_assert_nonnull (again);
  g_assert_cmpint (confab_data_form_get_form_type (again), ==, CONFAB_DATA_FORM_SUBMIT);
  g_assert_cmpstr (confab_data_field_get_value (confab_data_form_lookup_field (again, "password")), ==,
                   "pa<ss>&'\"");
  g_assert_cmpstr (confab_data_field_get_value (confab_data_form_lookup_field (again, "username")), ==,
                   "dora");
}

/* ---- XEP-0077 forms ------------------------------------------------------------ */

static void
test_register_form (void)
{
  /* What Prosody sends: simple fields and the same as a data form. */
  g_autoptr(ConfabXmppNode) query = parse_xml (
    "<query xmlns='jabber:iq:register'>"
    "<instructions>Choose a username and password.</instructions>"
    "<username/><password/><email>me@example.com</email><unknown-thing/>"
    X_FORM "<field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>"
    "<field var='username' type='text-single'><required/></field></x>"
    "</query>");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabRegisterForm) form = confab_register_form_parse (query, &error);
  const char * const *fields;
  const char * const names[] = { "username", "password", NULL };
  const char * const values[] = { "dora", "secret", NULL };
  g_autoptr(ConfabXmppNode) simple = NULL;
  g_autofree char *xml = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (confab_register_form_get_instructions (form), ==, "Choose a username and password.");
  fields = confab_register_form_get_fields (form);
  g_assert_cmpuint (g_strv_length ((char **) fields), ==, 3);
  g_assert_cmpstr (fields[0], ==, "username");
  g_assert_cmpstr (fields[2], ==, "email");
  g_assert_null (confab_register_form_get_value (form, "username"));
  g_assert_cmpstr (confab_register_form_get_value (form, "email"), ==, "me@example.com");
  g_assert_false (confab_register_form_get_registered (form));
  g_assert_nonnull (confab_register_form_get_data_form (form));
  g_assert_null (confab_register_form_get_url (form));

  simple = confab_register_build_simple (names, values);
  xml = confab_xmpp_node_to_string (simple, "jabber:client");
  g_assert_nonnull (strstr (xml, "<username>dora</username>"));
  g_assert_nonnull (strstr (xml, "<password>secret</password>"));
}

static void
test_register_form_redirect (void)
{
  g_autoptr(ConfabXmppNode) query = parse_xml (
    "<query xmlns='jabber:iq:register'><instructions>Use the web site.</instructions>"
    "<x xmlns='jabber:x:oob'><url>https://example.com/signup</url></x></query>");
  g_autoptr(ConfabXmppNode) bad_scheme = parse_xml (
    "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:oob'><url>javascript:alert(1)</url></x></query>");
  g_autoptr(ConfabRegisterForm) form = confab_register_form_parse (query, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabRegisterForm) none = confab_register_form_parse (bad_scheme, &error);

  g_assert_nonnull (form);
  g_assert_cmpstr (confab_register_form_get_url (form), ==, "https://example.com/signup");
  /* Only web addresses are kept: a form that then asks for nothing is refused. */
  g_assert_null (none);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
}

static void
test_register_form_bad (void)
{
  const char *cases[] = {
    "<query xmlns='jabber:iq:register'/>",
    "<query xmlns='jabber:iq:register'><username/><username/></query>",
    "<query xmlns='jabber:iq:register'><username/>"
      "<x xmlns='jabber:x:data' type='result'/></query>",
    "<query xmlns='jabber:iq:register'><username/>" X_FORM "<field/></x></query>",
    "<query xmlns='jabber:iq:version'><username/></query>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) query = parse_xml (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabRegisterForm) form = confab_register_form_parse (query, &error);

      g_assert_null (form);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/data-forms/all-field-types", test_all_field_types);
  g_test_add_func ("/xmpp/data-forms/multi-item-result", test_multi_item_result);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/data-forms/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_form);
    }
  g_test_add_func ("/xmpp/data-forms/hostile-sizes", test_hostile_sizes);
  g_test_add_func ("/xmpp/data-forms/submit", test_submit);
  g_test_add_func ("/xmpp/register/form", test_register_form);
  g_test_add_func ("/xmpp/register/form-redirect", test_register_form_redirect);
  g_test_add_func ("/xmpp/register/form-bad", test_register_form_bad);
  return g_test_run ();
}
