/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The first-run page: log in to an account, or create one by in-band
 * registration (XEP-0077), and the "Add Account" window that hosts it.
 *
 * Logging in adds the account through the account manager and waits until
 * it is online; if it fails (wrong password, server not found, untrusted
 * certificate that the user does not accept) the account is removed again,
 * so nothing broken is left behind and the user can correct and retry.
 * Everything the server sends (form labels, instructions) is plain text. */
#include "config.h"

#include "confab-welcome-page.h"

#include <glib/gi18n.h>

#include "confab-certificate-dialog.h"
#include "confab-error-text.h"
#include "confab-styled-text.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-reconnector.h"
#include "xep-0077-register.h"

#define MAX_LABEL_CHARS 100
#define MAX_TEXT_CHARS  1000

struct _ConfabWelcomePage
{
  AdwBin                parent_instance;

  ConfabAccountManager *manager;
  GCancellable         *cancellable;
  GPtrArray            *trusted;          /* fingerprints the user trusted here */
  gboolean              busy;

  /* A login in progress: added, waiting for ONLINE or ERROR. */
  ConfabAccount        *pending;
  GtkWidget            *certificate_dialog;
  guint                 check_id;

  /* Registration (XEP-0077) */
  ConfabXmppStream     *reg_stream;
  char                 *reg_domain;
  ConfabRegisterForm   *reg_form;
  ConfabDataForm       *reg_submit;      /* when the server's data form is used */
  GHashTable           *reg_widgets;     /* field name → widget */

  /* template children */
  GtkWidget            *greeting_box;
  GtkStack             *mode_stack;
  AdwEntryRow          *jid_row;
  AdwPasswordEntryRow  *password_row;
  AdwEntryRow          *server_row;
  GtkBox               *form_box;
  AdwExpanderRow       *advanced_row;
  AdwEntryRow          *host_row;
  GtkSpinButton        *port_spin;
  GtkSwitch            *direct_tls_switch;
  GtkLabel             *error_label;
  GtkWidget            *busy_box;
  GtkSpinner           *spinner;
  GtkLabel             *busy_label;
  GtkStack             *action_stack;
};

G_DEFINE_FINAL_TYPE (ConfabWelcomePage, confab_welcome_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

enum {
  ACCOUNT_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_login (ConfabWelcomePage *self, const char *jid, const char *password);
static void start_fetch (ConfabWelcomePage *self);

/* ---- Small helpers ------------------------------------------------------------- */

static GtkWindow *
get_window (ConfabWelcomePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_error (ConfabWelcomePage *self,
            const char        *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL && *text != '\0');
}

static void
set_busy (ConfabWelcomePage *self,
          const char        *what)
{
  self->busy = what != NULL;
  if (what != NULL)
    gtk_label_set_text (self->busy_label, what);
  gtk_widget_set_visible (self->busy_box, self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_stack), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->advanced_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_stack), !self->busy);
}

static void
get_connection_settings (ConfabWelcomePage  *self,
                         char              **host,
                         guint16            *port,
                         gboolean           *direct_tls)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row))));

  *host = *text != '\0' ? g_steal_pointer (&text) : NULL;
  *port = (guint16) gtk_spin_button_get_value_as_int (self->port_spin);
  *direct_tls = gtk_switch_get_active (self->direct_tls_switch);
}

static gboolean
is_trusted (ConfabWelcomePage *self,
            GTlsCertificate   *certificate)
{
  g_autofree char *fingerprint = confab_xmpp_certificate_fingerprint (certificate);

  if (fingerprint == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < self->trusted->len; i++)
    if (g_str_equal (g_ptr_array_index (self->trusted, i), fingerprint))
      return TRUE;
  return FALSE;
}

static void
remember_trusted (ConfabWelcomePage *self,
                  GTlsCertificate   *certificate)
{
  char *fingerprint = confab_xmpp_certificate_fingerprint (certificate);

  if (fingerprint != NULL && !is_trusted (self, certificate))
    g_ptr_array_insert (self->trusted, self->trusted->len - 1, fingerprint);
  else
    g_free (fingerprint);
}

static void
close_certificate_dialog (ConfabWelcomePage *self)
{
  if (self->certificate_dialog == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->certificate_dialog, self);
  gtk_window_destroy (GTK_WINDOW (self->certificate_dialog));
  g_clear_object (&self->certificate_dialog);
}

/* ---- Logging in ---------------------------------------------------------------- */

static void
unwatch_pending (ConfabWelcomePage *self)
{
  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->pending == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->pending, self);
  g_signal_handlers_disconnect_by_data (confab_account_get_stream (self->pending), self);
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConfabWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_account_manager_remove_finish (CONFAB_ACCOUNT_MANAGER (object), result, &error))
    g_warning ("Could not remove the account that failed to log in: %s", error->message);
  set_busy (self, NULL);
}

/* The login failed: say why (@text, or nothing after Cancel) and take the
 * account out again, so the user can correct the details and retry. */
static void
fail_pending (ConfabWelcomePage *self,
              const char        *text)
{
  g_autoptr(ConfabAccount) account = NULL;

  unwatch_pending (self);
  close_certificate_dialog (self);
  account = g_steal_pointer (&self->pending);
  show_error (self, text);
  if (account == NULL)
    {
      set_busy (self, NULL);
      return;
    }
  set_busy (self, _("Cancelling…"));
  confab_account_manager_remove_async (self->manager, account, NULL, removed_cb, g_object_ref (self));
}

static void
succeed_pending (ConfabWelcomePage *self)
{
  g_autoptr(ConfabAccount) account = NULL;

  unwatch_pending (self);
  close_certificate_dialog (self);
  account = g_steal_pointer (&self->pending);
  set_busy (self, NULL);
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
}

static void
certificate_response_cb (AdwMessageDialog  *dialog,
                         const char        *response,
                         ConfabWelcomePage *self)
{
  GTlsCertificate *certificate = confab_certificate_dialog_get_certificate (CONFAB_CERTIFICATE_DIALOG (dialog));

  g_signal_handlers_disconnect_by_data (dialog, self);
  g_clear_object (&self->certificate_dialog);
  if (g_strcmp0 (response, CONFAB_CERTIFICATE_RESPONSE_TRUST) == 0)
    {
      /* The dialog has pinned it on the account, which connects again. */
      remember_trusted (self, certificate);
      gtk_label_set_text (self->busy_label, _("Connecting…"));
      return;
    }
  fail_pending (self, _("The server’s certificate was not trusted, so Confab did not log in."));
}

static void
handle_certificate_error (ConfabWelcomePage *self)
{
  ConfabXmppStream *stream = confab_account_get_stream (self->pending);
  GTlsCertificate *certificate = confab_xmpp_stream_get_peer_certificate (stream);

  if (self->certificate_dialog != NULL)
    return;
  /* Trusted already on this page (while creating the account). */
  if (certificate != NULL && is_trusted (self, certificate))
    {
      confab_account_trust_certificate (self->pending, certificate);
      return;
    }
  self->certificate_dialog = confab_certificate_dialog_new_for_account (get_window (self), self->pending);
  if (self->certificate_dialog == NULL)
    {
      g_autofree char *text = confab_error_describe (confab_account_get_error (self->pending));

      fail_pending (self, text);
      return;
    }
  g_object_ref_sink (self->certificate_dialog);
  g_signal_connect (self->certificate_dialog, "response", G_CALLBACK (certificate_response_cb), self);
  gtk_label_set_text (self->busy_label, _("Waiting for your decision about the certificate…"));
  gtk_window_present (GTK_WINDOW (self->certificate_dialog));
}

static void
check_pending (ConfabWelcomePage *self)
{
  const GError *error;
  g_autofree char *text = NULL;

  if (self->pending == NULL)
    return;
  switch (confab_account_get_state (self->pending))
    {
    case CONFAB_ACCOUNT_STATE_ONLINE:
      succeed_pending (self);
      break;

    case CONFAB_ACCOUNT_STATE_ERROR:
      error = confab_account_get_error (self->pending);
      if (g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE))
        {
          handle_certificate_error (self);
          break;
        }
      if (error != NULL)
        text = confab_error_describe (error);
      else
        text = g_strdup (confab_account_get_error_message (self->pending));
      fail_pending (self, text);
      break;

    case CONFAB_ACCOUNT_STATE_OFFLINE:
    case CONFAB_ACCOUNT_STATE_CONNECTING:
    default:
      break;
    }
}

static void
pending_state_cb (ConfabWelcomePage *self)
{
  check_pending (self);
}

/* A failed attempt that the reconnector will retry later (server not found,
 * connection refused, timeout) leaves the account CONNECTING; for a new
 * account that is a failure to report now. Checked from an idle, once the
 * reconnector has counted the attempt and decided whether to give up. */
static gboolean
check_attempt_cb (gpointer user_data)
{
  ConfabWelcomePage *self = user_data;
  ConfabXmppReconnector *reconnector;

  self->check_id = 0;
  if (self->pending == NULL || self->certificate_dialog != NULL)
    return G_SOURCE_REMOVE;
  reconnector = confab_account_get_reconnector (self->pending);
  if (confab_account_get_state (self->pending) == CONFAB_ACCOUNT_STATE_CONNECTING
      && confab_xmpp_stream_get_state (confab_account_get_stream (self->pending)) == CONFAB_XMPP_STREAM_STATE_DISCONNECTED
      && reconnector != NULL && confab_xmpp_reconnector_get_attempts (reconnector) > 0)
    {
      const GError *error = confab_xmpp_stream_get_connect_error (confab_account_get_stream (self->pending));
      g_autofree char *text = error != NULL ? confab_error_describe (error) : NULL;

      fail_pending (self, text != NULL ? text
                          : _("Confab could not connect to the server. Check the address, the "
                              "advanced settings and your network connection."));
      return G_SOURCE_REMOVE;
    }
  check_pending (self);
  return G_SOURCE_REMOVE;
}

static void
pending_stream_state_cb (ConfabWelcomePage *self)
{
  if (self->pending == NULL
      || confab_xmpp_stream_get_state (confab_account_get_stream (self->pending)) != CONFAB_XMPP_STREAM_STATE_DISCONNECTED)
    return;
  g_clear_handle_id (&self->check_id, g_source_remove);
  self->check_id = g_timeout_add (50, check_attempt_cb, self);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConfabWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabAccount) account = NULL;

  account = confab_account_manager_add_finish (CONFAB_ACCOUNT_MANAGER (object), result, &error);
  if (account == NULL)
    {
      g_autofree char *text = NULL;

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        text = confab_error_describe (error);
      show_error (self, text);
      set_busy (self, NULL);
      return;
    }
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      /* Cancelled after the account was stored: take it out again. */
      self->pending = g_steal_pointer (&account);
      fail_pending (self, NULL);
      return;
    }

  self->pending = g_steal_pointer (&account);
  g_signal_connect_swapped (self->pending, "notify::state", G_CALLBACK (pending_state_cb), self);
  g_signal_connect_swapped (confab_account_get_stream (self->pending), "notify::state",
                            G_CALLBACK (pending_stream_state_cb), self);
  check_pending (self);
}

static void
start_login (ConfabWelcomePage *self,
             const char        *jid,
             const char        *password)
{
  g_autofree char *host = NULL;
  guint16 port;
  gboolean direct_tls;

  get_connection_settings (self, &host, &port, &direct_tls);
  show_error (self, NULL);
  set_busy (self, _("Connecting…"));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  confab_account_manager_add_async (self->manager, jid, password, host, port, direct_tls, NULL, TRUE,
                                    self->cancellable, added_cb, g_object_ref (self));
}

static void
on_login_clicked_cb (ConfabWelcomePage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->jid_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(ConfabJid) jid = NULL;

  if (self->busy)
    return;
  jid = confab_jid_parse (text, NULL);
  if (jid == NULL || confab_jid_get_localpart (jid) == NULL)
    {
      show_error (self, _("Enter your address in the form name@example.org."));
      gtk_widget_grab_focus (GTK_WIDGET (self->jid_row));
      return;
    }
  if (*password == '\0')
    {
      show_error (self, _("Enter your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  start_login (self, confab_jid_get_bare_string (jid), password);
}

static void
on_jid_activated_cb (ConfabWelcomePage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/* ---- Creating an account: the form ---------------------------------------------- */

static void
clear_registration (ConfabWelcomePage *self)
{
  GtkWidget *child;

  if (self->reg_stream != NULL)
    {
      confab_xmpp_stream_close_async (self->reg_stream, NULL, NULL, NULL);
      g_clear_object (&self->reg_stream);
    }
  g_clear_pointer (&self->reg_domain, g_free);
  g_clear_pointer (&self->reg_form, confab_register_form_free);
  g_clear_pointer (&self->reg_submit, confab_data_form_free);
  g_hash_table_remove_all (self->reg_widgets);
  if (self->form_box == NULL)
    return;  /* disposed */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->form_box))) != NULL)
    gtk_box_remove (self->form_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->form_box), FALSE);
}

static void
update_action (ConfabWelcomePage *self)
{
  const char *mode = gtk_stack_get_visible_child_name (self->mode_stack);

  if (g_strcmp0 (mode, "register") != 0)
    gtk_stack_set_visible_child_name (self->action_stack, "login");
  else if (self->reg_form != NULL)
    gtk_stack_set_visible_child_name (self->action_stack, "register");
  else
    gtk_stack_set_visible_child_name (self->action_stack, "fetch");
}

static void
on_mode_changed_cb (ConfabWelcomePage *self)
{
  show_error (self, NULL);
  update_action (self);
}

static void
on_server_changed_cb (ConfabWelcomePage *self)
{
  /* Another server has another form. */
  if (self->reg_form == NULL && self->reg_stream == NULL)
    return;
  clear_registration (self);
  update_action (self);
}

/* XEP-0077 §14.1 field names in words. NULL for fields not to show. */
static const char *
simple_field_title (const char *name)
{
  static const struct { const char *name; const char *title; } titles[] = {
    { "username", N_("Username") }, { "password", N_("Password") }, { "email", N_("Email") },
    { "nick", N_("Nickname") }, { "name", N_("Full Name") }, { "first", N_("Given Name") },
    { "last", N_("Family Name") }, { "address", N_("Street") }, { "city", N_("City") },
    { "state", N_("State or Region") }, { "zip", N_("Postal Code") }, { "phone", N_("Phone") },
    { "url", N_("Website") }, { "date", N_("Date") }, { "misc", N_("Other") },
    { "text", N_("Text") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].name, name))
      return _(titles[i].title);
  return NULL;
}

static GtkWidget *
new_label (const char *text,
           const char *style)
{
  g_autofree char *shown = confab_styled_text_shorten (text, MAX_TEXT_CHARS);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_text (GTK_LABEL (label), shown);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

static GtkWidget *
new_entry_row (const char *title,
               gboolean    secret,
               const char *value)
{
  g_autofree char *shown = confab_styled_text_isolate (title, MAX_LABEL_CHARS);
  GtkWidget *row = secret ? adw_password_entry_row_new () : adw_entry_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);
  if (value != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
  return row;
}

/* The title a data-form field is shown with: its label, else its name. */
static char *
field_title (ConfabDataField *field)
{
  const char *label = confab_data_field_get_label (field);
  const char *var = confab_data_field_get_var (field);
  const char *title = label != NULL && *label != '\0' ? label : var;
  g_autofree char *shown = confab_styled_text_isolate (title != NULL ? title : "", MAX_LABEL_CHARS);

  if (confab_data_field_get_required (field))
    /* Translators: a form field that must be filled in. */
    return g_strdup_printf (_("%s (required)"), shown);
  return g_steal_pointer (&shown);
}

static GtkWidget *
new_multi_text (ConfabDataField *field)
{
  GtkWidget *view = gtk_text_view_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  g_autofree char *text = g_strjoinv ("\n", (char **) confab_data_field_get_values (field));

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 80);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  return frame;
}

/* XEP-0004 §3.3: one widget per field type. Returns the widget that holds
 * the value (kept in reg_widgets); adds what is shown to @group. */
static GtkWidget *
add_data_field (ConfabWelcomePage *self,
                AdwPreferencesGroup *group,
                ConfabDataField   *field)
{
  g_autofree char *title = field_title (field);
  const char *desc = confab_data_field_get_desc (field);
  const char *value = confab_data_field_get_value (field);
  GtkWidget *row = NULL;
  GtkWidget *holder = NULL;

  switch (confab_data_field_get_field_type (field))
    {
    case CONFAB_DATA_FIELD_HIDDEN:
      return NULL;  /* submitted unchanged */

    case CONFAB_DATA_FIELD_FIXED:
      {
        g_autofree char *text = g_strjoinv ("\n", (char **) confab_data_field_get_values (field));

        adw_preferences_group_add (group, new_label (text, NULL));
        return NULL;
      }

    case CONFAB_DATA_FIELD_TEXT_PRIVATE:
      row = holder = new_entry_row (title, TRUE, value);
      break;

    case CONFAB_DATA_FIELD_BOOLEAN:
      {
        GtkWidget *toggle = gtk_switch_new ();

        gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
        gtk_switch_set_active (GTK_SWITCH (toggle), confab_data_field_get_boolean (field));
        row = adw_action_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
        holder = toggle;
      }
      break;

    case CONFAB_DATA_FIELD_LIST_SINGLE:
      {
        GtkStringList *labels = gtk_string_list_new (NULL);
        guint selected = 0;

        for (guint i = 0; i < confab_data_field_get_n_options (field); i++)
          {
            const char *option_label, *option_value;
            g_autofree char *shown = NULL;

            confab_data_field_get_option (field, i, &option_label, &option_value);
            shown = confab_styled_text_isolate (option_label != NULL ? option_label : option_value,
                                                MAX_LABEL_CHARS);
            gtk_string_list_append (labels, shown);
            if (g_strcmp0 (option_value, value) == 0)
              selected = i;
          }
        row = holder = adw_combo_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
        g_object_unref (labels);
      }
      break;

    case CONFAB_DATA_FIELD_LIST_MULTI:
      {
        const char * const *values = confab_data_field_get_values (field);

        row = holder = adw_expander_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        for (guint i = 0; i < confab_data_field_get_n_options (field); i++)
          {
            const char *option_label, *option_value;
            g_autofree char *shown = NULL;
            GtkWidget *check = gtk_check_button_new ();
            GtkWidget *option_row = adw_action_row_new ();

            confab_data_field_get_option (field, i, &option_label, &option_value);
            shown = confab_styled_text_isolate (option_label != NULL ? option_label : option_value,
                                                MAX_LABEL_CHARS);
            adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (option_row), FALSE);
            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (option_row), shown);
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                         g_strv_contains (values, option_value));
            g_object_set_data_full (G_OBJECT (check), "confab-option-value",
                                    g_strdup (option_value), g_free);
            adw_action_row_add_prefix (ADW_ACTION_ROW (option_row), check);
            adw_action_row_set_activatable_widget (ADW_ACTION_ROW (option_row), check);
            adw_expander_row_add_row (ADW_EXPANDER_ROW (row), option_row);
          }
      }
      break;

    case CONFAB_DATA_FIELD_TEXT_MULTI:
    case CONFAB_DATA_FIELD_JID_MULTI:
      {
        GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
        GtkWidget *frame = new_multi_text (field);

        gtk_box_append (GTK_BOX (box), new_label (title, "heading"));
        gtk_box_append (GTK_BOX (box), frame);
        adw_preferences_group_add (group, box);
        holder = gtk_frame_get_child (GTK_FRAME (frame));
        row = NULL;
      }
      break;

    case CONFAB_DATA_FIELD_TEXT_SINGLE:
    case CONFAB_DATA_FIELD_JID_SINGLE:
    default:
      row = holder = new_entry_row (title, FALSE, value);
      break;
    }

  if (row != NULL)
    {
      if (desc != NULL)
        {
          g_autofree char *shown = confab_styled_text_shorten (desc, MAX_TEXT_CHARS);

          gtk_widget_set_tooltip_text (row, shown);
        }
      adw_preferences_group_add (group, row);
    }
  return holder;
}

static void
build_form (ConfabWelcomePage *self)
{
  ConfabDataForm *data_form = confab_register_form_get_data_form (self->reg_form);
  const char *instructions = confab_register_form_get_instructions (self->reg_form);
  const char *url = confab_register_form_get_url (self->reg_form);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *joined = NULL;

  /* §5: prefer the data form where the server offers one. */
  if (data_form != NULL)
    {
      const char * const *lines = confab_data_form_get_instructions (data_form);
      const char *title = confab_data_form_get_title (data_form);

      if (title != NULL && *title != '\0')
        gtk_box_append (self->form_box, new_label (title, "heading"));
      if (lines[0] != NULL)
        joined = g_strjoinv ("\n", (char **) lines);
      instructions = joined != NULL ? joined : instructions;
    }
  if (instructions != NULL && *instructions != '\0')
    gtk_box_append (self->form_box, new_label (instructions, "dim-label"));

  if (url != NULL)
    {
      g_autofree char *shown = confab_styled_text_shorten (url, MAX_LABEL_CHARS);
      GtkWidget *link = gtk_link_button_new_with_label (url, shown);

      gtk_box_append (self->form_box,
                      new_label (_("This server asks you to create your account on its website:"), NULL));
      gtk_widget_set_halign (link, GTK_ALIGN_START);
      gtk_box_append (self->form_box, link);
    }

  if (data_form != NULL)
    {
      self->reg_submit = confab_data_form_new_submit (data_form);
      for (guint i = 0; i < confab_data_form_get_n_fields (data_form); i++)
        {
          ConfabDataField *field = confab_data_form_get_field (data_form, i);
          GtkWidget *holder = add_data_field (self, group, field);

          if (holder != NULL && confab_data_field_get_var (field) != NULL)
            {
              gtk_widget_set_name (holder, confab_data_field_get_var (field));
              g_hash_table_insert (self->reg_widgets, g_strdup (confab_data_field_get_var (field)), holder);
            }
        }
    }
  else
    {
      const char * const *fields = confab_register_form_get_fields (self->reg_form);

      for (guint i = 0; fields[i] != NULL; i++)
        {
          const char *title = simple_field_title (fields[i]);
          gboolean secret = g_str_equal (fields[i], "password");
          GtkWidget *row;

          if (title == NULL)
            continue;
          row = new_entry_row (title, secret,
                               secret ? NULL : confab_register_form_get_value (self->reg_form, fields[i]));
          gtk_widget_set_name (row, fields[i]);
          g_hash_table_insert (self->reg_widgets, g_strdup (fields[i]), row);
          adw_preferences_group_add (group, row);
        }
    }
  gtk_box_append (self->form_box, GTK_WIDGET (group));
  gtk_widget_set_visible (GTK_WIDGET (self->form_box), TRUE);
  gtk_widget_set_sensitive (gtk_stack_get_child_by_name (self->action_stack, "register"),
                            g_hash_table_size (self->reg_widgets) > 0);
  update_action (self);
}

/* ---- Creating an account: talking to the server --------------------------------- */

static void
form_received_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ConfabWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  ConfabRegisterForm *form;

  form = confab_xep_register_get_form_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (CONFAB_XMPP_STREAM (object) != self->reg_stream)
    {
      g_clear_pointer (&form, confab_register_form_free);
      return;  /* abandoned meanwhile */
    }
  set_busy (self, NULL);
  if (form == NULL)
    {
      g_autofree char *text = NULL;

      if (error->domain == CONFAB_XMPP_STANZA_ERROR)
        show_error (self, _("This server does not let people create accounts in an app. "
                            "Its website may tell you how to get an account."));
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, (text = confab_error_describe (error)));
      clear_registration (self);
      return;
    }
  g_clear_pointer (&self->reg_form, confab_register_form_free);
  self->reg_form = form;
  build_form (self);
}

static void
registration_certificate_response_cb (AdwMessageDialog  *dialog,
                                      const char        *response,
                                      ConfabWelcomePage *self)
{
  GTlsCertificate *certificate = confab_certificate_dialog_get_certificate (CONFAB_CERTIFICATE_DIALOG (dialog));

  g_signal_handlers_disconnect_by_data (dialog, self);
  g_clear_object (&self->certificate_dialog);
  if (g_strcmp0 (response, CONFAB_CERTIFICATE_RESPONSE_TRUST) == 0)
    {
      remember_trusted (self, certificate);
      start_fetch (self);
      return;
    }
  clear_registration (self);
  set_busy (self, NULL);
  show_error (self, _("The server’s certificate was not trusted, so Confab did not connect."));
}

static void
registration_connected_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(ConfabWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  ConfabXmppStream *stream = CONFAB_XMPP_STREAM (object);

  if (confab_xmpp_stream_connect_unauthenticated_finish (stream, result, &error))
    {
      if (stream == self->reg_stream)
        confab_xep_register_get_form_async (stream, self->cancellable, form_received_cb,
                                            g_object_ref (self));
      return;
    }
  if (stream != self->reg_stream)
    return;

  if (g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE)
      && confab_xmpp_stream_get_peer_certificate (stream) != NULL)
    {
      self->certificate_dialog =
        confab_certificate_dialog_new (get_window (self), self->reg_domain,
                                       confab_xmpp_stream_get_peer_certificate (stream),
                                       confab_xmpp_stream_get_peer_certificate_errors (stream));
      g_object_ref_sink (self->certificate_dialog);
      g_signal_connect (self->certificate_dialog, "response",
                        G_CALLBACK (registration_certificate_response_cb), self);
      gtk_label_set_text (self->busy_label, _("Waiting for your decision about the certificate…"));
      gtk_window_present (GTK_WINDOW (self->certificate_dialog));
      return;
    }

  set_busy (self, NULL);
  clear_registration (self);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = confab_error_describe (error);

      show_error (self, text);
    }
}

static void
start_fetch (ConfabWelcomePage *self)
{
  g_autoptr(ConfabJid) domain = confab_jid_parse (self->reg_domain, NULL);
  g_autofree char *host = NULL;
  guint16 port;
  gboolean direct_tls;

  get_connection_settings (self, &host, &port, &direct_tls);
  if (self->reg_stream != NULL)
    {
      confab_xmpp_stream_close_async (self->reg_stream, NULL, NULL, NULL);
      g_clear_object (&self->reg_stream);
    }
  /* XEP-0077 §3.1 over the same verified TLS as a login; the certificates
   * the user trusted on this page are pinned. */
  self->reg_stream = confab_xmpp_stream_new (domain);
  confab_xmpp_stream_set_host (self->reg_stream, host, port);
  confab_xmpp_stream_set_direct_tls (self->reg_stream, direct_tls);
  confab_xmpp_stream_set_pinned_certificates (self->reg_stream,
                                              (const char * const *) self->trusted->pdata);
  set_busy (self, _("Asking the server for its sign-up form…"));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  confab_xmpp_stream_connect_unauthenticated_async (self->reg_stream, self->cancellable,
                                                    registration_connected_cb, g_object_ref (self));
}

static void
on_fetch_clicked_cb (ConfabWelcomePage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autoptr(ConfabJid) domain = NULL;

  if (self->busy)
    return;
  domain = confab_jid_parse (text, NULL);
  if (domain == NULL || !confab_jid_is_domain (domain))
    {
      show_error (self, _("Enter the server’s name, such as example.org."));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  show_error (self, NULL);
  clear_registration (self);
  self->reg_domain = g_strdup (confab_jid_get_domain (domain));
  start_fetch (self);
}

/* The text of the widget for field @name ("" when empty). */
static char *
widget_text (ConfabWelcomePage *self,
             const char        *name)
{
  GtkWidget *widget = g_hash_table_lookup (self->reg_widgets, name);

  if (GTK_IS_EDITABLE (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup ("");
}

/* The values entered for data-form field @field (its widget's state). */
static GStrv
field_values (ConfabWelcomePage *self,
              ConfabDataField   *field,
              ConfabDataField   *shown)
{
  GtkWidget *widget = g_hash_table_lookup (self->reg_widgets, confab_data_field_get_var (field));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  switch (confab_data_field_get_field_type (field))
    {
    case CONFAB_DATA_FIELD_BOOLEAN:
      g_strv_builder_add (builder, gtk_switch_get_active (GTK_SWITCH (widget)) ? "1" : "0");
      break;

    case CONFAB_DATA_FIELD_LIST_SINGLE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (widget));
        const char *value = NULL;

        if (selected < confab_data_field_get_n_options (shown))
          confab_data_field_get_option (shown, selected, NULL, &value);
        if (value != NULL)
          g_strv_builder_add (builder, value);
      }
      break;

    case CONFAB_DATA_FIELD_LIST_MULTI:
      {
        /* The check buttons are somewhere below the expander row. */
        g_autoptr(GPtrArray) todo = g_ptr_array_new ();

        g_ptr_array_add (todo, widget);
        while (todo->len > 0)
          {
            GtkWidget *w = g_ptr_array_steal_index (todo, todo->len - 1);

            if (GTK_IS_CHECK_BUTTON (w) && gtk_check_button_get_active (GTK_CHECK_BUTTON (w))
                && g_object_get_data (G_OBJECT (w), "confab-option-value") != NULL)
              g_strv_builder_add (builder, g_object_get_data (G_OBJECT (w), "confab-option-value"));
            for (GtkWidget *c = gtk_widget_get_last_child (w); c != NULL; c = gtk_widget_get_prev_sibling (c))
              g_ptr_array_add (todo, c);
          }
      }
      break;

    case CONFAB_DATA_FIELD_TEXT_MULTI:
    case CONFAB_DATA_FIELD_JID_MULTI:
      {
        g_autofree char *text = widget_text (self, confab_data_field_get_var (field));
        g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

        for (guint i = 0; lines[i] != NULL; i++)
          if (confab_data_field_get_field_type (field) == CONFAB_DATA_FIELD_TEXT_MULTI
              || *g_strstrip (lines[i]) != '\0')
            g_strv_builder_add (builder, lines[i]);
      }
      break;

    case CONFAB_DATA_FIELD_HIDDEN:
    case CONFAB_DATA_FIELD_FIXED:
      return g_strdupv ((char **) confab_data_field_get_values (field));

    case CONFAB_DATA_FIELD_TEXT_SINGLE:
    case CONFAB_DATA_FIELD_TEXT_PRIVATE:
    case CONFAB_DATA_FIELD_JID_SINGLE:
    default:
      {
        g_autofree char *text = widget_text (self, confab_data_field_get_var (field));

        if (*text != '\0')
          g_strv_builder_add (builder, text);
      }
      break;
    }
  return g_strv_builder_end (builder);
}

static void
registered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConfabWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autofree char *jid = NULL;

  if (!confab_xep_register_submit_finish (CONFAB_XMPP_STREAM (object), result, &error))
    {
      const char *text = NULL;
      g_autofree char *described = NULL;

      set_busy (self, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (error->domain != CONFAB_XMPP_STANZA_ERROR)
        text = described = confab_error_describe (error);
      else if (error->code == CONFAB_XMPP_STANZA_ERROR_CONFLICT)
        text = _("That username is already taken. Choose another one.");
      else if (error->code == CONFAB_XMPP_STANZA_ERROR_NOT_ACCEPTABLE
               || error->code == CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST
               || error->code == CONFAB_XMPP_STANZA_ERROR_JID_MALFORMED)
        text = _("The server did not accept these details. Check them, for example whether the username has characters it does not allow, and try again.");
      else if (error->code == CONFAB_XMPP_STANZA_ERROR_POLICY_VIOLATION
               || error->code == CONFAB_XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT)
        text = _("The server does not accept new accounts right now. Try again later.");
      else
        text = _("This server does not allow creating accounts in an app.");
      show_error (self, text);
      return;
    }

  /* XEP-0077 §3.1: registered; now log in normally with the new account. */
  username = widget_text (self, "username");
  password = widget_text (self, "password");
  if (*username == '\0' || *password == '\0')
    {
      set_busy (self, NULL);
      show_error (self, _("The account was created. Log in with the details the server gave you."));
      gtk_stack_set_visible_child_name (self->mode_stack, "login");
      return;
    }
  jid = g_strdup_printf ("%s@%s", username, self->reg_domain);
  gtk_editable_set_text (GTK_EDITABLE (self->jid_row), jid);
  clear_registration (self);
  start_login (self, jid, password);
}

static void
on_register_clicked_cb (ConfabWelcomePage *self)
{
  g_autoptr(ConfabXmppNode) query = NULL;

  if (self->busy || self->reg_form == NULL || self->reg_stream == NULL)
    return;

  if (self->reg_submit != NULL)
    {
      ConfabDataForm *shown_form = confab_register_form_get_data_form (self->reg_form);

      for (guint i = 0; i < confab_data_form_get_n_fields (self->reg_submit); i++)
        {
          ConfabDataField *field = confab_data_form_get_field (self->reg_submit, i);
          ConfabDataField *shown = confab_data_form_lookup_field (shown_form, confab_data_field_get_var (field));
          g_auto(GStrv) values = field_values (self, field, shown);

          if (values[0] == NULL && confab_data_field_get_required (shown))
            {
              g_autofree char *title = field_title (shown);
              g_autofree char *text = g_strdup_printf (_("Fill in “%s”."), title);

              show_error (self, text);
              return;
            }
          confab_data_field_set_values (field, (const char * const *) values);
        }
      query = confab_register_build_data_form (self->reg_submit);
    }
  else
    {
      const char * const *fields = confab_register_form_get_fields (self->reg_form);
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
      g_auto(GStrv) name_list = NULL;
      g_auto(GStrv) value_list = NULL;

      for (guint i = 0; fields[i] != NULL; i++)
        {
          g_autofree char *value = NULL;

          /* A field we do not show (a key) goes back as the server sent it. */
          if (g_hash_table_contains (self->reg_widgets, fields[i]))
            value = widget_text (self, fields[i]);
          else
            value = g_strdup (confab_register_form_get_value (self->reg_form, fields[i]) ?: "");
          if (*value == '\0' && (g_str_equal (fields[i], "username") || g_str_equal (fields[i], "password")))
            {
              g_autofree char *text = g_strdup_printf (_("Fill in “%s”."), simple_field_title (fields[i]));

              show_error (self, text);
              return;
            }
          g_strv_builder_add (names, fields[i]);
          g_strv_builder_add (values, value);
        }
      name_list = g_strv_builder_end (names);
      value_list = g_strv_builder_end (values);
      query = confab_register_build_simple ((const char * const *) name_list,
                                            (const char * const *) value_list);
    }

  show_error (self, NULL);
  set_busy (self, _("Creating the account…"));
  confab_xep_register_submit_async (self->reg_stream, query, self->cancellable, registered_cb,
                                    g_object_ref (self));
}

static void
on_cancel_clicked_cb (ConfabWelcomePage *self)
{
  /* What runs ends; what comes next gets a fresh cancellable. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->pending != NULL)
    fail_pending (self, NULL);
}

/* ---- GObject ----------------------------------------------------------------- */

static void
confab_welcome_page_dispose (GObject *object)
{
  ConfabWelcomePage *self = CONFAB_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  close_certificate_dialog (self);
  unwatch_pending (self);
  /* A login still under way when the page goes leaves no account behind. */
  if (self->pending != NULL)
    confab_account_manager_remove_async (self->manager, self->pending, NULL, NULL, NULL);
  g_clear_object (&self->pending);
  if (self->reg_widgets != NULL)
    clear_registration (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WELCOME_PAGE);
  G_OBJECT_CLASS (confab_welcome_page_parent_class)->dispose (object);
}

static void
confab_welcome_page_finalize (GObject *object)
{
  ConfabWelcomePage *self = CONFAB_WELCOME_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->manager);
  g_ptr_array_unref (self->trusted);
  g_clear_pointer (&self->reg_widgets, g_hash_table_unref);
  G_OBJECT_CLASS (confab_welcome_page_parent_class)->finalize (object);
}

static void
confab_welcome_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConfabWelcomePage *self = CONFAB_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_welcome_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ConfabWelcomePage *self = CONFAB_WELCOME_PAGE (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_welcome_page_class_init (ConfabWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_welcome_page_dispose;
  object_class->finalize = confab_welcome_page_finalize;
  object_class->get_property = confab_welcome_page_get_property;
  object_class->set_property = confab_welcome_page_set_property;

  /**
   * ConfabWelcomePage:manager:
   * The account manager new accounts are added to.
   */
  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, CONFAB_TYPE_ACCOUNT_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConfabWelcomePage::account-added:
   * @account: the new account, online
   *
   * Emitted when an account was added (and, for a new one, created on its
   * server) and has logged in.
   */
  signals[ACCOUNT_ADDED] =
    g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CONFAB_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, greeting_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, jid_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, password_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, server_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, form_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, host_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, port_spin);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, direct_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, busy_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWelcomePage, action_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_login_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_jid_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_fetch_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_register_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_changed_cb);
}

static void
confab_welcome_page_init (ConfabWelcomePage *self)
{
  self->trusted = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->trusted, NULL);
  self->reg_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_action (self);
}

GtkWidget *
confab_welcome_page_new (ConfabAccountManager *manager)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);

  return g_object_new (CONFAB_TYPE_WELCOME_PAGE, "manager", manager, NULL);
}

/* ---- The "Add Account" window ---------------------------------------------------- */

void
confab_account_dialog_present (GtkWindow            *parent,
                               ConfabAccountManager *manager)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *page;
  GtkEventController *shortcuts;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager));

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Add Account"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 640);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Add Account"), NULL));
  gtk_box_append (GTK_BOX (box), header);
  page = confab_welcome_page_new (manager);
  gtk_widget_set_vexpand (page, TRUE);
  /* The greeting is for the first run only. */
  gtk_widget_set_visible (CONFAB_WELCOME_PAGE (page)->greeting_box, FALSE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (window), box);

  /* Escape closes, as in any dialog. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  g_signal_connect_object (page, "account-added", G_CALLBACK (gtk_window_destroy), window,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
}
