/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "Untrusted Certificate" dialog: why verification failed, what the
 * certificate says (all of it written by whoever runs the server, so shown
 * as plain, shortened, isolated text), and an explicit choice to trust
 * exactly this certificate. */
#include "config.h"

#include "confab-certificate-dialog.h"

#include <glib/gi18n.h>

#include "confab-styled-text.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-stream.h"

#define MAX_DN_CHARS 300

struct _ConfabCertificateDialog
{
  AdwMessageDialog  parent_instance;

  GTlsCertificate  *certificate;
  ConfabAccount    *account;   /* NULL when the caller handles the response */

  /* template children */
  GtkLabel         *subject_label;
  GtkLabel         *names_label;
  GtkLabel         *issuer_label;
  GtkLabel         *validity_label;
  GtkLabel         *fingerprint_label;
};

G_DEFINE_FINAL_TYPE (ConfabCertificateDialog, confab_certificate_dialog, ADW_TYPE_MESSAGE_DIALOG)

char *
confab_certificate_describe_errors (GTlsCertificateFlags errors)
{
  const struct { GTlsCertificateFlags flag; const char *text; } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_("It is not signed by an authority this computer trusts.") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_("It was issued for a different server.") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_("It is not valid yet.") },
    { G_TLS_CERTIFICATE_EXPIRED, N_("It has expired.") },
    { G_TLS_CERTIFICATE_REVOKED, N_("It has been revoked by its issuer.") },
    { G_TLS_CERTIFICATE_INSECURE, N_("It uses cryptography that is no longer secure.") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_("It could not be checked.") },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      if ((errors & reasons[i].flag) == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, _(reasons[i].text));
    }
  if (text->len == 0)
    g_string_append (text, _("It could not be verified."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "AB:CD:…", the way certificate viewers show it, so it can be compared
 * with what the server's administrator publishes. */
static char *
format_fingerprint (GTlsCertificate *certificate)
{
  g_autofree char *hex = confab_xmpp_certificate_fingerprint (certificate);
  g_autoptr(GString) text = g_string_new (NULL);

  if (hex == NULL)
    return g_strdup (_("Unknown"));
  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      /* Two lines of 16 bytes, so it never wraps in the middle of one. */
      if (i == 32)
        g_string_append_c (text, '\n');
      else if (i > 0)
        g_string_append_c (text, ':');
      g_string_append_c (text, g_ascii_toupper (hex[i]));
      g_string_append_c (text, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (_("unknown"));
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%x %X");
}

static char *
format_names (GTlsCertificate *certificate)
{
  g_autoptr(GPtrArray) dns_names = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_object_get (certificate, "dns-names", &dns_names, NULL);
  for (guint i = 0; dns_names != NULL && i < dns_names->len && i < 20; i++)
    {
      GBytes *name = g_ptr_array_index (dns_names, i);
      gsize len = 0;
      const char *data = g_bytes_get_data (name, &len);
      g_autofree char *valid = g_utf8_make_valid (data, len);
      g_autofree char *shown = confab_styled_text_isolate (valid, 100);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, shown);
    }
  if (text->len == 0)
    g_string_append (text, _("none"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fill (ConfabCertificateDialog *self,
      const char              *domain,
      GTlsCertificateFlags     errors)
{
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autofree char *reasons = confab_certificate_describe_errors (errors);
  g_autofree char *shown_domain = confab_styled_text_isolate (domain, 100);
  g_autofree char *body = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *validity = NULL;
  g_autofree char *names = format_names (self->certificate);
  g_autofree char *fingerprint = format_fingerprint (self->certificate);
  g_autofree char *shown_subject = NULL;
  g_autofree char *shown_issuer = NULL;

  g_object_get (self->certificate,
                "subject-name", &subject,
                "issuer-name", &issuer,
                "not-valid-before", &not_before,
                "not-valid-after", &not_after,
                NULL);

  /* Translators: %s is a server's domain; the reasons follow on their own lines. */
  body = g_strdup_printf (_("The identity of %s cannot be confirmed. Someone may be pretending to be "
                            "this server to read your messages and password.\n\n%s\n\n"
                            "Trust this certificate only if you know it is the right one, for "
                            "example because the server’s administrator told you its fingerprint."),
                          shown_domain, reasons);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  shown_subject = confab_styled_text_isolate (subject != NULL ? subject : _("unknown"), MAX_DN_CHARS);
  shown_issuer = confab_styled_text_isolate (issuer != NULL ? issuer : _("unknown"), MAX_DN_CHARS);
  gtk_label_set_text (self->subject_label, shown_subject);
  gtk_label_set_text (self->issuer_label, shown_issuer);
  gtk_label_set_text (self->names_label, names);

  from = format_date (not_before);
  until = format_date (not_after);
  /* Translators: the validity period of a certificate, two dates. */
  validity = g_strdup_printf (_("from %s until %s"), from, until);
  gtk_label_set_text (self->validity_label, validity);
  gtk_label_set_text (self->fingerprint_label, fingerprint);
}

static void
confab_certificate_dialog_response (AdwMessageDialog *dialog,
                                    const char       *response)
{
  ConfabCertificateDialog *self = CONFAB_CERTIFICATE_DIALOG (dialog);

  /* Only what the user saw is pinned, and only on their explicit choice. */
  if (self->account != NULL && g_strcmp0 (response, CONFAB_CERTIFICATE_RESPONSE_TRUST) == 0)
    confab_account_trust_certificate (self->account, self->certificate);
  if (ADW_MESSAGE_DIALOG_CLASS (confab_certificate_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (confab_certificate_dialog_parent_class)->response (dialog, response);
}

static void
confab_certificate_dialog_dispose (GObject *object)
{
  ConfabCertificateDialog *self = CONFAB_CERTIFICATE_DIALOG (object);

  g_clear_object (&self->certificate);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CERTIFICATE_DIALOG);
  G_OBJECT_CLASS (confab_certificate_dialog_parent_class)->dispose (object);
}

static void
confab_certificate_dialog_class_init (ConfabCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = confab_certificate_dialog_dispose;
  dialog_class->response = confab_certificate_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/confab/Confab/confab-certificate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabCertificateDialog, subject_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabCertificateDialog, names_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabCertificateDialog, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabCertificateDialog, validity_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabCertificateDialog, fingerprint_label);
}

static void
confab_certificate_dialog_init (ConfabCertificateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
confab_certificate_dialog_new (GtkWindow            *parent,
                               const char           *domain,
                               GTlsCertificate      *certificate,
                               GTlsCertificateFlags  errors)
{
  ConfabCertificateDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (CONFAB_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->certificate = g_object_ref (certificate);
  fill (self, domain, errors);
  return GTK_WIDGET (self);
}

GtkWidget *
confab_certificate_dialog_new_for_account (GtkWindow     *parent,
                                           ConfabAccount *account)
{
  ConfabXmppStream *stream;
  GTlsCertificate *certificate;
  ConfabCertificateDialog *self;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT (account), NULL);

  stream = confab_account_get_stream (account);
  certificate = confab_xmpp_stream_get_peer_certificate (stream);
  if (certificate == NULL
      || !g_error_matches (confab_account_get_error (account), CONFAB_XMPP_ERROR,
                           CONFAB_XMPP_ERROR_CERTIFICATE))
    return NULL;

  self = CONFAB_CERTIFICATE_DIALOG (
    confab_certificate_dialog_new (parent, confab_jid_get_domain (confab_account_get_jid (account)),
                                   certificate, confab_xmpp_stream_get_peer_certificate_errors (stream)));
  self->account = g_object_ref (account);
  return GTK_WIDGET (self);
}

void
confab_certificate_dialog_present (GtkWindow     *parent,
                                   ConfabAccount *account)
{
  GtkWidget *dialog;

  g_return_if_fail (CONFAB_IS_ACCOUNT (account));

  dialog = confab_certificate_dialog_new_for_account (parent, account);
  if (dialog != NULL)
    gtk_window_present (GTK_WINDOW (dialog));
}

GTlsCertificate *
confab_certificate_dialog_get_certificate (ConfabCertificateDialog *self)
{
  g_return_val_if_fail (CONFAB_IS_CERTIFICATE_DIALOG (self), NULL);
  return self->certificate;
}
