/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xep-0077-register.h"

#include <string.h>

#include "confab-jid.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#define NS_OOB "jabber:x:oob"   /* XEP-0066 */

/* XEP-0077 §14.1: the registration fields we know. Other elements in the
 * namespace are ignored, so the count stays bounded by this list. */
static const char * const known_fields[] = {
  "username", "nick", "password", "name", "first", "last", "email",
  "address", "city", "state", "zip", "phone", "url", "date", "misc",
  "text", "key",
};

struct _ConfabRegisterForm {
  char           *instructions;
  gboolean        registered;
  GPtrArray      *fields;   /* names, NULL-terminated */
  GPtrArray      *values;   /* parallel to fields, "" when empty */
  ConfabDataForm *data_form;
  char           *url;
};

void
confab_register_form_free (ConfabRegisterForm *form)
{
  if (form == NULL)
    return;
  g_free (form->instructions);
  g_ptr_array_unref (form->fields);
  g_ptr_array_unref (form->values);
  g_clear_pointer (&form->data_form, confab_data_form_free);
  g_free (form->url);
  g_free (form);
}

static gboolean
protocol_error (GError    **error,
                const char *what)
{
  g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
               "Invalid registration form: %s", what);
  return FALSE;
}

static const char *
known_field_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_fields); i++)
    if (g_str_equal (name, known_fields[i]))
      return known_fields[i];
  return NULL;
}

/* XEP-0066 in §5 redirection: only a web address is something we may show
 * as a place to go. */
static gboolean
parse_oob (ConfabRegisterForm  *form,
           ConfabXmppNode      *x,
           GError             **error)
{
  const char *url = confab_xmpp_node_get_child_text (x, "url", NS_OOB);
  const char *scheme;

  if (url == NULL || form->url != NULL)
    return TRUE;
  if (strlen (url) > CONFAB_REGISTER_MAX_STRING)
    return protocol_error (error, "the web address is too long");
  scheme = g_uri_peek_scheme (url);
  if (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0)
    return TRUE;
  if (!g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
    return TRUE;
  form->url = g_strdup (url);
  return TRUE;
}

ConfabRegisterForm *
confab_register_form_parse (ConfabXmppNode  *query,
                            GError         **error)
{
  g_autoptr(ConfabRegisterForm) form = NULL;

  g_return_val_if_fail (query != NULL, NULL);

  if (!confab_xmpp_node_is (query, "query", CONFAB_XEP_REGISTER_NS))
    {
      protocol_error (error, "not a registration query");
      return NULL;
    }

  form = g_new0 (ConfabRegisterForm, 1);
  form->fields = g_ptr_array_new_with_free_func (g_free);
  form->values = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (form->fields, NULL);
  g_ptr_array_add (form->values, NULL);
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (query);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *ns = confab_xmpp_node_get_ns (child);
      const char *name = confab_xmpp_node_get_name (child);
      const char *text = confab_xmpp_node_get_text (child);

      if (confab_xmpp_node_is (child, "x", CONFAB_XEP_DATA_FORMS_NS))
        {
          g_autoptr(ConfabDataForm) data_form = NULL;

          if (form->data_form != NULL)
            {
              protocol_error (error, "several data forms");
              return NULL;
            }
          data_form = confab_data_form_parse (child, error);
          if (data_form == NULL)
            return NULL;
          if (confab_data_form_get_form_type (data_form) != CONFAB_DATA_FORM_FORM)
            {
              protocol_error (error, "the data form is not a form to fill in");
              return NULL;
            }
          form->data_form = g_steal_pointer (&data_form);
          continue;
        }
      if (confab_xmpp_node_is (child, "x", NS_OOB))
        {
          if (!parse_oob (form, child, error))
            return NULL;
          continue;
        }
      if (g_strcmp0 (ns, CONFAB_XEP_REGISTER_NS) != 0)
        continue;
      if (strlen (text) > CONFAB_REGISTER_MAX_STRING)
        {
          protocol_error (error, "a text is too long");
          return NULL;
        }
      if (g_str_equal (name, "instructions"))
        {
          g_free (form->instructions);
          form->instructions = g_strdup (text);
        }
      else if (g_str_equal (name, "registered"))
        form->registered = TRUE;
      else if (known_field_name (name) != NULL)
        {
          if (g_strv_contains ((const char * const *) form->fields->pdata, name))
            {
              protocol_error (error, "a field is there twice");
              return NULL;
            }
          g_ptr_array_insert (form->fields, form->fields->len - 1, g_strdup (name));
          g_ptr_array_insert (form->values, form->values->len - 1, g_strdup (text));
        }
    }

  if (form->fields->len == 1 && form->data_form == NULL && form->url == NULL
      && !form->registered)
    {
      protocol_error (error, "the server asks for nothing");
      return NULL;
    }
  return g_steal_pointer (&form);
}

const char *
confab_register_form_get_instructions (ConfabRegisterForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return form->instructions;
}

gboolean
confab_register_form_get_registered (ConfabRegisterForm *form)
{
  g_return_val_if_fail (form != NULL, FALSE);
  return form->registered;
}

const char * const *
confab_register_form_get_fields (ConfabRegisterForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return (const char * const *) form->fields->pdata;
}

const char *
confab_register_form_get_value (ConfabRegisterForm *form,
                                const char         *name)
{
  g_return_val_if_fail (form != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i + 1 < form->fields->len; i++)
    if (g_str_equal (g_ptr_array_index (form->fields, i), name))
      {
        const char *value = g_ptr_array_index (form->values, i);

        return *value != '\0' ? value : NULL;
      }
  return NULL;
}

ConfabDataForm *
confab_register_form_get_data_form (ConfabRegisterForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return form->data_form;
}

const char *
confab_register_form_get_url (ConfabRegisterForm *form)
{
  g_return_val_if_fail (form != NULL, NULL);
  return form->url;
}

ConfabXmppNode *
confab_register_build_simple (const char * const *names,
                              const char * const *values)
{
  ConfabXmppNode *query;

  g_return_val_if_fail (names != NULL && values != NULL, NULL);
  g_return_val_if_fail (g_strv_length ((char **) names) == g_strv_length ((char **) values), NULL);

  query = confab_xmpp_node_new ("query", CONFAB_XEP_REGISTER_NS);
  for (guint i = 0; names[i] != NULL; i++)
    confab_xmpp_node_set_text (confab_xmpp_node_add_child (query, names[i], NULL), values[i]);
  return query;
}

ConfabXmppNode *
confab_register_build_data_form (ConfabDataForm *submit)
{
  ConfabXmppNode *query;

  g_return_val_if_fail (submit != NULL, NULL);
  g_return_val_if_fail (confab_data_form_get_form_type (submit) == CONFAB_DATA_FORM_SUBMIT, NULL);

  query = confab_xmpp_node_new ("query", CONFAB_XEP_REGISTER_NS);
  confab_xmpp_node_append (query, confab_data_form_to_node (submit));
  return query;
}

/* ---- Requests --------------------------------------------------------------- */

/* The IQ to the server itself (XEP-0077 §3.1 addresses the domain). */
static ConfabXmppNode *
new_request (ConfabXmppStream *stream,
             const char       *type,
             ConfabXmppNode   *query)
{
  ConfabXmppNode *iq = confab_xmpp_iq_new (type, confab_jid_get_domain (confab_xmpp_stream_get_jid (stream)),
                                           NULL);

  confab_xmpp_node_append (iq, query);
  return iq;
}

static void
form_received_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  GError *error = NULL;
  ConfabXmppNode *query;
  ConfabRegisterForm *form;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_REGISTER_NS);
  if (query == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "The server sent no registration form");
      return;
    }
  form = confab_register_form_parse (query, &error);
  if (form == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, form, (GDestroyNotify) confab_register_form_free);
}

void
confab_xep_register_get_form_async (ConfabXmppStream    *stream,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (stream));

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_register_get_form_async);
  iq = new_request (stream, "get", confab_xmpp_node_new ("query", CONFAB_XEP_REGISTER_NS));
  confab_xmpp_stream_send_iq_async (stream, iq, 0, cancellable, form_received_cb,
                                    g_steal_pointer (&task));
}

ConfabRegisterForm *
confab_xep_register_get_form_finish (ConfabXmppStream  *stream,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (stream), NULL);
  g_return_val_if_fail (g_task_is_valid (result, stream), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* XEP-0077 §3.1 and §8: what each condition means for a registration. */
static GError *
describe_submit_error (GError *error)
{
  const char *what;
  GError *described;

  if (error->domain != CONFAB_XMPP_STANZA_ERROR)
    return error;
  switch ((ConfabXmppStanzaError) error->code)
    {
    case CONFAB_XMPP_STANZA_ERROR_CONFLICT:
      what = "The username is already taken";
      break;
    case CONFAB_XMPP_STANZA_ERROR_NOT_ACCEPTABLE:
    case CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST:
      what = "The server did not accept the details";
      break;
    case CONFAB_XMPP_STANZA_ERROR_NOT_ALLOWED:
    case CONFAB_XMPP_STANZA_ERROR_FORBIDDEN:
    case CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE:
    case CONFAB_XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED:
      what = "The server does not allow creating accounts";
      break;
    case CONFAB_XMPP_STANZA_ERROR_POLICY_VIOLATION:
    case CONFAB_XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT:
      what = "The server refused to create more accounts for now";
      break;
    default:
      what = "The server could not create the account";
      break;
    }
  described = g_error_new (error->domain, error->code, "%s (%s)", what, error->message);
  g_error_free (error);
  return described;
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  GError *error = NULL;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, describe_submit_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
confab_xep_register_submit_async (ConfabXmppStream    *stream,
                                  ConfabXmppNode      *query,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (stream));
  g_return_if_fail (confab_xmpp_node_is (query, "query", CONFAB_XEP_REGISTER_NS));

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_register_submit_async);
  iq = new_request (stream, "set", confab_xmpp_node_ref (query));
  confab_xmpp_stream_send_iq_async (stream, iq, 0, cancellable, submitted_cb,
                                    g_steal_pointer (&task));
}

gboolean
confab_xep_register_submit_finish (ConfabXmppStream  *stream,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (stream), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
